"""``launchwatch serve``: the watch floor's HTTP API for every partner."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from launchwatch.errors import InputError
from launchwatch.record.database import open_record
from launchwatch.record_command import RECORD_HELP
from launchwatch.service.access import load_tokens, new_token

__all__ = ["add_serve_parser", "serve_command"]


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


def serve_command(args: argparse.Namespace) -> int:
    tokens_path = Path(args.tokens)
    if args.new_token:
        token = new_token(tokens_path, args.new_token)
        print(f"{args.new_token}'s token (shown once; its hash is in {tokens_path}):\n{token}")
        return 0
    if not 0 < args.port < 65536:
        raise InputError("--port", f"must be 1-65535, not {args.port}")
    import uvicorn

    from launchwatch.service.app import ServiceConfig, create_app
    from launchwatch.service.runs import Runs

    app = create_app(
        ServiceConfig(
            load_tokens(tokens_path),
            Path(args.state),
            open_record(args.record),
            runs=Runs(Path(args.runs), Path(args.scenarios)),
        )
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
