"""Minimum-energy apogee, trajectory shape and range classes."""

import numpy as np
import pytest

from launchwatch.flight.shape import (
    minimum_energy_apogee_km,
    minimum_energy_speed_m_s,
    range_class,
    trajectory_shape,
)


def test_short_range_minimum_energy_apogee_tends_to_a_quarter_of_range():
    # flat-Earth limit: 45° launch, apogee = range / 4
    assert minimum_energy_apogee_km(10.0) == pytest.approx(2.5, rel=1e-3)


def test_minimum_energy_matches_an_independent_vacuum_flight():
    # Fly the minimum-energy conic numerically (point-mass, non-rotating, from the surface of a
    # sphere) and compare its apogee and range with the closed form.
    from scipy.integrate import solve_ivp

    R, mu = 6371.0088e3, 3.986004418e14
    for range_km in (300.0, 1100.0, 5000.0, 10000.0):
        psi = range_km / 6371.0088
        gamma = (np.pi - psi) / 4
        v = float(minimum_energy_speed_m_s(range_km))

        def rhs(_t, y):
            r = y[:2]
            return np.concatenate([y[2:], -mu * r / np.linalg.norm(r) ** 3])

        def ground(_t, y):
            return np.linalg.norm(y[:2]) - R

        ground.terminal, ground.direction = True, -1
        y0 = [0.0, R, v * np.cos(gamma), v * np.sin(gamma)]
        sol = solve_ivp(rhs, (0, 1e5), y0, rtol=1e-11, atol=1e-6, events=ground, max_step=5.0)
        apogee = (np.linalg.norm(sol.y[:2], axis=0).max() - R) / 1e3
        end = sol.y_events[0][0][:2]
        flown_km = np.arctan2(end[0], end[1]) * 6371.0088
        assert flown_km == pytest.approx(range_km, rel=1e-4)
        assert apogee == pytest.approx(float(minimum_energy_apogee_km(range_km)), rel=1e-3)


@pytest.mark.parametrize(
    ("apogee_km", "range_km", "shape"),
    [
        (2800.0, 933.0, "lofted"),  # Hwasong-14, 4 Jul 2017
        (100.0, 1100.0, "depressed"),  # 6 Jan 2025
        (100.0, 400.0, "minimum-energy"),  # SRBM salvo, 5 Nov 2024
    ],
)
def test_trajectory_shape(apogee_km, range_km, shape):
    name, ratio = trajectory_shape(apogee_km, range_km)
    assert name == shape
    assert ratio == pytest.approx(apogee_km / float(minimum_energy_apogee_km(range_km)))


@pytest.mark.parametrize(
    ("range_km", "name"),
    [
        (0.1, "SRBM"),
        (999.9, "SRBM"),
        (1000.0, "MRBM"),
        (2999.0, "MRBM"),
        (3000.0, "IRBM"),
        (5499.0, "IRBM"),
        (5500.0, "ICBM"),
        (15000.0, "ICBM"),
    ],
)
def test_range_class_boundaries(range_km, name):
    assert range_class(range_km) == name
