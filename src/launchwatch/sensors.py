"""What radars and space-based infrared sensors report of the objects in flight.

Vectorised over objects × scan times: each sensor evaluates all objects at all its scan times
as arrays, in chunks of scans.

Radar (ground or ship): range, azimuth, elevation and, if the sensor has
``sigma_range_rate_m_s``, range-rate. An object is seen when it is alive, above
``min_elevation_deg``, within ``max_range_km`` and the azimuth sector, the straight line to it
does not pass through the WGS-84 ellipsoid, and a detection draw succeeds. The detection
probability follows the radar equation for a Swerling I target (Skolnik, *Introduction to
Radar Systems*, 3rd ed., §2.8): SNR = SNR_ref (σ / σ_ref) (R_ref / R)⁴ and
Pd = Pfa^(1 / (1 + SNR)), with SNR_ref set so that Pd = ``pd_ref`` at ``pd_ref_range_km`` for a
target of ``ref_rcs_m2``. Objects closer than the resolution (in range and in angle) give one
detection at their mean position. False alarms are a Poisson number per scan, uniform in range,
azimuth sector and elevation. Noise is Gaussian with the configured sigmas plus a fixed bias.

Space IR (geostationary, or highly elliptical on a Keplerian orbit): a unit line-of-sight
vector from the satellite, with Gaussian angular noise of ``sigma_los_urad`` per axis, only
while the object's motor burns and only if the line of sight clears the Earth (so a missile
beyond the limb is not seen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.scenario import SensorSpec
from launchwatch.truth import Truth

__all__ = [
    "Detections",
    "detection_probability",
    "in_sector",
    "line_of_sight_clear",
    "observe",
    "sector_width_deg",
    "sensor_position",
    "ship_state",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

KNOT_M_S: Final = 1852.0 / 3600.0
_CHUNK_SCANS: Final = 1024


@dataclass
class Detections:
    """Columnar detections of one sensor. ``objects`` (n, 2) holds the indices of the truth
    objects behind each detection (-1: none; a false alarm has -1 in both columns)."""

    sensor: SensorSpec
    time: FloatArray
    range_m: FloatArray
    azimuth_deg: FloatArray
    elevation_deg: FloatArray
    range_rate_m_s: FloatArray
    los: FloatArray
    objects: IntArray

    @property
    def false_alarms(self) -> int:
        return int(np.sum(self.objects[:, 0] < 0))

    def __len__(self) -> int:
        return int(self.time.size)


def line_of_sight_clear(a: FloatArray, b: FloatArray) -> BoolArray:
    """True where the segment from ECEF point a to b does not pass inside the WGS-84 ellipsoid.

    Scaled so the ellipsoid is the unit sphere, the segment p + s d (0 ≤ s ≤ 1) is blocked when
    its point closest to the centre lies inside the sphere (by more than ~3 mm, so that a
    sensor standing on the surface is not blocked by the ground under it)."""
    scale = np.array([1.0 / earth.WGS84_A_M, 1.0 / earth.WGS84_A_M, 1.0 / earth.WGS84_B_M])
    p = a * scale
    d = (b - a) * scale
    dd = np.sum(d * d, axis=-1)
    s_min = np.clip(-np.sum(p * d, axis=-1) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
    closest = p + s_min[..., None] * d
    return np.asarray(np.sum(closest * closest, axis=-1) >= 1.0 - 1e-9)


def sector_width_deg(spec: SensorSpec) -> float:
    """Width of the azimuth sector, clockwise from ``azimuth_min_deg`` (360: all round)."""
    return (spec.azimuth_max_deg - spec.azimuth_min_deg) % 360.0 or 360.0


def in_sector(spec: SensorSpec, azimuth_deg: FloatArray) -> BoolArray:
    """Which azimuths lie in the sensor's sector."""
    width = sector_width_deg(spec)
    if width >= 360.0:
        return np.ones(np.shape(azimuth_deg), dtype=bool)
    return np.asarray((azimuth_deg - spec.azimuth_min_deg) % 360.0 <= width)


def detection_probability(spec: SensorSpec, range_m: FloatArray, rcs_m2: FloatArray) -> FloatArray:
    """Swerling I probability of detection at slant range for a target of rcs_m2."""
    ref_range = (spec.pd_ref_range_km or spec.max_range_km) * 1e3
    snr_ref = np.log(spec.pfa) / np.log(spec.pd_ref) - 1.0
    snr = snr_ref * (rcs_m2 / spec.ref_rcs_m2) * (ref_range / np.maximum(range_m, 1.0)) ** 4
    return np.asarray(spec.pfa ** (1.0 / (1.0 + snr)), dtype=np.float64)


