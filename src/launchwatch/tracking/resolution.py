"""Which confirmed tracks a radar cannot tell apart in one scan, compiled with Numba.

A detection inside the gates of two or more confirmed tracks whose predicted positions lie
within one resolution cell of the radar (range difference under its range resolution, angle
between the lines of sight under its angular resolution) is the mean of the objects in that
cell (docs/tracking.md, "Consistency"). The test runs for every contested detection of every
radar scan: written with NumPy it cost some 70 µs a scan in small-array overhead (7 % of the
stress scenario's time), for a handful of tracks. tests/test_resolution.py holds it to the
NumPy form it replaced.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

from launchwatch.flight.pointwise import JIT

__all__ = ["unresolved_pairs"]

FloatArray = npt.NDArray[np.float64]


@njit(**JIT)  # type: ignore[untyped-decorator]
def unresolved_pairs(
    inside: npt.NDArray[np.bool_],
    confirmed: npt.NDArray[np.bool_],
    p: FloatArray,
    s: FloatArray,
    resolution_range_m: float,
    resolution_angle_deg: float,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """For a scan's gates ``inside`` (tracks × detections) and the tracks' positions p
    (n, ≥3; ECEF) seen from the radar at s: which detections fall in the gates of two
    confirmed tracks in one resolution cell, and those pairs of tracks (m, 2; row indices
    a < b, each pair once)."""
    n_tracks, n_det = inside.shape
    merged = np.zeros(n_det, dtype=np.bool_)
    pairs = np.empty((16, 2), dtype=np.intp)
    count = 0
    cos_res = math.cos(math.radians(resolution_angle_deg))
    rng = np.empty(n_tracks)
    unit = np.empty((n_tracks, 3))
    for i in range(n_tracks):
        d0, d1, d2 = p[i, 0] - s[0], p[i, 1] - s[1], p[i, 2] - s[2]
        rng[i] = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        unit[i, 0], unit[i, 1], unit[i, 2] = d0 / rng[i], d1 / rng[i], d2 / rng[i]
    k = np.empty(n_tracks, dtype=np.intp)
    for c in range(n_det):
        m = 0
        for i in range(n_tracks):
            if inside[i, c] and confirmed[i]:
                k[m] = i
                m += 1
        for ia in range(m):
            a = k[ia]
            for ib in range(ia + 1, m):
                b = k[ib]
                if abs(rng[a] - rng[b]) >= resolution_range_m:
                    continue
                cos_ab = unit[a, 0] * unit[b, 0] + unit[a, 1] * unit[b, 1] + unit[a, 2] * unit[b, 2]
                if cos_ab <= cos_res:
                    continue
                merged[c] = True
                seen = False
                for j in range(count):
                    if pairs[j, 0] == a and pairs[j, 1] == b:
                        seen = True
                        break
                if not seen:
                    if count == pairs.shape[0]:
                        grown = np.empty((2 * count, 2), dtype=np.intp)
                        grown[:count] = pairs
                        pairs = grown
                    pairs[count, 0], pairs[count, 1] = a, b
                    count += 1
    return merged, pairs[:count]
