"""Where a sensor can see a missile: the ground footprint of its coverage for an object at a
given altitude, as a ring of (lat, lon) points for a map.

A radar sees an object at altitude h when the object is within its maximum range, above its
minimum elevation and inside its azimuth sector (the same three tests the simulator makes,
:mod:`launchwatch.sensors`). On a spherical Earth of radius R, a sensor at height a and an
object at height h separated by the central angle θ are at slant range

    s(θ) = √((R + a)² + (R + h)² − 2 (R + a)(R + h) cos θ)

and the object's elevation is  sin ε = ((R + h) cos θ − (R + a)) / s. Both are monotonic in θ
(s grows, ε falls), so the footprint's edge in each azimuth is the largest θ that passes both
tests, found by bisection for every azimuth at once. A satellite in geostationary orbit sees
what is above its horizon: its footprint is the circle whose edge sees it at 0° elevation.
A moving sensor (a ship) is drawn at its position at the scenario's start.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.scenario import SensorSpec
from launchwatch.sensors import sector_width_deg

__all__ = ["REFERENCE_ALTITUDE_M", "coverage_ring"]

FloatArray = npt.NDArray[np.float64]
REFERENCE_ALTITUDE_M: Final = 100e3
"""A ballistic missile's altitude over much of an SRBM-to-IRBM flight (the 2025 apogee)."""
_R: Final = 6_371_008.8  # mean Earth radius (IUGG), for the footprint's spherical geometry


def _edge_angle(
    spec: SensorSpec, altitude_m: float, azimuths: FloatArray, iterations: int = 50
) -> FloatArray:
    """The central angle (rad) of the footprint's edge in each azimuth."""
    ra, rh = _R + spec.alt_m, _R + altitude_m
    if spec.type == "space-ir":
        # from the object, the satellite is on the horizon: cos θ = (R + h) / (R + a), with the
        # object seen against space above it (taken as what the satellite can see at all)
        theta = math.acos(min(rh / ra, 1.0)) if ra > rh else 0.0
        return np.full(azimuths.shape, theta)
    max_range = spec.max_range_km * 1e3
    min_el = math.radians(spec.min_elevation_deg)
    lo = np.zeros(azimuths.shape)
    hi = np.full(azimuths.shape, min(math.pi, max_range / _R + 0.1))
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        s = np.sqrt(ra**2 + rh**2 - 2 * ra * rh * np.cos(mid))
        el = np.arcsin(np.clip((rh * np.cos(mid) - ra) / np.maximum(s, 1e-9), -1, 1))
        ok = (s <= max_range) & (el >= min_el)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return lo


def coverage_ring(
    spec: SensorSpec, altitude_m: float = REFERENCE_ALTITUDE_M, points: int = 90
) -> FloatArray:
    """The footprint's edge as (lat_deg, lon_deg) rows, closed (first row = last row), with
    longitudes continuous (they may pass ±180°). A radar with a sector gives the sector's
    wedge, starting and ending at the sensor."""
    width = sector_width_deg(spec) if spec.type == "radar" else 360.0
    full = width >= 360.0
    azimuths = spec.azimuth_min_deg + np.linspace(0.0, width, points, endpoint=not full)
    theta = _edge_angle(spec, altitude_m, azimuths)
    lat, lon, _ = earth.geodesic_direct(
        np.full(points, spec.lat_deg), np.full(points, spec.lon_deg), azimuths, theta * _R
    )
    # longitudes unwrapped (they may pass 180°) so that a footprint across the antimeridian,
    # a geostationary satellite's, stays one ring on a map of the region
    ring = np.column_stack([lat, np.degrees(np.unwrap(np.radians(lon)))])
    if not full:
        here = np.array([[spec.lat_deg, spec.lon_deg]])
        ring = np.vstack([here, ring, here])
    else:
        ring = np.vstack([ring, ring[:1]])
    return ring
