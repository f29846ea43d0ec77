"""Who must be warned: alert rules as data, one TOML file per partner (``data/alert_rules``).

A rule says when it fires and what it does:

    [[rule]]
    id = "passes-over-japan"
    condition = "ground-track-crosses"    # or "impact-ellipse-touches"
    countries = ["JPN"]                   # Natural Earth ADM0_A3 codes
    zones = ["land", "territorial-sea"]   # and/or "eez" (the 200-nmi approximation)
    action = "alert-regions"              # name the regions (prefectures); or "inform"
    note = "..."

Rules are judged along the track every 2 s, on the firmest of the missile's predictions made
in those 2 s (the smallest ellipse of any of its tracks, one partner's or another's) among those
that are firm: made in ballistic flight, no longer than the rule set's ``max_ellipse_km``
(default 300 km), from a track at least ``min_track_age_s`` old (default 15 s, counted from
its first confirmed update), made at least ``min_coast_s`` (default 6 s) after its track left
boost, and, unless ``use_unresolved_tracks``, from a track the tracker
does not mark unresolved (in one radar resolution cell with another track: its widened
ellipse covers either object, not the missile). A step without one is no basis for either
kind of rule: a track's first updates, or a new track's, can predict a path anywhere (a US
track one second old in the 2025 scenario predicted a fall on Hokkaido), and the tracks that
start when a missile and its spent stage come apart predict falls on Japanese islands for
their first seconds. Over 20 seeded runs of the 2025 launch (random ballistic coefficients,
stage kept), J-Alert's "may land" rule held in 14 (tracker of 2026-12-01 morning) and 16
(evening) when each step rested on whichever record came first and on tracks of any age;
with the firmest prediction of tracks 15 s old, in 1; with the unresolved pairs' widened
ellipses (late evening), in 6, and in 1 again when unresolved tracks are skipped. The 2022
overflight's J-Alert still goes out in all 6 seeded runs tried, at the same times. The impact
ellipse is the chosen update's 95 % ellipse (its centre, 16 points on its edge and 8 halfway
in); the ground track is the path tracked so far plus the path predicted from that update to
the ground (in vacuum, every 2 s). The first update at which a rule holds is the time the
alert could first have been issued, so alert latency can be measured against launch; the
regions are those under the ground track or in the ellipse at the last decision at which the
rule held (it may have stopped holding since: a fall near Okushiri, 93 km off, touched its
territorial sea with the 97 km ellipse of 4 s after burnout, and not once it shrank to 31 km
6 s later).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final, Literal

import msgspec
import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.assessment.events import FlyingObject
from launchwatch.assessment.ground_track import object_records, predicted_paths
from launchwatch.assessment.tracks_file import Ellipse, TrackRecord
from launchwatch.errors import InputError
from launchwatch.geography.countries import countries, country_by_code
from launchwatch.geography.places import nearest_places
from launchwatch.geography.zones import KIND_CODES, zone_codes
from launchwatch.scenario import parse_time
from launchwatch.toml_input import read_toml

__all__ = [
    "AlertDecision",
    "Rule",
    "RuleSet",
    "judge",
    "judge_update",
    "load_rules",
    "rules_of",
    "shipped_rules",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DECISION_STEP_S: Final = 2.0


class Rule(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    condition: Literal["impact-ellipse-touches", "ground-track-crosses"]
    countries: list[str]
    zones: list[Literal["land", "territorial-sea", "eez"]]
    action: Literal["alert-regions", "inform"]
    note: str = ""


class RuleSet(msgspec.Struct, forbid_unknown_fields=True):
    partner: str
    name: str
    rule: list[Rule]
    regions: str = "regions"
    max_ellipse_km: float = 300.0
    """Impact predictions whose 95 % semi-major axis is longer than this are not yet a basis
    for an alert (a track's first predictions span thousands of kilometres)."""
    min_track_age_s: float = 15.0
    """Nor are the predictions of a track younger than this (seconds since its first
    confirmed update): a new track's velocity, and so its impact, is still settling."""
    min_coast_s: float = 6.0
    """Nor are the predictions a track makes in its first seconds out of boost (made less
    than this after it last left boost, :func:`coast_starts`): its velocity still carries the
    motor's last seconds and the spent stage beside it. In the 2025 scenario a prediction 1 s
    after burnout had a 90 km ellipse 30 km short of the fall, touching Okushiri's territorial
    sea; 6 s is about how long the tracker's last prediction under thrust stood before it
    refreshed its predictions at a change of phase (2 % of the flight left)."""
    use_unresolved_tracks: bool = False
    """Whether the predictions of a track marked unresolved (in one radar resolution cell
    with another track in the last seconds: it may be following either object, or their
    mean) may be the basis of an alert."""


@dataclass(frozen=True)
class AlertDecision:
    partner: str
    rule_set: str
    rule: str
    action: str
    fired: bool
    first_possible_time: float | None
    """The first track update at which the rule held (POSIX s)."""
    regions: list[str]
    note: str


def load_rules(path: str | Path) -> RuleSet:
    path = Path(path)
    data = read_toml(path, str(path))
    try:
        rules = msgspec.convert(data, RuleSet)
    except msgspec.ValidationError as exc:
        raise InputError(str(path), str(exc)) from exc
    known = {c.code for c in countries()}
    for i, r in enumerate(rules.rule):
        unknown = [c for c in r.countries if c not in known]
        if unknown:
            raise InputError(
                f"{path.name}: rule[{i}].countries",
                f"unknown country code(s) {', '.join(unknown)} (Natural Earth ADM0_A3, "
                "e.g. JPN, KOR, USA, GUM)",
            )
    return rules


def shipped_rules() -> list[RuleSet]:
    folder = resources.files("launchwatch") / "data" / "alert_rules"
    out = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            with resources.as_file(item) as path:
                out.append(load_rules(path))
    return out


def rules_of(partner: str) -> RuleSet | None:
    """The shipped rule set of a partner, if there is one."""
    return next((r for r in shipped_rules() if r.partner == partner), None)


def ellipse_points(e: Ellipse) -> tuple[FloatArray, FloatArray]:
    """Centre, 16 edge points and 8 halfway points of a 95 % ellipse, as (lat, lon) degrees."""
    t = np.linspace(0.0, 2 * np.pi, 16, endpoint=False)
    scale = np.concatenate([[0.0], np.ones(16), np.full(8, 0.5)])
    ang = np.concatenate([[0.0], t, t[::2]])
    a, b = e.semi_major_km * 1e3 * scale, e.semi_minor_km * 1e3 * scale
    th = math.radians(e.orientation_deg)  # major axis, clockwise from north
    major, minor = np.array([math.sin(th), math.cos(th)]), np.array([math.cos(th), -math.sin(th)])
    en = (a * np.cos(ang))[:, None] * major + (b * np.sin(ang))[:, None] * minor
    ecef = earth.enu_to_ecef(np.column_stack([en, np.zeros(len(en))]), e.lat_deg, e.lon_deg, 0.0)
    lat, lon, _ = earth.ecef_to_geodetic(ecef)
    return np.asarray(lat), np.asarray(lon)


def _decision_indices(times: FloatArray) -> list[int]:
    out, last = [], -math.inf
    for i, t in enumerate(times.tolist()):
        if t - last >= DECISION_STEP_S or i == len(times) - 1:
            out.append(i)
            last = t
    return out


def _firmest(
    records: list[TrackRecord],
    times: FloatArray,
    born: dict[str, float],
    coast: list[float],
    steps: list[int],
    rules: RuleSet,
) -> list[int]:
    """For each decision step (the records after the previous step's up to ``steps[k]``), the
    record with the smallest impact ellipse the rule set may rest on (:func:`_firm`); steps
    with none are left out."""
    out, lo = [], 0
    for hi in steps:
        best, best_km = -1, math.inf
        for i in range(lo, hi + 1):
            e = _firm(records[i], times[i] - born[records[i].track], coast[i], rules)
            if e is not None and e.semi_major_km < best_km:
                best, best_km = i, e.semi_major_km
        if best >= 0:
            out.append(best)
        lo = hi + 1
    return out


def _hits(rule: Rule, kind: npt.NDArray[np.intp], owner: npt.NDArray[np.intp]) -> BoolArray:
    """Which classified points are in one of the rule's zones of one of its countries."""
    return np.isin(kind, [KIND_CODES.index(z) for z in rule.zones]) & np.isin(
        owner, [country_by_code(c) for c in rule.countries]
    )


def _regions(points: FloatArray, owner: npt.NDArray[np.intp]) -> list[str]:
    """The regions (provinces, prefectures) of (lat, lon) points, each named among the towns
    of the country whose land or waters it is in."""
    everyone = countries()
    found: list[str] = []
    for o in sorted(set(owner.tolist())):
        mine = points[owner == o]
        found.extend(p.admin1 for p in nearest_places(mine[:, 0], mine[:, 1], everyone[o].iso2))
    return sorted(set(found))


def coast_start(previous: float | None, phase: str, time_s: float, born: float) -> float:
    """When a track last left boost, after its record in ``phase`` at ``time_s``, given the
    answer after its previous record (None: this is its first): inf while in boost; the time
    of its first record after its last one in boost; or the track's first confirmed update
    (``born``) if it never was in boost."""
    if phase == "boost":
        return math.inf
    if previous is None:
        return born
    return time_s if previous == math.inf else previous


def coast_starts(
    records: Sequence[TrackRecord], times: FloatArray, born: dict[str, float]
) -> list[float]:
    """For each record (in time order), when its track last left boost (:func:`coast_start`)."""
    since: dict[str, float] = {}
    out = []
    for r, t in zip(records, times.tolist(), strict=True):
        since[r.track] = coast_start(since.get(r.track), r.phase, t, born[r.track])
        out.append(since[r.track])
    return out


def _firm(
    record: TrackRecord, track_age_s: float, coast_start: float, rules: RuleSet
) -> Ellipse | None:
    """The record's impact ellipse if an alert may rest on it (else None): made in ballistic
    flight, reaching the ground, no longer than the rule set allows, from a track old enough
    (seconds since its first confirmed update), made long enough after the track left boost
    (at ``coast_start``, :func:`coast_starts`) and, unless the rule set allows it, not
    unresolved from another."""
    e = record.impact
    firm = (
        e is not None
        and (rules.use_unresolved_tracks or not record.unresolved)
        and e.reached
        and e.basis in ("", "ballistic flight")
        and e.semi_major_km <= rules.max_ellipse_km
        and track_age_s >= rules.min_track_age_s
        and _made(e, record) - coast_start >= rules.min_coast_s
    )
    return e if firm else None


def _made(e: Ellipse, record: TrackRecord) -> float:
    """When the prediction was made (the record's time if the file does not say)."""
    return parse_time(e.computed_at or record.time)


def judge_update(
    flown: FloatArray,
    record: TrackRecord,
    time_s: float,
    rules: RuleSet,
    track_age_s: float,
    coast_start: float,
) -> list[tuple[Rule, list[str]]]:
    """The rules that hold at one update of a track, and the regions each names: the form of
    :func:`judge` for a node judging its tracks as they go. ``flown`` is the (lat, lon) path
    tracked so far; the ground track adds the path predicted from ``record``; ``track_age_s``
    is the time since the track's first confirmed update, ``coast_start`` when it last left
    boost (:func:`coast_starts`)."""
    impact = _firm(record, track_age_s, coast_start, rules)
    if impact is None:
        return []  # no firm ballistic prediction yet: no basis for either rule
    (path,) = predicted_paths([record], np.array([time_s]))
    ellipse = np.column_stack(ellipse_points(impact))
    track = np.vstack([flown.reshape(-1, 2), path])
    everything = np.vstack([track, ellipse])
    kind, owner, _ = zone_codes(everything[:, 0], everything[:, 1])
    along = np.arange(len(everything)) < len(track)
    out = []
    for rule in rules.rule:
        looked_at = along if rule.condition == "ground-track-crosses" else ~along
        inside = _hits(rule, kind, owner) & looked_at
        if inside.any():
            named = rule.action == "alert-regions"
            out.append((rule, _regions(everything[inside], owner[inside]) if named else []))
    return out


def judge(obj: FlyingObject, rule_sets: list[RuleSet]) -> list[AlertDecision]:
    """Every rule of every partner, judged along one missile's tracks: at each decision step
    (every 2 s) on the firmest prediction any of its tracks made in that step (the smallest
    usable ellipse), not on whichever track happened to report first."""
    records, times = object_records(obj)
    born = {tr.id: tr.first for tr in obj.tracks}
    coast = coast_starts(records, times, born)
    steps = _decision_indices(times)
    chosen = {id(rules): _firmest(records, times, born, coast, steps, rules) for rules in rule_sets}
    picks = sorted({i for per_set in chosen.values() for i in per_set})
    at = {i: k for k, i in enumerate(picks)}
    flown = np.array([[r.lat_deg, r.lon_deg] for r in records])
    # every point any decision looks at, classified in one batch: the flown ground track, each
    # decision's predicted path, and each decision's impact ellipse (ballistic predictions
    # only: under thrust the tracker's ellipse is "if the motor stopped now")
    paths = predicted_paths([records[i] for i in picks], times[picks])
    ellipses: list[FloatArray] = [
        np.column_stack(ellipse_points(e)) for i in picks if (e := records[i].impact) is not None
    ]
    chunks = [flown, *paths, *ellipses]
    everything = np.vstack(chunks)
    kind, owner, _ = zone_codes(everything[:, 0], everything[:, 1])
    bounds = np.cumsum([0] + [len(c) for c in chunks])
    flown_sl = slice(bounds[0], bounds[1])
    path_sl = [slice(bounds[1 + k], bounds[2 + k]) for k in range(len(paths))]
    n = 1 + len(paths)
    ell_sl = [slice(bounds[n + k], bounds[n + k + 1]) for k in range(len(picks))]
    out = []
    for rules in rule_sets:
        for rule in rules.rule:
            hit = _hits(rule, kind, owner)
            first: float | None = None
            final: npt.NDArray[np.intp] = np.zeros(0, dtype=np.intp)
            for i in chosen[id(rules)]:
                k = at[i]
                if rule.condition == "ground-track-crosses":
                    flown_idx = np.arange(flown_sl.start, flown_sl.start + i + 1)
                    idx = np.concatenate([flown_idx, np.arange(path_sl[k].start, path_sl[k].stop)])
                else:
                    idx = np.arange(ell_sl[k].start, ell_sl[k].stop)
                inside = idx[hit[idx]]
                if inside.size:
                    # the regions it named when it last held: a fired alert always names
                    # some, even when later, firmer predictions no longer touch the zone
                    final = inside
                    if first is None:
                        first = float(times[i])
            regions: list[str] = []
            if rule.action == "alert-regions" and final.size:
                regions = _regions(everything[final], owner[final])
            out.append(
                AlertDecision(
                    rules.partner,
                    rules.name,
                    rule.id,
                    rule.action,
                    first is not None,
                    first,
                    regions,
                    rule.note,
                )
            )
    return out
