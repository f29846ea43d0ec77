"""The assessment of simulated launches, checked against the scenario's truth (not against
fixed strings): count, launch point, range, apogee and flight time within their stated
uncertainty, stages told apart, the zone of the fall, and Japan's public-alert rule (the 2022
overflight alerts the prefectures under the true ground track; the 2025 launch alerts none)."""

import json

import msgspec
import numpy as np
import pytest
from pyproj import Geod

from cli_run import assert_bad_input, run_cli
from launchwatch import earth
from launchwatch.assessment.alert_rules import load_rules
from launchwatch.assessment.assess import assess_tracks
from launchwatch.assessment.saving import save_assessment
from launchwatch.assessment.statements import statements
from launchwatch.assessment.tracks_file import read_tracks
from launchwatch.errors import InputError
from launchwatch.geography.countries import countries
from launchwatch.geography.places import nearest_places
from launchwatch.geography.zones import KIND_CODES, zone_codes, zones_at
from launchwatch.record.database import open_record
from launchwatch.record.schema import Assessment
from launchwatch.scenario import parse_time

GEOD = Geod(ellps="WGS84")
ROOT = __import__("pathlib").Path(__file__).parents[1]


def simulate_and_track(name, out):
    scenario = ROOT / "scenarios" / f"{name}.toml"
    sim = run_cli("simulate", scenario, "--out", out, "--json")
    assert sim.returncode == 0, sim.stderr
    tracked = run_cli(
        "track",
        out / "measurements.jsonl",
        "--sensors",
        out / "sensors.toml",
        "--out",
        out / "tracks.jsonl",
        "--json",
    )
    assert tracked.returncode == 0, tracked.stderr
    return out


class Truth:
    """The truth file's missiles: launch point and time, impact, apogee, ground track."""

    def __init__(self, path):
        self.objects, states = {}, {}
        for line in path.read_text().splitlines():
            r = json.loads(line)
            if r["record"] == "object":
                self.objects[r["object"]] = r
            elif r["record"] == "state":
                states.setdefault(r["object"], []).append(
                    (parse_time(r["time"]), r["position_ecef_m"])
                )
        self.states = {
            k: (np.array([t for t, _ in v]), np.array([p for _, p in v])) for k, v in states.items()
        }

    def missiles(self):
        return [k for k, o in self.objects.items() if o["kind"] == "missile"]

    def kinds(self, kind):
        return [k for k, o in self.objects.items() if o["kind"] == kind]

    def geodetic(self, oid):
        t, p = self.states[oid]
        lat, lon, alt = earth.ecef_to_geodetic(p)
        return t, lat, lon, alt


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    rec = open_record(f"sqlite:///{tmp_path_factory.mktemp('rec') / 'record.sqlite'}")
    yield rec
    rec.close()


@pytest.fixture(scope="module")
def run_2025(tmp_path_factory):
    return simulate_and_track("2025-01-06-hypersonic-irbm", tmp_path_factory.mktemp("r25"))


@pytest.fixture(scope="module")
def run_2022(tmp_path_factory):
    return simulate_and_track("2022-10-04-irbm-overflight", tmp_path_factory.mktemp("r22"))


def check_against_truth(event, truth):
    assert event.count == len(truth.missiles())
    by_launch = sorted(event.missiles, key=lambda m: m.measures.launch_time)
    true_order = sorted(truth.missiles(), key=lambda k: truth.objects[k]["start_time"])
    for m, oid in zip(by_launch, true_order, strict=True):
        t, lat, lon, alt = truth.geodetic(oid)
        me = m.measures
        obj = truth.objects[oid]
        # each missile's launch point and time (infrared alert), within 3σ and 2 km for the
        # detection delay
        _, _, miss = GEOD.inv(lon[0], lat[0], me.launch_lon_deg, me.launch_lat_deg)
        assert miss / 1e3 <= 3 * event.event.launch_sigma_km + 2.0
        assert abs(me.launch_time - t[0]) <= 3 * event.event.launch_time_sigma_s
        true_range = GEOD.inv(lon[0], lat[0], obj["impact_lon_deg"], obj["impact_lat_deg"])[2]
        assert abs(me.range_km.value - true_range / 1e3) <= 3 * me.range_km.sigma + 2.0
        assert abs(me.apogee_km.value - alt.max() / 1e3) <= 3 * me.apogee_km.sigma + 1.0
        true_time = parse_time(obj["impact_time"]) - t[0]
        assert abs(me.flight_time_s.value - true_time) <= 3 * me.flight_time_s.sigma + 2.0
        # the zone of the true impact point is the zone the assessment names
        true_zone = zones_at(obj["impact_lat_deg"], obj["impact_lon_deg"])[0]
        assert (m.zone.kind, m.zone.country) == (true_zone.kind, true_zone.country)


