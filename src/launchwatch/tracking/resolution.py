"""Which objects a radar cannot tell apart in one scan, compiled with Numba: confirmed tracks
in one resolution cell, and a missile with the stage it released (the stage floor).

A detection inside the gates of two or more confirmed tracks whose predicted positions lie
within one resolution cell of the radar (range difference under its range resolution, angle
between the lines of sight under its angular resolution) is the mean of the objects in that
cell (docs/tracking.md, "Consistency"). The test runs for every contested detection of every
radar scan: written with NumPy it cost some 70 µs a scan in small-array overhead (7 % of the
stress scenario's time), for a handful of tracks. tests/test_resolution.py holds it to the
NumPy form it replaced. The stage floor (TrackerConfig.stage_release_m_s) asks the same question
of a track and the stage it cannot see, for every track past burnout in every update (some
50 NumPy calls a scan, 8 % of the stress run); tests/test_resolution.py holds it to its
NumPy form too. When the radar does resolve the pair, ``missile_ahead`` (plain NumPy) says
which of the two detections is the missile: the one ahead. ``between_pairs`` (compiled too)
finds the detection in the cells of both tracks of such a pair, gated or not: their mean, which
may lie a kilometre from each.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

from launchwatch.flight.pointwise import JIT, altitude, density

__all__ = ["between_pairs", "missile_ahead", "stage_floor", "unresolved_pairs"]

FloatArray = npt.NDArray[np.float64]


@njit(**JIT)  # type: ignore[untyped-decorator]
def _seen_from(p: FloatArray, s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Range (n,) and unit line of sight (n, 3) from the radar at s to positions p (n, ≥3)."""
    n = p.shape[0]
    rng = np.empty(n)
    unit = np.empty((n, 3))
    for i in range(n):
        d0, d1, d2 = p[i, 0] - s[0], p[i, 1] - s[1], p[i, 2] - s[2]
        rng[i] = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        unit[i, 0], unit[i, 1], unit[i, 2] = d0 / rng[i], d1 / rng[i], d2 / rng[i]
    return rng, unit


@njit(**JIT)  # type: ignore[untyped-decorator]
def _one_cell(
    range_a: float,
    unit_a: FloatArray,
    range_b: float,
    unit_b: FloatArray,
    resolution_range_m: float,
    cos_res: float,
) -> bool:
    """Do two points seen at these ranges along these unit lines of sight lie in one
    resolution cell: under the range resolution apart, and at an angle under the angular
    resolution (cos_res its cosine)?"""
    if abs(range_a - range_b) >= resolution_range_m:
        return False
    return bool(unit_a[0] * unit_b[0] + unit_a[1] * unit_b[1] + unit_a[2] * unit_b[2] > cos_res)


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
    close = np.zeros((n_tracks, n_tracks), dtype=np.bool_)  # close[a, b], a < b: a pair
    cos_res = math.cos(math.radians(resolution_angle_deg))
    rng, unit = _seen_from(p, s)
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
                if not _one_cell(rng[a], unit[a], rng[b], unit[b], resolution_range_m, cos_res):
                    continue
                merged[c] = True
                close[a, b] = True
    return merged, np.argwhere(close).astype(np.intp)


@njit(**JIT)  # type: ignore[untyped-decorator]
def _beside(
    z: FloatArray,
    col: int,
    range_m: float,
    angle_rad: float,
    sigma_range_m: float,
    sigma_rad: float,
) -> bool:
    """Does the scan z hold a detection other than z[col] where a second object of the pair
    would be: within twice the nominal separation's range and angle, plus 4σ of the radar's
    noise? The stage may be ahead or behind, and the nominal separation is only nominal."""
    for d in range(z.shape[0]):
        if d == col:
            continue
        dr = abs(z[d, 0] - z[col, 0])
        daz = (z[d, 1] - z[col, 1] + math.pi) % (2.0 * math.pi) - math.pi
        dang = math.hypot(daz * math.cos(z[col, 2]), z[d, 2] - z[col, 2])
        if dr < 2.0 * range_m + 4.0 * sigma_range_m and dang < 2.0 * angle_rad + 4.0 * sigma_rad:
            return True
    return False


