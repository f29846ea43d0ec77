"""The context of a launch, computed from a record built in the test (so the expected answers
follow from the rows written here)."""

import csv
import datetime as dt
import math

import pytest
from pyproj import Geod

from launchwatch.assessment.context import launch_context
from launchwatch.flight.shape import minimum_energy_apogee_km
from launchwatch.record.database import open_record
from launchwatch.record.importing import (
    CONTEXT_COLUMNS,
    LAUNCH_COLUMNS,
    import_context_events,
    import_launches,
)

ROWS = [
    # date, time, type, range, apogee, lat, lon
    ("2024-01-14", "05:53", "IRBM", 1000, 50, 39.0, 125.7),
    ("2024-04-02", "00:53", "IRBM", 600, 100, 39.0, 125.7),
    ("2024-06-26", "22:30", "MRBM", 250, 50, 39.0, 125.7),
    ("2024-10-30", "22:11", "ICBM", 1000, 7000, 39.0, 125.7),
    ("2024-11-04", "22:30", "SRBM", 400, 100, 38.5, 125.8),
    ("2025-01-06", "03:01", "IRBM", 1100, 100, 39.2, 125.9),  # the launch assessed
]


@pytest.fixture
def record(tmp_path):
    rec = open_record(f"sqlite:///{tmp_path / 'r.sqlite'}", seed=False)
    path = tmp_path / "launches.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=LAUNCH_COLUMNS)
        w.writeheader()
        for d, t, kind, rng, apo, lat, lon in ROWS:
            w.writerow(
                {
                    "date_utc": d,
                    "time_utc": t,
                    "type": kind,
                    "range_km": rng,
                    "apogee_km": apo,
                    "lat": lat,
                    "lon": lon,
                    "site": kind,
                    "name": d,
                }
            )
    import_launches(rec, path)
    cal = tmp_path / "calendar.csv"
    with cal.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CONTEXT_COLUMNS)
        w.writeheader()
        w.writerow(
            {
                "date_utc": "2025-01-05",
                "end_date_utc": "2025-01-06",
                "kind": "visit",
                "description": "a visit",
                "countries": "USA;ROK",
            }
        )
        w.writerow({"date_utc": "2024-12-01", "kind": "exercise", "description": "too early"})
    import_context_events(rec, cal)
    yield rec
    rec.close()


def test_context_of_a_launch_already_reported(record):
    t = dt.datetime(2025, 1, 6, 3, 1, tzinfo=dt.UTC).timestamp()
    c = launch_context(record, t, 39.19, 125.96, 1098.0, 100.5)
    assert c.reported is not None
    assert c.reported.date_utc == dt.date(2025, 1, 6)
    assert c.previous.date_utc == dt.date(2024, 11, 4)
    want_days = (dt.datetime(2025, 1, 6, 3, 1) - dt.datetime(2024, 11, 4, 22, 30)).total_seconds()
    assert c.days_since_previous == pytest.approx(want_days / 86400)
    # 1,098 km, 100.5 km: no earlier row flew as far; the ICBM was the last to fly higher
    assert c.farther_since is None
    assert c.higher_since.date_utc == dt.date(2024, 10, 30)
    assert c.launches_this_year_before == 0

    # nearest profiles, worked out here from the distance in context.py's docstring
    def shape(rng, apo):
        return apo / float(minimum_energy_apogee_km(rng))

    def distance(rng, apo, lat, lon):
        site = Geod(ellps="WGS84").inv(125.96, 39.19, lon, lat)[2] / 1e3
        return math.sqrt(
            (math.log(1098.0 / rng) / 0.3) ** 2
            + (math.log(100.5 / apo) / 0.3) ** 2
            + (math.log(shape(1098.0, 100.5) / shape(rng, apo)) / 0.2) ** 2
            + (site / 300.0) ** 2
        )

    earlier = [r for r in ROWS if r[0] < "2025-01-06"]
    want = sorted(earlier, key=lambda r: distance(r[3], r[4], r[5], r[6]))[:3]
    assert [s.launch.date_utc.isoformat() for s in c.similar] == [r[0] for r in want]
    assert [s.distance for s in c.similar] == pytest.approx(
        [distance(r[3], r[4], r[5], r[6]) for r in want], rel=1e-9
    )
    assert [e.description for e in c.calendar] == ["a visit"]


def test_context_of_a_new_launch_counts_the_year(record):
    t = dt.datetime(2024, 12, 20, 0, 0, tzinfo=dt.UTC).timestamp()
    c = launch_context(record, t, 39.0, 125.7, 300.0, 60.0)
    assert c.reported is None
    assert c.previous.date_utc == dt.date(2024, 11, 4)
    assert c.launches_this_year_before == 5
    assert c.farther_since.date_utc == dt.date(2024, 11, 4)
    # 300 km / 60 km: the 250 km / 50 km MRBM is nearest in range, apogee and shape
    assert c.similar[0].launch.date_utc == dt.date(2024, 6, 26)
    assert [e.description for e in c.calendar] == []
