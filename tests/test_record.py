"""The launch record on SQLite and on the machine's PostgreSQL: migrations, the shipped data,
imports (good, repeated and bad files), queries and the ``record`` command."""

import csv
import datetime as dt
import json
import re
from importlib import resources

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cli_run import assert_bad_input, run_cli
from launchwatch.errors import InputError
from launchwatch.record.database import head_revision, migrate, open_record
from launchwatch.record.importing import LAUNCH_COLUMNS, import_context_events, import_launches
from launchwatch.record.queries import class_words, context_between, list_launches
from launchwatch.record.schema import Base, ContextEvent, Launch
from record_db import database

SHIPPED = resources.files("launchwatch") / "data" / "nk_launches.csv"


def shipped_rows():
    with SHIPPED.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(params=["sqlite", "postgresql"])
def record(request, tmp_path):
    with database(request.param, tmp_path) as url:
        rec = open_record(url)
        yield rec
        rec.close()


def count(rec, table):
    with rec.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(table))


def write_csv(path, rows, columns=LAUNCH_COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
    return path


def test_migrations_build_the_schema_of_the_code_and_can_be_undone(record):
    assert record.revision() == head_revision() == "0003"
    with record.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    migrate(record.engine, "base")
    assert record.revision() is None
    names = set(sa.inspect(record.engine).get_table_names()) - {"alembic_version"}
    assert names == set()
    migrate(record.engine)
    assert record.revision() == "0003"
    assert count(record, Launch) == 0


def test_a_new_record_holds_the_shipped_public_data(record):
    rows = shipped_rows()
    assert count(record, Launch) == len(rows)
    # the 6 January 2025 row comes back with its source columns intact
    want = next(r for r in rows if r["date_utc"] == "2025-01-06")
    got = list_launches(record, since=dt.date(2025, 1, 6), until=dt.date(2025, 1, 6))
    assert len(got) == 1
    x = got[0]
    assert (x.time_utc, x.type, x.site) == (want["time_utc"], want["type"], want["site"])
    assert x.range_km == float(want["range_km"])
    assert x.apogee_km == float(want["apogee_km"])
    assert x.notes == want["notes"]
    assert x.source_url_or_title == want["source_url_or_title"]
    assert x.dataset == "nk_launches.csv (shipped)"
    calendar = resources.files("launchwatch") / "data" / "context_events.csv"
    with calendar.open(encoding="utf-8") as f:
        assert count(record, ContextEvent) == len(list(csv.DictReader(f)))


def test_importing_adds_new_rows_once(record, tmp_path):
    before = count(record, Launch)
    old = shipped_rows()[-1]
    new = {
        "date_utc": "2026-12-01",
        "time_utc": "01:15",
        "type": "SRBM",
        "name": "test launch",
        "site": "Wonsan",
        "lat": "39.17",
        "lon": "127.48",
        "count": "2",
        "range_km": "350",
        "apogee_km": "60",
        "eez": "outside",
        "overflight_japan": "no",
        "source_url_or_title": "made up for this test",
        "notes": "",
    }
    path = write_csv(tmp_path / "more.csv", [old, new])
    first = import_launches(record, path)
    assert (first.rows, first.added, first.already_present) == (2, 1, 1)
    again = import_launches(record, path)
    assert (again.added, again.already_present) == (0, 2)
    assert count(record, Launch) == before + 1
    got = list_launches(record, since=dt.date(2026, 12, 1))
    assert [(g.name, g.count, g.range_km, g.dataset) for g in got] == [
        ("test launch", 2, 350.0, "more.csv")
    ]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("date_utc", "2024-02-30", "expected a date"),
        ("date_utc", "", "is required"),
        ("time_utc", "25:00", "expected HH:MM"),
        ("lat", "95", "between -90 and 90"),
        ("count", "0", "at least 1"),
        ("range_km", "far", "not a number"),
        ("apogee_km", "nan", "between 0 and 10000"),
        ("type", "", "is required"),
    ],
)
def test_a_bad_cell_names_line_and_column_and_nothing_is_imported(tmp_path, column, value, reason):
    with database("sqlite", tmp_path) as url:
        rec = open_record(url)
        before = count(rec, Launch)
        good = {"date_utc": "2026-12-02", "type": "SRBM", "site": "a", "name": "fine"}
        bad = {"date_utc": "2026-12-03", "type": "SRBM", "site": "b", "name": "bad"}
        bad[column] = value
        path = write_csv(tmp_path / "bad.csv", [good, bad])
        with pytest.raises(InputError) as err:
            import_launches(rec, path)
        assert f"line 3, column {column}" in str(err.value)
        assert reason in str(err.value)
        assert count(rec, Launch) == before
        rec.close()


