"""``launchwatch report TRACKS.jsonl``: each assessed event of a tracks file written up (HTML,
PNG, GeoJSON, KML, CZML)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from launchwatch.assessment.assess import assess_tracks
from launchwatch.errors import InputError
from launchwatch.record.database import open_record
from launchwatch.record_command import RECORD_HELP
from launchwatch.scenario import load_sensors

__all__ = ["add_report_parser", "report_command"]


def add_report_parser(sub: Any) -> None:
    r = sub.add_parser(
        "report",
        help="write up assessed events: one offline HTML page each, PNGs, GeoJSON, KML, CZML",
        description="Assess the events of a tracks file (launchwatch track, or a demo's "
        "picture-PARTNER.jsonl) and write each one's report into OUT/EVENT/.",
    )
    r.add_argument("tracks", metavar="TRACKS.jsonl")
    r.add_argument("--out", default="launchwatch-reports", metavar="DIR")
    r.add_argument("--event", metavar="KEY", help="only this event (e.g. E-2025-01-06T03:01Z)")
    r.add_argument("--sensors", metavar="SENSORS.toml", help="sensors to draw on the map")
    r.add_argument("--record", metavar="URL", help=RECORD_HELP)


def report_command(args: argparse.Namespace) -> int:
    from launchwatch.report import write_report  # matplotlib: only when a report is made

    sensors = load_sensors(args.sensors) if args.sensors else []
    record = open_record(args.record)
    console = Console()
    try:
        events = assess_tracks(args.tracks, record)
        if args.event:
            events = [a for a in events if a.event.key == args.event]
            if not events:
                raise InputError("--event", f"no event {args.event} in {args.tracks}")
        for a in events:
            files = write_report(a, Path(args.out) / a.event.key, sensors, record)
            console.print(f"{a.event.key}: {files.html}", highlight=False)
    finally:
        record.close()
    return 0