def _kepler_position_eci(spec: SensorSpec, dt_s: FloatArray) -> FloatArray:
    """Two-body position (m) of a highly elliptical orbit ``dt_s`` after the scenario epoch."""
    a = spec.semi_major_axis_km * 1e3
    e = spec.eccentricity
    n = np.sqrt(earth.GM_M3_S2 / a**3)
    M = np.radians(spec.mean_anomaly_deg) + n * dt_s
    E = M.copy()
    for _ in range(30):  # Newton on Kepler's equation E - e sin E = M
        E -= (E - e * np.sin(E) - M) / (1.0 - e * np.cos(E))
    nu = 2.0 * np.arctan2(np.sqrt(1 + e) * np.sin(E / 2), np.sqrt(1 - e) * np.cos(E / 2))
    r = a * (1.0 - e * np.cos(E))
    i, raan, w = (
        np.radians(x) for x in (spec.inclination_deg, spec.raan_deg, spec.arg_perigee_deg)
    )
    u = w + nu
    x = r * (np.cos(raan) * np.cos(u) - np.sin(raan) * np.sin(u) * np.cos(i))
    y = r * (np.sin(raan) * np.cos(u) + np.cos(raan) * np.sin(u) * np.cos(i))
    z = r * np.sin(u) * np.sin(i)
    return np.stack([x, y, z], axis=-1)


