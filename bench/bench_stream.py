"""The watch floor's live stream under load: 50 browsers' worth of subscribers on loopback.

    bash scripts/bench stream
    .venv/bin/python bench/bench_stream.py --subscribers 50 --rate 400 --seconds 20

A partner's node (ROK) shares signed track reports at ``--rate`` a second into its store, as
the sharing network does; ``launchwatch serve`` runs in its own process (uvicorn, one worker)
and ``--subscribers`` clients in this process read ``/api/stream`` with ROK's token. For each
report every subscriber gets, the latency is the time from the node's send (its ``send_time``)
to the subscriber parsing the event. The default rate is above the stress scenario's update
rate: its 325,365 track updates in 926 s of flight are 351 a second
(``bash scripts/bench tracker``), and a node shares at most one track report a track a second.

Side by side in the same run, the same load through the design before the fan-out (each
subscriber reading and decoding the store itself every poll: ``--peer``), served the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from launchwatch.service.access import load_tokens, new_token  # noqa: E402
from launchwatch.service.partner_view import PartnerView  # noqa: E402
from launchwatch.sharing.embedded_bus import EmbeddedBus  # noqa: E402
from launchwatch.sharing.keys import load_private_key, load_trusted_keys  # noqa: E402
from launchwatch.sharing.node import Node  # noqa: E402
from launchwatch.sharing.node_store import NodeStore  # noqa: E402
from launchwatch.sharing.release_policy import default_policy  # noqa: E402
from sharing_net import make_keys, track_report  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peer_app(state: Path, tokens: Path, poll_s: float):  # type: ignore[no-untyped-def]
    """The API's stream as it was before the fan-out: every subscriber its own store reader."""
    app = FastAPI()
    known = load_tokens(tokens)

    @app.get("/api/stream")
    async def stream(request: Request) -> StreamingResponse:
        partner = known.partner_of(request.headers["authorization"].split()[1]) or ""
        v = PartnerView(partner, state / f"{partner}.sqlite")
        start = v.end()

        async def events():  # type: ignore[no-untyped-def]
            cursor = start
            yield b": stream\n\n"
            while True:
                batch, cursor = v.reports_after(cursor)
                for r in batch:
                    yield f"event: {r['kind']}\ndata: {json.dumps(r)}\n\n".encode()
                await asyncio.sleep(poll_s)

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def serve(design: str, home: Path, port: int) -> subprocess.Popen[bytes]:
    if design == "launchwatch":
        cmd = [
            sys.executable, "-m", "launchwatch.cli", "serve", "--state", str(home / "state"),
            "--tokens", str(home / "tokens.toml"), "--port", str(port),
            "--record", f"sqlite:///{home / 'record.sqlite'}", "--runs", str(home / "runs"),
        ]  # fmt: skip
    else:
        cmd = [sys.executable, __file__, "--serve-peer", str(home), "--port", str(port)]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


async def wait_up(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as c:
        while time.monotonic() < deadline:
            try:
                await c.get(url + "/api/health", timeout=1.0)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


SEND_TIME = re.compile(rb'"send_time": "([^"]+)"')


async def subscriber(
    port: int, token: str, latencies: list[float], counts: list[int], i: int,
    opened: list[int],
) -> None:  # fmt: skip
    """A browser's worth of stream reading, kept light (a plain socket and a regular
    expression for each event's send time) so that 50 of them in one process measure the
    server, not the client."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    buffer = b""
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                return
            if not buffer and b" 200 " in data[:20]:
                opened[0] += 1
            now = time.time()
            buffer += data
            cut = buffer.rfind(b"\n\n")  # whole events only: a chunk ends between events
            if cut < 0:
                continue
            whole, buffer = buffer[: cut + 2], buffer[cut + 2 :]
            for m in SEND_TIME.finditer(whole):
                latencies.append(now - dt.datetime.fromisoformat(m.group(1).decode()).timestamp())
                counts[i] += 1
    finally:
        writer.close()


async def one_run(
    design: str, home: Path, args: argparse.Namespace, token: str
) -> dict[str, float]:
    port = free_port()
    server = serve(design, home, port)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_up(url)
        latencies: list[float] = []
        counts = [0] * args.subscribers
        opened = [0]
        tasks = [
            asyncio.create_task(subscriber(port, token, latencies, counts, i, opened))
            for i in range(args.subscribers)
        ]
        deadline = time.monotonic() + 60
        while opened[0] < args.subscribers and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # every stream has subscribed on the server side
        keys = home / "keys"
        node = Node(
            "ROK", EmbeddedBus(), load_private_key(keys, "ROK"), load_trusted_keys(keys),
            default_policy(), NodeStore(home / "state" / "ROK.sqlite"),
        )  # fmt: skip
        sent = 0
        t0 = time.monotonic()
        while time.monotonic() - t0 < args.seconds:
            due = int((time.monotonic() - t0) * args.rate)
            while sent < due:
                sent += 1
                track = f"T{sent % 300}"  # 300 tracks in flight, as in the stress scenario
                node.share(track_report(track, sent % 50), track, time.time())
            await asyncio.sleep(0.005)
        wrote_s = time.monotonic() - t0
        deadline = time.monotonic() + 30
        while min(counts) < sent and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        behind = time.monotonic() - t0 - wrote_s
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        node.store.close()
        lat = np.array(latencies) * 1e3
        return {
            "sent": sent,
            "rate": sent / wrote_s,
            "complete": sum(c == sent for c in counts),
            "min_got": min(counts),
            "p50": float(np.percentile(lat, 50)) if lat.size else float("nan"),
            "p99": float(np.percentile(lat, 99)) if lat.size else float("nan"),
            "max": float(lat.max()) if lat.size else float("nan"),
            "drain_s": behind,
        }
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--subscribers", type=int, default=50)
    p.add_argument("--rate", type=float, default=400.0, help="reports a second")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--serve-peer", metavar="HOME", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve_peer:
        import uvicorn

        home = Path(args.serve_peer)
        app = peer_app(home / "state", home / "tokens.toml", 0.5)
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
        return

    designs = ["launchwatch"] + (["one reader per subscriber"] if args.peer else [])
    results = {}
    for design in designs:
        with tempfile.TemporaryDirectory(prefix="launchwatch-stream-") as tmp:
            home = Path(tmp)
            (home / "state").mkdir()
            make_keys(home / "keys")
            token = new_token(home / "tokens.toml", "ROK")
            r = asyncio.run(one_run(design, home, args, token))
            results[design] = r
            print(
                f"{design:26s}: {r['rate']:7.1f} reports/s to {args.subscribers} subscribers, "
                f"{r['complete']:.0f}/{args.subscribers} got all {r['sent']:.0f} "
                f"(fewest {r['min_got']:.0f}); latency p50 {r['p50']:7.1f} ms, "
                f"p99 {r['p99']:7.1f} ms, max {r['max']:7.1f} ms; "
                f"last event {r['drain_s']:.1f} s after the last send",
                flush=True,
            )
    if len(results) == 2:
        a, b = results["launchwatch"], results["one reader per subscriber"]
        p50, p99 = b["p50"] / a["p50"], b["p99"] / a["p99"]
        print(f"ratio peer / launchwatch: p50 {p50:.1f}x, p99 {p99:.1f}x")


if __name__ == "__main__":
    main()
