"""Tracks → flying objects → launch events.

A tracker's tracks are not objects: one missile can leave several tracks (a track breaks when
the missile leaves one radar's cover before the next has it; two radars can start duplicates),
and one launch leaves several objects (the missile and its spent stages). So:

1. **Objects.** Tracks are taken from the last seen back. A track joins an object when
   its last impact prediction agrees with the object's (within 3σ of both ellipses combined,
   and at least 30 km; impact times within 60 s) and it is not a different body flying beside
   it: where the two overlap in time, their positions at common times stay within 10 km. Of
   several such objects it joins the one with the largest ballistic coefficient. Then an
   object whose last track goes on as another object's track (starting within 10 s of its
   end, where its last state flown on would be) joins it: a track broken under thrust
   predicts another fall than its continuation, so it matches nothing by impact.
2. **Roles.** An object seen in fewer than 20 track updates, or with no impact prediction, is
   a short track (a fragment, or a piece of a broken track that matched nothing). Objects of
   one event whose ballistic coefficient is known and below a quarter of
   the largest in the event are spent stages or debris (a tumbling stage has β of 1,000-2,000
   kg/m², a re-entry vehicle 10,000 or more); the rest are missiles.
3. **Launches.** Each object is matched to an infrared launch alert that came before its first
   track (by ``scipy.optimize.linear_sum_assignment`` on the delay, at most 10 min, and within
   reach: 50 km plus 7 km/s of the delay); objects left without one (stages) share the
   earliest feasible alert, or that of an object falling in the same place. Objects whose
   launches are within 15 minutes of each other (chained) and 100 km apart at most are one
   event (a salvo); its launch point and time are the first launch's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
from pyproj import Geod
from scipy.optimize import linear_sum_assignment

from launchwatch.assessment.tracks_file import Alert, Ellipse, TrackHistory, TracksFile
from launchwatch.scenario import parse_time
from launchwatch.tracking.impact import CHI2_2_95

__all__ = ["Event", "FlyingObject", "group_events", "group_objects", "sigma_along_km"]

GEOD: Final = Geod(ellps="WGS84")
SAME_IMPACT_MIN_KM: Final = 30.0
SAME_IMPACT_TIME_S: Final = 60.0
BESIDE_KM: Final = 10.0
BREAK_GAP_S: Final = 10.0
STAGE_BETA_FRACTION: Final = 0.25
ALERT_WINDOW_S: Final = 600.0
SALVO_GAP_S: Final = 900.0
SALVO_DISTANCE_KM: Final = 100.0
ALERT_TIME_SIGMA_S: Final = 5.0
"""1σ of a launch time taken from the first infrared detection (the detection delay after
ignition is not modelled)."""

Role = Literal["missile", "stage or debris", "short track"]
SHORT_TRACK_RECORDS: Final = 20


@dataclass
class FlyingObject:
    tracks: list[TrackHistory]
    role: Role = "missile"
    alert: Alert | None = None

    @property
    def first(self) -> float:
        return min(t.first for t in self.tracks)

    @property
    def last(self) -> float:
        return max(t.last for t in self.tracks)

    @property
    def impact(self) -> Ellipse | None:
        latest = max(self.tracks, key=lambda t: t.last)
        return latest.last_impact() or next(
            (i for t in self.tracks if (i := t.last_impact()) is not None), None
        )

    @property
    def beta_kg_m2(self) -> float | None:
        betas = [b for t in self.tracks if (b := t.beta_kg_m2()) is not None]
        return max(betas) if betas else None

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.tracks]


@dataclass
class Event:
    key: str
    launch_time: float
    launch_time_sigma_s: float
    launch_lat_deg: float
    launch_lon_deg: float
    launch_sigma_km: float
    launch_basis: str
    objects: list[FlyingObject] = field(default_factory=list)

    @property
    def missiles(self) -> list[FlyingObject]:
        return [o for o in self.objects if o.role == "missile"]


def sigma_along_km(e: Ellipse, azimuth_deg: float) -> float:
    """1σ of an impact ellipse (95 %, km) along a direction (degrees from north)."""
    k = math.sqrt(CHI2_2_95)
    phi = math.radians(e.orientation_deg - azimuth_deg)  # between the major axis and it
    return math.hypot(e.semi_major_km / k * math.cos(phi), e.semi_minor_km / k * math.sin(phi))


def _same_impact(a: Ellipse, b: Ellipse) -> bool:
    az, _, dist = GEOD.inv(a.lon_deg, a.lat_deg, b.lon_deg, b.lat_deg)
    sigma = math.hypot(sigma_along_km(a, az), sigma_along_km(b, az))
    close = dist / 1e3 <= max(SAME_IMPACT_MIN_KM, 3.0 * sigma)
    return close and abs(parse_time(a.time) - parse_time(b.time)) <= SAME_IMPACT_TIME_S + 3.0 * (
        math.hypot(a.time_sigma_s, b.time_sigma_s)
    )


def _beside(obj: FlyingObject, track: TrackHistory) -> bool:
    """True if ``track`` flies apart from every track of ``obj`` it overlaps in time."""
    r = np.array([rec.position_ecef_m for rec in track.records])
    for other in obj.tracks:
        lo, hi = max(other.first, track.first), min(other.last, track.last)
        if hi < lo:
            continue
        mine = (track.times >= lo) & (track.times <= hi)
        if not mine.any():
            continue
        theirs = np.array([rec.position_ecef_m for rec in other.records])
        j = np.clip(np.searchsorted(other.times, track.times[mine]), 0, len(other.times) - 1)
        # positions at (nearly) common times, corrected for the time offset by the velocity
        dt = track.times[mine] - other.times[j]
        v = np.array([other.records[k].velocity_ecef_m_s for k in j.tolist()])
        gap = np.linalg.norm(r[mine] - (theirs[j] + v * dt[:, None]), axis=1)
        if float(np.max(gap)) > BESIDE_KM * 1e3:
            return True
    return False


def group_objects(tracks: list[TrackHistory]) -> list[FlyingObject]:
    objects: list[FlyingObject] = []
    # from the last-seen tracks back: the bodies that fly apart at the end (re-entry vehicle,
    # stages) are separate objects first, and an early track from before they separated joins
    # the one most like a missile (the largest ballistic coefficient)
    for track in sorted(tracks, key=lambda t: t.last, reverse=True):
        impact = track.last_impact()
        candidates = []
        if impact is not None:
            for obj in objects:
                theirs = obj.impact
                if theirs is not None and _same_impact(theirs, impact) and not _beside(obj, track):
                    candidates.append(obj)
        if not candidates:
            objects.append(FlyingObject([track]))
        else:
            max(candidates, key=lambda o: o.beta_kg_m2 or 0.0).tracks.append(track)
    _join_continuations(objects)
    objects.sort(key=lambda o: o.first)
    return objects


def _continues(earlier: TrackHistory, later: TrackHistory) -> bool:
    """True if ``later`` starts where ``earlier`` left off: within BREAK_GAP_S of its end,
    where its last state flown on would be (10 km, plus what a boosting missile's 6 g could
    add over the gap)."""
    gap = later.first - earlier.last
    if not -BREAK_GAP_S <= gap <= BREAK_GAP_S:
        return False
    last, first = earlier.records[-1], later.records[0]
    ahead = np.array(last.position_ecef_m) + np.array(last.velocity_ecef_m_s) * gap
    reach = BESIDE_KM * 1e3 + 0.5 * 60.0 * gap**2
    return float(np.linalg.norm(np.array(first.position_ecef_m) - ahead)) <= reach


def _join_continuations(objects: list[FlyingObject]) -> None:
    """A track broken under thrust predicts another fall than its continuation (the motor
    was still burning), so it matched nothing by impact: an object whose last track goes on
    as another object's track joins that object (the one with the largest ballistic
    coefficient, if several)."""
    joined = True
    while joined:
        joined = False
        for obj in objects:
            last = max(obj.tracks, key=lambda t: t.last)
            later = [
                o for o in objects if o is not obj and any(_continues(last, t) for t in o.tracks)
            ]
            if later:
                max(later, key=lambda o: o.beta_kg_m2 or 0.0).tracks.extend(obj.tracks)
                objects.remove(obj)
                joined = True
                break


def _match_alerts(objects: list[FlyingObject], alerts: list[Alert]) -> None:
    if not objects or not alerts:
        return
    cost = np.full((len(objects), len(alerts)), 1e12)
    for i, obj in enumerate(objects):
        first = min(obj.tracks, key=lambda t: t.first).records[0]
        for j, a in enumerate(alerts):
            delay = obj.first - a.time
            if not 0.0 <= delay <= ALERT_WINDOW_S:
                continue
            _, _, dist = GEOD.inv(
                a.record.launch_lon_deg, a.record.launch_lat_deg, first.lon_deg, first.lat_deg
            )
            if dist / 1e3 <= 50.0 + 7.0 * delay:
                cost[i, j] = delay
    rows, cols = linear_sum_assignment(cost)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if cost[i, j] < 1e12:
            objects[i].alert = alerts[j]
    # objects left over (stages, fragments) share the launch of the nearest alert in time,
    # or, first seen long after any alert (a stage re-entering beside the warhead), the launch
    # of an object that falls in the same place
    for i, obj in enumerate(objects):
        if obj.alert is None and float(cost[i].min()) < 1e12:
            obj.alert = alerts[int(np.argmin(cost[i]))]
    for obj in objects:
        mine = obj.impact
        if obj.alert is not None or mine is None:
            continue
        for other in objects:
            theirs = other.impact
            if other.alert is not None and theirs is not None and _same_impact(theirs, mine):
                obj.alert = other.alert
                break


def _launch_of(obj: FlyingObject) -> tuple[float, float, float, float, float, str]:
    """(time, σ time, lat, lon, σ km, basis) of an object's launch."""
    if obj.alert is not None:
        a = obj.alert.record
        return (
            obj.alert.time,
            ALERT_TIME_SIGMA_S,
            a.launch_lat_deg,
            a.launch_lon_deg,
            a.launch_sigma_km,
            f"infrared launch alert {a.alert} ({a.sensor})",
        )
    # no alert: the ballistic back-propagation of the earliest track's last estimate
    earliest = min(obj.tracks, key=lambda t: t.first)
    for rec in reversed(earliest.records):
        if rec.launch is not None:
            e = rec.launch
            k = math.sqrt(CHI2_2_95)
            return (
                parse_time(e.time),
                e.time_sigma_s,
                e.lat_deg,
                e.lon_deg,
                e.semi_major_km / k,
                f"ballistic back-propagation of track {earliest.id} (no launch alert; the "
                "boost is not modelled, so the true launch point lies up-range)",
            )
    first = earliest.records[0]
    return (
        earliest.first,
        60.0,
        first.lat_deg,
        first.lon_deg,
        100.0,
        f"first position of track {earliest.id} (no launch alert or launch estimate)",
    )


