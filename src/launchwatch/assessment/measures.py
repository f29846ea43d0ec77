"""What one launch did, measured from its tracks, each figure with a 1σ uncertainty.

- **Impact**: the last impact prediction of the object (the tracker's unscented transform
  through the flight, 95 % ellipse). "Observed to fall" when its last track update was below
  20 km and descending; otherwise predicted.
- **Range flown**: the WGS-84 geodesic from the launch point to the impact point; 1σ from the
  launch point's and the impact ellipse's spreads along that direction.
- **Apogee**: the highest altitude tracked when the tracks saw the missile rise to it and fall
  from it without a gap of more than 30 s (1σ: that update's position σ); otherwise predicted
  by flying the sigma points of the last exo-atmospheric update (above 80 km) while climbing
  forward, and of the first while descending back, in vacuum: the mean and spread of their
  apogees, from whichever of the two is the tighter; otherwise the highest tracked altitude
  as a lower bound.
- **Flight time**: impact time minus launch time, their σ combined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from launchwatch.assessment.events import GEOD, Event, FlyingObject, sigma_along_km
from launchwatch.assessment.ground_track import object_records
from launchwatch.assessment.tracks_file import Ellipse, TrackRecord
from launchwatch.flight.propagate import propagate
from launchwatch.flight.shape import minimum_energy_apogee_km
from launchwatch.scenario import parse_time
from launchwatch.tracking.kalman import sigma_points

__all__ = ["Measure", "MissileMeasures", "apogee_ratio_sigma", "measure_missile"]

FELL_BELOW_M: Final = 20_000.0
EXO_ALTITUDE_M: Final = 80_000.0
PEAK_MARGIN_M: Final = 2_000.0
MAX_GAP_S: Final = 30.0


@dataclass(frozen=True)
class Measure:
    value: float
    sigma: float
    basis: str


@dataclass(frozen=True)
class MissileMeasures:
    tracks: list[str]
    launch_time: float
    launch_lat_deg: float
    launch_lon_deg: float
    """This missile's own launch (in a salvo, each has its own infrared alert)."""
    range_km: Measure
    azimuth_deg: float
    apogee_km: Measure
    apogee_kind: Literal["observed", "predicted", "lower bound"]
    flight_time_s: Measure
    impact: Ellipse
    impact_time: float
    impact_observed: bool
    """True if the object was tracked down to below 20 km."""
    last_seen_alt_km: float


def _up_speed(rec: TrackRecord) -> float:
    r, v = np.array(rec.position_ecef_m), np.array(rec.velocity_ecef_m_s)
    return float(r @ v / np.linalg.norm(r))


def _predicted_apogee(rec: TrackRecord) -> Measure:
    x = np.array([*rec.position_ecef_m, *rec.velocity_ecef_m_s])[None]
    P = np.array(rec.covariance_ecef)[None]
    pts, wm, wc = sigma_points(x, P)
    flat = pts[0]
    climbing = _up_speed(rec) > 0
    flight = propagate(flat[:, :3], flat[:, 3:6], rtol=1e-8, atol_m=1.0, backward=not climbing)
    h = flight.apogee_alt_m / 1e3
    mean = float(wm @ h)
    sigma = math.sqrt(max(float(wc @ (h - mean) ** 2), 0.0))
    way = "forward" if climbing else "back"
    return Measure(
        mean,
        sigma,
        f"predicted: sigma points of the update at {rec.alt_m / 1e3:,.0f} km flown {way} in vacuum",
    )


def _apogee(
    records: list[TrackRecord], times: np.ndarray
) -> tuple[Measure, Literal["observed", "predicted", "lower bound"]]:
    alts = np.array([r.alt_m for r in records])
    k = int(np.argmax(alts))
    peak = float(alts[k])
    below = alts <= peak - PEAK_MARGIN_M
    before = np.flatnonzero(below[:k])
    after = k + 1 + np.flatnonzero(below[k + 1 :])
    # seen through the peak: risen to it and fallen from it, with no gap in the tracking
    if before.size and after.size:
        span = times[before[-1] : after[0] + 1]
        if float(np.max(np.diff(span), initial=0.0)) <= MAX_GAP_S:
            sigma = records[k].position_sigma_m
            return Measure(peak / 1e3, sigma / 1e3, "highest tracked altitude"), "observed"
    exo = [i for i, r in enumerate(records) if r.alt_m >= EXO_ALTITUDE_M and r.phase != "boost"]
    # the last update while climbing and the first while descending, when they exist
    up = [i for i in exo if _up_speed(records[i]) > 0]
    down = [i for i in exo if _up_speed(records[i]) <= 0]
    candidates = [_predicted_apogee(records[up[-1]])] if up else []
    if down:
        candidates.append(_predicted_apogee(records[down[0]]))
    if candidates:
        return min(candidates, key=lambda m: m.sigma), "predicted"
    return Measure(peak / 1e3, 0.0, "highest tracked altitude (a lower bound)"), "lower bound"


def measure_missile(event: Event, obj: FlyingObject) -> MissileMeasures:
    impact = obj.impact
    if impact is None:  # group_events gives such objects the role "short track"
        raise ValueError(f"object {obj.ids} has no impact prediction")
    records, times = object_records(obj)
    last = records[-1]
    observed_fall = last.alt_m < FELL_BELOW_M and _up_speed(last) < 0
    launch_t, launch_st = event.launch_time, event.launch_time_sigma_s
    lat0, lon0, launch_sk = event.launch_lat_deg, event.launch_lon_deg, event.launch_sigma_km
    if obj.alert is not None and obj.alert.time != event.launch_time:
        a = obj.alert.record  # in a salvo, each missile has its own launch
        launch_t, lat0, lon0 = obj.alert.time, a.launch_lat_deg, a.launch_lon_deg
        launch_sk = a.launch_sigma_km
    az, _, dist_m = GEOD.inv(lon0, lat0, impact.lon_deg, impact.lat_deg)
    range_sigma = math.hypot(launch_sk, sigma_along_km(impact, az))
    impact_t = parse_time(impact.time)
    apogee, kind = _apogee(records, times)
    return MissileMeasures(
        tracks=obj.ids,
        launch_time=launch_t,
        launch_lat_deg=lat0,
        launch_lon_deg=lon0,
        range_km=Measure(dist_m / 1e3, range_sigma, "geodesic from launch point to impact"),
        azimuth_deg=float(az % 360.0),
        apogee_km=apogee,
        apogee_kind=kind,
        flight_time_s=Measure(
            impact_t - launch_t,
            math.hypot(launch_st, impact.time_sigma_s),
            "impact time minus launch time",
        ),
        impact=impact,
        impact_time=impact_t,
        impact_observed=observed_fall,
        last_seen_alt_km=last.alt_m / 1e3,
    )


def apogee_ratio_sigma(range_km: Measure, apogee_km: Measure) -> float:
    """1σ of apogee / minimum-energy apogee(range), to first order:
    (σ_r / r)² = (σ_H / H)² + (d ln H_min / d ln R · σ_R / R)²."""
    R, H = range_km.value, apogee_km.value
    h_min = float(minimum_energy_apogee_km(R))
    slope = (
        math.log(float(minimum_energy_apogee_km(R * 1.01)))
        - math.log(float(minimum_energy_apogee_km(R * 0.99)))
    ) / (math.log(1.01) - math.log(0.99))
    rel = math.hypot(apogee_km.sigma / H, slope * range_km.sigma / R)
    return H / h_min * rel
