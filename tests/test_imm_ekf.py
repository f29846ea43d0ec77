"""The compiled IMM-EKF kernels against the NumPy forms they repeat (imm, kalman, motion,
sensing), on seeded random states spread over boost, ballistic and re-entry conditions."""

from __future__ import annotations

import numpy as np
import pytest

from launchwatch import earth
from launchwatch.tracking import imm, imm_ekf, kalman, sensing

K, D = len(imm.MODELS), 8
CFG = imm.ImmConfig()


def _tracks(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    # 5 km (dense air, strong drag gradient) to 400 km altitude, a few km/s
    r0 = earth.geodetic_to_ecef(
        rng.uniform(35, 45, n), rng.uniform(125, 140, n), np.linspace(5e3, 400e3, n)
    )
    v0 = rng.normal(0, 2000, (n, 3))
    x = np.zeros((n, K, D))
    for k in range(K):
        x[:, k, :3] = r0 + rng.normal(0, 100, (n, 3))
        x[:, k, 3:6] = v0 + rng.normal(0, 10, (n, 3))
        x[:, k, 6] = rng.normal(0, 1.5, n)
        x[:, k, 7] = rng.normal(10, 5, n)
    A = rng.normal(size=(n, K, D, D))
    P = A @ np.swapaxes(A, 2, 3) * 100 + np.eye(D) * 10
    return x, P, rng.dirichlet(np.ones(K), n)


def _kernel_predict(x, P, mu, dt):
    x, P, mu = x.copy(), P.copy(), mu.copy()
    imm_ekf.predict(
        x,
        P,
        mu,
        np.arange(len(x)),
        dt,
        np.asarray(CFG.stay),
        np.asarray(CFG.q_m2_s3),
        CFG.q_kappa,
        np.asarray(CFG.q_jerk),
        np.asarray(CFG.thrust),
        1.0,
    )
    return x, P, mu


def test_predict_matches_mixing_and_ekf_prediction() -> None:
    x, P, mu = _tracks(6, seed=1)
    dt = np.array([0.1, 0.5, 1.0, 1.7, 3.2, 0.0])
    xk, Pk, muk = _kernel_predict(x, P, mu, dt)
    for i in range(len(x)):
        if dt[i] == 0:
            # a track already at the scan time is left alone
            np.testing.assert_array_equal(xk[i], x[i])
            continue
        T = CFG.transition(dt[i : i + 1])
        x0, P0, c = imm.mix(x[i : i + 1], P[i : i + 1], mu[i : i + 1], T)
        xr, Pr = kalman.ekf_predict(
            x0[0],
            P0[0],
            np.repeat(dt[i], K),
            np.asarray(CFG.q_m2_s3),
            CFG.q_kappa,
            np.asarray(CFG.q_jerk),
            np.asarray(CFG.thrust),
        )
        np.testing.assert_allclose(xk[i], xr, rtol=1e-12, atol=1e-6)
        np.testing.assert_allclose(Pk[i], Pr, rtol=1e-9, atol=1e-9 * np.abs(Pr).max())
        np.testing.assert_allclose(muk[i], c[0], rtol=1e-12)


def test_combine_matches_moment_matching() -> None:
    x, P, mu = _tracks(5, seed=2)
    rows = np.array([4, 0, 2])
    xc, Pc = imm_ekf.combine(x, P, mu, rows)
    xr, Pr = imm.combine(x[rows], P[rows], mu[rows])
    np.testing.assert_allclose(xc, xr, rtol=1e-14)
    np.testing.assert_allclose(Pc, Pr, rtol=1e-12, atol=1e-12 * np.abs(Pr).max())


def _radar_setup(x, P, mu, seed):
    rng = np.random.default_rng(seed)
    s = earth.geodetic_to_ecef(37.0, 128.0, 100.0)
    R = earth.enu_rotation(37.0, 128.0)
    sv = np.array([1.0, -2.0, 0.5])
    n = len(x)
    xc, Pc = imm.combine(x, P, mu)
    h, _ = sensing.radar_model(
        xc, np.tile(s, (n, 1)), np.tile(sv, (n, 1)), np.tile(R, (n, 1, 1)), True
    )
    z = h + rng.normal(0, 1, h.shape) * np.array([300.0, 2e-3, 2e-3, 30.0])
    Rm = np.diag([100.0**2, 1e-6, 1e-6, 10.0**2])
    return s, sv, R, xc, Pc, z, Rm


@pytest.mark.parametrize("mdim", [3, 4])
def test_radar_gate_matches_the_numpy_gate(mdim: int) -> None:
    x, P, mu = _tracks(5, seed=3)
    s, sv, R, xc, Pc, z, Rm = _radar_setup(x, P, mu, seed=3)
    z, Rm = np.ascontiguousarray(z[:, :mdim]), np.ascontiguousarray(Rm[:mdim, :mdim])
    n = len(x)
    gate = 16.0
    d2, logdet = imm_ekf.radar_gate(xc, Pc, z, s, sv, R, Rm, gate)
    h, H = sensing.radar_model(
        xc, np.tile(s, (n, 1)), np.tile(sv, (n, 1)), np.tile(R, (n, 1, 1)), mdim == 4
    )
    S = H @ Pc @ np.swapaxes(H, 1, 2) + Rm
    y = z[None] - h[:, None]
    y[:, :, 1] = sensing.wrap_angle(y[:, :, 1])
    expected = np.einsum("tmi,tij,tmj->tm", y, np.linalg.inv(S), y)
    inside = expected < gate
    assert inside.any()
    assert (~inside).any()
    np.testing.assert_allclose(d2[inside], expected[inside], rtol=1e-9)
    # outside the gate a lower bound may stand in, but never one that lets a pair in
    assert (d2[~inside] >= gate).all()
    assert (d2[~inside] <= expected[~inside] * (1 + 1e-9)).all()
    np.testing.assert_allclose(logdet, np.linalg.slogdet(S)[1], rtol=1e-12)
    # each track is nearest its own detection (the others are hundreds of km away)
    np.testing.assert_array_equal(np.argmin(d2, axis=1), np.arange(len(x)))


def test_radar_update_matches_the_joseph_update_and_model_probabilities() -> None:
    x, P, mu = _tracks(5, seed=4)
    s, sv, R, _, _, z, Rm = _radar_setup(x, P, mu, seed=4)
    rows = np.array([3, 1])
    xk, Pk, muk = x.copy(), P.copy(), mu.copy()
    imm_ekf.radar_update(xk, Pk, muk, rows, np.ascontiguousarray(z[rows]), s, sv, R, Rm)
    n = rows.size
    xx, PP = x[rows].reshape(n * K, D), P[rows].reshape(n * K, D, D)
    h, H = sensing.radar_model(
        xx, np.tile(s, (n * K, 1)), np.tile(sv, (n * K, 1)), np.tile(R, (n * K, 1, 1)), True
    )
    y = np.repeat(z[rows], K, axis=0) - h
    y[:, 1] = sensing.wrap_angle(y[:, 1])
    x1, P1, S = kalman.ekf_update(xx, PP, y, H, np.broadcast_to(Rm, (n * K, 4, 4)))
    mu1 = imm.update_probabilities(mu[rows], y.reshape(n, K, 4), S.reshape(n, K, 4, 4))
    np.testing.assert_allclose(xk[rows].reshape(n * K, D), x1, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(
        Pk[rows].reshape(n * K, D, D), P1, rtol=1e-8, atol=1e-9 * np.abs(P1).max()
    )
    np.testing.assert_allclose(muk[rows], mu1, rtol=1e-9, atol=1e-12)
    # the rows not named are untouched
    for i in (0, 2, 4):
        np.testing.assert_array_equal(xk[i], x[i])
        np.testing.assert_array_equal(Pk[i], P[i])


def test_los_gate_and_update_match_the_numpy_line_of_sight_model() -> None:
    x, P, mu = _tracks(4, seed=5)
    rng = np.random.default_rng(5)
    s = np.array([0.0, 42164e3, 0.0]) @ earth.enu_rotation(0.0, 130.0)  # a far satellite
    s = s / np.linalg.norm(s) * 42164e3
    xc, Pc = imm.combine(x, P, mu)
    u = xc[:, :3] - s
    u = u / np.linalg.norm(u, axis=1, keepdims=True) + rng.normal(0, 2e-6, (4, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    frames = sensing.los_frame(u)
    Rm = np.eye(2) * (5e-6) ** 2
    d2 = imm_ekf.los_gate(xc, Pc, frames, s, Rm)
    n, m = 4, 4
    h, H = sensing.los_model(
        np.repeat(xc, m, axis=0), np.tile(s, (n * m, 1)), np.tile(frames, (n, 1, 1))
    )
    S = H @ np.repeat(Pc, m, axis=0) @ np.swapaxes(H, 1, 2) + Rm
    expected = np.einsum("ki,kij,kj->k", h, np.linalg.inv(S), h).reshape(n, m)
    np.testing.assert_allclose(d2, expected, rtol=1e-8)

    rows = np.array([2, 0])
    xk, Pk, muk = x.copy(), P.copy(), mu.copy()
    imm_ekf.los_update(xk, Pk, muk, rows, np.ascontiguousarray(frames[rows]), s, Rm)
    xx, PP = x[rows].reshape(2 * K, D), P[rows].reshape(2 * K, D, D)
    fr = np.repeat(frames[rows], K, axis=0)
    h, H = sensing.los_model(xx, np.tile(s, (2 * K, 1)), fr)
    x1, P1, S = kalman.ekf_update(xx, PP, -h, H, np.broadcast_to(Rm, (2 * K, 2, 2)))
    mu1 = imm.update_probabilities(mu[rows], -h.reshape(2, K, 2), S.reshape(2, K, 2, 2))
    np.testing.assert_allclose(xk[rows].reshape(2 * K, D), x1, rtol=1e-12, atol=1e-5)
    np.testing.assert_allclose(
        Pk[rows].reshape(2 * K, D, D), P1, rtol=1e-6, atol=1e-8 * np.abs(P1).max()
    )
    np.testing.assert_allclose(muk[rows], mu1, rtol=1e-8, atol=1e-12)


def _radar_site() -> tuple[np.ndarray, np.ndarray]:
    lat, lon = 37.5, 128.5
    return earth.geodetic_to_ecef(lat, lon, 500.0), earth.enu_rotation(lat, lon)


def test_radar_start_inverts_the_radar_model() -> None:
    """A new track from a detection sits where the radar model sees that detection, with a
    position covariance that the model's Jacobian maps back to the measurement's (plus the
    1 m² floor), and the range-rate along the line of sight when measured."""
    s, R = _radar_site()
    rng = np.random.default_rng(5)
    n = 8
    z = np.column_stack(
        [
            rng.uniform(50e3, 900e3, n),
            rng.uniform(0, 2 * np.pi, n),
            rng.uniform(0.02, 1.4, n),
            np.where(np.arange(n) % 2 == 0, rng.uniform(-3e3, 3e3, n), np.nan),
        ]
    )
    sig2 = np.array([25.0, np.radians(0.05), np.radians(0.04)]) ** 2
    prior = np.array([2500.0**2, 1.0, 40.0**2])
    x, P = imm_ekf.radar_start(z, s, R, sig2, prior)
    zero = np.zeros((n, 3))
    h, H = sensing.radar_model(x, np.tile(s, (n, 1)), zero, np.tile(R, (n, 1, 1)), True)
    np.testing.assert_allclose(h[:, 0], z[:, 0], rtol=1e-12)
    np.testing.assert_allclose(np.angle(np.exp(1j * (h[:, 1] - z[:, 1]))), 0.0, atol=1e-12)
    np.testing.assert_allclose(h[:, 2], z[:, 2], atol=1e-12)
    measured = ~np.isnan(z[:, 3])
    np.testing.assert_allclose(h[measured, 3], z[measured, 3], rtol=1e-9)
    np.testing.assert_array_equal(x[~measured, 3:6], 0.0)
    Hp = H[:, :3, :3]
    back = Hp @ (P[:, :3, :3] - np.eye(3)) @ np.swapaxes(Hp, 1, 2)
    np.testing.assert_allclose(back, np.broadcast_to(np.diag(sig2), back.shape), atol=1e-9 * 625)
    np.testing.assert_array_equal(P[:, 3:6, 3:6], np.broadcast_to(np.eye(3) * prior[0], (n, 3, 3)))
    np.testing.assert_array_equal(P[:, 6, 6], prior[1])
    np.testing.assert_array_equal(P[:, 7, 7], prior[2])


@pytest.mark.parametrize("sector", [(0.0, 360.0), (20.0, 140.0), (300.0, 60.0)])
def test_radar_sees_matches_the_numpy_visibility_test(sector: tuple[float, float]) -> None:
    """The compiled test against earth.enu_to_aer and sensors.in_sector, on tracks spread
    around the radar (sectors that wrap through north included), with and without margins
    and straight-line extrapolation."""
    from launchwatch.scenario import SensorSpec
    from launchwatch.sensors import in_sector, sector_width_deg

    s, R = _radar_site()
    spec = SensorSpec(
        id="R",
        owner="ROK",
        type="radar",
        lat_deg=37.5,
        lon_deg=128.5,
        alt_m=500.0,
        max_range_km=600.0,
        min_elevation_deg=3.0,
        azimuth_min_deg=sector[0],
        azimuth_max_deg=sector[1],
    )
    rng = np.random.default_rng(9)
    n = 400
    pos = earth.geodetic_to_ecef(
        rng.uniform(31, 44, n), rng.uniform(121, 136, n), rng.uniform(0, 400e3, n)
    )
    x = np.zeros((n, K, D))
    x[:, :, :3] = pos[:, None] + rng.normal(0, 300, (n, K, 3))
    x[:, :, 3:6] = rng.normal(0, 2000, (n, 1, 3))
    mu = rng.dirichlet(np.ones(K), n)
    dt = rng.uniform(0, 3, n)
    for margin_m, margin_deg in [(0.0, 0.0), (20e3, 1.0)]:
        seen = imm_ekf.radar_sees(
            x,
            mu,
            dt,
            s,
            R,
            spec.max_range_km * 1e3,
            spec.min_elevation_deg,
            spec.azimuth_min_deg,
            sector_width_deg(spec),
            margin_m,
            margin_deg,
        )
        rv = np.einsum("nk,nkd->nd", mu, x[:, :, :6])
        r = rv[:, :3] + rv[:, 3:] * dt[:, None]
        az, el, slant = earth.enu_to_aer((r - s) @ R.T)
        want = (slant <= spec.max_range_km * 1e3 + margin_m) & (
            el >= spec.min_elevation_deg - 1.0 - margin_deg
        )
        sector_ok = in_sector(spec, az)
        if margin_deg > 0:
            sector_ok |= in_sector(spec, az + margin_deg) | in_sector(spec, az - margin_deg)
        want &= sector_ok
        assert 0 < want.sum() < n  # the spread puts tracks on both sides of every limit
        np.testing.assert_array_equal(seen, want)


def test_below_matches_the_numpy_altitude_of_the_combined_position() -> None:
    from launchwatch.flight.dynamics import approximate_altitude_m

    rng = np.random.default_rng(21)
    n = 300
    pos = earth.geodetic_to_ecef(
        rng.uniform(-80, 80, n), rng.uniform(-180, 180, n), rng.uniform(-6e3, 2e3, n)
    )
    x = np.zeros((n, K, D))
    x[:, :, :3] = pos[:, None] + rng.normal(0, 500, (n, K, 3))
    mu = rng.dirichlet(np.ones(K), n)
    rows = rng.choice(n, 200, replace=False)
    got = imm_ekf.below(x, mu, rows, 2000.0)
    alt = approximate_altitude_m(np.einsum("nk,nkd->nd", mu[rows], x[rows, :, :3]))
    want = rows[alt < -2000.0]
    assert 0 < want.size < rows.size
    np.testing.assert_array_equal(got, want)
