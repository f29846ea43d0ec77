"""What a partner holds, as a tracks file the assessment reads: its own track and impact
reports and those the others released to it, each partner's tracks kept apart
(``SENDER:TRACK``), and its launch events as infrared launch alerts.

So the assessment of a partner is made from exactly what that partner was sent: the same
reports its map shows. The assessment joins the partners' tracks of one missile (duplicate
tracks flying together), as it joins a broken track. Shared reports carry no sensor
identities; a launch alert names the sending partner in place of its satellite.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from launchwatch.service.partner_view import PartnerView

__all__ = ["write_picture_tracks"]


def _time(text: str) -> str:
    return text.replace("+00:00", "Z")


def _ellipse(e: dict[str, Any], basis: str) -> dict[str, Any]:
    return {**e, "time": _time(str(e["time"])), "reached": True, "basis": basis}


def write_picture_tracks(state: Path, partner: str, out: Path) -> dict[str, int]:
    """Write the partner's picture (its node's store in ``state``) as track records and
    launch alerts (JSON Lines, the format of ``launchwatch track``); returns counts."""
    reports = PartnerView(partner, state / f"{partner}.sqlite").reports()
    latest_impact: dict[str, dict[str, Any]] = {}
    events: dict[str, dict[str, Any]] = {}
    lines: list[str] = []
    counts = {"tracks": 0, "track_records": 0, "launch_alerts": 0}
    tracks: set[str] = set()
    for r in reports:  # in event-time order
        body, key = r["body"], f"{r['sender']}:{r['body'].get('track', '')}"
        if r["kind"] == "impact":
            # the report's event time is when the sender's tracker made the prediction
            computed = _time(str(r["event_time"]))
            latest_impact[key] = {
                **_ellipse(body["impact"], body["basis"]),
                "computed_at": computed,
            }
        elif r["kind"] == "event":
            events[f"{r['sender']}:{body['event']}"] = {
                "record": "launch-alert",
                "alert": f"{r['sender']}:{body['event']}",
                "sensor": r["sender"],
                "first_time": _time(str(body["launch_time"])),
                "launch_lat_deg": body["lat_deg"],
                "launch_lon_deg": body["lon_deg"],
                "launch_sigma_km": body["sigma_km"],
            }
        elif r["kind"] == "track":
            p = body["covariance_ecef"]
            v = body["velocity_ecef_m_s"]
            launch = body["launch"]
            record = {
                "record": "track",
                "time": _time(str(r["event_time"])),
                "track": key,
                "lat_deg": body["lat_deg"],
                "lon_deg": body["lon_deg"],
                "alt_m": body["alt_m"],
                "position_ecef_m": body["position_ecef_m"],
                "velocity_ecef_m_s": v,
                "covariance_ecef": p,
                "position_sigma_m": math.sqrt(max(p[0][0] + p[1][1] + p[2][2], 0.0) / 3.0),
                "speed_m_s": math.sqrt(sum(c * c for c in v)),
                "phase": body["phase"],
                "ballistic_coefficient_kg_m2": body.get("ballistic_coefficient_kg_m2"),
                "launch": None
                if launch is None
                else _ellipse(launch, "ballistic back-propagation"),
                "impact": latest_impact.get(key),
                "sensors": [],
            }
            lines.append(json.dumps(record))
            tracks.add(key)
            counts["track_records"] += 1
    lines.extend(json.dumps(e) for e in events.values())
    counts["tracks"] = len(tracks)
    counts["launch_alerts"] = len(events)
    out.write_text("\n".join(lines) + "\n")
    return counts
