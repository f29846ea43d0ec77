"""Writing an assessed event into the launch record (table ``assessments``), linked to the
reported launch it matches; measured values stay apart from the reported ones. An event is
stored once per key: saving it again replaces the measured values."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from launchwatch.assessment.assess import AssessedEvent
from launchwatch.assessment.statements import statements
from launchwatch.flight.analysis import MODEL_VERSION
from launchwatch.record.database import Record
from launchwatch.record.schema import Assessment

__all__ = ["save_assessment"]


def save_assessment(record: Record, a: AssessedEvent) -> int | None:
    """Store the event (its farthest-flying missile's figures, and the count); returns the
    row id, or None for an event with no missile."""
    if not a.missiles:
        return None
    ev = a.event
    head = a.farthest
    me, an = head.measures, head.analysis
    e = me.impact
    values = {
        "event_key": ev.key,
        "launch_id": a.context.reported.id if a.context and a.context.reported else None,
        "launch_time": dt.datetime.fromtimestamp(ev.launch_time, dt.UTC).replace(tzinfo=None),
        "launch_time_sigma_s": ev.launch_time_sigma_s,
        "launch_lat": ev.launch_lat_deg,
        "launch_lon": ev.launch_lon_deg,
        "launch_sigma_km": ev.launch_sigma_km,
        "count": a.count,
        "range_km": me.range_km.value,
        "range_sigma_km": me.range_km.sigma,
        "apogee_km": me.apogee_km.value,
        "apogee_sigma_km": me.apogee_km.sigma,
        "flight_time_s": me.flight_time_s.value,
        "flight_time_sigma_s": me.flight_time_s.sigma,
        "shape": an.shape if an else "",
        "class_by_range": an.range_class if an else "",
        "capability_km": an.capability.range_m / 1e3 if an else None,
        "class_by_capability": an.capability_class if an else "",
        "impact_lat": e.lat_deg,
        "impact_lon": e.lon_deg,
        "impact_semi_major_km": e.semi_major_km,
        "impact_semi_minor_km": e.semi_minor_km,
        "impact_orientation_deg": e.orientation_deg,
        "impact_zone": head.zone.describe(),
        "sea": head.zone.sea,
        "source": a.source,
        "model_version": MODEL_VERSION,
        "statements": json.dumps(statements(a)),
    }
    with record.session() as s:
        row = s.scalar(sa.select(Assessment).where(Assessment.event_key == ev.key))
        if row is None:
            row = Assessment(**values)
            s.add(row)
        else:
            for k, v in values.items():
                setattr(row, k, v)
        s.flush()
        return int(row.id)
