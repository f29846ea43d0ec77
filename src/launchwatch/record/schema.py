"""The launch record's tables (SQLAlchemy 2 declarative mapping).

Reported and measured values live apart:

- ``launches``: one row per launch event as public sources report it. The source columns of
  ``data/nk_launches.csv`` are kept as they are (``type`` is the class the military announced,
  ``range_km`` the range it reported); ``dataset`` names the file a row came from.
- ``assessments``: what launchwatch measured for an event (range flown, apogee, flight time,
  each with its 1σ uncertainty; shape, classes, capability, impact point and zone), linked to
  the reported launch it matches, if any.
- ``claims``: statements extracted from public reports (``launchwatch ingest``), each with the
  sentence it came from, linked to a launch and/or an assessment.
- ``context_events``: the calendar of public events (visits, elections, exercises, crises).

The schema is created and changed only by the migrations in ``record/migrations``; a test
checks that the migrated database and this module agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Assessment", "Base", "Claim", "ContextEvent", "Launch"]


class Base(DeclarativeBase):
    pass


class Launch(Base):
    __tablename__ = "launches"
    __table_args__ = (UniqueConstraint("date_utc", "time_utc", "site", "name", name="uq_launch"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date_utc: Mapped[dt.date] = mapped_column(Date, index=True)
    time_utc: Mapped[str] = mapped_column(String(5), default="")
    """HH:MM, or empty when not reported."""
    type: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    site: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    count: Mapped[int | None] = mapped_column(Integer)
    range_km: Mapped[float | None] = mapped_column(Float)
    apogee_km: Mapped[float | None] = mapped_column(Float)
    flight_time_s: Mapped[float | None] = mapped_column(Float)
    eez: Mapped[str] = mapped_column(String(40), default="")
    overflight_japan: Mapped[str] = mapped_column(String(10), default="")
    source_url_or_title: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    dataset: Mapped[str] = mapped_column(String(200), default="")


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(80), unique=True)
    launch_id: Mapped[int | None] = mapped_column(ForeignKey("launches.id"), index=True)
    """The reported launch this assessment matches, if any."""
    launch_time: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    launch_time_sigma_s: Mapped[float] = mapped_column(Float)
    launch_lat: Mapped[float] = mapped_column(Float)
    launch_lon: Mapped[float] = mapped_column(Float)
    launch_sigma_km: Mapped[float] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer)
    range_km: Mapped[float] = mapped_column(Float)
    range_sigma_km: Mapped[float] = mapped_column(Float)
    apogee_km: Mapped[float] = mapped_column(Float)
    apogee_sigma_km: Mapped[float] = mapped_column(Float)
    flight_time_s: Mapped[float] = mapped_column(Float)
    flight_time_sigma_s: Mapped[float] = mapped_column(Float)
    shape: Mapped[str] = mapped_column(String(40))
    class_by_range: Mapped[str] = mapped_column(String(10))
    capability_km: Mapped[float | None] = mapped_column(Float)
    class_by_capability: Mapped[str] = mapped_column(String(10), default="")
    impact_lat: Mapped[float] = mapped_column(Float)
    impact_lon: Mapped[float] = mapped_column(Float)
    impact_semi_major_km: Mapped[float] = mapped_column(Float)
    impact_semi_minor_km: Mapped[float] = mapped_column(Float)
    impact_orientation_deg: Mapped[float] = mapped_column(Float)
    impact_zone: Mapped[str] = mapped_column(String(200))
    sea: Mapped[str] = mapped_column(String(80), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    """Where the measurement came from (the tracks file, the scenario)."""
    model_version: Mapped[str] = mapped_column(String(40), default="")
    statements: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    """The assessment's statements in plain English, a JSON list of strings."""


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    launch_id: Mapped[int | None] = mapped_column(ForeignKey("launches.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    report: Mapped[str] = mapped_column(String(300))
    """The report's file name or title."""
    report_date: Mapped[dt.date] = mapped_column(Date)
    field: Mapped[str] = mapped_column(String(40))
    """launch_time, launch_area, type, count, range_km, apogee_km, flight_time_s, fell_in,
    previous_launch."""
    value: Mapped[str] = mapped_column(Text)
    number: Mapped[float | None] = mapped_column(Float)
    """The value as a number in the field's unit, where it is one."""
    qualifier: Mapped[str] = mapped_column(String(40), default="")
    """about, more than, up to, ... as the report worded it."""
    sentence: Mapped[str] = mapped_column(Text)


class ContextEvent(Base):
    __tablename__ = "context_events"
    __table_args__ = (UniqueConstraint("date_utc", "kind", "description", name="uq_context"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date_utc: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date_utc: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    countries: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
