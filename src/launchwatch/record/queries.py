"""Asking the record: launches by date, class and range; the calendar around a date.

Reported classes are free text in the sources (``SRBM/MLRS``, ``ICBM?``, ``ICBM + SRBMs``), so
``type`` matches a class word anywhere in the reported class, case-insensitively and with the
plural ``s`` of a ballistic-missile class dropped: ``--type ICBM`` finds all three of
``ICBM``, ``ICBM?`` and ``ICBM + SRBMs``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import sqlalchemy as sa

from launchwatch.record.database import Record
from launchwatch.record.schema import Assessment, Claim, ContextEvent, Launch

__all__ = [
    "class_words",
    "context_between",
    "launch_dict",
    "list_assessments",
    "list_launches",
]


def class_words(reported_type: str) -> set[str]:
    """The class words of a reported type: ``"ICBM + SRBMs"`` → {"ICBM", "SRBM"}."""
    words = re.findall(r"[A-Za-z]+", reported_type.upper())
    return {w[:-1] if w.endswith("BMS") else w for w in words}  # SRBMs, not MLRS


def list_launches(
    record: Record,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    type: str | None = None,
    min_range_km: float | None = None,
) -> list[Launch]:
    """Launches in date order (oldest first) that pass every given filter; ``until`` is
    inclusive."""
    query = sa.select(Launch).order_by(Launch.date_utc, Launch.time_utc, Launch.id)
    if since is not None:
        query = query.where(Launch.date_utc >= since)
    if until is not None:
        query = query.where(Launch.date_utc <= until)
    if min_range_km is not None:
        query = query.where(Launch.range_km >= min_range_km)
    with record.session() as s:
        rows = list(s.scalars(query))
    if type is not None:
        wanted = class_words(type)
        rows = [r for r in rows if wanted <= class_words(r.type)]
    return rows


def context_between(record: Record, start: dt.date, end: dt.date) -> list[ContextEvent]:
    """Calendar events that overlap [start, end]."""
    query = (
        sa.select(ContextEvent)
        .where(ContextEvent.date_utc <= end, ContextEvent.end_date_utc >= start)
        .order_by(ContextEvent.date_utc, ContextEvent.id)
    )
    with record.session() as s:
        return list(s.scalars(query))


def launch_dict(launch: Launch) -> dict[str, Any]:
    return {
        "id": launch.id,
        "date_utc": launch.date_utc.isoformat(),
        "time_utc": launch.time_utc or None,
        "type": launch.type,
        "name": launch.name,
        "site": launch.site,
        "lat_deg": launch.lat,
        "lon_deg": launch.lon,
        "count": launch.count,
        "range_km": launch.range_km,
        "apogee_km": launch.apogee_km,
        "flight_time_s": launch.flight_time_s,
        "eez": launch.eez or None,
        "overflight_japan": launch.overflight_japan or None,
        "source_url_or_title": launch.source_url_or_title,
        "notes": launch.notes,
        "dataset": launch.dataset,
    }


def list_assessments(
    record: Record, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """Saved assessments (``launchwatch assess --save``) in launch-time order, each with the
    claims filed against it, as plain values (times ISO 8601 UTC)."""
    query = sa.select(Assessment).order_by(Assessment.launch_time, Assessment.id)
    if since is not None:
        query = query.where(Assessment.launch_time >= dt.datetime.combine(since, dt.time()))
    if until is not None:
        end = dt.datetime.combine(until, dt.time()) + dt.timedelta(days=1)
        query = query.where(Assessment.launch_time < end)
    out = []
    with record.session() as s:
        for a in s.scalars(query):
            row = {c.name: getattr(a, c.name) for c in Assessment.__table__.columns}
            row["launch_time"] = a.launch_time.isoformat(timespec="milliseconds") + "Z"
            row["statements"] = json.loads(a.statements or "[]")
            claims = s.scalars(sa.select(Claim).where(Claim.assessment_id == a.id)).all()
            row["claims"] = [
                {
                    "report": c.report,
                    "report_date": c.report_date.isoformat(),
                    "field": c.field,
                    "value": c.value,
                    "number": c.number,
                    "qualifier": c.qualifier,
                    "sentence": c.sentence,
                }
                for c in claims
            ]
            out.append(row)
    return out
