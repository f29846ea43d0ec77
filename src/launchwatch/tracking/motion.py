"""The filters' motion model: the physics core's equations with an estimated drag parameter.

State x = [r (3), v (3), κ] in ECEF (m, m/s) with κ = 1/β (m²/kg), batched as (n, 7):

    ṙ = v
    v̇ = g_J2(r) - 2 ω × v - ω × (ω × r) - ½ ρ(h) κ |v| v
    κ̇ = 0 (+ a random walk in Q)

The Jacobian F = ∂f/∂x is analytic: the point-mass gravity gradient μ/r³ (3 r̂ r̂ᵀ - I) (the J2
part of the gradient, 0.1 % of it, is left out of F, not of f), the rotation terms, and the drag
terms (∂ρ/∂h from the atmosphere table, h along the radius). Prediction integrates x and the
transition matrix Φ (Φ̇ = F Φ) together with RK4 in steps of at most ``max_step_s``, then
P = Φ P Φᵀ + Q with Q the continuous white-noise acceleration model (Bar-Shalom, Li &
Kirubarajan 2001, §6.2.2, eq. 6.2.2-12) plus a random walk on κ.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch.atmosphere import density_kg_m3
from launchwatch.earth import GM_M3_S2, OMEGA_EARTH_RAD_S
from launchwatch.flight.dynamics import acceleration, approximate_altitude_m

__all__ = ["STATE_DIM", "jacobian", "predict_states", "process_noise", "state_derivative"]

FloatArray = npt.NDArray[np.float64]
STATE_DIM: Final = 7
_W: Final = OMEGA_EARTH_RAD_S
_CORIOLIS: Final = np.array([[0.0, 2 * _W, 0.0], [-2 * _W, 0.0, 0.0], [0.0, 0.0, 0.0]])
_CENTRIFUGAL: Final = np.diag([_W * _W, _W * _W, 0.0])


def state_derivative(x: FloatArray) -> FloatArray:
    """f(x), shape (n, 7)."""
    out = np.zeros_like(x)
    out[:, :3] = x[:, 3:6]
    kappa = np.maximum(x[:, 6], 0.0)
    out[:, 3:6] = acceleration(x[:, :3], x[:, 3:6], kappa, np.zeros(len(x)))
    return out


def jacobian(x: FloatArray) -> FloatArray:
    """F = ∂f/∂x, shape (n, 7, 7)."""
    n = len(x)
    r, v = x[:, :3], x[:, 3:6]
    kappa = np.maximum(x[:, 6], 0.0)
    F = np.zeros((n, 7, 7))
    F[:, 0:3, 3:6] = np.eye(3)
    rn = np.linalg.norm(r, axis=1)
    u = r / rn[:, None]
    F[:, 3:6, 0:3] = (GM_M3_S2 / rn**3)[:, None, None] * (
        3.0 * np.einsum("ni,nj->nij", u, u) - np.eye(3)
    ) + _CENTRIFUGAL
    F[:, 3:6, 3:6] = _CORIOLIS
    h = approximate_altitude_m(r)
    rho = density_kg_m3(h)
    drho_dh = (density_kg_m3(h + 25.0) - density_kg_m3(h - 25.0)) / 50.0
    speed = np.maximum(np.linalg.norm(v, axis=1), 1e-6)
    vv = np.einsum("ni,nj->nij", v, v) / speed[:, None, None]
    F[:, 3:6, 3:6] -= (0.5 * rho * kappa)[:, None, None] * (speed[:, None, None] * np.eye(3) + vv)
    F[:, 3:6, 0:3] -= (0.5 * kappa * speed * drho_dh)[:, None, None] * np.einsum("ni,nj->nij", v, u)
    F[:, 3:6, 6] = -(0.5 * rho * speed)[:, None] * v
    return F


def predict_states(
    x: FloatArray, dt: FloatArray, *, with_transition: bool = True, max_step_s: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """States after dt (per row, may be 0) and the transition matrices Φ (n, 7, 7), by RK4."""
    n = len(x)
    dt = np.broadcast_to(np.asarray(dt, dtype=np.float64), (n,))
    steps = int(max(1, np.ceil(np.max(np.abs(dt)) / max_step_s))) if n else 1
    h = (dt / steps)[:, None]
    Phi = np.broadcast_to(np.eye(7), (n, 7, 7)).copy()
    y = x.copy()
    for _ in range(steps):
        if with_transition:
            # RK4 on the pair (x, Φ): Φ' = F(x) Φ
            k1 = state_derivative(y)
            F1 = jacobian(y)
            y2 = y + 0.5 * h * k1
            k2 = state_derivative(y2)
            F2 = jacobian(y2)
            y3 = y + 0.5 * h * k2
            k3 = state_derivative(y3)
            F3 = jacobian(y3)
            y4 = y + h * k3
            k4 = state_derivative(y4)
            F4 = jacobian(y4)
            hh = h[:, :, None]
            P1 = F1 @ Phi
            P2 = F2 @ (Phi + 0.5 * hh * P1)
            P3 = F3 @ (Phi + 0.5 * hh * P2)
            P4 = F4 @ (Phi + hh * P3)
            Phi = Phi + hh / 6.0 * (P1 + 2 * P2 + 2 * P3 + P4)
        else:
            k1 = state_derivative(y)
            k2 = state_derivative(y + 0.5 * h * k1)
            k3 = state_derivative(y + 0.5 * h * k2)
            k4 = state_derivative(y + h * k3)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        y[:, 6] = np.maximum(y[:, 6], 0.0)
    return y, Phi


def process_noise(dt: FloatArray, q_m2_s3: FloatArray, q_kappa: float) -> FloatArray:
    """Q (n, 7, 7): continuous white-noise acceleration of spectral density q per axis, and a
    random walk of κ with spectral density q_kappa ((m²/kg)²/s)."""
    dt = np.asarray(dt, dtype=np.float64)
    q = np.asarray(q_m2_s3, dtype=np.float64) * np.ones_like(dt)
    n = dt.size
    Q = np.zeros((n, 7, 7))
    eye = np.eye(3)
    adt = np.abs(dt)
    Q[:, 0:3, 0:3] = (q * adt**3 / 3.0)[:, None, None] * eye
    Q[:, 0:3, 3:6] = (q * adt**2 / 2.0)[:, None, None] * eye
    Q[:, 3:6, 0:3] = Q[:, 0:3, 3:6]
    Q[:, 3:6, 3:6] = (q * adt)[:, None, None] * eye
    Q[:, 6, 6] = q_kappa * adt
    return Q
