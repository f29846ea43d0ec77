"""``launchwatch report TRACKS.jsonl``: each assessed event of a tracks file written up (HTML,
PNG, GeoJSON, KML, CZML)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from launchwatch.assessment.assess import assess_tracks
from launchwatch.errors import InputError
from launchwatch.record.database import open_record
from launchwatch.scenario import load_sensors

__all__ = ["report_command"]


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
