"""How a new launch compares with the launch record, computed from the record every time.

- **The reported launch**: a record row on the same UTC day (±12 h) from within 200 km is this
  launch as the sources reported it: it is linked, compared, and left out of the rest.
- **Previous launch**: the latest row before the launch time; days since, its date and class.
- **Farthest / highest since**: the latest earlier launch that flew at least as far (as high);
  none means the farthest (highest) in the record.
- **This year**: launches in the record in the same calendar year before this one.
- **Most similar**: the three earlier launches nearest in profile, by the distance
  √((ln R₁/R₂ / 0.3)² + (ln H₁/H₂ / 0.3)² + (ln s₁/s₂ / 0.2)² + (d / 300 km)²) over range R,
  apogee H, shape s (apogee over the minimum-energy apogee for that range: lofted, minimum-
  energy or depressed) and launch site distance d (rows without range or apogee are skipped).
- **Calendar**: public events in the record within 3 days of the launch.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

from pyproj import Geod

from launchwatch.flight.shape import minimum_energy_apogee_km
from launchwatch.record.database import Record
from launchwatch.record.queries import context_between, list_launches
from launchwatch.record.schema import ContextEvent, Launch

__all__ = ["Context", "Similar", "launch_context"]

_GEOD: Final = Geod(ellps="WGS84")
SAME_LAUNCH_HOURS: Final = 12.0
SAME_LAUNCH_KM: Final = 200.0
CALENDAR_DAYS: Final = 3


@dataclass(frozen=True)
class Similar:
    launch: Launch
    distance: float


@dataclass(frozen=True)
class Context:
    reported: Launch | None
    previous: Launch | None
    days_since_previous: float | None
    farther_since: Launch | None
    """The latest earlier launch that flew at least as far (None: farthest in the record)."""
    higher_since: Launch | None
    launches_this_year_before: int
    similar: list[Similar]
    calendar: list[ContextEvent]
    record_size: int


def launch_time_of(row: Launch) -> dt.datetime:
    hh, mm = (int(x) for x in row.time_utc.split(":")) if row.time_utc else (12, 0)
    return dt.datetime(row.date_utc.year, row.date_utc.month, row.date_utc.day, hh, mm)


def _km(lat1: float, lon1: float, lat2: float | None, lon2: float | None) -> float:
    if lat2 is None or lon2 is None:
        return math.inf
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1e3


def launch_context(
    record: Record,
    launch_time: float,
    lat_deg: float,
    lon_deg: float,
    range_km: float,
    apogee_km: float,
) -> Context:
    when = dt.datetime.fromtimestamp(launch_time, dt.UTC).replace(tzinfo=None)
    rows = list_launches(record)
    reported = None
    earlier = []
    for row in rows:
        hours = abs((launch_time_of(row) - when).total_seconds()) / 3600.0
        near = _km(lat_deg, lon_deg, row.lat, row.lon) <= SAME_LAUNCH_KM or row.lat is None
        if hours <= SAME_LAUNCH_HOURS and near and reported is None:
            reported = row
        elif launch_time_of(row) < when:
            earlier.append(row)
    previous = earlier[-1] if earlier else None
    days = None if previous is None else (when - launch_time_of(previous)).total_seconds() / 86400
    farther = next(
        (r for r in reversed(earlier) if r.range_km is not None and r.range_km >= range_km), None
    )
    higher = next(
        (r for r in reversed(earlier) if r.apogee_km is not None and r.apogee_km >= apogee_km),
        None,
    )
    this_year = sum(1 for r in earlier if r.date_utc.year == when.year)
    similar = []
    shape = apogee_km / float(minimum_energy_apogee_km(range_km))
    for r in earlier:
        if not r.range_km or not r.apogee_km:
            continue
        site = _km(lat_deg, lon_deg, r.lat, r.lon)
        their_shape = r.apogee_km / float(minimum_energy_apogee_km(r.range_km))
        d = math.sqrt(
            (math.log(range_km / r.range_km) / 0.3) ** 2
            + (math.log(apogee_km / r.apogee_km) / 0.3) ** 2
            + (math.log(shape / their_shape) / 0.2) ** 2
            + ((site if math.isfinite(site) else 300.0) / 300.0) ** 2
        )
        similar.append(Similar(r, d))
    similar.sort(key=lambda s: s.distance)
    day = when.date()
    calendar = context_between(
        record, day - dt.timedelta(days=CALENDAR_DAYS), day + dt.timedelta(days=CALENDAR_DAYS)
    )
    return Context(
        reported, previous, days, farther, higher, this_year, similar[:3], calendar, len(rows)
    )
