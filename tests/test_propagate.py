"""Propagation: conservation, agreement with an independent integrator, impact location."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from flight_states import burnout_state
from launchwatch import earth
from launchwatch.errors import InputError
from launchwatch.flight.dynamics import acceleration, jacobi_energy
from launchwatch.flight.propagate import propagate


@pytest.mark.parametrize("gravity", ["point-mass", "j2"])
def test_vacuum_energy_conserved_over_90_minute_lofted_flight(gravity):
    # Lofted from 300 km at 8.3 km/s, 85° elevation: apogee ~9,500 km, still in flight at 90 min.
    r, v = burnout_state(40.0, 125.3, 300e3, 95.0, 85.0, 8300.0)
    flight = propagate(r, v, t_end=5400.0, gravity=gravity, record=True, rtol=1e-10, atol_m=1e-6)
    path = flight.paths[0]
    assert path[-1, 0] == pytest.approx(5400.0)
    assert not flight.impacted[0]
    energy = jacobi_energy(path[:, 1:4], path[:, 4:], gravity)
    assert np.max(np.abs(energy / energy[0] - 1.0)) < 1e-9


def _reference_impact(r, v, beta):
    """scipy DOP853 at rtol 1e-12 with a terminal altitude event: the independent reference."""
    inv_beta = np.array([0.0 if np.isinf(beta) else 1.0 / beta])
    no_lift = np.zeros(1)

    def rhs(_t, y):
        return np.concatenate([y[3:], acceleration(y[None, :3], y[None, 3:], inv_beta, no_lift)[0]])

    def ground(_t, y):
        return earth.geodetic_altitude_m(y[:3])

    ground.terminal = True
    ground.direction = -1
    sol = solve_ivp(
        rhs,
        (0.0, 4000.0),
        np.concatenate([r, v]),
        method="DOP853",
        rtol=1e-12,
        atol=1e-9,
        events=ground,
    )
    return sol.t_events[0][0], sol.y_events[0][0][:3]


@pytest.mark.parametrize("beta", [np.inf, 20_000.0, 3_000.0])
def test_1000_km_flight_impact_within_1_m_of_dop853(beta):
    r, v = burnout_state(39.19, 125.96, 60e3, 68.0, 38.0, 3050.0)
    t_ref, r_ref = _reference_impact(r, v, beta)
    flight = propagate(r, v, beta_kg_m2=beta)
    lat, lon, _ = earth.ecef_to_geodetic(r_ref)
    distance, _, _ = earth.geodesic_inverse(39.19, 125.96, lat, lon)
    assert 900e3 < distance < 1200e3  # it is a ~1,000 km flight
    assert np.linalg.norm(flight.r_impact[0] - r_ref) < 1.0
    assert flight.t_impact[0] == pytest.approx(t_ref, abs=1e-3)


def test_impact_is_on_the_ground_not_at_a_step_end():
    r, v = burnout_state(39.0, 126.0, 50e3, 90.0, 45.0, np.array([1500.0, 2500.0, 3500.0]))
    flight = propagate(r, v, beta_kg_m2=[np.inf, 1e4, 5e3])
    assert flight.impacted.all()
    assert np.max(np.abs(earth.geodetic_altitude_m(flight.r_impact))) < 1e-3
    # and at the ground the object is descending
    up = flight.r_impact / np.linalg.norm(flight.r_impact, axis=1, keepdims=True)
    assert np.all(np.einsum("ij,ij->i", up, flight.v_impact) < 0)


def test_batch_equals_one_at_a_time():
    speeds = np.array([1200.0, 2600.0, 4100.0, 5200.0])
    r, v = burnout_state(39.0, 126.0, 40e3, 80.0, 40.0, speeds)
    batch = propagate(r, v, beta_kg_m2=[np.inf, 8e3, 2e4, 5e4])
    for i, beta in enumerate([np.inf, 8e3, 2e4, 5e4]):
        one = propagate(r[i], v[i], beta_kg_m2=beta)
        assert np.allclose(one.r_impact[0], batch.r_impact[i], atol=1e-6)
        assert one.apogee_alt_m[0] == pytest.approx(batch.apogee_alt_m[i], abs=1e-6)


def test_apogee_agrees_with_dense_sampling():
    r, v = burnout_state(39.0, 126.0, 60e3, 70.0, 60.0, 4000.0)
    flight = propagate(r, v, record=True, rtol=1e-12, atol_m=1e-6)
    coarse = propagate(r, v)
    path = flight.paths[0]
    assert flight.apogee_alt_m[0] >= earth.geodetic_altitude_m(path[:, 1:4]).max()
    # the coarse run's steps are hundreds of seconds long near apogee; its interpolated
    # apogee still agrees with the fine run to a metre
    assert coarse.apogee_alt_m[0] == pytest.approx(flight.apogee_alt_m[0], abs=1.0)


def test_drag_shortens_and_lift_extends_the_flight():
    r, v = burnout_state(39.0, 126.0, 40e3, 90.0, 20.0, 3000.0)
    vacuum, heavy_drag, glide = (
        propagate(r, v, beta_kg_m2=b, lift_to_drag=ld)
        for b, ld in ((np.inf, 0.0), (2e3, 0.0), (2e3, 2.5))
    )

    def flown(f):
        lat, lon, _ = earth.ecef_to_geodetic(f.r_impact[0])
        return earth.geodesic_inverse(39.0, 126.0, lat, lon)[0]

    assert flown(heavy_drag) < flown(vacuum)
    assert flown(glide) > flown(heavy_drag) + 100e3


def test_t_end_stops_without_impact():
    r, v = burnout_state(39.0, 126.0, 40e3, 90.0, 45.0, 3000.0)
    flight = propagate(r, v, t0=100.0, t_end=160.0)
    assert not flight.impacted[0]
    assert flight.t_impact[0] == pytest.approx(160.0)
    assert earth.geodetic_altitude_m(flight.r_impact[0]) > 40e3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"beta_kg_m2": 0.0}, "beta_kg_m2"),
        ({"beta_kg_m2": np.nan}, "beta_kg_m2"),
        ({"t_end": -5.0}, "t_end"),
    ],
)
def test_bad_parameters_name_the_field(kwargs, field):
    r, v = burnout_state(39.0, 126.0, 40e3, 90.0, 45.0, 3000.0)
    with pytest.raises(InputError, match=field):
        propagate(r, v, **kwargs)


def test_non_finite_state_is_rejected():
    with pytest.raises(InputError, match="r0/v0"):
        propagate([np.nan, 0.0, 7e6], [0.0, 0.0, 0.0])


def test_backward_flight_returns_to_the_pad():
    # vacuum: fly 200 s forward from 1 m above the pad, then back from there to the ground
    r = earth.geodetic_to_ecef(39.0, 126.0, 1.0)
    _, v = burnout_state(39.0, 126.0, 0.0, 70.0, 40.0, 3000.0)
    forward = propagate(r, v, t_end=200.0, record=True)
    end = forward.paths[0][-1]
    back = propagate(end[1:4], end[4:7], t0=end[0], backward=True)
    assert back.impacted[0]
    assert back.t_impact[0] == pytest.approx(0.0, abs=0.01)
    pad = earth.geodetic_to_ecef(39.0, 126.0, 0.0)
    assert np.linalg.norm(back.r_impact[0] - pad) < 2.0  # the 1 m climb, along a 40° path
    assert np.allclose(back.v_impact[0], v, atol=0.05)
