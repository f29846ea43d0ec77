"""``launchwatch track``: measurements in, track updates out (JSON Lines or a live table)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from launchwatch.errors import InputError
from launchwatch.measurements import read_lines
from launchwatch.scenario import load_sensors_with_epoch, parse_time
from launchwatch.tracking.config_file import load_tracker_config
from launchwatch.tracking.intake import Intake, read_measurements
from launchwatch.tracking.records import alert_record, track_record
from launchwatch.tracking.tracker import Tracker, TrackerConfig

__all__ = ["track_command"]


def _table(
    latest: dict[str, dict[str, Any]], title: str, ended: dict[str, str] | None = None
) -> Table:
    ended = ended or {}
    t = Table(title=title)
    for col in (
        "track",
        "status",
        "time",
        "phase",
        "alt km",
        "speed m/s",
        "impact",
        "95 % ellipse km",
        "sensors",
    ):
        t.add_column(col)
    for rec in sorted(latest.values(), key=lambda r: int(r["track"][1:])):
        imp = rec["impact"]
        t.add_row(
            rec["track"],
            ended.get(rec["track"], "live"),
            rec["time"][11:19],
            rec["phase"],
            f"{rec['alt_m'] / 1e3:,.1f}",
            f"{rec['speed_m_s']:,.0f}",
            f"{imp['lat_deg']:.3f}, {imp['lon_deg']:.3f}" if imp else "—",
            f"{imp['semi_major_km']:.2f} × {imp['semi_minor_km']:.2f}" if imp else "—",
            str(len(rec["sensors"])),
        )
    return t


def track_command(args: argparse.Namespace) -> int:
    sensors, file_epoch = load_sensors_with_epoch(args.sensors)
    path = Path(args.measurements)
    lines = read_lines(path)
    if args.lag_s < 0:
        raise InputError("--lag-s", "must not be negative")
    if args.epoch is not None:
        try:
            epoch = parse_time(args.epoch)
        except ValueError as exc:
            raise InputError("--epoch", f"not an ISO 8601 UTC time: {exc}") from exc
    elif file_epoch is not None:
        epoch = file_epoch
    elif any(s.speed_kn > 0 or (s.type == "space-ir" and s.orbit == "heo") for s in sensors):
        raise InputError("--epoch", "moving sensors need the time their positions refer to")
    else:
        epoch = 0.0
    intake = Intake.for_sensors(sensors, max_lag_s=args.lag_s)
    config = load_tracker_config(args.config) if args.config else TrackerConfig()
    if args.filter:
        config = replace(config, filter=args.filter)
    tracker = Tracker(sensors, epoch, config)
    out_file: IO[str] | None = open(args.out, "w", encoding="utf-8") if args.out else None  # noqa: SIM115
    latest: dict[str, dict[str, Any]] = {}
    console = Console()

    def emit(record: dict[str, Any]) -> None:
        text = json.dumps(record) + "\n"
        if args.json:
            sys.stdout.write(text)
        if out_file:
            out_file.write(text)

    try:
        updates = tracker.run(read_measurements(lines, intake))
        live = None if args.json or not console.is_terminal else Live(console=console)
        if live:
            live.start()
        for n, u in enumerate(updates):
            rec = track_record(u)
            latest[u.track] = rec
            emit(rec)
            if live and n % 50 == 0:
                live.update(_table(latest, "launchwatch track (live)"))
        if live:
            live.stop()
        for a in tracker.alerts:
            emit(alert_record(a))
    finally:
        if out_file:
            out_file.close()
    err = Console(stderr=True)
    if not args.json:
        ended = {tid: f"ended ({why})" for tid, _, why in tracker.stats.ended}
        console.print(_table(latest, f"launchwatch track — {path.name}", ended))
        for a in tracker.alerts:
            r = alert_record(a)
            console.print(
                f"launch alert {r['alert']} ({r['sensor']}) {r['first_time'][11:19]}: "
                f"{r['launch_lat_deg']:.3f} N {r['launch_lon_deg']:.3f} E "
                f"± {r['launch_sigma_km']:.1f} km"
            )
    st = tracker.stats
    err.print(
        f"{intake.accepted:,} measurements used, {len(intake.rejections):,} rejected; "
        f"{st.tracks_confirmed} tracks confirmed of {st.tracks_started} started"
    )
    for reason, count in intake.counts.most_common():
        err.print(f"  rejected {count:,}: {reason}")
    if intake.accepted == 0 and intake.rejections:
        print(
            f"launchwatch: error: {path}: no usable measurement "
            f"({len(intake.rejections):,} rejected, reasons above)",
            file=sys.stderr,
        )
        return 2
    return 0
