"""One launch event assessed: every figure with its uncertainty and its basis, as a structured
record (``to_json``; fields documented in docs/formats.md). statements.py words it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchwatch.assessment.alert_rules import (
    AlertDecision,
    RuleSet,
    ellipse_points,
    judge,
    shipped_rules,
)
from launchwatch.assessment.claims_check import check_claims
from launchwatch.assessment.context import Context, launch_context
from launchwatch.assessment.events import Event, group_events
from launchwatch.assessment.ground_track import Overflight, ground_track, overflights
from launchwatch.assessment.measures import (
    Measure,
    MissileMeasures,
    apogee_ratio_sigma,
    measure_missile,
)
from launchwatch.assessment.tracks_file import read_tracks
from launchwatch.errors import InputError
from launchwatch.flight.analysis import MODEL_VERSION, Analysis, analyze
from launchwatch.flight.reconstruct import ReportedLaunch
from launchwatch.geography.countries import countries, country_index_at
from launchwatch.geography.places import nearest_places
from launchwatch.geography.zones import APPROXIMATION, Zone, zones_at
from launchwatch.measurements import format_time
from launchwatch.record.claims_store import claims_for_launch
from launchwatch.record.database import Record

__all__ = ["AssessedEvent", "Missile", "assess_tracks"]

SIMILAR_PROFILE = 0.1
"""Missiles of a salvo within 10 % in range and apogee share one flight analysis."""


@dataclass
class Missile:
    measures: MissileMeasures
    analysis: Analysis | None
    """None when the range or apogee is too uncertain to reconstruct a flight."""
    zone: Zone
    ellipse_zones: list[Zone]
    overflown: list[Overflight]
    alerts: list[AlertDecision]


@dataclass
class AssessedEvent:
    event: Event
    launch_area: str
    launch_country: str
    missiles: list[Missile]
    others: dict[str, int]
    context: Context | None
    source: str
    claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.missiles)

    @property
    def farthest(self) -> Missile:
        """The missile that flew furthest: the event's headline figures (and its row in the
        record) are its."""
        return farthest(self.missiles)

    def to_json(self) -> dict[str, Any]:
        ev = self.event
        return {
            "event": ev.key,
            "model_version": MODEL_VERSION,
            "source": self.source,
            "launch": {
                "time": format_time(ev.launch_time),
                "time_sigma_s": ev.launch_time_sigma_s,
                "lat_deg": round(ev.launch_lat_deg, 5),
                "lon_deg": round(ev.launch_lon_deg, 5),
                "sigma_km": round(ev.launch_sigma_km, 3),
                "area": self.launch_area,
                "country": self.launch_country,
                "basis": ev.launch_basis,
            },
            "count": self.count,
            "other_objects": self.others,
            "missiles": [_missile_json(m) for m in self.missiles],
            "context": None if self.context is None else _context_json(self.context, ev),
            "claims": self.claims,
            "zones_note": APPROXIMATION,
        }


def farthest(missiles: list[Missile]) -> Missile:
    return max(missiles, key=lambda m: m.measures.range_km.value)


def _measure(m: Measure, digits: int = 1) -> dict[str, Any]:
    return {"value": round(m.value, digits), "sigma": round(m.sigma, digits + 1), "basis": m.basis}


def _zone_json(z: Zone) -> dict[str, Any]:
    return {
        "kind": z.kind,
        "country": None if z.country is None else z.country.name,
        "country_code": None if z.country is None else z.country.code,
        "coast_distance_km": round(z.coast_distance_km, 1),
        "sea": z.sea or None,
        "text": z.describe(),
    }


def _missile_json(m: Missile) -> dict[str, Any]:
    me, a = m.measures, m.analysis
    e = me.impact
    return {
        "tracks": me.tracks,
        "range_km": _measure(me.range_km),
        "azimuth_deg": round(me.azimuth_deg, 1),
        "apogee_km": {**_measure(me.apogee_km), "kind": me.apogee_kind},
        "flight_time_s": _measure(me.flight_time_s),
        "impact": {
            "lat_deg": e.lat_deg,
            "lon_deg": e.lon_deg,
            "time": e.time,
            "time_sigma_s": e.time_sigma_s,
            "semi_major_km": e.semi_major_km,
            "semi_minor_km": e.semi_minor_km,
            "orientation_deg": e.orientation_deg,
            "observed": me.impact_observed,
            "last_seen_alt_km": round(me.last_seen_alt_km, 1),
            "zone": _zone_json(m.zone),
            "ellipse_zones": [_zone_json(z) for z in m.ellipse_zones],
        },
        "shape": None
        if a is None
        else {
            "shape": a.shape,
            "apogee_ratio": round(a.apogee_ratio, 3),
            "apogee_ratio_sigma": round(apogee_ratio_sigma(me.range_km, me.apogee_km), 4),
        },
        "classes": None
        if a is None
        else {
            "by_range_flown": a.range_class,
            "capability_range_km": round(a.capability.range_m / 1e3, 0),
            "capability_range_low_km": round(a.capability_low_high_km[0], 0),
            "capability_range_high_km": round(a.capability_low_high_km[1], 0),
            "by_capability": a.capability_class,
        },
        "overflight": [
            {"country": o.country, "code": o.code, "kind": o.kind, "regions": o.regions}
            for o in m.overflown
        ],
        "alerts": [
            {
                "partner": d.partner,
                "rule_set": d.rule_set,
                "rule": d.rule,
                "action": d.action,
                "fired": d.fired,
                "first_possible_time": None
                if d.first_possible_time is None
                else format_time(d.first_possible_time),
                "regions": d.regions,
                "note": d.note,
            }
            for d in m.alerts
        ],
    }


def _row(r: Any) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "date_utc": r.date_utc.isoformat(),
        "time_utc": r.time_utc or None,
        "type": r.type,
        "name": r.name,
        "count": r.count,
        "range_km": r.range_km,
        "apogee_km": r.apogee_km,
    }


def _context_json(c: Context, ev: Event) -> dict[str, Any]:
    return {
        "record_size": c.record_size,
        "reported": _row(c.reported),
        "previous": _row(c.previous),
        "days_since_previous": None
        if c.days_since_previous is None
        else round(c.days_since_previous, 1),
        "farther_since": _row(c.farther_since),
        "higher_since": _row(c.higher_since),
        "launches_this_year_before": c.launches_this_year_before,
        "similar": [
            {**(_row(s.launch) or {}), "distance": round(s.distance, 2)} for s in c.similar
        ],
        "calendar": [
            {
                "date_utc": e.date_utc.isoformat(),
                "end_date_utc": e.end_date_utc.isoformat(),
                "kind": e.kind,
                "description": e.description,
            }
            for e in c.calendar
        ],
    }


def _analysis(ev: Event, me: MissileMeasures) -> Analysis | None:
    if me.range_km.value <= 0 or me.apogee_km.value <= 0:
        return None
    try:
        return analyze(
            ReportedLaunch(
                launch_lat_deg=ev.launch_lat_deg,
                launch_lon_deg=ev.launch_lon_deg,
                range_km=me.range_km.value,
                apogee_km=me.apogee_km.value,
                impact_lat_deg=me.impact.lat_deg,
                impact_lon_deg=me.impact.lon_deg,
            ).checked()
        )
    except InputError:
        return None


def _ellipse_zones(me: MissileMeasures) -> list[Zone]:
    lat, lon = ellipse_points(me.impact)
    seen: dict[tuple[str, str], Zone] = {}
    for z in zones_at(lat, lon):
        seen.setdefault((z.kind, z.country.code if z.country else ""), z)
    return list(seen.values())


def assess_tracks(
    path: str | Path,
    record: Record | None = None,
    rule_sets: list[RuleSet] | None = None,
) -> list[AssessedEvent]:
    """Every launch event in a tracks file, assessed."""
    tracks = read_tracks(path)
    rules = shipped_rules() if rule_sets is None else rule_sets
    out = []
    for ev in group_events(tracks):
        home = int(country_index_at(ev.launch_lat_deg, ev.launch_lon_deg)[0])
        launcher = countries()[home] if home >= 0 else None
        town = nearest_places(
            ev.launch_lat_deg, ev.launch_lon_deg, launcher.iso2 if launcher else ""
        )[0]
        missiles: list[Missile] = []
        analyses: list[tuple[MissileMeasures, Analysis | None]] = []
        for obj in ev.missiles:
            me = measure_missile(ev, obj)
            analysis = next(
                (
                    a
                    for m0, a in analyses
                    if abs(m0.range_km.value / me.range_km.value - 1) <= SIMILAR_PROFILE
                    and abs(m0.apogee_km.value / me.apogee_km.value - 1) <= SIMILAR_PROFILE
                ),
                None,
            )
            if analysis is None:
                analysis = _analysis(ev, me)
                analyses.append((me, analysis))
            missiles.append(
                Missile(
                    me,
                    analysis,
                    zones_at(me.impact.lat_deg, me.impact.lon_deg)[0],
                    _ellipse_zones(me),
                    overflights(ground_track(obj), {launcher.code} if launcher else None),
                    judge(obj, rules),
                )
            )
        others: dict[str, int] = {}
        for o in ev.objects:
            if o.role != "missile":
                others[o.role] = others.get(o.role, 0) + 1
        context = None
        head = farthest(missiles).measures if missiles else None
        if record is not None and head is not None:
            context = launch_context(
                record,
                ev.launch_time,
                ev.launch_lat_deg,
                ev.launch_lon_deg,
                head.range_km.value,
                head.apogee_km.value,
            )
        claims: list[dict[str, Any]] = []
        if record is not None and head is not None and context and context.reported is not None:
            claims = check_claims(
                claims_for_launch(record, context.reported.id),
                {
                    "range_km": head.range_km,
                    "apogee_km": head.apogee_km,
                    "flight_time_s": head.flight_time_s,
                    "count": Measure(float(len(missiles)), 0.0, "missiles tracked"),
                },
            )
        out.append(
            AssessedEvent(
                ev,
                f"{town.name} area ({town.admin1})" if town.admin1 else f"{town.name} area",
                launcher.name if launcher else "at sea",
                missiles,
                others,
                context,
                str(path),
                claims,
            )
        )
    return out
