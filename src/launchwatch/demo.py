"""The whole job on one scenario, as the watch floor would do it: the flight simulated and
seen by each partner's sensors, each partner's node tracking its own sensors and sharing
under the release policy (the embedded bus, or NATS), the picture one partner then holds
assessed against the launch record, and when each partner first heard what.

Every step is the stage's own code, in this order:

1. ``simulate``: the scenario's truth and every sensor's measurements (``OUT/run``);
2. ``keys``: a signing key per partner with sensors in the scenario (``OUT/keys``, kept);
3. ``node --partner ROK,JPN,USA``: the network (``OUT/state``: each node's store, as
   ``launchwatch serve --state OUT/state`` shows it);
4. the assessing partner's picture, its own reports and those released to it, as a tracks file
   (``OUT/picture-ROK.jsonl``), and the scenario's reported claims filed in the record;
5. ``assess``: the events of that picture, saved in the record (``OUT/record.sqlite`` unless
   another is named).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchwatch.assessment.alert_rules import shipped_rules
from launchwatch.assessment.assess import AssessedEvent, assess_tracks
from launchwatch.assessment.saving import save_assessment
from launchwatch.assessment.statements import statements
from launchwatch.cli_options import DEFAULT_SCENARIO, add_sharing_parsers
from launchwatch.errors import InputError
from launchwatch.measurements import format_time
from launchwatch.node_command import run_network
from launchwatch.record.claims_store import claims_for_launch, save_claims
from launchwatch.record.database import Record, open_record
from launchwatch.record.queries import list_launches
from launchwatch.record.report_claims import ReportClaim
from launchwatch.scenario import Claim, Scenario, load_scenario
from launchwatch.service.partner_view import PartnerView
from launchwatch.sharing.keys import new_key
from launchwatch.sharing.picture_tracks import write_picture_tracks
from launchwatch.simulate import simulate

__all__ = [
    "DEFAULT_SCENARIO",
    "DemoResult",
    "checked_scenario",
    "first_heard",
    "run_demo",
    "write_reports",
]

Step = Callable[[str, float, float], None]
"""(what, done, total): progress of a step."""


@dataclass
class DemoResult:
    scenario: Scenario
    out: Path
    events: list[AssessedEvent]
    nodes: list[dict[str, Any]]
    assessed_by: str
    picture: dict[str, int]
    timings_s: dict[str, float] = field(default_factory=dict)
    _heard: list[dict[str, Any]] | None = field(default=None, init=False, repr=False)

    def first_heard(self) -> list[dict[str, Any]]:
        """Per receiving partner and sender, when it first heard the launch point, the flight
        path, the impact point and an alert: see :func:`first_heard` (read from the stores
        once: the display, the JSON and the reports all ask)."""
        if self._heard is None:
            launch = self.events[0].event.launch_time if self.events else None
            partners = sorted({n["partner"] for n in self.nodes})
            self._heard = first_heard(self.out / "state", partners, launch)
        return self._heard

    def node_alerts(self) -> list[dict[str, Any]]:
        """The alerts each partner's node raised from its own rules, in the order raised."""
        out = []
        for n in self.nodes:
            p = n["partner"]
            for r in PartnerView(p, self.out / "state" / f"{p}.sqlite").reports():
                if r["kind"] == "alert" and r["direction"] == "sent":
                    out.append({"partner": p, "time": r["event_time"], **r["body"]})
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": {"path": str(self.scenario.path), "name": self.scenario.settings.name},
            "out": str(self.out),
            "assessed_by": self.assessed_by,
            "picture": self.picture,
            "events": [{**a.to_json(), "statements": statements(a)} for a in self.events],
            "shared": self.first_heard(),
            "node_alerts": self.node_alerts(),
            "nodes": self.nodes,
            "timings_s": {k: round(v, 2) for k, v in self.timings_s.items()},
        }


def _what(report: dict[str, Any]) -> list[str]:
    kind, body = report["kind"], report["body"]
    if kind == "track":
        return ["flight path", "launch point"] if body.get("launch") else ["flight path"]
    return {"impact": ["impact point"], "event": ["launch point"], "alert": ["alert"]}.get(kind, [])


def first_heard(
    state: Path, partners: list[str], launch_time: float | None
) -> list[dict[str, Any]]:
    """When each partner first heard each other partner's launch point, flight path, impact
    point and alert, from the nodes' stores: the first such report's event time (what the
    sender knew, and when, in the scenario's time) plus its delivery on this machine (the
    receiver's wall clock at admission less the sender's at queueing). The nodes run as fast
    as they can, so the scenario's clock and the wall clock differ; this adds the one that
    is the sharing's own to the one that is the flight's."""
    queued: dict[str, float] = {}
    for p in partners:
        with sqlite3.connect(f"file:{state / f'{p}.sqlite'}?mode=ro", uri=True) as db:
            queued.update(db.execute("SELECT message_id, MIN(queued_at) FROM outbox GROUP BY 1"))
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for p in partners:
        with sqlite3.connect(f"file:{state / f'{p}.sqlite'}?mode=ro", uri=True) as db:
            got = dict(db.execute("SELECT message_id, received_at FROM inbox"))
        for r in PartnerView(p, state / f"{p}.sqlite").reports():  # in event-time order
            if r["direction"] != "received" or r["message_id"] not in queued:
                continue
            for what in _what(r):
                key = (p, r["sender"], what)
                if key in out:
                    continue
                event = dt.datetime.fromisoformat(r["event_time"]).timestamp()
                delivery = got[r["message_id"]] - queued[r["message_id"]]
                out[key] = {
                    "partner": p,
                    "from": r["sender"],
                    "what": what,
                    "event_time": format_time(event),
                    "delivery_s": round(delivery, 3),
                    "after_launch_s": None
                    if launch_time is None
                    else round(event - launch_time + delivery, 1),
                }
    return sorted(out.values(), key=lambda h: (h["partner"], h["from"], h["what"]))