def true_japan_prefectures(truth, oid):
    """Prefectures under the true ground track inside Japan's land or territorial sea, and
    the first time the true missile was above them."""
    t, lat, lon, _ = truth.geodetic(oid)
    kind, owner, _ = zone_codes(lat, lon)
    japan = next(i for i, c in enumerate(countries()) if c.code == "JPN")
    over = np.isin(kind, [KIND_CODES.index("land"), KIND_CODES.index("territorial-sea")]) & (
        owner == japan
    )
    if not over.any():
        return set(), None
    names = {p.admin1 for p in nearest_places(lat[over], lon[over], "JP")}
    return names, float(t[over][0])


def test_2025_launch_one_missile_one_stage_no_public_alert(run_2025, record):
    truth = Truth(run_2025 / "truth.jsonl")
    events = assess_tracks(run_2025 / "tracks.jsonl", record)
    assert len(events) == 1
    event = events[0]
    check_against_truth(event, truth)
    assert event.others.get("stage or debris", 0) == len(truth.kinds("stage"))
    a = event.missiles[0].analysis
    assert a is not None
    assert a.capability_class != "ICBM"
    regions, _ = true_japan_prefectures(truth, truth.missiles()[0])
    assert regions == set()  # the truth never flies over Japan ...
    japan_alerts = [
        d for d in event.missiles[0].alerts if d.partner == "JPN" and d.action == "alert-regions"
    ]
    assert japan_alerts
    assert not any(d.fired for d in japan_alerts)
    # the record already holds this launch as reported: it is linked, not "previous"
    c = event.context
    assert c.reported is not None
    assert str(c.reported.date_utc) == "2025-01-06"
    assert c.previous is not None
    assert c.previous.date_utc < c.reported.date_utc
    text = "\n".join(statements(event))
    assert "one ballistic missile" in text
    assert "not an ICBM" in text


def test_2022_overflight_alerts_the_prefectures_under_the_true_track(run_2022, record):
    truth = Truth(run_2022 / "truth.jsonl")
    events = assess_tracks(run_2022 / "tracks.jsonl", record)
    assert len(events) == 1
    event = events[0]
    check_against_truth(event, truth)
    regions, over_time = true_japan_prefectures(truth, truth.missiles()[0])
    assert "Aomori" in regions
    fired = [d for d in event.missiles[0].alerts if d.rule == "passes-over-japan"]
    assert len(fired) == 1
    assert fired[0].fired
    assert set(fired[0].regions) == regions
    # issuable after launch and before the missile was over Japan
    assert event.event.launch_time < fired[0].first_possible_time < over_time
    assert [o.code for o in event.missiles[0].overflown] == ["JPN"]


def test_saving_links_the_assessment_to_the_reported_launch_once(run_2025, record):
    event = assess_tracks(run_2025 / "tracks.jsonl", record)[0]
    first = save_assessment(record, event)
    again = save_assessment(record, event)
    assert first == again
    with record.session() as s:
        rows = s.query(Assessment).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.launch_id == event.context.reported.id
        assert row.range_km == pytest.approx(event.missiles[0].measures.range_km.value)
        # the reported value stays as it was reported
        assert event.context.reported.range_km == 1100.0


def test_salvo_is_one_event_with_the_true_count(tmp_path, record):
    run = simulate_and_track("2024-11-05-srbm-salvo", tmp_path)
    truth = Truth(run / "truth.jsonl")
    events = assess_tracks(run / "tracks.jsonl", record)
    assert len(events) == 1
    check_against_truth(events[0], truth)
    assert events[0].count == len(truth.missiles()) == 7
    # launched 22:30 UTC on 4 November 2024, the day before the US election in the calendar
    lines = statements(events[0])
    assert any(line.startswith("on the eve of: United States presidential") for line in lines)


