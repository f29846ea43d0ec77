"""Filter parts: analytic Jacobians against central differences; EKF and UKF consistency
(NEES inside its 95 % band) in a small seeded Monte-Carlo run on a simulated flight."""

import numpy as np
import pytest
from scipy import stats

from flight_states import burnout_state
from launchwatch import earth
from launchwatch.flight.propagate import propagate
from launchwatch.tracking.kalman import ekf_predict, ekf_update, ukf_predict, ukf_update
from launchwatch.tracking.motion import jacobian, predict_states, state_derivative
from launchwatch.tracking.sensing import los_frame, los_model, radar_model, wrap_angle


def _numeric_jacobian(f, x, steps):
    cols = []
    for j, h in enumerate(steps):
        e = np.zeros_like(x)
        e[:, j] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


STATES = np.array(
    [
        # r, v, kappa: high in vacuum, low in the air, over the pole, at the antimeridian
        [*earth.geodetic_to_ecef(39.0, 126.0, 300e3), 2000.0, 3000.0, 1000.0, 0.0, 30.0],
        [*earth.geodetic_to_ecef(41.0, 138.0, 25e3), -1500.0, 2500.0, -2000.0, 0.7, 0.0],
        [*earth.geodetic_to_ecef(89.0, 10.0, 60e3), 100.0, -3000.0, -500.0, 1.4, 60.0],
        [*earth.geodetic_to_ecef(-10.0, 180.0, 8e3), -800.0, -200.0, -1500.0, 1.8, 5.0],
    ]
)
STEPS = [1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3, 1e-4, 1e-3]


@pytest.mark.parametrize("thrust", [False, True])
def test_motion_jacobian_matches_central_differences(thrust):
    on = np.full(len(STATES), thrust)
    F = jacobian(STATES, on)
    num = _numeric_jacobian(lambda x: state_derivative(x, on), STATES, STEPS)
    # J2 is left out of the analytic gradient: allow 0.2 % of the gravity gradient there
    scale = np.max(np.abs(num), axis=(1, 2), keepdims=True)
    assert np.allclose(F, num, atol=2e-3 * scale.max() * 1e-3 + 1e-9, rtol=3e-3)


def test_transition_matrix_matches_differenced_prediction():
    x = STATES[:2]
    _, Phi = predict_states(x, np.array([10.0, 10.0]))
    num = _numeric_jacobian(
        lambda y: predict_states(y, np.array([10.0, 10.0]), with_transition=False)[0],
        x,
        [*STEPS[:6], 1e-2, 1e-3],
    )
    assert np.allclose(Phi[0, :, :6], num[0, :, :6], rtol=1e-3, atol=1e-6)
    # the differenced drag column at 300 km is a nanometre displacement: float noise of
    # ~1e-9 m over a 1e-2 step, so it is held to 1e-7 absolute
    assert np.allclose(Phi[0, :, 6], num[0, :, 6], rtol=2e-2, atol=1e-7)
    # in dense air the small cross terms differ by up to 2e-4 (analytic ∂ρ/∂h over ±25 m
    # against the table's 50 m cell slopes); relative to the matrix that is under 1e-4
    assert np.linalg.norm(Phi[1] - num[1]) / np.linalg.norm(num[1]) < 1e-4


