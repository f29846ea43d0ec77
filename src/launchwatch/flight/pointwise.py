"""The physics core's equations for one state at a time, compiled with Numba for the hot
loops that step few states many times (the tracker's filters, its impact predictions).

Each function repeats a vectorised original term for term; tests/test_imm_ekf.py and
tests/test_fall.py compare them:

- :func:`density`: atmosphere.density_kg_m3 (the 50 m table of ln ρ);
- :func:`altitude`: flight.dynamics.approximate_altitude_m;
- :func:`geodetic` and :func:`on_ellipsoid`: earth.ecef_to_geodetic (Heikkinen) and
  earth.geodetic_to_ecef at height 0, in radians;
- :func:`flight_derivative`: flight.propagate's right-hand side (J2 gravity, rotation, drag;
  no lift); :func:`flight_derivative_in` the same for a caller that has the air density.

Numba caches compiled code per module and does not notice when a function of another module
that it calls changes: after editing this module, delete the ``*.nbi``/``*.nbc`` files under
``src/launchwatch/**/__pycache__`` (a fresh checkout has none).
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from numba import njit

from launchwatch.atmosphere import DENSITY_TABLE
from launchwatch.earth import GM_M3_S2, J2, WGS84_A_M, WGS84_B_M, WGS84_E2, WGS84_EP2

__all__ = [
    "JIT",
    "altitude",
    "density",
    "flight_derivative",
    "flight_derivative_in",
    "geodetic",
    "on_ellipsoid",
]

FloatArray = npt.NDArray[np.float64]
JIT: Final[dict[str, Any]] = {"cache": True, "nogil": True, "error_model": "numpy"}

_Z0, _STEP, _LN_RHO_TABLE, _SLOPE_TABLE, _ZMAX, _TOP = DENSITY_TABLE
_LN_RHO = np.ascontiguousarray(_LN_RHO_TABLE)
_SLOPE = np.ascontiguousarray(_SLOPE_TABLE)
_NSLOPE = _SLOPE.size
_A2 = WGS84_A_M * WGS84_A_M
_B2 = WGS84_B_M * WGS84_B_M


@njit(**JIT)  # type: ignore[untyped-decorator]
def density(h: float) -> float:
    """Air density (kg/m³) at altitude h (m): atmosphere.density_kg_m3 for one value."""
    zc = min(max(h, _Z0), _ZMAX)
    i = min(int((zc - _Z0) / _STEP), _NSLOPE - 1)
    ln_rho = _LN_RHO[i] + _SLOPE[i] * (zc - (_Z0 + i * _STEP))
    return math.exp(ln_rho - max(h - _ZMAX, 0.0) / _TOP)


@njit(**JIT)  # type: ignore[untyped-decorator]
def altitude(r: FloatArray) -> float:
    """Height above the ellipsoid along the geocentric radius (m) of a position r (≥ 3
    components): flight.dynamics.approximate_altitude_m for one state."""
    rn2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2]
    sin2 = r[2] * r[2] / rn2
    return math.sqrt(rn2) - WGS84_A_M * WGS84_B_M / math.sqrt(_B2 + (_A2 - _B2) * sin2)


@njit(**JIT)  # type: ignore[untyped-decorator]
def geodetic(x: float, y: float, z: float) -> tuple[float, float, float]:
    """Latitude, longitude (rad) and height (m) of an ECEF point: earth._heikkinen for one."""
    a, b, e2 = WGS84_A_M, WGS84_B_M, WGS84_E2
    p2 = x * x + y * y
    p = math.sqrt(p2)
    F = 54.0 * b * b * z * z
    G = p2 + (1.0 - e2) * z * z - e2 * (a * a - b * b)
    c = e2 * e2 * F * p2 / (G * G * G)
    s = np.cbrt(1.0 + c + math.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    P = F / (3.0 * k * k * G * G)
    Q = math.sqrt(1.0 + 2.0 * e2 * e2 * P)
    r0 = -P * e2 * p / (1.0 + Q) + math.sqrt(
        max(
            0.5 * a * a * (1.0 + 1.0 / Q) - P * (1.0 - e2) * z * z / (Q * (1.0 + Q)) - 0.5 * P * p2,
            0.0,
        )
    )
    U = math.sqrt((p - e2 * r0) ** 2 + z * z)
    V = math.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z * z)
    z0 = b * b * z / (a * V)
    h = U * (1.0 - b * b / (a * V))
    return math.atan2(z + WGS84_EP2 * z0, p), math.atan2(y, x), h


@njit(**JIT)  # type: ignore[untyped-decorator]
def on_ellipsoid(lat: float, lon: float, out: FloatArray) -> None:
    """ECEF (m) of the point at latitude, longitude (rad) on the ellipsoid:
    earth.geodetic_to_ecef at height 0."""
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    n = WGS84_A_M / math.sqrt(1.0 - WGS84_E2 * sin_lat**2)
    out[0] = n * cos_lat * math.cos(lon)
    out[1] = n * cos_lat * math.sin(lon)
    out[2] = n * (1.0 - WGS84_E2) * sin_lat


@njit(**JIT)  # type: ignore[untyped-decorator]
def flight_derivative(y: FloatArray, inv_beta: float, omega: float, out: FloatArray) -> None:
    """d/dt of y = (r, v) in ECEF: J2 gravity, Coriolis and centrifugal terms for spin omega
    about z, drag ½ ρ |v| v / β (none when inv_beta is 0)."""
    rho = density(altitude(y)) if inv_beta > 0.0 else 0.0
    flight_derivative_in(y, inv_beta, omega, rho, out)


@njit(**JIT)  # type: ignore[untyped-decorator]
def flight_derivative_in(
    y: FloatArray, inv_beta: float, omega: float, rho: float, out: FloatArray
) -> None:
    """:func:`flight_derivative` in air of density rho (kg/m³), for a caller that has it."""
    rx, ry, rz, vx, vy, vz = y[0], y[1], y[2], y[3], y[4], y[5]
    r2 = rx * rx + ry * ry + rz * rz
    rn = math.sqrt(r2)
    mu_r3 = GM_M3_S2 / (r2 * rn)
    k = 1.5 * J2 * _A2 / r2
    zz = 5.0 * rz * rz / r2
    ax = -mu_r3 * rx * (1.0 + k * (1.0 - zz)) + 2.0 * omega * vy + omega * omega * rx
    ay = -mu_r3 * ry * (1.0 + k * (1.0 - zz)) - 2.0 * omega * vx + omega * omega * ry
    az = -mu_r3 * rz * (1.0 + k * (3.0 - zz))
    if inv_beta > 0.0:
        drag = 0.5 * rho * math.sqrt(vx * vx + vy * vy + vz * vz) * inv_beta
        ax -= drag * vx
        ay -= drag * vy
        az -= drag * vz
    out[0], out[1], out[2] = vx, vy, vz
    out[3], out[4], out[5] = ax, ay, az
