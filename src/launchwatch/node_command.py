"""``launchwatch keys``, ``launchwatch node`` and ``launchwatch broker``: the sharing network
from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import tomli_w
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from launchwatch import earth
from launchwatch.assessment.alert_rules import RuleSet, load_rules, shipped_rules
from launchwatch.errors import InputError
from launchwatch.measurements import format_time, read_lines
from launchwatch.scenario import load_sensors_with_epoch
from launchwatch.sharing.bus import Bus, BusUnavailableError
from launchwatch.sharing.embedded_bus import EmbeddedBus
from launchwatch.sharing.keys import check_partner, load_private_key, load_trusted_keys, new_key
from launchwatch.sharing.nats_bus import NatsBus, provision_streams
from launchwatch.sharing.nats_server import LocalNatsServer, NatsServerError, cluster
from launchwatch.sharing.node import Node
from launchwatch.sharing.node_store import NodeStore
from launchwatch.sharing.own_sensors import write_own_sensors
from launchwatch.sharing.partner import PartnerRun, ReplayClock
from launchwatch.sharing.release_policy import ReleasePolicy, default_policy, load_policy
from launchwatch.toml_input import read_toml
from launchwatch.tracking.intake import Intake, Measurement, read_measurements
from launchwatch.tracking.tracker import Tracker

__all__ = [
    "broker_command",
    "keys_command",
    "node_command",
    "run_network",
]


def keys_command(args: argparse.Namespace) -> int:
    private, public = new_key(args.partner, Path(args.dir))
    print(f"wrote {private} (private: keep it on this node) and {public} (share it)")
    return 0


def _policy(args: argparse.Namespace) -> ReleasePolicy:
    return load_policy(Path(args.policy)) if args.policy else default_policy()


def _own_measurements(
    args: argparse.Namespace, partners: list[str]
) -> tuple[dict[str, tuple[Tracker, list[Measurement]]], int]:
    """Per partner: a tracker on its own sensors and its own sensors' measurements."""
    sensors, epoch = load_sensors_with_epoch(args.sensors)
    path = Path(args.measurements)
    lines = read_lines(path)
    intake = Intake.for_sensors(sensors)
    every = list(read_measurements(lines, intake))
    if intake.accepted == 0:
        raise InputError(str(path), "no usable measurement")
    out = {}
    for partner in partners:
        own = [s for s in sensors if s.owner == partner]
        if not own:
            raise InputError("--partner", f"no sensor in {args.sensors} belongs to {partner}")
        mine = {s.id for s in own}
        measurements = [m for m in every if m.sensor in mine]
        if not measurements:
            raise InputError(str(path), f"no measurement from {partner}'s sensors")
        out[partner] = (Tracker(own, epoch or 0.0), measurements)
    return out, len(every)


def _rules(args: argparse.Namespace) -> dict[str, RuleSet]:
    """Each partner's alert rules: the shipped ones, or the files given."""
    if args.no_alerts:
        return {}
    rules = {r.partner: r for r in shipped_rules()}
    for path in args.rules:
        r = load_rules(path)
        rules[r.partner] = r
    return rules


async def _bus(spec: str, partner: str, state: Path) -> Bus:
    if spec == "memory":
        return EmbeddedBus(state / "mailbox.sqlite")
    if spec.startswith("nats://"):
        return await NatsBus.connect(spec, partner)
    if spec.endswith(".toml"):  # launchwatch broker's credentials: each partner its own user
        urls = read_toml(Path(spec), "--bus").get(partner)
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls) or not urls:
            raise InputError("--bus", f"{spec} has no URLs for {partner}")
        return await NatsBus.connect(",".join(urls), partner)
    raise InputError(
        "--bus",
        f"use memory, nats://USER:PASSWORD@HOST:PORT or a broker's credentials.toml, not {spec!r}",
    )


