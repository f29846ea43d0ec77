"""``launchwatch demo``: the whole job on one scenario (the 6 January 2025 launch by default),
with a progress display and the assessment a watch officer reads."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from launchwatch.demo import (
    DemoResult,
    checked_scenario,
    run_demo,
    write_reports,
)
from launchwatch.sharing.bus import BusUnavailableError

__all__ = ["demo_command"]


def demo_command(args: argparse.Namespace) -> int:
    scenario = Path(args.scenario)
    out = Path(args.out)
    checked_scenario(scenario, args.assessed_by)  # bad input named before any display starts
    try:
        if args.json:
            result = run_demo(scenario, out, bus=args.bus, assessed_by=args.assessed_by,
                              record_url=args.record)  # fmt: skip
        else:
            result = _with_progress(args, scenario, out)
    except BusUnavailableError as exc:
        print(f"launchwatch: error: --bus: {exc}", file=sys.stderr)
        return 2
    reports = write_reports(result, Path(args.report)) if args.report else []
    if args.json:
        json.dump({**result.to_json(), "reports": [str(p) for p in reports]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print(result, Console())
        for p in reports:
            Console().print(f"  report: {p}", highlight=False)
    return 0


def _with_progress(args: argparse.Namespace, scenario: Path, out: Path) -> DemoResult:
    with Progress(
        TextColumn("{task.description:40s}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def step(what: str, done: float, total: float) -> None:
            name = what.split(":")[0]
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=None)
            bar.update(tasks[name], description=what, completed=done, total=total or None)

        return run_demo(scenario, out, bus=args.bus, assessed_by=args.assessed_by,
                        record_url=args.record, step=step)  # fmt: skip


def _print(result: DemoResult, console: Console) -> None:
    from launchwatch.assessment.statements import statements

    s = result.scenario
    console.print(f"[bold]launchwatch demo[/] — {s.settings.name}")
    console.print(
        f"  {len(s.sensors)} sensors of {', '.join(sorted({x.owner for x in s.sensors}))}; "
        f"assessed from {result.assessed_by}'s picture: {result.picture['tracks']} tracks "
        f"({result.picture['track_records']} reports), {result.picture['launch_alerts']} "
        "launch events",
        highlight=False,
    )
    if not result.events:
        console.print("  no launch event in the picture")
    for a in result.events:
        console.print(f"[bold]Event {a.event.key}[/]")
        for line in statements(a):
            console.print(f"  {line}", highlight=False)
    table = Table(title="shared: when each partner first heard it (after launch)")
    table.add_column("partner")
    table.add_column("from")
    for what in ("launch point", "flight path", "impact point", "alert"):
        table.add_column(what, justify="right")
    heard: dict[tuple[str, str], dict[str, float | None]] = {}
    for h in result.first_heard():
        heard.setdefault((h["partner"], h["from"]), {})[h["what"]] = h["after_launch_s"]
    for (partner, sender), whats in sorted(heard.items()):
        cells = []
        for what in ("launch point", "flight path", "impact point", "alert"):
            v = whats.get(what)
            cells.append("" if v is None else f"+{v:.1f} s")
        table.add_row(partner, sender, *cells)
    console.print(table)
    console.print(
        "  (the first report of each kind: its time in the flight, plus its delivery here)",
        highlight=False,
    )
    for raised in result.node_alerts():
        areas = ", ".join(raised["areas"])
        what = f"ALERT {areas}" if raised["action"] == "alert-regions" else "inform"
        console.print(
            f"  {raised['partner']} node, {raised['time'][11:19]} UTC, {raised['rule_set']}: "
            f"{what} — {raised['reason']} (track {raised['track']})",
            highlight=False,
        )
    t = result.timings_s
    console.print(
        f"  written to {result.out}/ (run/, state/, picture-{result.assessed_by}.jsonl, "
        f"record.sqlite); simulate {t['simulate']:.1f} s, network {t['network']:.1f} s, "
        f"assess {t['assess']:.1f} s",
        highlight=False,
    )
    console.print(
        f"  the watch floor on this run: launchwatch serve --state {result.out}/state",
        highlight=False,
    )
