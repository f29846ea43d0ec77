"""Equations of motion of a missile in the Earth-fixed (ECEF) frame.

    r'' = g(r) - 2 ω × r' - ω × (ω × r) + a_drag + a_lift

g is point-mass or J2 gravity (earth.gravity_j2); the Coriolis and centrifugal terms make the
rotating frame exact; the air co-rotates with the Earth, so the ECEF velocity *is* the airspeed.
Drag uses the ballistic coefficient β = m / (C_D A) (kg/m²): a_drag = -ρ |v| v / (2β). Lift, for
a gliding re-entry vehicle, is (L/D) |a_drag| perpendicular to v in the vertical plane (no bank).

Vectorised over objects: r, v have shape (n, 3); β and L/D shape (n,).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from launchwatch.atmosphere import density_kg_m3
from launchwatch.earth import (
    GM_M3_S2,
    OMEGA_EARTH_RAD_S,
    WGS84_A_M,
    WGS84_B_M,
    gravity_j2,
    gravity_point_mass,
    potential_j2,
)

__all__ = ["Gravity", "acceleration", "approximate_altitude_m", "jacobi_energy"]

FloatArray = npt.NDArray[np.float64]
Gravity = Literal["j2", "point-mass"]

_W: Final = OMEGA_EARTH_RAD_S


def approximate_altitude_m(r: FloatArray) -> FloatArray:
    """Height above the ellipsoid measured along the geocentric radius (m).

    Differs from the geodetic height by under 1 m below 1,000 km altitude (the angle between
    the radius and the normal is at most 0.19°); used for air density in the inner loop, where
    the closed-form geodetic conversion would cost more than the rest of the right-hand side."""
    rn2 = np.einsum("ij,ij->i", r, r)
    rn = np.sqrt(rn2)
    sin2 = r[:, 2] ** 2 / rn2
    radius = WGS84_A_M * WGS84_B_M / np.sqrt(WGS84_B_M**2 + (WGS84_A_M**2 - WGS84_B_M**2) * sin2)
    return np.asarray(rn - radius, dtype=np.float64)


def acceleration(
    r: FloatArray,
    v: FloatArray,
    inv_beta: FloatArray,
    lift_to_drag: FloatArray,
    gravity: Gravity = "j2",
    omega_rad_s: float = _W,
) -> FloatArray:
    """ECEF acceleration (m/s², shape (n, 3)). ``inv_beta`` is 1/β (m²/kg; 0 means vacuum).

    ``omega_rad_s`` is the frame's spin; with -Ω and the velocity reversed, flying forward
    is flying the same vacuum path backwards in time (the equations are invariant under
    t → -t, ω → -ω, and J2 gravity is steady in the Earth-fixed frame)."""
    a = gravity_j2(r) if gravity == "j2" else gravity_point_mass(r)
    w = omega_rad_s
    # Coriolis and centrifugal terms for ω = (0, 0, w)
    a[:, 0] += 2.0 * w * v[:, 1] + w * w * r[:, 0]
    a[:, 1] += -2.0 * w * v[:, 0] + w * w * r[:, 1]
    drag = inv_beta > 0.0
    if np.any(drag):
        rho = density_kg_m3(approximate_altitude_m(r[drag]))
        vd = v[drag]
        speed = np.sqrt(np.einsum("ij,ij->i", vd, vd))
        k = 0.5 * rho * speed * inv_beta[drag]  # |a_drag| / |v|
        a[drag] -= k[:, None] * vd
        lifting = lift_to_drag[drag] != 0.0
        if np.any(lifting):
            rl, vl = r[drag][lifting], vd[lifting]
            up = rl / np.linalg.norm(rl, axis=1, keepdims=True)
            v_hat = vl / np.maximum(speed[lifting], 1e-9)[:, None]
            normal = up - np.einsum("ij,ij->i", up, v_hat)[:, None] * v_hat
            normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
            lift = (lift_to_drag[drag][lifting] * k[lifting] * speed[lifting])[:, None] * normal
            idx = np.flatnonzero(drag)[lifting]
            a[idx] += lift
    return a


def jacobi_energy(r: FloatArray, v: FloatArray, gravity: Gravity = "j2") -> FloatArray:
    """The Jacobi integral per unit mass (J/kg), ½|v|² + U(r) - ½|ω × r|², conserved by the
    motion in vacuum in the rotating frame (the potential is steady there)."""
    r = np.asarray(r, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    U = potential_j2(r) if gravity == "j2" else -GM_M3_S2 / np.linalg.norm(r, axis=-1)
    centrifugal = 0.5 * _W * _W * (r[..., 0] ** 2 + r[..., 1] ** 2)
    return np.asarray(0.5 * np.sum(v * v, axis=-1) + U - centrifugal, dtype=np.float64)