def test_assess_command_json_and_bad_input(run_2025, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    proc = run_cli("assess", run_2025 / "tracks.jsonl", "--record", url, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    ev = doc["events"][0]
    assert ev["count"] == 1
    m = ev["missiles"][0]
    assert m["range_km"]["sigma"] > 0
    assert m["apogee_km"]["kind"] in ("observed", "predicted")
    assert m["impact"]["zone"]["kind"] in ("land", "territorial-sea", "eez", "high-seas")
    bad = tmp_path / "bad.jsonl"
    lines = (run_2025 / "tracks.jsonl").read_text().splitlines()
    rec = json.loads(lines[0])
    rec["alt_m"] = "high"
    bad.write_text("\n".join([lines[0], json.dumps(rec)]) + "\n")
    proc = run_cli("assess", bad, "--record", url)
    assert_bad_input(proc)
    assert "bad.jsonl line 2" in proc.stderr
    assert "alt_m" in proc.stderr
    rules = tmp_path / "rules.toml"
    rules.write_text(
        'partner = "X"\nname = "x"\n[[rule]]\nid = "a"\ncondition = "impact-ellipse-touches"\n'
        'countries = ["ATLANTIS"]\nzones = ["land"]\naction = "inform"\n'
    )
    proc = run_cli("assess", run_2025 / "tracks.jsonl", "--record", url, "--rules", rules)
    assert_bad_input(proc)
    assert "rule[0].countries" in proc.stderr
    assert "ATLANTIS" in proc.stderr


def test_tracks_file_errors_name_line_and_field(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"record": "track", "time": "2025-01-06T03:00:00Z"}\n')
    with pytest.raises(InputError, match=r"t.jsonl line 1.*track"):
        read_tracks(path)
    path.write_text("not json\n")
    with pytest.raises(InputError, match="line 1: not a JSON object"):
        read_tracks(path)
    path.write_text('{"record": "measurement"}\n')
    with pytest.raises(InputError, match="no track records"):
        read_tracks(path)


def test_rule_files_are_checked(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('partner = "JPN"\nname = "x"\n[[rule]]\nid = "a"\ncondition = "maybe"\n')
    with pytest.raises(InputError, match="condition"):
        load_rules(path)


def test_claims_that_disagree_with_the_measurement_are_said(run_2025, tmp_path):
    import datetime as dt

    from launchwatch.record.claims_store import save_claims
    from launchwatch.record.report_claims import extract_claims

    rec = open_record(f"sqlite:///{tmp_path / 'claims.sqlite'}")
    text = (ROOT / "tests" / "data" / "reports" / "wire-2025-01-06.txt").read_text()
    save_claims(rec, extract_claims(text, dt.date(2025, 1, 6)), "wire", dt.date(2025, 1, 6))
    event = assess_tracks(run_2025 / "tracks.jsonl", rec)[0]
    ranges = {c["number"]: c["disagrees"] for c in event.claims if c["field"] == "range_km"}
    measured = event.missiles[0].measures.range_km
    assert ranges == {1100.0: abs(measured.value - 1100) > 3 * measured.sigma + 110, 1500.0: True}
    assert any("1,500 km" in line and "disagrees" in line for line in statements(event))
    rec.close()


def impact_history(track, start, n, lat, lon, unresolved=False):  # type: ignore[no-untyped-def]
    """A ballistic track's n records a second apart from ``start``, each predicting a fall at
    (lat, lon) with a 30 × 5 km ellipse."""
    from launchwatch.assessment.tracks_file import Ellipse, TrackHistory, TrackRecord
    from launchwatch.measurements import format_time

    times = start + np.arange(n, dtype=float)
    r = earth.geodetic_to_ecef(41.0, 134.0, 80e3)
    impact = Ellipse(lat, lon, format_time(start + 200.0), 5.0, 30.0, 5.0, 70.0)
    records = [
        TrackRecord(
            format_time(t),
            track,
            41.0,
            134.0,
            80e3,
            list(map(float, r)),
            [1500.0, 1500.0, 0.0],
            np.eye(6).tolist(),
            "ballistic",
            2100.0,
            50.0,
            ["X"],
            impact=impact,
            unresolved=unresolved,
        )
        for t in times
    ]
    return TrackHistory(track, records, times)


def test_a_young_or_unresolved_tracks_prediction_is_no_basis_for_an_alert():
    """The same impact prediction on Hokkaido raises J-Alert's "may land" rule only once its
    track has been confirmed for the rule set's min_track_age_s (15 s): a new track's first
    predictions are still settling. The older track's prediction in the open sea raises none."""
    from launchwatch.assessment.alert_rules import judge, rules_of
    from launchwatch.assessment.events import FlyingObject

    t0 = parse_time("2025-01-06T03:03:00Z")

    # the missile's first track (predicting a fall in the open sea) ends as a new one starts
    sea = impact_history("T1", t0, 30, 41.5, 136.0)
    rules = rules_of("JPN")
    assert rules is not None
    assert rules.min_track_age_s == 15.0

    def may_land(*tracks, rules=rules):
        (d,) = [
            d for d in judge(FlyingObject(list(tracks)), [rules]) if d.rule == "may-land-in-japan"
        ]
        return d

    assert not may_land(sea).fired
    hokkaido = impact_history("T2", t0 + 30.0, 30, 43.06, 141.35)  # Sapporo
    d = may_land(sea, hokkaido)
    assert d.fired
    assert d.first_possible_time == pytest.approx(t0 + 30.0 + 16.0)  # the first 2 s step ≥ 15 s
    young = impact_history("T3", t0 + 30.0, 14, 43.06, 141.35)  # gone after 14 s
    assert not may_land(sea, young).fired
    # without the age limit the young track's first prediction would have raised it
    no_limit = msgspec.structs.replace(rules, min_track_age_s=0.0, min_coast_s=0.0)
    d = may_land(sea, young, rules=no_limit)
    assert d.fired
    assert d.first_possible_time == pytest.approx(t0 + 30.0, abs=2.0)
    # nor does a track the tracker marks unresolved (in one radar cell with another track: it
    # may be following the spent stage, or the mean of the two), unless the rule set allows it
    shared = impact_history("T4", t0 + 30.0, 30, 43.06, 141.35, unresolved=True)
    assert not may_land(sea, shared).fired
    allowed = msgspec.structs.replace(rules, use_unresolved_tracks=True)
    assert may_land(sea, shared, rules=allowed).fired


def test_a_prediction_made_just_after_burnout_is_no_basis_for_an_alert():
    """A track seen under thrust for 30 s, then ballistic: a prediction on Hokkaido made 1 s
    after it left boost (still carried by its records for 9 s) raises J-Alert's "may land"
    rule only without the rule set's min_coast_s (6 s); with it, the first prediction made
    6 s or more after burnout does (here the fresh ones from 10 s after)."""
    from launchwatch.assessment.alert_rules import judge, rules_of
    from launchwatch.assessment.events import FlyingObject
    from launchwatch.assessment.tracks_file import TrackHistory
    from launchwatch.measurements import format_time

    rules = rules_of("JPN")
    assert rules is not None
    assert rules.min_coast_s == 6.0
    t0 = parse_time("2025-01-06T03:02:30Z")
    burnout = t0 + 30.0
    h = impact_history("T1", t0, 60, 43.06, 141.35)  # Sapporo
    records = []
    for t, r in zip(h.times.tolist(), h.records, strict=True):
        assert r.impact is not None
        if t <= burnout:  # the prediction under thrust stands until burnout + 1 s
            e = msgspec.structs.replace(
                r.impact, basis="if the motor stopped now", computed_at=format_time(t)
            )
            phase = "boost" if t < burnout else "ballistic"
        else:
            made = burnout + 1.0 if t < burnout + 10.0 else t
            e = msgspec.structs.replace(
                r.impact, basis="ballistic flight", computed_at=format_time(made)
            )
            phase = "ballistic"
        records.append(msgspec.structs.replace(r, phase=phase, impact=e))
    track = TrackHistory("T1", records, h.times)

    def may_land(rules):  # type: ignore[no-untyped-def]
        (d,) = [d for d in judge(FlyingObject([track]), [rules]) if d.rule == "may-land-in-japan"]
        return d

    d = may_land(rules)
    assert d.fired
    assert d.first_possible_time == pytest.approx(burnout + 10.0)
    d = may_land(msgspec.structs.replace(rules, min_coast_s=0.0))
    assert d.fired
    assert d.first_possible_time == pytest.approx(burnout + 2.0)  # the first 2 s step after


def test_an_alert_that_stops_holding_still_names_the_regions_it_was_raised_for():
    """A track predicts a fall on Hokkaido for its first 30 s, then (firmer) in the open sea:
    J-Alert's "may land" rule held from 16 s (the track old enough) until then, and the decision
    names Hokkaido, the prefecture it held for, not the empty set of the last decision (as a
    seeded 2025 run did: a fall 93 km from Okushiri, touched by the 97 km ellipse of 4 s after
    burnout)."""
    from launchwatch.assessment.alert_rules import judge, rules_of
    from launchwatch.assessment.events import FlyingObject
    from launchwatch.assessment.tracks_file import TrackHistory

    t0 = parse_time("2025-01-06T03:03:00Z")
    near = impact_history("T1", t0, 30, 43.06, 141.35)  # Sapporo
    far = impact_history("T1", t0 + 30.0, 30, 41.5, 136.0)
    track = TrackHistory("T1", near.records + far.records, np.concatenate([near.times, far.times]))
    rules = rules_of("JPN")
    assert rules is not None
    (d,) = [d for d in judge(FlyingObject([track]), [rules]) if d.rule == "may-land-in-japan"]
    assert d.fired
    assert d.first_possible_time == pytest.approx(t0 + 16.0)
    assert d.regions == ["Hokkaido"]
