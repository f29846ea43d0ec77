"""The whole job on the 6 January 2025 launch (``launchwatch demo``), checked against the
scenario's truth, not against fixed strings: what the assessment of South Korea's picture
(its own tracks and what Japan and the US shared with it) says, when each partner first heard
what, and the event's report read back with a library for each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import assert_bad_input, run_cli
from launchwatch.demo import DemoResult, run_demo, write_reports
from test_assess import Truth, check_against_truth

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "2025-01-06-hypersonic-irbm.toml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoResult, list[Path]]:
    out = tmp_path_factory.mktemp("demo")
    result = run_demo(SCENARIO, out)
    return result, write_reports(result, out / "reports")


def test_the_assessment_of_the_shared_picture_says_what_the_truth_says(demo) -> None:  # type: ignore[no-untyped-def]
    result, _ = demo
    truth = Truth(result.out / "run" / "truth.jsonl")
    (event,) = result.events
    check_against_truth(event, truth)  # count, launch, range, apogee, flight time, zone
    assert event.others.get("stage or debris", 0) == len(truth.kinds("stage"))
    a = event.farthest.analysis
    assert a is not None
    assert a.range_class == "MRBM"  # ~1,100 km flown; the ROK JCS called it an IRBM
    assert a.capability_class != "ICBM"
    # the truth never flies over Japan, so no public alert (J-Alert) may fire
    japan = [d for d in event.farthest.alerts if d.partner == "JPN" and d.action == "alert-regions"]
    assert japan
    assert not any(d.fired for d in japan)
    # the claims the scenario carries: KCNA's 1,500 km disagrees, the JCS's "about 1,100" not
    verdicts = {
        c["report"].split(" ")[0]: c["disagrees"] for c in event.claims if c["field"] == "range_km"
    }
    assert verdicts == {"KCNA": True, "ROK": False}
    text = "\n".join(json.dumps(e) for e in result.to_json()["events"][0]["statements"])
    assert "one ballistic missile" in text
    assert "not an ICBM" in text
    assert "first launch in 62 days" in text  # the record: 7 SRBMs on 4 Nov 2024 (UTC)


def test_each_partner_heard_each_others_launch_point_flight_path_and_impact(demo) -> None:  # type: ignore[no-untyped-def]
    result, _ = demo
    heard = {(h["partner"], h["from"], h["what"]): h for h in result.first_heard()}
    partners = ("ROK", "JPN", "USA")
    for p in partners:
        for q in partners:
            if p == q:
                continue
            for what in ("launch point", "flight path", "impact point"):
                h = heard[(p, q, what)]
                assert 0.0 <= h["after_launch_s"] <= 400.0  # within the flight
                assert 0.0 <= h["delivery_s"] < 5.0  # on this machine's embedded bus
    # the US satellite's infrared launch point comes first, within seconds of the launch
    truth = Truth(result.out / "run" / "truth.jsonl")
    t, *_ = truth.geodetic(truth.missiles()[0])
    for p in ("ROK", "JPN"):
        assert heard[(p, "USA", "launch point")]["after_launch_s"] < 10.0
        radar = min(heard[(p, q, "flight path")]["after_launch_s"] for q in partners if q != p)
        assert heard[(p, "USA", "launch point")]["after_launch_s"] < radar
    assert result.events[0].event.launch_time == pytest.approx(t[0], abs=15.0)


def test_the_report_reads_back_in_every_format(demo) -> None:  # type: ignore[no-untyped-def]
    import czml3
    import shapely.geometry
    from fastkml import kml

    result, pages = demo
    (page,) = pages
    folder = page.parent
    text = page.read_text()
    # self-contained: every picture inside the page, nothing fetched
    assert "http://" not in text.replace('href="event.', "")
    assert text.count('src="data:image/png;base64,') == 5
    for line in result.to_json()["events"][0]["statements"][:3]:
        assert line.replace("&", "&amp;")[:40] in text.replace("&#x27;", "'")
    for png in ("map", "altitude_range", "altitude_time", "impact_ellipse", "record_timeline"):
        assert (folder / f"{png}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    event = result.events[0]
    impact = event.farthest.measures.impact
    # GeoJSON: the ellipse holds the impact point; the flight starts near the launch point
    features = json.loads((folder / "event.geojson").read_text())["features"]
    by_role = {f["properties"]["role"]: shapely.geometry.shape(f["geometry"]) for f in features}
    assert by_role["impact ellipse (95 %)"].contains(
        shapely.geometry.Point(impact.lon_deg, impact.lat_deg)
    )
    start = by_role["ground track, tracked"].coords[0]
    assert abs(start[0] - event.event.launch_lon_deg) < 3.0
    # KML, read with fastkml: three placemarks, the flight with its altitudes
    doc = kml.KML.from_string((folder / "event.kml").read_bytes())
    placemarks = list(doc.features[0].features)
    assert [p.name for p in placemarks] == [
        "launch point",
        "flight (tracked)",
        "impact ellipse (95 %)",
    ]
    assert max(c[2] for c in placemarks[1].geometry.coords) == pytest.approx(
        event.farthest.measures.apogee_km.value * 1e3, rel=0.05
    )
    # CZML, read with czml3: the document packet first, the flight time-tagged
    packets = json.loads((folder / "event.czml").read_text())
    assert packets[0]["id"] == "document"
    raw = next(p for p in packets if p["id"] == "missile")
    czml3.Packet(**raw)  # validates: times increasing, four numbers per sample
    samples = raw["position"]["cartographicDegrees"]
    assert len(samples) % 4 == 0
    assert len(samples) // 4 > 100


def test_bad_demo_options_exit_2(tmp_path: Path) -> None:
    proc = run_cli("demo", tmp_path / "nothing.toml", "--out", tmp_path / "o")
    assert_bad_input(proc)
    assert "nothing.toml" in proc.stderr
    proc = run_cli("demo", SCENARIO, "--out", tmp_path / "o", "--as", "FRA")
    assert_bad_input(proc)
    assert "--as" in proc.stderr


def test_the_report_verb_writes_up_a_tracks_file(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result, _ = demo
    picture = result.out / "picture-ROK.jsonl"
    record = f"sqlite:///{result.out / 'record.sqlite'}"
    proc = run_cli("report", picture, "--out", tmp_path, "--record", record)
    assert proc.returncode == 0, proc.stderr
    key = result.events[0].event.key
    assert f"{key}: " in proc.stdout
    assert (tmp_path / key / "report.html").exists()
    assert (tmp_path / key / "event.czml").exists()
    # an event the file does not hold (the file's first records: a shorter assessment)
    short = tmp_path / "short.jsonl"
    short.write_text("".join(picture.read_text().splitlines(keepends=True)[:150]))
    proc = run_cli("report", short, "--out", tmp_path, "--record", record, "--event", "E-x")
    assert_bad_input(proc)
    assert "--event: no event E-x" in proc.stderr
