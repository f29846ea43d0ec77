"""Scores of a tracker run against the truth.

GOSPA (Rahmathullah, García-Fernández & Svensson 2017, eq. 2 with α = 2): for estimated
positions X and true positions Y,

    d = ( min  Σ_assigned d(x, y)^p + c^p / 2 · (|unassigned X| + |unassigned Y|) )^(1/p)

with distances cut off at c. Assignment by ``scipy.optimize.linear_sum_assignment``. It splits
into localisation, missed and false parts, which are reported as well.

NEES: e = x̂ - x, ε = eᵀ P⁻¹ e, which for a consistent filter is χ² with dim(e) degrees of
freedom (Bar-Shalom et al. 2001, §5.4.2).

Ellipse coverage: a true impact point lies inside the 95 % ellipse when its squared
Mahalanobis distance in the ellipse's axes is at most χ²₂(0.95).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from launchwatch import earth
from launchwatch.tracking.impact import CHI2_2_95

__all__ = ["Gospa", "gospa", "inside_ellipse", "nees"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Gospa:
    total: float
    localisation: float
    missed: int
    false: int
    pairs: list[tuple[int, int]]
    """(estimate index, truth index) of the assigned pairs (closer than c)."""


def gospa(estimates: FloatArray, truths: FloatArray, c: float, p: float = 2.0) -> Gospa:
    """GOSPA with α = 2 between estimated and true positions (k, 3) and (m, 3), metres."""
    ne, nt = len(estimates), len(truths)
    if ne == 0 or nt == 0:
        total = (c**p / 2.0 * (ne + nt)) ** (1.0 / p)
        return Gospa(total, 0.0, nt, ne, [])
    d = np.linalg.norm(estimates[:, None, :] - truths[None, :, :], axis=2)
    cost = np.minimum(d, c) ** p
    rows, cols = linear_sum_assignment(cost)
    pairs = [(int(r), int(k)) for r, k in zip(rows, cols, strict=True) if d[r, k] < c]
    loc = float(sum(d[r, k] ** p for r, k in pairs))
    missed = nt - len(pairs)
    false = ne - len(pairs)
    total = (loc + c**p / 2.0 * (missed + false)) ** (1.0 / p)
    return Gospa(total, loc ** (1.0 / p), missed, false, pairs)


def nees(error: FloatArray, P: FloatArray) -> FloatArray:
    """ε = eᵀ P⁻¹ e for errors (n, d) and covariances (n, d, d)."""
    return np.asarray(np.einsum("ni,ni->n", error, np.linalg.solve(P, error[..., None])[..., 0]))


def inside_ellipse(
    true_lat_deg: float,
    true_lon_deg: float,
    lat_deg: float,
    lon_deg: float,
    semi_major_km: float,
    semi_minor_km: float,
    orientation_deg: float,
) -> bool:
    """Is the true point inside the 95 % ellipse centred at (lat, lon)? Orientation is the
    major axis's azimuth, clockwise from north."""
    e, n, _ = earth.ecef_to_enu(
        earth.geodetic_to_ecef(true_lat_deg, true_lon_deg, 0.0), lat_deg, lon_deg, 0.0
    )
    a = np.radians(orientation_deg)
    along = (e * np.sin(a) + n * np.cos(a)) / 1e3
    across = (e * np.cos(a) - n * np.sin(a)) / 1e3
    sa = max(semi_major_km, 1e-6) ** 2 / CHI2_2_95
    sb = max(semi_minor_km, 1e-6) ** 2 / CHI2_2_95
    return bool(along**2 / sa + across**2 / sb <= CHI2_2_95)