def test_radar_and_los_jacobians():
    s = earth.geodetic_to_ecef([36.6, 40.9, 36.6, 0.0], [127.4, 140.3, 127.4, 179.0], 300.0)
    R = earth.enu_rotation([36.6, 40.9, 36.6, 0.0], [127.4, 140.3, 127.4, 179.0])
    sv = np.zeros((4, 3))

    def h(x):
        return radar_model(x, s, sv, R, True)[0]

    _, H = radar_model(STATES, s, sv, R, True)
    num = _numeric_jacobian(h, STATES, STEPS)
    num[:, 1] = _numeric_jacobian(lambda x: np.unwrap(h(x)[:, 1:2], axis=0), STATES, STEPS)[:, 0]
    assert np.allclose(H[:, [0, 2, 3]], num[:, [0, 2, 3]], rtol=1e-5, atol=1e-9)
    assert np.allclose(H[:, 1], num[:, 1], rtol=1e-5, atol=1e-9)
    geo = np.tile(earth.geodetic_to_ecef(0.0, 140.0, 35_786e3), (4, 1))
    u = STATES[:, :3] - geo
    frame = los_frame(u / np.linalg.norm(u, axis=1, keepdims=True))
    _, HL = los_model(STATES, geo, frame)
    numL = _numeric_jacobian(lambda x: los_model(x, geo, frame)[0], STATES, STEPS)
    assert np.allclose(HL, numL, rtol=1e-5, atol=1e-14)


def _truth(seconds=120.0):
    r, v = burnout_state(39.0, 126.0, 120e3, 75.0, 30.0, 3200.0)
    f = propagate(r, v, record=True, max_step_s=0.5, t_end=seconds)
    return f.paths[0]


@pytest.mark.parametrize("kind", ["ekf", "ukf"])
def test_filter_is_consistent_nees_in_95_percent_band(kind):
    """20 seeded runs of a radar tracking a ballistic object above the atmosphere (1 Hz, 120 s):
    the NEES of position and velocity, averaged over runs, stays in its two-sided 95 % band
    for at least 90 % of the time steps after the first ten. The truth has no process noise,
    so the filter's is set near zero (1e-6 m²/s³) to test the models, not the tuning."""
    path = _truth()
    times = np.arange(1.0, 120.0, 1.0)
    truth = np.array([np.interp(times, path[:, 0], path[:, j]) for j in range(1, 7)]).T
    site = (37.0, 128.0, 300.0)
    s = np.tile(earth.geodetic_to_ecef(*site), (1, 1))
    R_enu = earth.enu_rotation(site[0], site[1])[None]
    sig = np.array([30.0, np.radians(0.05), np.radians(0.05)])
    runs = 20
    nees = np.zeros((runs, times.size))
    for run in range(runs):
        rng = np.random.default_rng(run)
        x = np.concatenate([truth[0] + rng.normal(0, [200, 200, 200, 50, 50, 50]), [0.0, 0.0]])[
            None
        ]
        P = np.diag([200.0**2] * 3 + [50.0**2] * 3 + [1e-10, 1e-6])[None]
        t_prev = times[0]
        for k, t in enumerate(times):
            dt = np.array([t - t_prev])
            if dt[0] > 0:
                step = ekf_predict if kind == "ekf" else ukf_predict
                x, P = step(x, P, dt, np.array([1e-6]), 0.0)
            z_true, _ = radar_model(
                np.concatenate([truth[k], [-12.0, 0.0]])[None], s, np.zeros((1, 3)), R_enu, False
            )
            z = z_true + rng.normal(0, sig)
            Rm = np.diag(sig**2)[None]
            if kind == "ekf":
                h, H = radar_model(x, s, np.zeros((1, 3)), R_enu, False)
                y = z - h
                y[:, 1] = wrap_angle(y[:, 1])
                x, P, _ = ekf_update(x, P, y, H, Rm)
            else:
                x, P, _, _ = ukf_update(
                    x,
                    P,
                    z,
                    lambda pts, own: radar_model(
                        pts, s[own], np.zeros((len(pts), 3)), R_enu[own], False
                    )[0],
                    Rm,
                    (1,),
                )
            e = x[0, :6] - truth[k]
            nees[run, k] = e @ np.linalg.solve(P[0, :6, :6], e)
            t_prev = t
    avg = nees[:, 10:].mean(axis=0)
    lo, hi = stats.chi2.ppf([0.025, 0.975], 6 * runs) / runs
    inside = np.mean((avg > lo) & (avg < hi))
    assert inside >= 0.9, (inside, avg.min(), avg.max(), lo, hi)
