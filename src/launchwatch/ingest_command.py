"""``launchwatch ingest``: the claims a public report makes about a launch."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from launchwatch.errors import InputError
from launchwatch.record.claims_store import save_claims
from launchwatch.record.database import open_record
from launchwatch.record.report_claims import extract_claims
from launchwatch.record_command import parse_date

__all__ = ["ingest_command"]


def ingest_command(args: argparse.Namespace) -> int:
    date = parse_date("--date", args.date)
    path = Path(args.report)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(str(path), "no such file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "not UTF-8 text") from exc
    claims = extract_claims(text, date)
    saved: dict[str, Any] = {}
    if args.save:
        record = open_record(args.record)
        try:
            launch_id, stored, events = save_claims(record, claims, path.name, date)
        finally:
            record.close()
        saved = {"launch_id": launch_id, "claims_stored": stored, "calendar_added": events}
    if args.json:
        json.dump(
            {
                "report": path.name,
                "date": date.isoformat(),
                "claims": [c.to_json() for c in claims],
                **saved,
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    t = Table(title=f"{path.name}: {len(claims)} claims")
    for col in ("field", "value", "qualifier", "sentence"):
        t.add_column(col, overflow="fold")
    for c in claims:
        t.add_row(c.field, c.value, c.qualifier, c.sentence)
    out = Console()
    out.print(t)
    if saved:
        link = saved["launch_id"]
        out.print(
            f"stored {saved['claims_stored']} claims"
            + (f", linked to launch {link}" if link else " (no launch of that day in the record)")
            + f"; {saved['calendar_added']} calendar events added"
        )
    return 0
