"""flight.fall (compiled, one point at a time) against flight.propagate (arrays), the physics
core's reference integrator, on seeded states from boost-out to re-entry."""

from __future__ import annotations

import numpy as np
import pytest

from launchwatch import earth
from launchwatch.atmosphere import density_kg_m3
from launchwatch.flight.dynamics import approximate_altitude_m
from launchwatch.flight.fall import fall
from launchwatch.flight.pointwise import altitude, density, geodetic, on_ellipsoid
from launchwatch.flight.propagate import propagate


def _states(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(30, 45, n), rng.uniform(125, 145, n)
    alt = rng.uniform(20e3, 600e3, n)
    r = earth.geodetic_to_ecef(lat, lon, alt)
    up = r / np.linalg.norm(r, axis=1, keepdims=True)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east, axis=1, keepdims=True)
    # 1-5 km/s, climbing or falling at up to 45°
    speed = rng.uniform(1000, 5000, n)
    gamma = np.radians(rng.uniform(-45, 45, n))
    v = speed[:, None] * (np.cos(gamma)[:, None] * east + np.sin(gamma)[:, None] * up)
    beta = np.exp(rng.uniform(np.log(500.0), np.log(60000.0), n))
    return r, v, beta


@pytest.mark.parametrize("backward", [False, True])
def test_fall_lands_where_propagate_lands(backward: bool) -> None:
    r, v, beta = _states(40, seed=11)
    t0 = np.linspace(0.0, 50.0, len(r))
    rtol, atol = 1e-9, 1e-3
    ref = propagate(
        r,
        v,
        t0=t0,
        beta_kg_m2=beta,
        t_end=t0 + 3600.0,
        max_duration_s=3600.0,
        rtol=rtol,
        atol_m=atol,
        impact_tol_m=1e-3,
        find_apogee=False,
        backward=backward,
    )
    r_hit, t_hit, down = fall(r, v, 1.0 / beta, t0, 3600.0, backward, rtol, atol, 1e-3)
    np.testing.assert_array_equal(down, ref.impacted)
    assert down.all()
    # the two integrators take the same steps; the crossing is located on the interpolant
    # here and refined by Newton on re-taken steps there: agreement to well under a metre
    miss = np.linalg.norm(r_hit - ref.r_impact, axis=1)
    assert miss.max() < 0.5, miss.max()
    assert np.abs(t_hit - ref.t_impact).max() < 1e-3
    assert np.abs(approximate_altitude_m(r_hit)).max() < 0.01
    if backward:
        assert (t_hit < t0).all()


def test_fall_at_impact_prediction_tolerances_errs_as_propagate_does() -> None:
    """At the tolerances the impact predictor uses (rtol 1e-6, atol 5 m, 1 m on the ground)
    both integrators err alike against a tight reference (tens of metres on the longest,
    draggiest flights, against ellipses of hundreds of metres or more)."""
    r, v, beta = _states(40, seed=12)
    t0 = np.zeros(len(r))
    tight = propagate(r, v, beta_kg_m2=beta, rtol=1e-10, atol_m=1e-4, find_apogee=False)
    loose = propagate(
        r, v, beta_kg_m2=beta, rtol=1e-6, atol_m=5.0, impact_tol_m=1.0, find_apogee=False
    )
    r_hit, _, down = fall(r, v, 1.0 / beta, t0, 3 * 3600.0, False, 1e-6, 5.0, 1.0)
    assert down.all()
    ours = np.linalg.norm(r_hit - tight.r_impact, axis=1)
    theirs = np.linalg.norm(loose.r_impact - tight.r_impact, axis=1)
    assert np.linalg.norm(r_hit - loose.r_impact, axis=1).max() < 5.0
    assert ours.max() < theirs.max() + 5.0
    assert np.median(ours) < 20.0


def test_a_point_below_ground_or_out_of_time_is_reported_as_such() -> None:
    r, v, beta = _states(2, seed=13)
    r[0] = earth.geodetic_to_ecef(38.0, 130.0, -10.0)
    r_hit, t_hit, down = fall(r, v, 1.0 / beta, np.zeros(2), 5.0, False, 1e-6, 5.0, 1.0)
    assert down[0]
    assert not down[1]
    np.testing.assert_array_equal(r_hit[0], r[0])
    assert t_hit[1] == pytest.approx(5.0)


def test_pointwise_density_and_altitude_repeat_the_vectorised_forms() -> None:
    h = np.linspace(-4000.0, 1_200_000.0, 997)
    np.testing.assert_allclose([density(x) for x in h], density_kg_m3(h), rtol=1e-12)
    r, _, _ = _states(50, seed=14)
    np.testing.assert_allclose([altitude(x) for x in r], approximate_altitude_m(r), atol=1e-6)
    lat, lon, h = np.array([geodetic(*x) for x in r]).T
    ref_lat, ref_lon, ref_h = earth.ecef_to_geodetic(r)
    np.testing.assert_allclose(np.degrees(lat), ref_lat, atol=1e-12)
    np.testing.assert_allclose(np.degrees(lon), ref_lon, atol=1e-12)
    np.testing.assert_allclose(h, ref_h, atol=1e-6)
    ground = np.empty_like(r)
    for x, a, b in zip(ground, lat, lon, strict=True):
        on_ellipsoid(a, b, x)
    np.testing.assert_allclose(ground, earth.geodetic_to_ecef(ref_lat, ref_lon, 0.0), atol=1e-6)