def ship_state(
    spec: SensorSpec, times: FloatArray, epoch_s: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ECEF position and velocity (k, 3) of a ship on its steady course at the times, and its
    east-north-up rotation there (k, 3, 3): the radar's frame."""
    dist = spec.speed_kn * KNOT_M_S * (times - epoch_s)
    lat, lon, back = earth.geodesic_direct(spec.lat_deg, spec.lon_deg, spec.course_deg, dist)
    r = earth.geodetic_to_ecef(lat, lon, spec.alt_m)
    R = earth.enu_rotation(lat, lon)
    enu = earth.aer_to_enu((back + 180.0) % 360.0, 0.0, spec.speed_kn * KNOT_M_S)
    v = np.einsum("kji,kj->ki", R, enu)
    return r, v, R


def sensor_position(
    spec: SensorSpec, times: FloatArray, epoch_s: float
) -> tuple[FloatArray, FloatArray]:
    """ECEF position and velocity (k, 3) of the sensor at the times: fixed, a ship on a steady
    course (``course_deg``, ``speed_kn``) from its position at the epoch, or a satellite."""
    k = times.size
    if spec.type == "space-ir" and spec.orbit == "heo":
        r_i = _kepler_position_eci(spec, times - epoch_s)
        dt = 0.5
        r_i2 = _kepler_position_eci(spec, times - epoch_s + dt)
        v_i = (r_i2 - r_i) / dt
        return earth.eci_to_ecef(r_i, v_i, times)
    if spec.speed_kn > 0:
        r, v, _ = ship_state(spec, times, epoch_s)
        return r, v
    r = np.broadcast_to(earth.geodetic_to_ecef(spec.lat_deg, spec.lon_deg, spec.alt_m), (k, 3))
    return np.array(r), np.zeros((k, 3))


def _scan_times(spec: SensorSpec, truth: Truth) -> FloatArray:
    start = min(o.t_start for o in truth.objects)
    first = truth.epoch_s + np.ceil((start - truth.epoch_s) / spec.revisit_s) * spec.revisit_s
    return np.arange(first, truth.t_stop, spec.revisit_s)


def observe(spec: SensorSpec, truth: Truth, rng: np.random.Generator) -> Detections:
    """All detections of one sensor over the scenario, in time order."""
    times = _scan_times(spec, truth)
    parts = [
        (_radar if spec.type == "radar" else _infrared)(
            spec, truth, times[i : i + _CHUNK_SCANS], rng
        )
        for i in range(0, times.size, _CHUNK_SCANS)
    ]
    if not parts:
        parts = [_empty(spec)]
    cols = [
        np.concatenate([getattr(p, name) for p in parts])
        for name in (
            "time",
            "range_m",
            "azimuth_deg",
            "elevation_deg",
            "range_rate_m_s",
            "los",
            "objects",
        )
    ]
    order = np.argsort(cols[0], kind="stable")
    return Detections(spec, *(c[order] for c in cols))


def _empty(spec: SensorSpec) -> Detections:
    z = np.zeros(0)
    return Detections(spec, z, z, z, z, z, np.zeros((0, 3)), np.zeros((0, 2), dtype=np.int64))


def _merge_unresolved(
    scan: IntArray, rng_m: FloatArray, unit: FloatArray, gate_range_m: float, gate_angle_rad: float
) -> IntArray:
    """Group label per detection: detections of one scan adjacent in range that are within
    both resolution gates of the previous one join its group (sorted order assumed)."""
    if scan.size == 0:
        return np.zeros(0, dtype=np.int64)
    same_scan = np.r_[False, scan[1:] == scan[:-1]]
    close_range = np.r_[False, np.abs(np.diff(rng_m)) < gate_range_m]
    cos_sep = np.r_[-1.0, np.sum(unit[1:] * unit[:-1], axis=1)]
    close_angle = cos_sep > np.cos(gate_angle_rad)
    joins = same_scan & close_range & close_angle
    return np.cumsum(~joins) - 1


def _group(
    labels: IntArray, obj: IntArray, values: list[FloatArray]
) -> tuple[IntArray, list[FloatArray]]:
    """Mean of each value per group, and the first two objects of each group."""
    if labels.size == 0:
        return np.zeros((0, 2), dtype=np.int64), [v[:0] for v in values]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    counts = np.diff(np.r_[starts, labels.size])
    means = [
        np.add.reduceat(v, starts, axis=0) / (counts[:, None] if v.ndim == 2 else counts)
        for v in values
    ]
    pair = np.full((starts.size, 2), -1, dtype=np.int64)
    pair[:, 0] = obj[starts]
    second = counts > 1
    pair[second, 1] = obj[starts[second] + 1]
    return pair, means


def _radar(
    spec: SensorSpec, truth: Truth, times: FloatArray, rng: np.random.Generator
) -> Detections:
    r, v, alive = truth.states(times)  # (n, k, 3), cached per scan grid
    s, sv = sensor_position(spec, times, truth.epoch_s)
    moving = spec.speed_kn > 0
    if moving:
        lat, lon, _ = earth.ecef_to_geodetic(s)
        R = earth.enu_rotation(lat, lon)  # (k, 3, 3)
    else:
        R = np.broadcast_to(earth.enu_rotation(spec.lat_deg, spec.lon_deg), (1, 3, 3))
    k = times.size
    rcs = np.array([o.rcs_m2 for o in truth.objects])
    # Cheapest tests first, on alive pairs only: range, then angles, then the Earth.
    ni, ki = np.nonzero(alive)
    rel = r[ni, ki] - s[ki]
    slant = np.sqrt(np.einsum("ij,ij->i", rel, rel))
    near = slant <= spec.max_range_km * 1e3
    ni, ki, rel, slant = ni[near], ki[near], rel[near], slant[near]
    enu = np.einsum("nij,nj->ni", R[ki], rel) if moving else rel @ R[0].T
    az, el, _ = earth.enu_to_aer(enu)
    keep = (el >= spec.min_elevation_deg) & in_sector(spec, az)
    ni, ki, rel, slant = ni[keep], ki[keep], rel[keep], slant[keep]
    if spec.min_elevation_deg < 0.0 or spec.alt_m < 0.0:
        # Above the local horizontal plane of a sensor on or over the ellipsoid the Earth
        # cannot be in the way (the ellipsoid is convex and lies below that plane), so the
        # ray test is needed only for sensors allowed to look below it.
        clear = line_of_sight_clear(s[ki], r[ni, ki])
        ni, ki, rel, slant = ni[clear], ki[clear], rel[clear], slant[clear]
    pd = detection_probability(spec, slant, rcs[ni])
    hit = rng.random(pd.size) < pd
    ni, ki, rel, slant = ni[hit], ki[hit], rel[hit], slant[hit]
    # resolution: sort by scan then range, merge neighbours within both gates
    order = np.lexsort((slant, ki))
    ni, ki, rel, slant = ni[order], ki[order], rel[order], slant[order]
    labels = _merge_unresolved(
        ki,
        slant,
        rel / slant[:, None],
        spec.resolution_range_m,
        np.radians(spec.resolution_angle_deg),
    )
    pair, (pos, vel, kk) = _group(labels, ni, [r[ni, ki], v[ni, ki], ki.astype(np.float64)])
    kk_i = kk.round().astype(np.int64)
    d = pos - s[kk_i]
    e = np.einsum("kij,kj->ki", R[kk_i], d) if moving else d @ R[0].T
    t_az, t_el, t_rng = earth.enu_to_aer(e)
    t_rr = np.einsum("ij,ij->i", d, vel - sv[kk_i]) / t_rng
    m = t_rng.size
    meas_rng = t_rng + spec.bias_range_m + rng.normal(0.0, spec.sigma_range_m, m)
    meas_az = (t_az + spec.bias_azimuth_deg + rng.normal(0.0, spec.sigma_azimuth_deg, m)) % 360.0
    meas_el = t_el + spec.bias_elevation_deg + rng.normal(0.0, spec.sigma_elevation_deg, m)
    if spec.sigma_range_rate_m_s is not None:
        meas_rr = t_rr + rng.normal(0.0, spec.sigma_range_rate_m_s, m)
    else:
        meas_rr = np.full(m, np.nan)
    t_det = times[kk_i]
    # false alarms: a Poisson number per scan, uniform in range, sector and elevation
    n_fa = np.zeros(k, dtype=np.int64)
    if spec.false_alarms_per_scan > 0:
        n_fa = rng.poisson(spec.false_alarms_per_scan, k).astype(np.int64)
    total = int(n_fa.sum())
    fa_t = np.repeat(times, n_fa)
    fa_rng = rng.uniform(0.0, spec.max_range_km * 1e3, total)
    fa_az = (spec.azimuth_min_deg + rng.uniform(0.0, sector_width_deg(spec), total)) % 360.0
    fa_el = rng.uniform(spec.min_elevation_deg, 90.0, total)
    fa_rr = (
        rng.uniform(-7000.0, 7000.0, total)
        if spec.sigma_range_rate_m_s is not None
        else np.full(total, np.nan)
    )
    return Detections(
        spec,
        np.concatenate([t_det, fa_t]),
        np.concatenate([meas_rng, fa_rng]),
        np.concatenate([meas_az, fa_az]),
        np.concatenate([meas_el, fa_el]),
        np.concatenate([meas_rr, fa_rr]),
        np.full((m + total, 3), np.nan),
        np.concatenate([pair, np.full((total, 2), -1, dtype=np.int64)]),
    )


def _infrared(
    spec: SensorSpec, truth: Truth, times: FloatArray, rng: np.random.Generator
) -> Detections:
    r, _, alive = truth.states(times)
    s, _ = sensor_position(spec, times, truth.epoch_s)
    t_burn = np.array([o.t_burnout for o in truth.objects])[:, None]
    t_start = np.array([o.t_start for o in truth.objects])[:, None]
    boost = alive & (times[None, :] >= t_start) & (times[None, :] < t_burn)
    ni, ki = np.nonzero(boost)
    clear = line_of_sight_clear(s[ki], r[ni, ki])
    ni, ki = ni[clear], ki[clear]
    rel = r[ni, ki] - s[ki]
    dist = np.linalg.norm(rel, axis=1)
    unit = rel / dist[:, None]
    order = np.lexsort((dist, ki))
    ni, ki, unit, dist = ni[order], ki[order], unit[order], dist[order]
    labels = _merge_unresolved(ki, np.zeros_like(dist), unit, 1.0, spec.resolution_los_urad * 1e-6)
    pair, (u_mean, kk) = _group(labels, ni, [unit, ki.astype(np.float64)])
    kk_i = kk.round().astype(np.int64)
    u = u_mean / np.linalg.norm(u_mean, axis=1, keepdims=True)
    # two axes perpendicular to the line of sight, for the angular noise
    helper = np.where(
        np.abs(u[:, 2:3]) < 0.9, np.array([[0.0, 0.0, 1.0]]), np.array([[1.0, 0.0, 0.0]])
    )
    e1 = np.cross(u, helper)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(u, e1)
    sigma = spec.sigma_los_urad * 1e-6
    m = u.shape[0]
    noisy = u + sigma * (rng.normal(size=(m, 1)) * e1 + rng.normal(size=(m, 1)) * e2)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    nan = np.full(m, np.nan)
    return Detections(spec, times[kk_i], nan, nan, nan, nan, noisy, pair)
