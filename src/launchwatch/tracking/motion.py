"""The filters' motion model: the physics core's equations with an estimated drag parameter.

State x = [r (3), v (3), λ, a] in ECEF (m, m/s), with λ = ln(κ/κ₀) the logarithm of the drag
parameter κ = 1/β (m²/kg) relative to κ₀ = 5e-5 (β = 20,000 kg/m²), and a the thrust
acceleration along the velocity (m/s²), batched as (n, 8). The logarithm keeps drag positive
and makes the prior on β log-normal (Julier & Uhlmann's re-entry problem does the same):

    ṙ = v
    v̇ = g_J2(r) - 2 ω × v - ω × (ω × r) - ½ ρ(h) κ |v| v + [thrust] a v/|v|
    λ̇ = 0 (+ a random walk in Q)
    ȧ = 0 (+ jerk noise) with the motor on; ȧ = -a/τ with it off (τ = 2 s)

Whether the motor is on is a per-row flag: the IMM's boost model has it on, the others off.

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

__all__ = [
    "KAPPA0_M2_KG",
    "MAX_STEP_S",
    "STATE_DIM",
    "jacobian",
    "kappa_of",
    "predict_states",
    "process_noise",
    "state_derivative",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
STATE_DIM: Final = 8
THRUST_OFF_TAU_S: Final = 2.0
KAPPA0_M2_KG: Final = 5e-5
MAX_STEP_S: Final = 1.0
"""Longest RK4 step of a filter prediction (s)."""
_LOG_KAPPA_LIMITS: Final = (-12.0, 6.0)


def kappa_of(log_kappa: FloatArray) -> FloatArray:
    """κ = κ₀ exp(λ) (m²/kg), with λ held to a physical range (β from 8 to 8e9 kg/m²)."""
    return np.asarray(KAPPA0_M2_KG * np.exp(np.clip(log_kappa, *_LOG_KAPPA_LIMITS)))


_W: Final = OMEGA_EARTH_RAD_S
_CORIOLIS: Final = np.array([[0.0, 2 * _W, 0.0], [-2 * _W, 0.0, 0.0], [0.0, 0.0, 0.0]])
_CENTRIFUGAL: Final = np.diag([_W * _W, _W * _W, 0.0])


def _thrust(x: FloatArray, on: BoolArray | None) -> FloatArray:
    return np.zeros(len(x), dtype=bool) if on is None else np.broadcast_to(on, (len(x),))


def state_derivative(x: FloatArray, thrust_on: BoolArray | None = None) -> FloatArray:
    """f(x), shape (n, 8)."""
    on = _thrust(x, thrust_on)
    out = np.zeros_like(x)
    out[:, :3] = x[:, 3:6]
    kappa = kappa_of(x[:, 6])
    out[:, 3:6] = acceleration(x[:, :3], x[:, 3:6], kappa, np.zeros(len(x)))
    speed = np.maximum(np.linalg.norm(x[:, 3:6], axis=1), 1e-3)
    out[:, 3:6] += np.where(on, x[:, 7] / speed, 0.0)[:, None] * x[:, 3:6]
    out[:, 7] = np.where(on, 0.0, -x[:, 7] / THRUST_OFF_TAU_S)
    return out


def jacobian(x: FloatArray, thrust_on: BoolArray | None = None) -> FloatArray:
    """F = ∂f/∂x, shape (n, 8, 8)."""
    on = _thrust(x, thrust_on)
    n = len(x)
    r, v = x[:, :3], x[:, 3:6]
    kappa = kappa_of(x[:, 6])
    F = np.zeros((n, 8, 8))
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
    speed = np.maximum(np.linalg.norm(v, axis=1), 1e-3)
    vv = np.einsum("ni,nj->nij", v, v) / speed[:, None, None]
    F[:, 3:6, 3:6] -= (0.5 * rho * kappa)[:, None, None] * (speed[:, None, None] * np.eye(3) + vv)
    F[:, 3:6, 0:3] -= (0.5 * kappa * speed * drho_dh)[:, None, None] * np.einsum("ni,nj->nij", v, u)
    F[:, 3:6, 6] = -(0.5 * rho * speed * kappa)[:, None] * v  # ∂/∂λ = κ ∂/∂κ
    # thrust a v/|v|: ∂/∂v = a (I - v̂ v̂ᵀ)/|v|, ∂/∂a = v̂
    v_hat = v / speed[:, None]
    a = np.where(on, x[:, 7], 0.0)
    F[:, 3:6, 3:6] += (a / speed)[:, None, None] * (
        np.eye(3) - np.einsum("ni,nj->nij", v_hat, v_hat)
    )
    F[:, 3:6, 7] = np.where(on[:, None], v_hat, 0.0)
    F[:, 7, 7] = np.where(on, 0.0, -1.0 / THRUST_OFF_TAU_S)
    return F


def predict_states(
    x: FloatArray,
    dt: FloatArray,
    *,
    with_transition: bool = True,
    max_step_s: float = MAX_STEP_S,
    thrust_on: BoolArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """States after dt (per row, may be 0) and the transition matrices Φ (n, 8, 8), by RK4."""
    n, d = x.shape
    dt = np.broadcast_to(np.asarray(dt, dtype=np.float64), (n,))
    steps = int(max(1, np.ceil(np.max(np.abs(dt)) / max_step_s))) if n else 1
    h = (dt / steps)[:, None]
    Phi = np.broadcast_to(np.eye(d), (n, d, d)).copy()
    y = x.copy()

    def f(z: FloatArray) -> FloatArray:
        return state_derivative(z, thrust_on)

    for _ in range(steps):
        k1 = f(y)
        k2 = f(y + 0.5 * h * k1)
        k3 = f(y + 0.5 * h * k2)
        k4 = f(y + h * k3)
        if with_transition:
            # RK4 on Φ' = F(x) Φ along the same stages
            hh = h[:, :, None]
            P1 = jacobian(y, thrust_on) @ Phi
            P2 = jacobian(y + 0.5 * h * k1, thrust_on) @ (Phi + 0.5 * hh * P1)
            P3 = jacobian(y + 0.5 * h * k2, thrust_on) @ (Phi + 0.5 * hh * P2)
            P4 = jacobian(y + h * k3, thrust_on) @ (Phi + hh * P3)
            Phi = Phi + hh / 6.0 * (P1 + 2 * P2 + 2 * P3 + P4)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y, Phi


def process_noise(
    dt: FloatArray, q_m2_s3: FloatArray, q_kappa: float, q_jerk: FloatArray | float = 0.0
) -> FloatArray:
    """Q (n, 8, 8): continuous white-noise acceleration of spectral density q per axis, a
    random walk of λ = ln(κ/κ₀) with spectral density q_kappa (1/s), and of the thrust
    acceleration with q_jerk ((m/s³)²·s)."""
    dt = np.asarray(dt, dtype=np.float64)
    q = np.asarray(q_m2_s3, dtype=np.float64) * np.ones_like(dt)
    qj = np.asarray(q_jerk, dtype=np.float64) * np.ones_like(dt)
    n = dt.size
    Q = np.zeros((n, 8, 8))
    eye = np.eye(3)
    adt = np.abs(dt)
    Q[:, 0:3, 0:3] = (q * adt**3 / 3.0)[:, None, None] * eye
    Q[:, 0:3, 3:6] = (q * adt**2 / 2.0)[:, None, None] * eye
    Q[:, 3:6, 0:3] = Q[:, 0:3, 3:6]
    Q[:, 3:6, 3:6] = (q * adt)[:, None, None] * eye
    Q[:, 6, 6] = q_kappa * adt
    Q[:, 7, 7] = qj * adt + 1e-6
    return Q