@njit(**JIT)  # type: ignore[untyped-decorator]
def _conditional_variance(P: FloatArray, i: int, k: int, lo: int, u: FloatArray) -> float:
    """1 / (uᵀ B⁻¹ u) for the 3×3 block B = P[i, k, lo:lo+3, lo:lo+3] (by its adjugate; 0 when
    B is singular): the variance along the unit vector u given the components across it."""
    b00, b01, b02 = P[i, k, lo, lo], P[i, k, lo, lo + 1], P[i, k, lo, lo + 2]
    b11, b12, b22 = P[i, k, lo + 1, lo + 1], P[i, k, lo + 1, lo + 2], P[i, k, lo + 2, lo + 2]
    c00, c01, c02 = b11 * b22 - b12 * b12, b02 * b12 - b01 * b22, b01 * b12 - b02 * b11
    c11, c12, c22 = b00 * b22 - b02 * b02, b01 * b02 - b00 * b12, b00 * b11 - b01 * b01
    det = b00 * c00 + b01 * c01 + b02 * c02
    quad = (
        u[0] * u[0] * c00
        + u[1] * u[1] * c11
        + u[2] * u[2] * c22
        + 2.0 * (u[0] * u[1] * c01 + u[0] * u[2] * c02 + u[1] * u[2] * c12)
    )
    if not (det > 0.0 and quad > 0.0):
        return 0.0
    return float(det / quad)


@njit(**JIT)  # type: ignore[untyped-decorator]
def stage_floor(
    x: FloatArray,
    P: FloatArray,
    mu: FloatArray,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    z: FloatArray,
    half: FloatArray,
    alone: npt.NDArray[np.int64],
    t: float,
    s: FloatArray,
    stage_beta_kg_m2: float,
    resolution_range_m: float,
    resolution_angle_deg: float,
    sigma_range_m: float,
    sigma_angle_deg: float,
) -> None:
    """TrackerConfig.stage_release_m_s for the track rows past burnout updated with
    detections z[cols] (see Tracker._consider_pair), in place. Each row's nominal
    half-separation from its stage, half[row] = (metres, m/s, time), grows with the stage's
    extra drag (β stage_beta_kg_m2) to t. Where this radar at s would see the pair as one
    detection, the row's position and velocity blocks are raised (along its velocity) until
    each holds the pair's offset: B ⪰ σ² u uᵀ, with σ the half-separation (or its rate) and u
    the velocity's direction (each IMM model). The variance along u alone is not enough: where
    a radar measures range sharply and the line of sight lies near u, a block wide across the
    beam has it while the range pins where the pair's mean is. Where it would resolve even half the
    pair and the scan holds no second detection where the other object would be, alone[row]
    counts the look."""
    K = mu.shape[1]
    res_angle = math.radians(resolution_angle_deg)
    sigma_angle = math.radians(sigma_angle_deg)
    u, xc = np.empty(3), np.empty(6)
    for j in range(rows.size):
        i = rows[j]
        xc[:] = 0.0
        for k in range(K):
            for a in range(6):
                xc[a] += mu[i, k] * x[i, k, a]
        dt = max(t - half[i, 2], 0.0)
        speed = math.sqrt(xc[3] * xc[3] + xc[4] * xc[4] + xc[5] * xc[5])
        rho = density(altitude(xc))
        accel = rho * speed * speed / (2.0 * stage_beta_kg_m2)
        half[i, 1] += 0.5 * accel * dt
        half[i, 0] += half[i, 1] * dt
        half[i, 2] = t
        for a in range(3):
            u[a] = xc[3 + a] / speed
        r0, r1, r2 = xc[0] - s[0], xc[1] - s[1], xc[2] - s[2]
        rng = math.sqrt(r0 * r0 + r1 * r1 + r2 * r2)
        along = abs(u[0] * r0 + u[1] * r1 + u[2] * r2) / rng
        sep = 2.0 * half[i, 0]
        across = sep * math.sqrt(max(1.0 - along * along, 0.0)) / rng
        # only a radar that would resolve even half the nominal pair may call the track
        # alone: where the pair flies closer than nominal, a radar that merges it sees one
        # detection too, and the floor would end while it is needed
        resolves_half = not (0.5 * sep * along < resolution_range_m and 0.5 * across < res_angle)
        if resolves_half and not _beside(
            z, cols[j], sep * along, across, sigma_range_m, sigma_angle
        ):
            alone[i] += 1
        if not (sep * along < resolution_range_m and across < res_angle):
            continue
        for lo, sigma in ((0, half[i, 0]), (3, half[i, 1])):
            for k in range(K):
                # the variance along u left when the other two directions are known:
                # floored, the block holds the pair's offset σ² u uᵀ (B ⪰ σ² u uᵀ, since
                # uᵀ(B + c u uᵀ)⁻¹u = m / (1 + c m) with m = uᵀB⁻¹u); the variance along u
                # alone may be wide across a radar's beam while its range is sharp
                add = max(sigma * sigma - _conditional_variance(P, i, k, lo, u), 0.0)
                for a in range(3):
                    for b in range(3):
                        P[i, k, lo + a, lo + b] += add * u[a] * u[b]


