"""Interacting multiple model (IMM) estimator over models that share the state and the
physics and differ in process noise: boost (large unmodelled thrust acceleration), ballistic
(almost none) and glide (lift of a few g). Bar-Shalom, Li & Kirubarajan (2001), §11.6.6.

Per track: model states x (K, 7), covariances P (K, 7, 7), probabilities μ (K). A cycle is
mixing (11.6.6-9..11), model-matched prediction and update, probability update with the
Gaussian likelihood of each model's innovation (11.6.6-13), and the combined estimate
(11.6.6-17, -18). All arrays carry a leading track axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["MODELS", "ImmConfig", "combine", "mix", "update_probabilities"]

FloatArray = npt.NDArray[np.float64]

MODELS: Final = ("boost", "ballistic", "glide")


@dataclass(frozen=True)
class ImmConfig:
    """Process-noise spectral densities (m²/s³) per model and the Markov switching matrix
    (per second of track time; raised to the power dt for each step). The boost model carries
    the thrust acceleration in the state (motor on) and its noise covers the turn of the
    flight path; the glide model's allows a few g of lift."""

    q_m2_s3: tuple[float, float, float] = (400.0, 0.05, 100.0)
    """The ballistic model's density is a margin for what the model does not know (an
    unresolved stage above all): with none (and the ballistic model staying with probability
    0.99999 per second) a clean flight's covariance is consistent, but a stage-disturbed
    track's is far too small (docs/tracking.md, "Consistency")."""
    q_kappa: float = 1e-5
    """Random walk of ln κ (1/s): β of a tumbling or ablating body drifts slowly."""
    q_jerk: tuple[float, float, float] = (25.0, 0.0, 0.0)
    """Spectral density of the thrust acceleration's random walk ((m/s³)² s)."""
    thrust: tuple[bool, bool, bool] = (True, False, False)
    stay: tuple[float, float, float] = (0.98, 0.995, 0.98)

    def transition(self, dt: FloatArray) -> FloatArray:
        """Switching matrices (n, K, K), rows from-model: stay with probability s^dt, leave
        to either other model with half the rest each. Every switch is allowed: staging looks
        like a new boost, and a pull-up like the start of a glide."""
        s = np.asarray(self.stay)[None, :] ** np.maximum(np.asarray(dt)[:, None], 1e-3)
        T = np.repeat(((1.0 - s) / 2.0)[:, :, None], 3, axis=2)
        T[:, np.arange(3), np.arange(3)] = s
        return T


def mix(
    x: FloatArray, P: FloatArray, mu: FloatArray, T: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mixed initial conditions (x0, P0) per model and the predicted probabilities c."""
    c = np.einsum("nij,ni->nj", T, mu)
    w = T * mu[:, :, None] / np.maximum(c[:, None, :], 1e-300)  # μ_{i|j}
    x0 = np.einsum("nij,nid->njd", w, x)
    d = x[:, :, None, :] - x0[:, None, :, :]  # (n, i, j, d)
    P0 = np.einsum("nij,nide->njde", w, P) + np.einsum("nij,nijd,nije->njde", w, d, d)
    return x0, P0, c


def update_probabilities(c: FloatArray, y: FloatArray, S: FloatArray) -> FloatArray:
    """μ_j ∝ c_j N(y_j; 0, S_j); y (n, K, m), S (n, K, m, m). Log-domain for stability."""
    m = y.shape[-1]
    sol = np.linalg.solve(S, y[..., None])[..., 0]
    maha = np.einsum("nkm,nkm->nk", y, sol)
    _, logdet = np.linalg.slogdet(S)
    logl = -0.5 * (maha + logdet + m * np.log(2 * np.pi)) + np.log(np.maximum(c, 1e-300))
    logl -= logl.max(axis=1, keepdims=True)
    mu = np.exp(logl)
    mu /= mu.sum(axis=1, keepdims=True)
    return np.asarray(np.maximum(mu, 1e-6) / np.maximum(mu, 1e-6).sum(axis=1, keepdims=True))


def combine(x: FloatArray, P: FloatArray, mu: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The moment-matched estimate over models."""
    xc = np.einsum("nk,nkd->nd", mu, x)
    d = x - xc[:, None]
    Pc = np.einsum("nk,nkde->nde", mu, P) + np.einsum("nk,nkd,nke->nde", mu, d, d)
    return xc, Pc