def group_events(tracks_file: TracksFile) -> list[Event]:
    objects = group_objects(tracks_file.tracks)
    _match_alerts(objects, tracks_file.alerts)
    launches = sorted(((_launch_of(o), o) for o in objects), key=lambda item: item[0][0])
    events: list[Event] = []
    last_t = -math.inf  # the latest launch so far (launches are in time order)
    for launch, obj in launches:
        t, st, lat, lon, sk, basis = launch
        current = events[-1] if events else None
        gap, last_t = t - last_t, t
        if current is not None:
            _, _, dist = GEOD.inv(current.launch_lon_deg, current.launch_lat_deg, lon, lat)
            if gap <= SALVO_GAP_S and dist / 1e3 <= SALVO_DISTANCE_KM:
                current.objects.append(obj)
                continue
        stamp = np.datetime_as_string(np.datetime64(round(t), "s"), unit="m")
        events.append(Event(f"E-{stamp}Z", t, st, lat, lon, sk, basis, [obj]))
    for ev in events:
        for o in ev.objects:
            if sum(len(t.records) for t in o.tracks) < SHORT_TRACK_RECORDS or o.impact is None:
                o.role = "short track"
        betas = [b for o in ev.objects if (b := o.beta_kg_m2) is not None]
        top = max(betas, default=None)
        for o in ev.objects:
            b = o.beta_kg_m2
            if (
                o.role == "missile"
                and top is not None
                and b is not None
                and b < STAGE_BETA_FRACTION * top
            ):
                o.role = "stage or debris"
    return events