def _node_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="launchwatch")
    add_sharing_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(["node", *argv])


def _claims_of(c: Claim) -> list[ReportClaim]:
    qualifier = "about" if "about" in c.text.lower() else ""
    out = []
    for name, value, unit in (
        ("range_km", c.range_km, "km"),
        ("apogee_km", c.apogee_km, "km"),
        ("flight_time_s", c.flight_time_s, "s"),
    ):
        if value is not None:
            out.append(ReportClaim(name, f"{value:,.1f} {unit}", value, qualifier, c.text))
    return out


def file_scenario_claims(record: Record, scenario: Scenario) -> int:
    """The scenario's reported claims into the record, against the reported launch of its
    day (once: a report already filed there is not filed again); returns how many."""
    if not scenario.claims or not len(scenario.launch_times_s):
        return 0
    day = dt.datetime.fromtimestamp(min(scenario.launch_times_s), dt.UTC).date()
    launches = list_launches(record, since=day - dt.timedelta(days=1), until=day)
    filed = {c.report for c in claims_for_launch(record, launches[-1].id)} if launches else set()
    stored = 0
    for c in scenario.claims:
        if c.source not in filed:
            stored += save_claims(record, _claims_of(c), c.source, day)[1]
    return stored


def checked_scenario(scenario_path: Path, assessed_by: str) -> Scenario:
    """The scenario, if it reads and the assessing partner has sensors in it."""
    scenario = load_scenario(scenario_path)
    partners = sorted({s.owner for s in scenario.sensors})
    if assessed_by not in partners:
        raise InputError("--as", f"{assessed_by} has no sensor in {scenario_path}: {partners}")
    return scenario


def run_demo(
    scenario_path: Path = DEFAULT_SCENARIO,
    out: Path = Path("launchwatch-demo"),
    *,
    bus: str = "memory",
    assessed_by: str = "ROK",
    record_url: str | None = None,
    speed: float = 0.0,
    step: Step | None = None,
) -> DemoResult:
    report = step or (lambda _what, _done, _total: None)
    timings: dict[str, float] = {}
    scenario = checked_scenario(scenario_path, assessed_by)
    partners = sorted({s.owner for s in scenario.sensors})
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    simulate(
        scenario, out / "run", lambda what, done, total: report(f"simulate: {what}", done, total)
    )
    timings["simulate"] = time.perf_counter() - t
    for p in partners:
        if not (out / "keys" / f"{p}.key").exists():
            new_key(p, out / "keys")
    state = out / "state"
    for p in partners:  # a new run: the nodes start from empty stores and an empty mailbox
        for stale in state.glob(f"{p}.sqlite*"):
            stale.unlink()
    for stale in state.glob("mailbox.sqlite*"):
        stale.unlink()
    t = time.perf_counter()
    report("network", 0, 1)
    run = out / "run"
    argv = [str(run / "measurements.jsonl"), "--sensors", str(run / "sensors.toml")]
    argv += ["--partner", ",".join(partners), "--keys", str(out / "keys"), "--state", str(state)]
    argv += ["--bus", bus, "--speed", str(speed), "--linger-s", "1", "--json"]
    nodes = run_network(_node_args(argv))
    report("network", 1, 1)
    timings["network"] = time.perf_counter() - t
    t = time.perf_counter()
    picture_path = out / f"picture-{assessed_by}.jsonl"
    picture = write_picture_tracks(state, assessed_by, picture_path)
    record = open_record(record_url or f"sqlite:///{out / 'record.sqlite'}")
    try:
        file_scenario_claims(record, scenario)
        report("assess", 0, 1)
        events = assess_tracks(picture_path, record, shipped_rules())
        for a in events:
            save_assessment(record, a)
        report("assess", 1, 1)
    finally:
        record.close()
    timings["assess"] = time.perf_counter() - t
    return DemoResult(scenario, out, events, nodes, assessed_by, picture, timings)


def write_reports(result: DemoResult, directory: Path, record_url: str | None = None) -> list[Path]:
    """Each event's report (:mod:`launchwatch.report`) in ``directory/EVENT/``, with when each
    partner first heard what as more evidence; returns the HTML pages."""
    from launchwatch.report import write_report

    record = open_record(record_url or f"sqlite:///{result.out / 'record.sqlite'}")
    heard = [
        (f"{h['partner']} first heard {h['from']}'s {h['what']}",
         f"+{h['after_launch_s']:.1f} s after launch (delivery {h['delivery_s'] * 1e3:.0f} ms)")
        for h in result.first_heard()
        if h["after_launch_s"] is not None
    ]  # fmt: skip
    try:
        return [
            write_report(a, directory / a.event.key, result.scenario.sensors, record, heard).html
            for a in result.events
        ]
    finally:
        record.close()
