"""The physics core's equations for one state at a time, compiled with Numba for the hot
loops that step few states many times (the tracker's filters, its impact predictions).

Each function repeats a vectorised original term for term; tests/test_imm_ekf.py and
tests/test_fall.py compare them:

- :func:`density`: atmosphere.density_kg_m3 (the 50 m table of ln ρ);
- :func:`altitude`: flight.dynamics.approximate_altitude_m;
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
from launchwatch.earth import GM_M3_S2, J2, WGS84_A_M, WGS84_B_M

__all__ = ["JIT", "altitude", "density", "flight_derivative", "flight_derivative_in"]

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
