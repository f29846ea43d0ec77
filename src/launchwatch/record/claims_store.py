"""Claims of a report into the record: linked to the reported launch of that day (and to its
assessment, when one is stored), and public events (visits, elections, exercises) added to the
calendar."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from launchwatch.record.database import Record
from launchwatch.record.importing import add_context_events
from launchwatch.record.report_claims import ReportClaim
from launchwatch.record.schema import Assessment, Claim, Launch

__all__ = ["claims_for_launch", "launch_day", "save_claims"]

_KINDS = (
    ("visit", "visit"),
    ("election", "election"),
    ("exercise", "exercise"),
    ("drill", "exercise"),
    ("summit", "summit"),
    ("talks", "diplomacy"),
    ("martial law", "political-crisis"),
    ("impeach", "political-crisis"),
)


def launch_day(claims: list[ReportClaim], report_date: dt.date) -> dt.date:
    """The UTC day of the launch a report is about: its launch_time claim, else its date."""
    for c in claims:
        if c.field == "launch_time":
            return dt.date.fromisoformat(c.value[:10])
    return report_date


def save_claims(
    record: Record, claims: list[ReportClaim], report: str, report_date: dt.date
) -> tuple[int | None, int, int]:
    """Store the claims; returns (linked launch id or None, claims stored, calendar events
    added)."""
    day = launch_day(claims, report_date)
    with record.session() as s:
        launch = s.scalar(
            sa.select(Launch)
            .where(Launch.date_utc >= day - dt.timedelta(days=1), Launch.date_utc <= day)
            .order_by(Launch.date_utc.desc())
        )
        assessment = s.scalar(
            sa.select(Assessment).where(
                Assessment.launch_time >= dt.datetime.combine(day, dt.time()) - dt.timedelta(1),
                Assessment.launch_time < dt.datetime.combine(day, dt.time()) + dt.timedelta(1),
            )
        )
        stored = 0
        for c in claims:
            if c.field == "context_event":
                continue
            s.add(
                Claim(
                    launch_id=launch.id if launch else None,
                    assessment_id=assessment.id if assessment else None,
                    report=report,
                    report_date=report_date,
                    field=c.field,
                    value=c.value,
                    number=c.number,
                    qualifier=c.qualifier,
                    sentence=c.sentence,
                )
            )
            stored += 1
        launch_id = launch.id if launch else None
    events = []
    for c in claims:
        if c.field != "context_event":
            continue
        low = c.sentence.lower()
        kind = next((k for word, k in _KINDS if word in low), "other")
        text = re.sub(r"\s+", " ", c.sentence).strip()
        day_of = dt.date.fromisoformat(c.value)
        events.append(
            {
                "date_utc": day_of,
                "end_date_utc": day_of,
                "kind": kind,
                "countries": "",
                "description": text[:500],
                "source": f"report: {report}",
            }
        )
    added = add_context_events(record, events, report).added if events else 0
    return launch_id, stored, added


def claims_for_launch(record: Record, launch_id: int) -> list[Claim]:
    with record.session() as s:
        return list(s.scalars(sa.select(Claim).where(Claim.launch_id == launch_id)))
