"""The ``launchwatch`` command. Bad input prints one line naming the field and exits 2."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from launchwatch.assess_command import add_assess_parser, assess_command
from launchwatch.demo_command import add_demo_parser, demo_command
from launchwatch.errors import InputError
from launchwatch.evaluate import evaluate_run, write_plots
from launchwatch.flight.analysis import Analysis, analyze
from launchwatch.flight.reconstruct import ReportedLaunch
from launchwatch.ingest_command import add_ingest_parser, ingest_command
from launchwatch.measurements import format_time
from launchwatch.node_command import (
    add_sharing_parsers,
    broker_command,
    keys_command,
    node_command,
)
from launchwatch.record_command import add_record_parser, record_command
from launchwatch.report_command import add_report_parser, report_command
from launchwatch.scenario import load_scenario
from launchwatch.serve_command import add_serve_parser, serve_command
from launchwatch.simulate import simulate
from launchwatch.track_command import track_command

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"launchwatch: error: {message}\n")


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


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="launchwatch", description="Open missile-launch monitoring and warning.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    a = sub.add_parser(
        "analyze",
        help="reconstruct a launch from its reported numbers and estimate its capability",
        description="Reconstruct a flight from launch point, direction, range, apogee (and "
        "flight time), classify its shape and range, and estimate how far the missile could fly "
        "on a minimum-energy trajectory.",
    )
    a.add_argument("--launch", required=True, metavar="LAT,LON", help="launch point, degrees")
    direction = a.add_mutually_exclusive_group(required=True)
    direction.add_argument("--azimuth-deg", type=float, metavar="A", help="heading from north")
    direction.add_argument("--impact", metavar="LAT,LON", help="impact point, degrees")
    a.add_argument("--range-km", type=float, required=True, metavar="R", help="ground range flown")
    a.add_argument("--apogee-km", type=float, required=True, metavar="H", help="highest altitude")
    a.add_argument("--flight-time-s", type=float, metavar="T", help="launch to impact, seconds")
    a.add_argument(
        "--burn-time-s",
        type=float,
        metavar="B",
        help="boost burn time assumption (default: a law of burnout speed)",
    )
    a.add_argument("--json", action="store_true", help="one JSON object on stdout")
    s = sub.add_parser(
        "simulate",
        help="simulate what the allies' sensors see of a scenario",
        description="Fly a scenario's launches, observe them with its sensors and write "
        "measurements.jsonl, truth.jsonl and sensors.toml to --out.",
    )
    s.add_argument("scenario", metavar="SCENARIO.toml")
    s.add_argument("--out", required=True, metavar="DIR", help="output directory")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    k = sub.add_parser(
        "track",
        help="track objects from measurements and predict their impact points",
        description="Validate measurements (shared JSON Lines format), track every object from "
        "all sensors together, and report each confirmed track's state, launch point and "
        "predicted impact with its 95 % ellipse.",
    )
    k.add_argument("measurements", metavar="MEASUREMENTS.jsonl")
    k.add_argument("--sensors", required=True, metavar="SENSORS.toml")
    k.add_argument("--json", action="store_true", help="JSON Lines of track updates on stdout")
    k.add_argument("--out", metavar="FILE", help="also write the JSON Lines to FILE")
    k.add_argument("--filter", choices=("ekf", "ukf"), default="ekf")
    k.add_argument("--lag-s", type=float, default=5.0, help="late-measurement window (s)")
    k.add_argument("--epoch", metavar="TIME", help="time moving sensors' positions refer to")
    e = sub.add_parser(
        "evaluate",
        help="score a tracker run against the scenario's truth",
        description="RMSE, NEES, GOSPA, track breaks and false tracks, impact error and ellipse "
        "coverage by time since burnout, time to first track and to a stable impact prediction, "
        "and the posterior Cramer-Rao bound.",
    )
    e.add_argument("tracks", metavar="TRACKS.jsonl", help="what `launchwatch track --out` wrote")
    e.add_argument("--run", required=True, metavar="DIR", help="what `launchwatch simulate` wrote")
    e.add_argument("--plots", metavar="DIR", help="write PNG plots here")
    e.add_argument("--json", action="store_true", help="the summary as JSON")
    add_record_parser(sub)
    add_assess_parser(sub)
    add_ingest_parser(sub)
    add_sharing_parsers(sub)
    add_serve_parser(sub)
    add_demo_parser(sub)
    add_report_parser(sub)
    return p


def _reported(args: argparse.Namespace) -> ReportedLaunch:
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    err = Console(stderr=True)
    if args.command != "analyze":
        verbs = {
            "simulate": _simulate,
            "track": track_command,
            "evaluate": _evaluate,
            "record": record_command,
            "assess": assess_command,
            "ingest": ingest_command,
            "keys": keys_command,
            "node": node_command,
            "broker": broker_command,
            "serve": serve_command,
            "demo": demo_command,
            "report": report_command,
        }
        try:
            return verbs[args.command](args)
        except InputError as exc:
            print(f"launchwatch: error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # the reader went away (| head): not an error of ours
            sys.stderr.close()
            return 0
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
