"""tracking.impact: the unscented impact ellipse against sampling the same estimate."""

from __future__ import annotations

import numpy as np

from launchwatch import earth
from launchwatch.flight.fall import fall
from launchwatch.tracking.impact import CHI2_2_95, predict_impacts
from launchwatch.tracking.motion import kappa_of


def test_the_unscented_ellipse_matches_4000_sampled_flights() -> None:
    # an IRBM-like state 100 km up over the Sea of Japan, climbing east-north-east, with
    # position, velocity and drag uncertain (σ 300 m, 3 m/s, 0.3 in ln κ)
    r0 = earth.geodetic_to_ecef(39.5, 131.0, 100e3)
    R = earth.enu_rotation(39.5, 131.0)
    v0 = R.T @ np.array([2400.0, 900.0, 1200.0])
    x = np.r_[r0, v0, np.log(1 / 5000.0)]
    P = np.diag([300.0**2] * 3 + [3.0**2] * 3 + [0.3**2])
    (p,) = predict_impacts(x[None], P[None], np.zeros(1))
    assert p.reached

    # the reference: seeded samples of the same Gaussian flown by the same integrator, the
    # spread measured with earth's NumPy conversions (not the compiled kernel under test)
    s = np.random.default_rng(7).multivariate_normal(x, P, 4000)
    r, _, down = fall(
        np.ascontiguousarray(s[:, :3]),
        np.ascontiguousarray(s[:, 3:6]),
        kappa_of(s[:, 6]),
        np.zeros(len(s)),
        3 * 3600.0,
        False,
        1e-6,
        5.0,
        1.0,
    )
    assert down.all()
    lat, lon, _ = earth.ecef_to_geodetic(r)
    enu = earth.ecef_to_enu(earth.geodetic_to_ecef(lat, lon, 0.0), p.lat_deg, p.lon_deg, 0.0)
    # the mean point: within 2 % of the ellipse's size of the samples' mean
    assert np.hypot(*enu[:, :2].mean(axis=0)) < 0.02 * p.semi_major_km * 1e3
    evals, evecs = np.linalg.eigh(np.cov(enu[:, :2].T))
    semi = np.sqrt(CHI2_2_95 * evals) / 1e3
    # 4000 samples give the axes to about 1.1 % (1σ); the flight is close to linear here
    np.testing.assert_allclose([p.semi_minor_km, p.semi_major_km], semi, rtol=0.05)
    orientation = np.degrees(np.arctan2(evecs[0, 1], evecs[1, 1])) % 180.0
    d = abs(p.orientation_deg - orientation)
    assert min(d, 180.0 - d) < 1.0
    # ... an orientation that means something (axes about 1.9 : 1), far from its mirror
    # image, which a mix-up of east and north would give
    assert p.semi_major_km > 1.5 * p.semi_minor_km
    assert abs(p.orientation_deg - (90.0 - p.orientation_deg)) > 30.0
