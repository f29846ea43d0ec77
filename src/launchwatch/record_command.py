"""``launchwatch record``: import into, and list, the launch record."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from rich.console import Console
from rich.table import Table

from launchwatch.errors import InputError
from launchwatch.record.database import open_record
from launchwatch.record.importing import import_context_events, import_launches
from launchwatch.record.queries import launch_dict, list_launches

__all__ = ["parse_date", "record_command"]


def parse_date(field: str, text: str) -> dt.date:
    """A YYYY-MM-DD option, or an InputError naming the option."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(field, f"expected a date YYYY-MM-DD, got {text!r}") from exc


def record_command(args: argparse.Namespace) -> int:
    if args.record_command == "import":
        return _import(args)
    return _list(args)


def _import(args: argparse.Namespace) -> int:
    record = open_record(args.record)
    try:
        if args.context:
            result = import_context_events(record, args.csv)
        else:
            result = import_launches(record, args.csv)
    finally:
        record.close()
    if args.json:
        json.dump(
            {
                "file": result.path,
                "rows": result.rows,
                "added": result.added,
                "already_present": result.already_present,
            },
            sys.stdout,
        )
        sys.stdout.write("\n")
    else:
        what = "calendar events" if args.context else "launches"
        print(
            f"{result.path}: {result.rows} {what}; {result.added} added, "
            f"{result.already_present} already in the record"
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    if args.min_range_km is not None and not args.min_range_km >= 0:
        raise InputError("--min-range-km", f"must be zero or more, got {args.min_range_km:g}")
    since = None if args.since is None else parse_date("--since", args.since)
    until = None if args.until is None else parse_date("--until", args.until)
    record = open_record(args.record)
    try:
        launches = list_launches(
            record, since=since, until=until, type=args.type, min_range_km=args.min_range_km
        )
    finally:
        record.close()
    if args.json:
        json.dump([launch_dict(x) for x in launches], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    t = Table(title=f"launch record: {len(launches)} launches")
    for col in (
        "date (UTC)",
        "time",
        "reported class",
        "name",
        "site",
        "n",
        "range km",
        "apogee km",
    ):
        t.add_column(col, justify="right" if col in ("n", "range km", "apogee km") else "left")
    for x in launches:
        t.add_row(
            x.date_utc.isoformat(),
            x.time_utc or "—",
            x.type,
            x.name,
            x.site,
            "—" if x.count is None else str(x.count),
            "—" if x.range_km is None else f"{x.range_km:,.0f}",
            "—" if x.apogee_km is None else f"{x.apogee_km:,.0f}",
        )
    Console().print(t)
    return 0
