"""The ``launchwatch`` command. Bad input prints one line naming the field and exits 2.

The parser comes from ``cli_options``; a verb's module, and the libraries it needs, are
imported only when that verb runs (importing them all took some 2.4 s per start).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from launchwatch.cli_options import build_parser
from launchwatch.errors import InputError

if TYPE_CHECKING:
    from launchwatch.flight.analysis import Analysis
    from launchwatch.flight.reconstruct import ReportedLaunch

__all__ = ["main"]

_VERBS: dict[str, tuple[str, str]] = {
    "track": ("launchwatch.track_command", "track_command"),
    "record": ("launchwatch.record_command", "record_command"),
    "assess": ("launchwatch.assess_command", "assess_command"),
    "ingest": ("launchwatch.ingest_command", "ingest_command"),
    "keys": ("launchwatch.node_command", "keys_command"),
    "node": ("launchwatch.node_command", "node_command"),
    "broker": ("launchwatch.node_command", "broker_command"),
    "serve": ("launchwatch.serve_command", "serve_command"),
    "demo": ("launchwatch.demo_command", "demo_command"),
    "report": ("launchwatch.report_command", "report_command"),
}
"""Each verb's module and function (imported when the verb runs)."""


def _lat_lon(field: str, text: str) -> tuple[float, float]:
    parts = text.replace(" ", "").split(",")
    if len(parts) != 2:
        raise InputError(field, f"expected LAT,LON in degrees, got {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise InputError(field, f"expected two numbers LAT,LON, got {text!r}") from exc
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(field, f"must be finite, got {text!r}")
    if not -90.0 <= lat <= 90.0:
        raise InputError(field, f"latitude must be between -90 and 90, got {lat:g}")
    if not -180.0 <= lon <= 360.0:
        raise InputError(field, f"longitude must be between -180 and 360, got {lon:g}")
    return lat, lon


def _reported(args: argparse.Namespace) -> ReportedLaunch:
    from launchwatch.flight.reconstruct import ReportedLaunch

    lat, lon = _lat_lon("--launch", args.launch)
    impact = _lat_lon("--impact", args.impact) if args.impact else (None, None)
    return ReportedLaunch(
        launch_lat_deg=lat,
        launch_lon_deg=lon,
        range_km=args.range_km,
        apogee_km=args.apogee_km,
        azimuth_deg=args.azimuth_deg,
        impact_lat_deg=impact[0],
        impact_lon_deg=impact[1],
        flight_time_s=args.flight_time_s,
    ).checked()


def _table(result: Analysis, console: Console) -> None:
    j = result.to_json()
    rec = result.reconstruction
    t = Table(title="launchwatch analyze — reconstructed flight", show_header=True)
    t.add_column("quantity")
    t.add_column("value", justify="right")
    t.add_column("note")
    m = j["match"]
    t.add_row(
        "range",
        f"{j['range_km']:,.1f} km",
        f"reported {rec.reported.range_km:,.0f} km ({m['range_error_percent']:+.2f} %)",
    )
    t.add_row(
        "apogee",
        f"{j['apogee_km']:,.1f} km",
        f"reported {rec.reported.apogee_km:,.0f} km ({m['apogee_error_percent']:+.2f} %)",
    )
    note = (
        "reported {:,.0f} s ({:+.2f} %)".format(
            rec.reported.flight_time_s, m["flight_time_error_percent"]
        )
        if rec.reported.flight_time_s
        else "model, not reported"
    )
    t.add_row("flight time", f"{j['flight_time_s']:,.0f} s", note)
    t.add_row("azimuth", f"{j['azimuth_deg']:.1f}°", "")
    t.add_row("impact", f"{j['impact_lat_deg']:.3f}, {j['impact_lon_deg']:.3f}", "lat, lon (deg)")
    t.add_row(
        "burnout",
        f"{j['burnout_speed_m_s']:,.0f} m/s",
        f"at {j['burnout_altitude_km']:.0f} km altitude, {j['burnout_flight_path_angle_deg']:.1f}° "
        f"above horizontal, t = {j['burn_time_s']:.0f} s ({rec.burn_time_source})",
    )
    t.add_row(
        "ideal Δv",
        f"{j['ideal_delta_v_m_s']:,.0f} m/s",
        f"gravity loss {j['gravity_loss_m_s']:,.0f}, drag loss {j['drag_loss_m_s']:,.0f} m/s",
    )
    t.add_row(
        "shape",
        j["shape"],
        f"apogee {j['apogee_ratio']:.2f} × minimum-energy "
        f"({j['minimum_energy_apogee_km']:,.0f} km)",
    )
    t.add_row("class by range flown", j["range_class"], "")
    t.add_row(
        "capability (same azimuth)",
        f"{j['capability_range_km']:,.0f} km",
        f"{j['capability_range_low_km']:,.0f}–{j['capability_range_high_km']:,.0f} km for burn "
        f"time ×0.7–×1.3 of {j['assumptions']['capability_burn_time_s']:.0f} s",
    )
    t.add_row(
        "capability (best azimuth)",
        f"{j['capability_range_best_azimuth_km']:,.0f} km",
        f"towards {j['capability_best_azimuth_deg']:.0f}°",
    )
    if "capability_range_from_flight_time_km" in j:
        t.add_row(
            "capability, burn time from flight time",
            f"{j['capability_range_from_flight_time_km']:,.0f} km",
            f"burn time {j['burn_time_s']:.0f} s (weakly constrained by the flight time)",
        )
    t.add_row(
        "class by capability",
        j["capability_class"],
        "" if j["capability_class"] == "ICBM" else "not an ICBM",
    )
    console.print(t)
    console.print(
        f"[dim]{j['model_version']}; {j['assumptions']['earth']}; "
        f"{j['assumptions']['atmosphere']}; {j['assumptions']['shape_thresholds']}[/dim]"
    )


def _simulate(args: argparse.Namespace) -> int:
    from launchwatch.measurements import format_time
    from launchwatch.scenario import load_scenario
    from launchwatch.simulate import simulate

    scenario = load_scenario(args.scenario)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=args.json or not console.is_terminal,
    ) as bar:
        task = bar.add_task("simulating", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        sim = simulate(scenario, args.out, progress)
    rows = sim.summary()
    kinds: dict[str, int] = {}
    for o in sim.truth.objects:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
    if args.json:
        json.dump(
            {
                "scenario": scenario.settings.name,
                "objects": kinds,
                "measurements": sim.measurement_count,
                "out": str(Path(args.out).resolve()),
                "sensors": [
                    {
                        "sensor": r.sensor,
                        "owner": r.owner,
                        "type": r.type,
                        "detections": r.detections,
                        "false_alarms": r.false_alarms,
                        "first_detection": format_time(r.first_s) if r.first_s else None,
                        "last_detection": format_time(r.last_s) if r.last_s else None,
                    }
                    for r in rows
                ],
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    out = Console()
    out.print(f"[bold]{scenario.settings.name}[/bold]")
    out.print(
        "objects: "
        + ", ".join(f"{n} {k}" for k, n in kinds.items())
        + f"; {sim.measurement_count:,} measurements written to {args.out}"
    )
    t = Table(show_header=True)
    for col in ("sensor", "owner", "type", "detections", "false alarms", "first", "last"):
        t.add_column(col, justify="right" if col in ("detections", "false alarms") else "left")
    for r in rows:
        first = format_time(r.first_s)[11:] if r.first_s else "—"
        last = format_time(r.last_s)[11:] if r.last_s else "—"
        t.add_row(
            r.sensor, r.owner, r.type, f"{r.detections:,}", f"{r.false_alarms:,}", first, last
        )
    out.print(t)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from launchwatch.evaluate import evaluate_run, write_plots

    ev = evaluate_run(args.run, args.tracks)
    files = write_plots(ev, args.plots) if args.plots else []
    s = ev.summary
    if args.json:
        json.dump({**s, "plots": [str(f) for f in files]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = Console()
    out.print(
        f"tracks {s['tracks']} (false: {len(s['false_tracks'])}); position RMSE "
        f"{s['position_rmse_m']} m; velocity RMSE {s['velocity_rmse_m_s']} m/s; NEES mean "
        f"{s['nees_mean']} (6 dof; {s['nees_within_95_percent']} of records in the 95 % "
        f"band); GOSPA mean {s['gospa_mean_m']} m"
    )
    t = Table(title="objects")
    for col in (
        "object",
        "kind",
        "tracks",
        "breaks",
        "first track s",
        "stable impact s",
        "flight s",
    ):
        t.add_column(col)
    for oid, o in s["objects"].items():
        t.add_row(
            oid,
            o["kind"],
            ",".join(o["tracks"]) or "—",
            str(o["breaks"]),
            str(o["first_track_after_launch_s"]),
            str(o["stable_impact_after_launch_s"]),
            str(o["flight_s"]),
        )
    out.print(t)
    t = Table(title="missile impact prediction by time since burnout")
    for col in (
        "since burnout s",
        "records",
        "median error km",
        "ellipse coverage",
        "median semi-major km",
    ):
        t.add_column(col)
    for b in s["impact_by_time_since_burnout"]:
        t.add_row(
            b["since_burnout_s"],
            str(b["records"]),
            str(b["median_error_km"]),
            str(b["coverage"]),
            str(b["median_semi_major_km"]),
        )
    out.print(t)
    for oid, p in s["pcrlb"].items():
        out.print(
            f"{oid}: position RMSE in ballistic flight {p['position_rmse_m']} m; PCRLB "
            f"{p['pcrlb_rms_m']} m; ratio {p['ratio']}"
        )
    for f in files:
        out.print(f"plot: {f}")
    return 0


def _verb(name: str) -> Callable[[argparse.Namespace], int]:
    if name == "simulate":
        return _simulate
    if name == "evaluate":
        return _evaluate
    module, function = _VERBS[name]
    command: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(module), function
    )
    return command


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = Console(stderr=True)
    if args.command != "analyze":
        try:
            return _verb(args.command)(args)
        except InputError as exc:
            print(f"launchwatch: error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # the reader went away (| head): not an error of ours
            sys.stderr.close()
            return 0
    from launchwatch.flight.analysis import analyze

    try:
        reported = _reported(args)
        if args.json:
            result = analyze(reported, burn_time_s=args.burn_time_s)
        else:
            with err.status("reconstructing the flight and estimating its capability ..."):
                result = analyze(reported, burn_time_s=args.burn_time_s)
    except InputError as exc:
        print(f"launchwatch: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _table(result, Console())
    return 0


if __name__ == "__main__":
    sys.exit(main())
