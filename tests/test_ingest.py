"""Claims extracted from three reports written for these tests in different styles (wire
copy, a ministry statement, a long analysis with headings and a source list), stored with the
launch and compared with a measurement."""

import datetime as dt
import json
from pathlib import Path

import pytest

from cli_run import assert_bad_input, run_cli
from launchwatch.assessment.claims_check import check_claims
from launchwatch.assessment.measures import Measure
from launchwatch.record.claims_store import claims_for_launch, save_claims
from launchwatch.record.database import open_record
from launchwatch.record.queries import context_between
from launchwatch.record.report_claims import extract_claims, split_sentences

REPORTS = Path(__file__).parent / "data" / "reports"


def claims_of(name, date):
    text = (REPORTS / name).read_text(encoding="utf-8")
    found = extract_claims(text, dt.date.fromisoformat(date))
    by_field = {}
    for c in found:
        by_field.setdefault(c.field, []).append(c)
    return found, by_field


def test_wire_copy():
    _, f = claims_of("wire-2025-01-06.txt", "2025-01-06")
    # "12:01 p.m. today" in Seoul is 03:01 UTC on the report's day
    assert [c.value for c in f["launch_time"]] == ["2025-01-06T03:01Z"]
    assert [c.number for c in f["count"]] == [1.0]
    assert [c.value for c in f["launch_area"]] == ["Pyongyang area"]
    assert [(c.number, c.qualifier) for c in f["range_km"]] == [(1100.0, "about"), (1500.0, "")]
    assert [(c.number, c.qualifier) for c in f["apogee_km"]] == [(100.0, "about")]
    assert "outside Japan's exclusive economic zone" in [c.value for c in f["fell_in"]]
    # the previous launch, and its seven missiles, are not this launch's count
    assert [c.value for c in f["previous_launch"]] == ["2024-11-05"]
    assert [c.number for c in f["previous_count"]] == [7.0]
    assert any("Blinken" in c.sentence for c in f["context_event"])
    for c in f["range_km"]:
        assert c.value.replace(",", "").split()[0] in c.sentence.replace(",", "")


def test_ministry_statement():
    _, f = claims_of("ministry-2022-10-04.txt", "2022-10-04")
    assert [c.value for c in f["launch_time"]] == ["2022-10-03T22:22Z"]  # 7:22 a.m. JST
    assert [c.value for c in f["launch_area"]] == ["Mupyong-ri"]
    assert [c.number for c in f["flight_time_s"]] == [22 * 60.0]
    assert [c.number for c in f["range_km"]] == [4600.0]
    assert [c.number for c in f["apogee_km"]] == [1000.0]
    assert "Pacific Ocean" in f["fell_in"][0].value


def test_analysis_with_headings_and_sources():
    found, f = claims_of("analysis-2017-11-29.txt", "2017-11-30")
    assert [c.value for c in f["launch_time"]] == ["2017-11-29"]
    assert [c.number for c in f["apogee_km"]] == [4475.0]
    assert [c.number for c in f["range_km"]] == [950.0]
    # what it could do on a standard trajectory is not the range flown
    assert [c.number for c in f["capability_range_km"]] == [13000.0]
    assert [c.number for c in f["flight_time_s"]] == [53 * 60.0]
    assert [c.value for c in f["previous_launch"]] == ["2017-09-15"]
    assert "Hwasong-15" in [c.value for c in f["type"]]
    # the source list makes no claims
    assert not [c for c in found if "Union of Concerned Scientists" in c.sentence]


def test_sentences_keep_abbreviations_whole():
    parts = split_sentences("It was the first since Nov. 5. The U.S. said so.\n\n# A heading")
    assert parts == ["It was the first since Nov. 5.", "The U.S. said so.", "# A heading"]


@pytest.mark.parametrize(
    ("qualifier", "claimed", "measured", "disagrees"),
    [
        ("about", 1100.0, Measure(1098.0, 1.0, ""), False),
        ("", 1500.0, Measure(1098.0, 1.0, ""), True),
        ("about", 1200.0, Measure(1098.0, 1.0, ""), False),  # within 10 %
        ("about", 1300.0, Measure(1098.0, 1.0, ""), True),
        ("more than", 1000.0, Measure(950.0, 10.0, ""), False),
        ("more than", 1200.0, Measure(950.0, 10.0, ""), True),
        ("up to", 900.0, Measure(950.0, 10.0, ""), False),
    ],
)
def test_claim_against_measurement(tmp_path, qualifier, claimed, measured, disagrees):
    from launchwatch.record.schema import Claim

    claim = Claim(
        field="range_km",
        value=f"{claimed} km",
        number=claimed,
        qualifier=qualifier,
        report="r",
        report_date=dt.date(2025, 1, 6),
        sentence="s",
    )
    [row] = check_claims([claim], {"range_km": measured})
    assert row["disagrees"] is disagrees


def test_saved_claims_link_to_the_launch_and_fill_the_calendar(tmp_path):
    rec = open_record(f"sqlite:///{tmp_path / 'r.sqlite'}")
    found, _ = claims_of("wire-2025-01-06.txt", "2025-01-06")
    launch_id, stored, added = save_claims(rec, found, "wire", dt.date(2025, 1, 6))
    assert launch_id is not None
    assert stored == len([c for c in found if c.field != "context_event"])
    assert len(claims_for_launch(rec, launch_id)) == stored
    assert added >= 1
    days = context_between(rec, dt.date(2025, 1, 6), dt.date(2025, 1, 6))
    assert any("Blinken" in e.description for e in days)
    rec.close()


def test_ingest_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    proc = run_cli(
        "ingest",
        REPORTS / "ministry-2022-10-04.txt",
        "--date",
        "2022-10-04",
        "--record",
        url,
        "--save",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["launch_id"] is not None
    assert {c["field"] for c in doc["claims"]} >= {"range_km", "apogee_km", "flight_time_s"}
    assert_bad_input(run_cli("ingest", REPORTS / "ministry-2022-10-04.txt", "--date", "4/10/22"))
    assert_bad_input(run_cli("ingest", tmp_path / "none.txt", "--date", "2022-10-04"))
