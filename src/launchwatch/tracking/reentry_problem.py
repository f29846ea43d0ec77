"""The classic re-entry tracking problem (Julier & Uhlmann 2004, Proc. IEEE 92(3), §VI-B), as
reproduced by the EKF/UKF toolbox (Hartikainen, Solin & Särkkä 2011, "reentry demo"), run with
launchwatch's own filter steps (``kalman.ekf_update``, ``ekf_predict_with``,
``ukf_predict_with``, ``ukf_update``) as a published anchor for them.

A vehicle re-enters at high altitude and speed; a radar at the Earth's surface measures range
and bearing every 0.1 s for 200 s. State (km, km/s): x1, x2 position; x3, x4 velocity; x5 an
unknown aerodynamic parameter:

    ẋ1 = x3,  ẋ2 = x4,  ẋ3 = D x3 + G x1 + v1,  ẋ4 = D x4 + G x2 + v2,  ẋ5 = v3
    D = β0 e^{x5} e^{(R0 - R)/H0} V,  G = -Gm0 / R³,  R = |x1:2|,  V = |x3:4|

β0 = -0.59783, H0 = 13.406 km, Gm0 = 3.9860e5 km³/s², R0 = 6374 km, radar at (R0, 0). Noise
per step: Q = diag(2.4064e-5, 2.4064e-5, 1e-6) on (x3, x4, x5) in the filter (the truth's x5 is
constant); range σ 1 m (Julier & Uhlmann's figure) and bearing σ 0.17 mrad. The truth starts at
[6500.4, 349.14, -1.8093, -6.7967, 0.6932] with σ 1e-3 on the first four; the filters start at
the same with x5 = 0 and variance 1 on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch.tracking.kalman import (
    ekf_predict_with,
    ekf_update,
    ukf_predict_with,
    ukf_update,
)

__all__ = ["ReentryRun", "run_reentry"]

FloatArray = npt.NDArray[np.float64]

B0: Final = -0.59783
H0: Final = 13.406
GM0: Final = 3.9860e5
R0: Final = 6374.0
DT: Final = 0.1
STEPS: Final = 2000
RADAR: Final = np.array([R0, 0.0])
SIGMA_RANGE_KM: Final = 1e-3
SIGMA_BEARING_RAD: Final = 0.17e-3
Q_STEP: Final = np.diag([0.0, 0.0, 2.4064e-5, 2.4064e-5, 1e-6])
TRUE_X0: Final = np.array([6500.4, 349.14, -1.8093, -6.7967, 0.6932])


def _f(x: FloatArray) -> FloatArray:
    r = np.hypot(x[:, 0], x[:, 1])
    v = np.hypot(x[:, 2], x[:, 3])
    D = B0 * np.exp(x[:, 4]) * np.exp((R0 - r) / H0) * v
    G = -GM0 / r**3
    return np.stack(
        [x[:, 2], x[:, 3], D * x[:, 2] + G * x[:, 0], D * x[:, 3] + G * x[:, 1], np.zeros(len(x))],
        axis=1,
    )


def _jacobian(x: FloatArray) -> FloatArray:
    """Analytic ∂f/∂x (n, 5, 5)."""
    n = len(x)
    r = np.hypot(x[:, 0], x[:, 1])
    v = np.hypot(x[:, 2], x[:, 3])
    e = B0 * np.exp(x[:, 4]) * np.exp((R0 - r) / H0)
    D = e * v
    G = -GM0 / r**3
    dD_dr = -D / H0  # ∂D/∂R
    dG_dr = 3 * GM0 / r**4
    F = np.zeros((n, 5, 5))
    F[:, 0, 2] = F[:, 1, 3] = 1.0
    for i, (pos, vel) in enumerate(((0, 2), (1, 3))):
        row = 2 + i
        for j in (0, 1):  # through R
            dR = x[:, j] / r
            F[:, row, j] = dD_dr * dR * x[:, vel] + dG_dr * dR * x[:, pos]
        F[:, row, pos] += G
        for j in (2, 3):  # through V
            F[:, row, j] = e * x[:, j] / np.maximum(v, 1e-12) * x[:, vel]
        F[:, row, vel] += D
        F[:, row, 4] = D * x[:, vel]
    return F


def _step(x: FloatArray, with_phi: bool) -> tuple[FloatArray, FloatArray]:
    """RK4 over one 0.1 s step in two halves, with the transition matrix."""
    h = DT / 2
    Phi = np.broadcast_to(np.eye(5), (len(x), 5, 5)).copy()
    for _ in range(2):
        k1 = _f(x)
        k2 = _f(x + 0.5 * h * k1)
        k3 = _f(x + 0.5 * h * k2)
        k4 = _f(x + h * k3)
        if with_phi:
            P1 = _jacobian(x) @ Phi
            P2 = _jacobian(x + 0.5 * h * k1) @ (Phi + 0.5 * h * P1)
            P3 = _jacobian(x + 0.5 * h * k2) @ (Phi + 0.5 * h * P2)
            P4 = _jacobian(x + h * k3) @ (Phi + h * P3)
            Phi = Phi + h / 6 * (P1 + 2 * P2 + 2 * P3 + P4)
        x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x, Phi


def _h(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    d = x[:, :2] - RADAR
    rng = np.hypot(d[:, 0], d[:, 1])
    z = np.stack([rng, np.arctan2(d[:, 1], d[:, 0])], axis=1)
    H = np.zeros((len(x), 2, 5))
    H[:, 0, 0], H[:, 0, 1] = d[:, 0] / rng, d[:, 1] / rng
    H[:, 1, 0], H[:, 1, 1] = -d[:, 1] / rng**2, d[:, 0] / rng**2
    return z, H


@dataclass(frozen=True)
class ReentryRun:
    ekf_position_rmse_m: float
    ukf_position_rmse_m: float


def run_reentry(seed: int) -> ReentryRun:
    """One Monte-Carlo run: simulate, filter with EKF and UKF, position RMSE over 200 s."""
    rng = np.random.default_rng(seed)
    x = (TRUE_X0 + np.r_[rng.normal(0, 1e-3, 4), 0.0])[None]
    truth, meas = [], []
    q_truth = Q_STEP.copy()
    q_truth[4, 4] = 0.0
    for _ in range(STEPS):
        x, _ = _step(x, False)
        x = x + rng.multivariate_normal(np.zeros(5), q_truth)[None]
        z, _ = _h(x)
        truth.append(x[0].copy())
        meas.append(z[0] + rng.normal(0, [SIGMA_RANGE_KM, SIGMA_BEARING_RAD]))
    R = np.diag([SIGMA_RANGE_KM**2, SIGMA_BEARING_RAD**2])[None]
    m0 = np.array([[6500.4, 349.14, -1.8093, -6.7967, 0.0]])
    P0 = np.diag([1e-6, 1e-6, 1e-6, 1e-6, 1.0])[None]
    errors = {}
    for kind in ("ekf", "ukf"):
        m, P = m0.copy(), P0.copy()
        sq = []
        for k in range(STEPS):
            if kind == "ekf":
                m1, Phi = _step(m, True)
                m, P = ekf_predict_with(m1, Phi, P, Q_STEP[None])
                z, H = _h(m)
                y = meas[k][None] - z
                y[:, 1] = (y[:, 1] + np.pi) % (2 * np.pi) - np.pi
                m, P, _ = ekf_update(m, P, y, H, R)
            else:
                m, P = ukf_predict_with(m, P, lambda pts, _o: _step(pts, False)[0], Q_STEP[None])
                m, P, _, _ = ukf_update(m, P, meas[k][None], lambda pts, _o: _h(pts)[0], R, (1,))
            sq.append(float(np.sum((m[0, :2] - truth[k][:2]) ** 2)))
        errors[kind] = float(np.sqrt(np.mean(sq))) * 1e3
    return ReentryRun(errors["ekf"], errors["ukf"])
