"""``launchwatch serve``: the watch floor's HTTP API for every partner."""

from __future__ import annotations

import argparse
from pathlib import Path

from launchwatch.errors import InputError
from launchwatch.record.database import open_record
from launchwatch.service.access import load_tokens, new_token

__all__ = ["serve_command"]


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
