"""Trajectory shape and range classes.

The minimum-energy trajectory for a ground range is the one a missile with the least burnout
speed must fly to reach it. For a vacuum flight over a spherical Earth from the surface
(Wheelon 1959; Regan & Anandakrishnan 1993, *Dynamics of Atmospheric Re-Entry*, §2.6) with
ψ = range / R:

    flight-path angle  γ* = (π - ψ) / 4
    speed parameter    ν* = v² R / μ = 2 sin(ψ/2) / (1 + sin(ψ/2))

and the apogee follows from the conic: a = R / (2 - ν), p = R ν cos² γ, e = √(1 - p/a),
apogee = a (1 + e) - R. For short ranges it tends to range / 4.

The shape of a flight is the ratio of its apogee to that one: lofted above 1.25, depressed
below 0.8, minimum-energy in between (thresholds are conventions of this project, stated in
every output).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch.earth import GM_M3_S2
from launchwatch.errors import InputError

__all__ = [
    "DEPRESSED_BELOW",
    "LOFTED_ABOVE",
    "RANGE_CLASSES",
    "minimum_energy_apogee_km",
    "minimum_energy_range_km",
    "minimum_energy_speed_m_s",
    "range_class",
    "trajectory_shape",
]

EARTH_RADIUS_KM: Final = 6371.0088
LOFTED_ABOVE: Final = 1.25
DEPRESSED_BELOW: Final = 0.8

#: (upper bound km, class) in common usage
RANGE_CLASSES: Final = ((1000.0, "SRBM"), (3000.0, "MRBM"), (5500.0, "IRBM"), (np.inf, "ICBM"))


def minimum_energy_apogee_km(range_km: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Apogee (km) of the minimum-energy vacuum trajectory over a spherical Earth."""
    psi = np.asarray(range_km, dtype=np.float64) / EARTH_RADIUS_KM
    gamma = (np.pi - psi) / 4.0
    nu = 2.0 * np.sin(psi / 2.0) / (1.0 + np.sin(psi / 2.0))
    R = EARTH_RADIUS_KM
    a = R / (2.0 - nu)
    p = R * nu * np.cos(gamma) ** 2
    e = np.sqrt(np.maximum(1.0 - p / a, 0.0))
    return np.asarray(a * (1.0 + e) - R, dtype=np.float64)


def minimum_energy_speed_m_s(range_km: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Burnout speed (m/s) of that trajectory, from the ground, without Earth rotation."""
    psi = np.asarray(range_km, dtype=np.float64) / EARTH_RADIUS_KM
    nu = 2.0 * np.sin(psi / 2.0) / (1.0 + np.sin(psi / 2.0))
    return np.asarray(np.sqrt(nu * GM_M3_S2 / (EARTH_RADIUS_KM * 1e3)), dtype=np.float64)


def trajectory_shape(apogee_km: float, range_km: float) -> tuple[str, float]:
    """("lofted" | "minimum-energy" | "depressed", apogee ratio)."""
    ratio = float(apogee_km / minimum_energy_apogee_km(range_km))
    if ratio > LOFTED_ABOVE:
        return "lofted", ratio
    if ratio < DEPRESSED_BELOW:
        return "depressed", ratio
    return "minimum-energy", ratio


def range_class(range_km: float) -> str:
    """SRBM < 1,000 km; MRBM 1,000-3,000; IRBM 3,000-5,500; ICBM > 5,500."""
    for bound, name in RANGE_CLASSES:
        if range_km < bound:
            return name
    return "ICBM"


def minimum_energy_range_km(speed_m_s: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Greatest vacuum range (km) over a spherical, non-rotating Earth of a burnout at ground
    level with this speed: sin(ψ/2) = ν / (2 - ν). The naive capability estimate."""
    nu = np.asarray(speed_m_s, dtype=np.float64) ** 2 * EARTH_RADIUS_KM * 1e3 / GM_M3_S2
    if np.any(nu >= 1.0):
        raise InputError("speed_m_s", "at or above circular orbital speed: no ballistic range")
    psi = 2.0 * np.arcsin(nu / (2.0 - nu))
    return np.asarray(psi * EARTH_RADIUS_KM, dtype=np.float64)
