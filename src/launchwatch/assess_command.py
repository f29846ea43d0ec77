"""``launchwatch assess``: tracks in, the statements of each launch event out."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext

from rich.console import Console

from launchwatch.assessment.alert_rules import load_rules, shipped_rules
from launchwatch.assessment.assess import assess_tracks
from launchwatch.assessment.saving import save_assessment
from launchwatch.assessment.statements import statements
from launchwatch.record.database import open_record

__all__ = ["assess_command"]


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