def missile_ahead(
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    usable: npt.NDArray[np.bool_],
    floored: npt.NDArray[np.bool_],
    range_m: FloatArray,
    along: FloatArray,
    half_m: FloatArray,
    sigma_range_m: float,
) -> tuple[npt.NDArray[np.intp], int]:
    """When a radar resolves a missile from the stage it released, the missile is the object
    ahead: the stage was pushed back at separation and its drag slows it more. A track that
    followed the pair's merged detections sits near their mean, and the nearest detection is
    the stage's as often as the missile's. So each floored track (``floored``, per gate row;
    TrackerConfig.stage_release_m_s) assigned detection cols[j] takes instead a detection in
    its gate (``usable``) that lies ahead of it along the track's velocity: by more than 3σ of
    the two ranges' difference, and by less than twice the nominal pair's separation
    (4 ``half_m``) plus that. ``along`` is the cosine between the track's velocity and the
    radar's line of sight; the range difference divided by it is the distance ahead, so it
    must be at least 0.5 for the range to tell. A detection held by a track that is not
    floored and gates cols[j] too is swapped with it (a new track on the missile gives it
    back); one held by another floored track is left alone. Returns the new cols and the
    number of detections taken. Plain NumPy: the loop runs only for floored tracks with two
    or more detections in their gate, a few per scan at most."""
    cols = cols.copy()
    several = np.flatnonzero(floored[rows] & (usable[rows].sum(axis=1) >= 2))
    if not several.size:
        return cols, 0
    owner = np.full(usable.shape[1], -1, dtype=np.intp)
    owner[cols] = np.arange(rows.size)
    sig = 3.0 * math.sqrt(2.0) * sigma_range_m
    taken = 0
    for j in several:
        a, c = rows[j], cols[j]
        cos = float(along[a])
        if abs(cos) < 0.5:
            continue
        best, lead = -1, 0.0
        for d in np.flatnonzero(usable[a]):
            if d == c:
                continue
            dr = (range_m[d] - range_m[c]) * math.copysign(1.0, cos)
            ahead = dr / abs(cos)
            if dr <= sig or ahead >= 4.0 * half_m[a] + sig / abs(cos) or ahead <= lead:
                continue
            k = owner[d]
            if k >= 0 and (floored[rows[k]] or not usable[rows[k], c]):
                continue
            best, lead = int(d), ahead
        if best < 0:
            continue
        k = owner[best]
        cols[j], owner[best] = best, j
        if k >= 0:
            cols[k], owner[c] = c, k
        else:
            owner[c] = -1
        taken += 1
    return cols, taken


@njit(**JIT)  # type: ignore[untyped-decorator]
def between_pairs(
    p: FloatArray,
    confirmed: npt.NDArray[np.bool_],
    s: FloatArray,
    R: FloatArray,
    z: FloatArray,
    resolution_range_m: float,
    resolution_angle_deg: float,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """Detections z (m, ≥3: range, azimuth, elevation in the radar's ENU frame, whose rows
    in ECEF are R) that lie in the resolution cell of a pair of confirmed tracks (positions p,
    n × ≥3, ECEF) which the radar at s cannot tell apart: within its range resolution and its
    angular resolution of both. Such a detection is the pair's mean. Once the tracks are tight
    it falls in neither gate (the objects may be a kilometre or more apart across the beam),
    and as a new track it would follow the middle of the pair. Returns which detections, and
    the pairs (k, 2; a < b) whose cell holds one. Compiled: it runs for every radar scan that
    sees two tracks or more, and in NumPy its small-array calls cost some 30 µs a scan, about
    10 % of the stress run; tests/test_resolution.py holds it to that NumPy form."""
    n, m = p.shape[0], z.shape[0]
    found = np.zeros(m, dtype=np.bool_)
    cos_res = math.cos(math.radians(resolution_angle_deg))
    rng, unit = _seen_from(p, s)
    los = np.empty((m, 3))
    for c in range(m):
        az, el = z[c, 1], z[c, 2]
        e, nn, u = math.cos(el) * math.sin(az), math.cos(el) * math.cos(az), math.sin(el)
        for k in range(3):  # R's rows are east, north, up in ECEF
            los[c, k] = e * R[0, k] + nn * R[1, k] + u * R[2, k]
    pairs = np.zeros((0, 2), dtype=np.intp)
    kept = []
    for a in range(n):
        if not confirmed[a]:
            continue
        for b in range(a + 1, n):
            if not confirmed[b]:
                continue
            if not _one_cell(rng[a], unit[a], rng[b], unit[b], resolution_range_m, cos_res):
                continue
            holds = False
            for c in range(m):
                with_a = _one_cell(z[c, 0], los[c], rng[a], unit[a], resolution_range_m, cos_res)
                with_b = _one_cell(z[c, 0], los[c], rng[b], unit[b], resolution_range_m, cos_res)
                if with_a and with_b:
                    found[c] = True
                    holds = True
            if holds:
                kept.append((a, b))
    if kept:
        pairs = np.empty((len(kept), 2), dtype=np.intp)
        for k in range(len(kept)):
            pairs[k, 0], pairs[k, 1] = kept[k]
    return found, pairs
