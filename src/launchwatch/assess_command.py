"""``launchwatch assess``: tracks in, the statements of each launch event out."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from typing import Any

from rich.console import Console

from launchwatch.assessment.alert_rules import load_rules, shipped_rules
from launchwatch.assessment.assess import assess_tracks
from launchwatch.assessment.saving import save_assessment
from launchwatch.assessment.statements import statements
from launchwatch.record.database import open_record
from launchwatch.record_command import RECORD_HELP

__all__ = ["add_assess_parser", "assess_command"]


def add_assess_parser(sub: Any) -> None:
    a = sub.add_parser(
        "assess",
        help="what was launched, where it fell, who must be warned, how it compares",
        description="Group a tracker run's tracks into launch events and assess each: launch "
        "time and point, count, range, apogee, flight time (each ± 1σ), shape, classes and "
        "capability, impact zone and sea, overflown provinces, alerts by each partner's rules "
        "(with the first time each could have been issued), and context from the launch record.",
    )
    a.add_argument("tracks", metavar="TRACKS.jsonl", help="what `launchwatch track --out` wrote")
    a.add_argument("--record", metavar="URL", help=RECORD_HELP)
    a.add_argument(
        "--rules",
        metavar="FILE.toml",
        action="append",
        help="alert rules of a partner (repeatable; default: the shipped JPN, ROK, USA files)",
    )
    a.add_argument("--save", action="store_true", help="store the assessed events in the record")
    a.add_argument("--json", action="store_true", help="the events as one JSON document")


def assess_command(args: argparse.Namespace) -> int:
    rules = [load_rules(p) for p in args.rules] if args.rules else shipped_rules()
    record = open_record(args.record)
    console = Console(stderr=True)
    try:
        status = console.status("assessing ...") if not args.json else nullcontext()
        with status:
            events = assess_tracks(args.tracks, record, rules)
        saved = [save_assessment(record, a) for a in events] if args.save else []
    finally:
        record.close()
    if args.json:
        json.dump(
            {"events": [a.to_json() for a in events], "saved_ids": saved}, sys.stdout, indent=2
        )
        sys.stdout.write("\n")
        return 0
    out = Console()
    if not events:
        out.print("no launch events in these tracks")
    for a in events:
        out.print(f"[bold]Event {a.event.key}[/bold]")
        for line in statements(a):
            out.print(f"  {line}", highlight=False)
    if args.save:
        out.print(f"saved to the record: {len([s for s in saved if s is not None])} event(s)")
    return 0
