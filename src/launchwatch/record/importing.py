"""Reading launch and context-event CSV files into the record.

A file is checked whole before anything is written: every bad cell is reported with its line
and column, and then nothing from the file is imported (``InputError``), so a half-imported file
never hides in the record. Rows already in the record (same date, time, site and name; or same
date, kind and description for context events) are skipped and counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from launchwatch.errors import InputError
from launchwatch.record.database import Record
from launchwatch.record.schema import ContextEvent, Launch

__all__ = ["ImportResult", "import_context_events", "import_launches"]

LAUNCH_COLUMNS = (
    "date_utc",
    "time_utc",
    "type",
    "name",
    "site",
    "lat",
    "lon",
    "count",
    "range_km",
    "apogee_km",
    "flight_time_s",
    "eez",
    "overflight_japan",
    "source_url_or_title",
    "notes",
)
CONTEXT_COLUMNS = ("date_utc", "end_date_utc", "kind", "countries", "description", "source")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class ImportResult:
    path: str
    rows: int
    added: int
    already_present: int


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, line: int, column: str, reason: str) -> None:
        self.items.append(f"line {line}, column {column}: {reason}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = "; ".join(self.items[:5])
            more = f" (and {len(self.items) - 5} more)" if len(self.items) > 5 else ""
            raise InputError(
                str(self.path), f"{len(self.items)} bad value(s), nothing imported: {shown}{more}"
            )


def _read(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(str(path), "no such file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        raise InputError(str(path), "; ".join(parts) + f" (expected: {', '.join(columns)})")
    rows = []
    for row in reader:
        if None in row:
            raise InputError(str(path), f"line {reader.line_num}: more cells than columns")
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return rows


def _cell(
    problems: _Problems,
    line: int,
    column: str,
    text: str,
    parse: Callable[[str], Any],
    *,
    required: bool = False,
) -> Any:
    if text == "":
        if required:
            problems.add(line, column, "is required")
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.add(line, column, f"{text!r}: {exc}")
        return None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("expected a date YYYY-MM-DD") from None


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}")
        return value

    return parse


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError("must be a whole number of at least 1")
    return int(text)


def _time(text: str) -> str:
    if not _TIME.fullmatch(text):
        raise ValueError("expected HH:MM (24 h, UTC)")
    return text


def import_launches(
    record: Record, path: str | Path, *, dataset: str | None = None
) -> ImportResult:
    """Add the launches of a CSV file with the columns of ``data/nk_launches.csv``."""
    path = Path(path)
    rows = _read(path, LAUNCH_COLUMNS)
    problems = _Problems(path)
    launches = []
    for line, r in rows:
        values: dict[str, Any] = {
            "date_utc": _cell(problems, line, "date_utc", r["date_utc"], _date, required=True),
            "time_utc": _cell(problems, line, "time_utc", r["time_utc"], _time) or "",
            "lat": _cell(problems, line, "lat", r["lat"], _number(-90, 90)),
            "lon": _cell(problems, line, "lon", r["lon"], _number(-180, 360)),
            "count": _cell(problems, line, "count", r["count"], _count),
            "range_km": _cell(problems, line, "range_km", r["range_km"], _number(0, 25_000)),
            "apogee_km": _cell(problems, line, "apogee_km", r["apogee_km"], _number(0, 10_000)),
            "flight_time_s": _cell(
                problems, line, "flight_time_s", r["flight_time_s"], _number(0, 20_000)
            ),
        }
        if r["type"] == "":
            problems.add(line, "type", "is required (use 'unknown')")
        for column in ("type", "name", "site", "eez", "overflight_japan"):
            values[column] = r[column]
        values["source_url_or_title"] = r["source_url_or_title"]
        values["notes"] = r["notes"]
        launches.append(values)
    problems.raise_if_any()
    for values in launches:
        values["dataset"] = dataset or path.name
    added = _add_new(record, Launch, launches, ("date_utc", "time_utc", "site", "name"))
    return ImportResult(str(path), len(launches), added, len(launches) - added)


def import_context_events(record: Record, path: str | Path) -> ImportResult:
    """Add the events of a CSV file with the columns of ``data/context_events.csv``."""
    path = Path(path)
    rows = _read(path, CONTEXT_COLUMNS)
    problems = _Problems(path)
    events = []
    for line, r in rows:
        start = _cell(problems, line, "date_utc", r["date_utc"], _date, required=True)
        end = _cell(problems, line, "end_date_utc", r["end_date_utc"], _date) or start
        if start is not None and end is not None and end < start:
            problems.add(line, "end_date_utc", "is before date_utc")
        for column in ("kind", "description"):
            if r[column] == "":
                problems.add(line, column, "is required")
        events.append(
            {
                "date_utc": start,
                "end_date_utc": end,
                "kind": r["kind"],
                "countries": r["countries"],
                "description": r["description"],
                "source": r["source"],
            }
        )
    problems.raise_if_any()
    return add_context_events(record, events, str(path))


def add_context_events(record: Record, events: list[dict[str, Any]], path: str) -> ImportResult:
    added = _add_new(record, ContextEvent, events, ("date_utc", "kind", "description"))
    return ImportResult(path, len(events), added, len(events) - added)


def _add_new(
    record: Record,
    model: type[Launch] | type[ContextEvent],
    rows: list[dict[str, Any]],
    key: tuple[str, ...],
) -> int:
    """Add the rows not yet in the table (same values in the ``key`` columns); how many."""
    added = 0
    with record.session() as s:
        for values in rows:
            same = [getattr(model, k) == values[k] for k in key]
            if s.scalar(sa.select(model.id).where(*same)) is None:
                s.add(model(**values))
                s.flush()
                added += 1
    return added
