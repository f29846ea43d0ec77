"""Kalman filter steps as plain functions over batches: the EKF (Bar-Shalom et al. 2001,
§10.3) and the unscented filter (Julier & Uhlmann 2004; scaled points, Wan & van der Merwe
2000), sharing the motion and measurement models.

EKF
    predict:  x⁻ = φ(x, Δt),  P⁻ = Φ P Φᵀ + Q                       (10.3.2-4)
    update:   y = z - h(x⁻),  S = H P⁻ Hᵀ + R,  K = P⁻ Hᵀ S⁻¹,
              x = x⁻ + K y,   P = (I - K H) P⁻ (I - K H)ᵀ + K R Kᵀ     (Joseph form)

UKF: 2n+1 points x ± √((n+λ) P) columns, λ = α²(n+κ) - n; with the defaults (α = 1, κ = 0)
these are the cubature points and all weights are positive.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from launchwatch.tracking.motion import predict_states, process_noise

__all__ = [
    "ekf_predict",
    "ekf_predict_with",
    "ekf_update",
    "nis",
    "sigma_points",
    "ukf_predict",
    "ukf_predict_with",
    "ukf_update",
]

FloatArray = npt.NDArray[np.float64]


def ekf_predict(
    x: FloatArray,
    P: FloatArray,
    dt: FloatArray,
    q: FloatArray,
    q_kappa: float,
    q_jerk: FloatArray | float = 0.0,
    thrust_on: npt.NDArray[np.bool_] | None = None,
) -> tuple[FloatArray, FloatArray]:
    x1, Phi = predict_states(x, dt, thrust_on=thrust_on)
    return ekf_predict_with(x1, Phi, P, process_noise(dt, q, q_kappa, q_jerk))


def ekf_predict_with(
    x_predicted: FloatArray, Phi: FloatArray, P: FloatArray, Q: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The covariance half of any EKF prediction: P⁻ = Φ P Φᵀ + Q (symmetrised)."""
    P1 = Phi @ P @ np.swapaxes(Phi, 1, 2) + Q
    return x_predicted, 0.5 * (P1 + np.swapaxes(P1, 1, 2))


def ekf_update(
    x: FloatArray, P: FloatArray, y: FloatArray, H: FloatArray, R: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Returns the updated (x, P) and the innovation covariance S. ``y`` is the innovation
    z - h(x) already wrapped where it is an angle."""
    Ht = np.swapaxes(H, 1, 2)
    S = H @ P @ Ht + R
    K = P @ Ht @ np.linalg.inv(S)
    x1 = x + np.einsum("nij,nj->ni", K, y)
    A = np.eye(P.shape[1]) - K @ H
    P1 = A @ P @ np.swapaxes(A, 1, 2) + K @ R @ np.swapaxes(K, 1, 2)
    return x1, 0.5 * (P1 + np.swapaxes(P1, 1, 2)), S


def nis(y: FloatArray, S: FloatArray) -> FloatArray:
    """Normalised innovation squared yᵀ S⁻¹ y (the gate statistic)."""
    return np.asarray(np.einsum("ni,ni->n", y, np.linalg.solve(S, y[..., None])[..., 0]))


def _weights(
    n: int, alpha: float, beta: float, kappa: float
) -> tuple[FloatArray, FloatArray, float]:
    lam = alpha**2 * (n + kappa) - n
    wm = np.full(2 * n + 1, 1.0 / (2 * (n + lam)))
    wc = wm.copy()
    wm[0] = lam / (n + lam)
    wc[0] = wm[0] + (1 - alpha**2 + beta)
    return wm, wc, lam


def sigma_points(
    x: FloatArray, P: FloatArray, alpha: float = 1.0, beta: float = 0.0, kappa: float = 0.0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Points (n_batch, 2d+1, d) and weights for means and covariances."""
    d = x.shape[1]
    wm, wc, lam = _weights(d, alpha, beta, kappa)
    # a tiny jitter keeps the factorisation alive when a direction is unobservable
    L = np.linalg.cholesky((d + lam) * P + 1e-12 * np.eye(d))
    cols = np.swapaxes(L, 1, 2)
    pts = np.concatenate([x[:, None], x[:, None] + cols, x[:, None] - cols], axis=1)
    return pts, wm, wc


def ukf_predict(
    x: FloatArray,
    P: FloatArray,
    dt: FloatArray,
    q: FloatArray,
    q_kappa: float,
    q_jerk: FloatArray | float = 0.0,
    thrust_on: npt.NDArray[np.bool_] | None = None,
) -> tuple[FloatArray, FloatArray]:
    nb = len(x)
    on = None if thrust_on is None else np.broadcast_to(thrust_on, (nb,))

    def move(points: FloatArray, owner: npt.NDArray[np.intp]) -> FloatArray:
        return predict_states(
            points, dt[owner], with_transition=False, thrust_on=None if on is None else on[owner]
        )[0]

    return ukf_predict_with(x, P, move, process_noise(dt, q, q_kappa, q_jerk))


def ukf_predict_with(
    x: FloatArray,
    P: FloatArray,
    f: Callable[[FloatArray, npt.NDArray[np.intp]], FloatArray],
    Q: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Unscented prediction through any transition: ``f(points, owner)`` moves (N, d)
    sigma points whose rows belong to batch members ``owner`` (N,)."""
    pts, wm, wc = sigma_points(x, P)
    nb, k, d = pts.shape
    owner = np.repeat(np.arange(nb), k)
    moved = f(pts.reshape(nb * k, d), owner).reshape(nb, k, d)
    mean = np.einsum("k,nkd->nd", wm, moved)
    dev = moved - mean[:, None]
    P1 = np.einsum("k,nki,nkj->nij", wc, dev, dev) + Q
    return mean, 0.5 * (P1 + np.swapaxes(P1, 1, 2))


def ukf_update(
    x: FloatArray,
    P: FloatArray,
    z: FloatArray,
    h: Callable[[FloatArray, npt.NDArray[np.intp]], FloatArray],
    R: FloatArray,
    angle_rows: tuple[int, ...] = (),
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``h(points, owner)`` maps (N, d) points of owners (N,) to (N, m) measurements.
    Returns (x, P, innovation, S)."""
    pts, wm, wc = sigma_points(x, P)
    nb, k, d = pts.shape
    owner = np.repeat(np.arange(nb), k)
    Z = h(pts.reshape(nb * k, d), owner).reshape(nb, k, -1)
    z_pred = np.einsum("k,nkm->nm", wm, Z)
    dz = Z - z_pred[:, None]
    y = z - z_pred
    for row in angle_rows:  # circular mean and residuals for angles
        s = np.einsum("k,nk->n", wm, np.sin(Z[:, :, row]))
        c = np.einsum("k,nk->n", wm, np.cos(Z[:, :, row]))
        z_pred[:, row] = np.arctan2(s, c)
        dz[:, :, row] = (Z[:, :, row] - z_pred[:, None, row] + np.pi) % (2 * np.pi) - np.pi
        y[:, row] = (z[:, row] - z_pred[:, row] + np.pi) % (2 * np.pi) - np.pi
    S = np.einsum("k,nki,nkj->nij", wc, dz, dz) + R
    Pxz = np.einsum("k,nki,nkj->nij", wc, pts - x[:, None], dz)
    K = Pxz @ np.linalg.inv(S)
    x1 = x + np.einsum("nij,nj->ni", K, y)
    P1 = P - K @ S @ np.swapaxes(K, 1, 2)
    return x1, 0.5 * (P1 + np.swapaxes(P1, 1, 2)), y, S
