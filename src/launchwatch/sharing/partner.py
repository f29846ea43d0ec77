"""A partner at work: its own sensors' measurements through its own tracker, the results shared
under the release policy, the others' results let in, and one fused picture of all of them.

What a partner shares, per confirmed track (the three items of the trilateral mechanism):

- a ``track`` report at most every ``track_interval_s`` (position, velocity, covariance, phase
  and the back-propagated launch point: the flight path, point by point);
- an ``impact`` report each time the tracker recomputes the track's impact prediction;
- an ``event`` report for each infrared launch alert (the launch point), once when raised and
  again when other satellites' lines of sight triangulate it;
- an ``alert`` report the first time one of the partner's alert rules
  (:mod:`launchwatch.assessment.alert_rules`) holds for one of its tracks, judged at each new
  impact prediction (at most every 2 s a track) on the ground track flown and predicted and on
  the 95 % impact ellipse: the public warning it would issue, or ``inform`` for a rule that
  only informs.

Measurements are replayed on a clock: ``speed`` 1 is real time, 60 is sixty times faster, and
0 runs as fast as the tracker goes (the clock is then the time of the latest measurement).
Between scans the loop yields, so sending and receiving go on while the tracker works.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
import numpy as np

from launchwatch import earth
from launchwatch.assessment.alert_rules import (
    DECISION_STEP_S,
    RuleSet,
    coast_start,
    judge_update,
)
from launchwatch.assessment.tracks_file import TrackRecord
from launchwatch.sharing.fusion import FusedPicture
from launchwatch.sharing.messages import (
    AlertReport,
    Ellipse,
    ImpactReport,
    LaunchEvent,
    TrackReport,
    kind_of,
)
from launchwatch.sharing.node import Node, Received
from launchwatch.tracking.impact import ImpactPrediction
from launchwatch.tracking.intake import Measurement
from launchwatch.tracking.records import track_record
from launchwatch.tracking.tracker import LaunchAlert, Tracker, TrackUpdate

__all__ = ["FirstHeard", "PartnerRun", "ReplayClock"]


def _utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, tz=dt.UTC)


def _ellipse(p: ImpactPrediction) -> Ellipse:
    return Ellipse(
        lat_deg=p.lat_deg,
        lon_deg=p.lon_deg,
        time=_utc(p.time),
        time_sigma_s=p.time_sigma_s,
        semi_major_km=p.semi_major_km,
        semi_minor_km=p.semi_minor_km,
        orientation_deg=p.orientation_deg,
    )


def track_report(u: TrackUpdate, rec: dict[str, Any] | None = None) -> TrackReport:
    """The shared form of a track update (``rec``: its track record, if made already)."""
    rec = rec or track_record(u)
    return TrackReport(
        track=u.track,
        lat_deg=rec["lat_deg"],
        lon_deg=rec["lon_deg"],
        alt_m=rec["alt_m"],
        position_ecef_m=rec["position_ecef_m"],
        velocity_ecef_m_s=rec["velocity_ecef_m_s"],
        covariance_ecef=rec["covariance_ecef"],
        phase=rec["phase"],
        launch=None if u.launch is None else _ellipse(u.launch),
        ballistic_coefficient_kg_m2=rec["ballistic_coefficient_kg_m2"],
    )


def impact_report(u: TrackUpdate, impact: ImpactPrediction) -> ImpactReport:
    return ImpactReport(
        track=u.track,
        impact=_ellipse(impact),
        basis="if the motor stopped now" if u.impact_phase == "boost" else "ballistic flight",
    )


def launch_event(a: LaunchAlert) -> LaunchEvent:
    return LaunchEvent(
        event=a.id,
        lat_deg=a.lat_deg,
        lon_deg=a.lon_deg,
        sigma_km=a.sigma_km,
        launch_time=_utc(a.first_time),
        basis=(
            "infrared, lines of sight triangulated"
            if a.triangulated_with
            else "infrared, first line of sight on the ellipsoid"
        ),
    )


@dataclass
class ReplayClock:
    """Scenario time: ``start`` plus wall time elapsed times ``speed`` (0: set by the run)."""

    start: float
    speed: float = 0.0
    _wall0: float = field(default_factory=time.monotonic)
    latest: float = 0.0

    def now(self) -> float:
        if self.speed > 0:
            return self.start + (time.monotonic() - self._wall0) * self.speed
        return max(self.start, self.latest)


@dataclass
class FirstHeard:
    """When a partner first heard each thing from each other partner (its own clock)."""

    times: dict[tuple[str, str], float] = field(default_factory=dict)

    def note(self, sender: str, what: str, at: float) -> None:
        self.times.setdefault((sender, what), at)


class PartnerRun:
    def __init__(
        self,
        node: Node,
        tracker: Tracker,
        clock: ReplayClock,
        track_interval_s: float = 1.0,
        rules: RuleSet | None = None,
    ) -> None:
        self.node = node
        self.rules = rules
        """The partner's own alert rules (none: it raises no alerts)."""
        self.tracker = tracker
        self.clock = clock
        self.track_interval_s = track_interval_s
        self.picture = FusedPicture()
        self.first_heard = FirstHeard()
        self.sent: dict[str, int] = {}
        self._last_track: dict[str, float] = {}
        self._last_impact: dict[str, float] = {}
        self._alerts: dict[str, bool] = {}
        """Alert id -> whether it was triangulated when last sent."""
        self._flown: dict[str, list[tuple[float, float]]] = {}
        self._first_seen: dict[str, float] = {}
        self._coasting: dict[str, float] = {}
        """When each track last left boost (alert_rules.coast_start), for the alert rules."""
        """Each track's first confirmed update (its age is a condition of the alert rules)."""
        self._last_judged: dict[str, float] = {}
        self._raised: set[str] = set()
        node.listeners.append(self._received)
        node.clock.now = clock.now

    # -- what the partner sends ----------------------------------------------------------------

    def _share(
        self, body: TrackReport | ImpactReport | LaunchEvent | AlertReport, stream: str, t: float
    ) -> None:
        if self.node.share(body, stream, t):
            kind = kind_of(body)
            self.sent[kind] = self.sent.get(kind, 0) + 1

    def _report(self, u: TrackUpdate) -> None:
        if self.rules is not None:  # the ground track flown and the age, for the alert rules
            self._first_seen.setdefault(u.track, u.time)
            self._coasting[u.track] = coast_start(
                self._coasting.get(u.track), u.phase, u.time, self._first_seen[u.track]
            )
            lat, lon, _ = earth.ecef_to_geodetic(u.x[:3])
            self._flown.setdefault(u.track, []).append((float(lat), float(lon)))
        rec: dict[str, Any] | None = None  # the track record, made only when needed
        if u.time - self._last_track.get(u.track, -1e18) >= self.track_interval_s:
            self._last_track[u.track] = u.time
            rec = track_record(u)
            report = track_report(u, rec)
            self._share(report, u.track, u.time)
            self.picture.add_track(self.node.partner, report, u.time)
        if u.impact is not None and self._last_impact.get(u.track) != u.impact_computed:
            self._last_impact[u.track] = u.impact_computed
            impact = impact_report(u, u.impact)
            self._share(impact, u.track, u.impact_computed)
            self.picture.add_impact(self.node.partner, impact, u.impact_computed)
            self._judge(u, rec or track_record(u))

    def _judge(self, u: TrackUpdate, rec: dict[str, Any]) -> None:
        """Raise an alert report for each of the partner's rules that holds for the first
        time on this track."""
        if self.rules is None or u.time - self._last_judged.get(u.track, -1e18) < DECISION_STEP_S:
            return
        self._last_judged[u.track] = u.time
        flown = np.array(self._flown[u.track])
        record = msgspec.convert(rec, TrackRecord)
        age = u.time - self._first_seen[u.track]
        coast = self._coasting[u.track]
        for rule, regions in judge_update(flown, record, u.time, self.rules, age, coast):
            alert = f"{u.track}-{rule.id}"
            if alert in self._raised:
                continue
            self._raised.add(alert)
            report = AlertReport(
                alert=alert,
                rule_set=self.rules.name,
                areas=regions,
                reason=rule.note[:500],
                track=u.track,
                action=rule.action,
            )
            self._share(report, alert, u.time)

    def _report_alerts(self, t: float) -> None:
        for a in self.tracker.alerts:
            triangulated = bool(a.triangulated_with)
            if a.id in self._alerts and (self._alerts[a.id] or not triangulated):
                continue  # sent already, and nothing new since
            self._alerts[a.id] = triangulated
            self._share(launch_event(a), a.id, t)

    # -- what it hears -----------------------------------------------------------------------

    def _received(self, got: Received) -> None:
        m = got.message
        body = m.body
        at = got.received_at
        if isinstance(body, TrackReport):
            self.first_heard.note(m.sender, "flight path", at)
            if body.launch is not None:
                self.first_heard.note(m.sender, "launch point", at)
            self.picture.add_track(m.sender, body, m.event_time.timestamp())
        elif isinstance(body, ImpactReport):
            self.first_heard.note(m.sender, "impact point", at)
            self.picture.add_impact(m.sender, body, m.event_time.timestamp())
        elif isinstance(body, LaunchEvent):
            self.first_heard.note(m.sender, "launch point", at)
        elif isinstance(body, AlertReport):
            self.first_heard.note(m.sender, "alert", at)

    # -- the loop ----------------------------------------------------------------------------

    async def run(
        self,
        measurements: Sequence[Measurement],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Feed the measurements scan by scan on the clock; share as the tracker goes."""
        scans: list[list[Measurement]] = []
        for m in measurements:
            if scans and m.time == scans[-1][0].time and m.sensor == scans[-1][0].sensor:
                scans[-1].append(m)
            else:
                scans.append([m])
        for i, scan in enumerate(scans):
            t = scan[0].time
            if self.clock.speed > 0:
                wait = (t - self.clock.now()) / self.clock.speed
                if wait > 0:
                    await asyncio.sleep(wait)
            else:
                self.clock.latest = t
            for u in self.tracker.process(scan):
                self._report(u)
            self._report_alerts(t)
            if progress is not None:
                progress(i + 1, len(scans))
            await asyncio.sleep(0)  # let the pump and the receiver run