def test_a_file_with_wrong_columns_is_refused(tmp_path):
    with database("sqlite", tmp_path) as url:
        rec = open_record(url)
        cols = (*[c for c in LAUNCH_COLUMNS if c != "range_km"], "rnage_km")
        path = write_csv(tmp_path / "cols.csv", [{"date_utc": "2026-01-01"}], cols)
        with pytest.raises(InputError, match=r"missing column\(s\) range_km; unknown .*rnage_km"):
            import_launches(rec, path)
        rec.close()


def test_context_calendar_import_and_overlap_query(record, tmp_path):
    path = write_csv(
        tmp_path / "ctx.csv",
        [
            {
                "date_utc": "2026-12-01",
                "end_date_utc": "2026-12-03",
                "kind": "exercise",
                "countries": "USA;ROK",
                "description": "a three-day exercise",
                "source": "test",
            }
        ],
        ("date_utc", "end_date_utc", "kind", "countries", "description", "source"),
    )
    assert import_context_events(record, path).added == 1
    assert import_context_events(record, path).added == 0
    inside = context_between(record, dt.date(2026, 12, 3), dt.date(2026, 12, 4))
    assert [e.description for e in inside] == ["a three-day exercise"]
    assert context_between(record, dt.date(2026, 12, 4), dt.date(2026, 12, 9)) == []


def test_class_words_split_free_text_classes():
    assert class_words("ICBM + SRBMs") == {"ICBM", "SRBM"}
    assert class_words("ICBM?") == {"ICBM"}
    assert class_words("SRBM/MLRS") == {"SRBM", "MLRS"}


def test_queries_match_an_independent_reading_of_the_csv(record):
    rows = shipped_rows()
    since = dt.date(2022, 1, 1)
    want = [
        r
        for r in rows
        if dt.date.fromisoformat(r["date_utc"]) >= since
        and re.search(r"\bICBMs?\b", r["type"], re.IGNORECASE)
    ]
    got = list_launches(record, since=since, type="icbm")
    assert len(got) == len(want) > 5
    assert all(g.date_utc >= since for g in got)
    far = list_launches(record, min_range_km=3000)
    assert len(far) == sum(1 for r in rows if r["range_km"] and float(r["range_km"]) >= 3000)
    dates = [g.date_utc for g in list_launches(record)]
    assert dates == sorted(dates)


def test_record_command_lists_imports_and_refuses_bad_input(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    proc = run_cli(
        "record", "list", "--since", "2024-01-01", "--type", "IRBM", "--json", "--record", url
    )
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    rows = [
        r
        for r in shipped_rows()
        if r["date_utc"] >= "2024-01-01" and "IRBM" in class_words(r["type"])
    ]
    assert [x["date_utc"] for x in listed] == [r["date_utc"] for r in rows]
    bad = write_csv(tmp_path / "bad.csv", [{"date_utc": "yesterday", "type": "SRBM"}])
    assert_bad_input(run_cli("record", "import", bad, "--record", url))
    assert_bad_input(run_cli("record", "list", "--since", "2024-13-01", "--record", url))
    assert_bad_input(run_cli("record", "list", "--record", "mysql://u@h/db"))
    assert_bad_input(run_cli("record", "import", tmp_path / "missing.csv", "--record", url))