def node_command(args: argparse.Namespace) -> int:
    try:
        summaries = run_network(args)
    except BusUnavailableError as exc:
        print(f"launchwatch: error: --bus: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump({"nodes": summaries}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for s in summaries:
            _print_summary(s, Console())
    return 0


def run_network(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The nodes of ``args.partner`` run to the end of their measurements (the options of
    ``launchwatch node``); returns each node's summary. Raises InputError on bad options and
    BusUnavailableError when the bus cannot be reached."""
    partners = [check_partner(p.strip(), "--partner") for p in args.partner.split(",")]
    policy = _policy(args)
    for partner in partners:
        if partner not in policy.partners:
            raise InputError("--partner", f"{partner} is not a partner in {policy.source}")
    if len(set(partners)) != len(partners):
        raise InputError("--partner", "a partner is named twice")
    if args.speed < 0:
        raise InputError("--speed", "must be 0 (as fast as possible) or positive")
    rules = _rules(args)
    keys = Path(args.keys)
    private = {p: load_private_key(keys, p) for p in partners}
    trusted = load_trusted_keys(keys)
    work, total = _own_measurements(args, partners)
    state = Path(args.state)
    state.mkdir(parents=True, exist_ok=True)
    for partner, (tracker, _) in work.items():
        write_own_sensors(state, partner, list(tracker.sensors.values()))
    summaries = asyncio.run(_run_nodes(args, policy, rules, private, trusted, work, state))
    for s in summaries:
        s["measurements"] = {"own": len(work[s["partner"]][1]), "in_file": total}
    return summaries


async def _run_nodes(
    args: argparse.Namespace,
    policy: ReleasePolicy,
    rules: dict[str, RuleSet],
    private: dict[str, Any],
    trusted: Any,
    work: dict[str, tuple[Tracker, list[Measurement]]],
    state: Path,
) -> list[dict[str, Any]]:
    """The partners' nodes in this process, on one clock; on the embedded bus they share one
    mailbox (the embedded default: a whole network in one process)."""
    start = min(ms[0].time for _, ms in work.values())
    clock = ReplayClock(start, args.speed)
    shared_bus = await _bus(args.bus, next(iter(work)), state) if args.bus == "memory" else None
    runs: dict[str, PartnerRun] = {}
    buses: list[Bus] = []
    try:
        for partner, (tracker, _) in work.items():
            bus = shared_bus or await _bus(args.bus, partner, state)
            if bus is not shared_bus:
                buses.append(bus)
            node = Node(
                partner,
                bus,
                private[partner],
                trusted,
                policy,
                NodeStore(state / f"{partner}.sqlite"),
            )
            runs[partner] = PartnerRun(node, tracker, clock, rules=rules.get(partner))
            node.start()
        if args.json:
            await asyncio.gather(*(r.run(work[p][1]) for p, r in runs.items()))
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} scans"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            ) as bar:

                def progress_of(partner: str) -> Any:
                    task = bar.add_task(f"{partner} node", total=None)

                    def progress(done: int, total: int) -> None:
                        bar.update(task, completed=done, total=total)

                    return progress

                await asyncio.gather(*(r.run(work[p][1], progress_of(p)) for p, r in runs.items()))
        drained = {p: await r.node.drain(30.0) for p, r in runs.items()}
        await asyncio.sleep(args.linger_s)
    finally:
        for r in runs.values():
            await r.node.stop()
        for b in buses:
            await b.close()
        if shared_bus is not None:
            await shared_bus.close()
    summaries = [_summary(r, clock, drained[p]) for p, r in runs.items()]
    for r in runs.values():
        r.node.store.close()
    return summaries


def _summary(run: PartnerRun, clock: ReplayClock, drained: bool) -> dict[str, Any]:
    node = run.node
    t0 = clock.start
    objects = []
    for obj in run.picture.objects:
        lat, lon, alt = earth.ecef_to_geodetic(obj.x[:3])
        impact = obj.best_impact()
        objects.append(
            {
                "object": obj.id,
                "partners": obj.partners,
                "tracks": sorted(f"{p}:{t}" for p, t in obj.members),
                "time": format_time(obj.time),
                "lat_deg": round(float(lat), 4),
                "lon_deg": round(float(lon), 4),
                "alt_m": round(float(alt), 0),
                "position_sigma_m": round(
                    float((obj.P[0, 0] + obj.P[1, 1] + obj.P[2, 2]) / 3) ** 0.5, 1
                ),
                "impact": None
                if impact is None
                else {
                    "by": impact[0],
                    "lat_deg": round(impact[1].impact.lat_deg, 4),
                    "lon_deg": round(impact[1].impact.lon_deg, 4),
                    "semi_major_km": round(impact[1].impact.semi_major_km, 2),
                    "semi_minor_km": round(impact[1].impact.semi_minor_km, 2),
                },
            }
        )
    return {
        "partner": node.partner,
        "bus": node.bus.name,
        "sent": run.sent,
        "published": node.published,
        "outbox_drained": drained,
        "refused_to_send": dict(node.refused),
        "let_in": node.admission.accepted,
        "let_in_by_sender": node.store.received_counts(),
        "rejected": dict(node.store.rejection_counts()),
        "first_measurement_time": format_time(t0),
        "first_heard_after_first_measurement_s": [
            {"from": s, "what": w, "after_s": round(t - t0, 2)}
            for (s, w), t in sorted(run.first_heard.times.items(), key=lambda kv: kv[1])
        ],
        "fused_objects": objects,
    }


def _print_summary(s: dict[str, Any], console: Console) -> None:
    console.print(
        f"[bold]{s['partner']}[/] node on {s['bus']}: sent {s['sent']} "
        f"({s['published']} envelopes published), let in {s['let_in']}, "
        f"rejected {s['rejected'] or 'none'}, refused to send {s['refused_to_send'] or 'nothing'}"
    )
    for h in s["first_heard_after_first_measurement_s"]:
        console.print(f"  first {h['what']} from {h['from']}: +{h['after_s']:.1f} s")
    t = Table(title="fused picture (covariance intersection of every partner's tracks)")
    for col in ("object", "partners", "tracks", "time", "lat, lon", "alt km", "σ m", "impact (by)"):
        t.add_column(col)
    for o in s["fused_objects"]:
        imp = o["impact"]
        t.add_row(
            o["object"],
            ",".join(o["partners"]),
            " ".join(o["tracks"]),
            o["time"][11:19],
            f"{o['lat_deg']:.3f}, {o['lon_deg']:.3f}",
            f"{o['alt_m'] / 1e3:,.1f}",
            f"{o['position_sigma_m']:,.0f}",
            "—"
            if imp is None
            else f"{imp['lat_deg']:.3f}, {imp['lon_deg']:.3f} "
            f"{imp['semi_major_km']:.1f}×{imp['semi_minor_km']:.1f} km ({imp['by']})",
        )
    console.print(t)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def broker_command(args: argparse.Namespace) -> int:
    partners = tuple(check_partner(p.strip(), "--partners") for p in args.partners.split(","))
    directory = Path(args.dir)
    servers = (
        cluster(directory, partners) if args.cluster else [LocalNatsServer(directory, partners)]
    )
    try:
        for s in servers:
            s.start(wait=False)
        for s in servers:
            s.wait_ready()
        asyncio.run(provision_streams(servers[0].url("admin"), partners, replicas=len(servers)))
    except NatsServerError as exc:
        for s in servers:
            s.stop()
        print(f"launchwatch: error: broker: {exc}", file=sys.stderr)
        return 2
    creds = directory / "credentials.toml"
    fd = os.open(creds, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        tomli_w.dump({p: [s.url(p) for s in servers] for p in (*partners, "admin")}, f)
    # Ctrl-C or a plain kill stops the servers with the broker, also when it was started with
    # SIGINT ignored (as a shell script's background job is)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    print(f"NATS JetStream on {', '.join(s.url() for s in servers)}; partner URLs in {creds}")
    try:
        servers[0].process.wait()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        pass
    finally:
        for s in servers:
            s.stop()
    return 0
