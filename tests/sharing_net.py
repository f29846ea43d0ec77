"""Test helpers for the sharing network: keys, sample reports, a small network on either bus."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import socket_leaks
from launchwatch.sharing.bus import Bus
from launchwatch.sharing.embedded_bus import EmbeddedBus
from launchwatch.sharing.keys import load_private_key, load_trusted_keys, new_key
from launchwatch.sharing.messages import Ellipse, ImpactReport, TrackReport
from launchwatch.sharing.nats_bus import NatsBus, provision_streams
from launchwatch.sharing.nats_server import LocalNatsServer, cluster
from launchwatch.sharing.node import Node, Received
from launchwatch.sharing.node_store import NodeStore
from launchwatch.sharing.release_policy import ReleasePolicy, default_policy
from link_proxy import LinkProxy

PARTNERS = ("ROK", "JPN", "USA")


@pytest.fixture(autouse=True)
def collect_leaks() -> Iterator[None]:
    """Each test's leaked sockets are collected as it tears down (socket_leaks)."""
    yield
    socket_leaks.collect()


T0 = dt.datetime(2025, 1, 6, 3, 1, 0, tzinfo=dt.UTC).timestamp()


def sequences_by_stream(received: list[Received]) -> dict[tuple[str, str], list[int]]:
    """The sequence numbers let in, per (sender, stream), in the order they arrived."""
    out: dict[tuple[str, str], list[int]] = {}
    for r in received:
        out.setdefault((r.message.sender, r.message.stream), []).append(r.message.sequence)
    return out


def make_keys(directory: Path, partners: tuple[str, ...] = PARTNERS) -> Path:
    for p in partners:
        new_key(p, directory)
    return directory


def track_report(track: str, i: int, sensors: list[str] | None = None) -> TrackReport:
    return TrackReport(
        track=track,
        lat_deg=39.0 + 0.01 * i,
        lon_deg=126.0 + 0.02 * i,
        alt_m=1000.0 * i,
        position_ecef_m=[-3123456.78, 4012345.67, 4098765.43 + i],
        velocity_ecef_m_s=[1012.345, -2034.567, 1530.789],
        # a tracker's covariance: full, in m² and (m/s)², every digit significant
        covariance_ecef=[
            [(812.3456789 if r == c else 101.234567) / (1.0 + r + c) for c in range(6)]
            for r in range(6)
        ],
        phase="ballistic",
        sensors=sensors or [],
    )


def impact_report(track: str) -> ImpactReport:
    return ImpactReport(
        track=track,
        impact=Ellipse(
            lat_deg=41.0,
            lon_deg=134.0,
            time=dt.datetime(2025, 1, 6, 3, 8, tzinfo=dt.UTC),
            time_sigma_s=3.0,
            semi_major_km=20.0,
            semi_minor_km=5.0,
            orientation_deg=60.0,
        ),
        basis="ballistic flight",
    )


@dataclass
class Network:
    """Nodes of several partners on one bus kind; ``got[partner]`` is what each let in."""

    kind: str
    directory: Path
    keys: Path
    policy: ReleasePolicy
    server: LocalNatsServer | None = None
    servers: list[LocalNatsServer] = field(default_factory=list)
    """All servers of a cluster (``server`` is the first)."""
    embedded: EmbeddedBus | None = None
    urls: dict[str, str] = field(default_factory=dict)
    """A partner's own way to the server (through a link that can be cut), if not direct."""
    nodes: dict[str, Node] = field(default_factory=dict)
    got: dict[str, list[Received]] = field(default_factory=dict)

    async def route_through_proxy(self, partner: str) -> LinkProxy:
        """Send a partner's connection through a link that can be cut (a started proxy)."""
        assert self.server is not None
        proxy = LinkProxy(self.server.port)
        await proxy.start()
        password = self.server.passwords[partner]
        self.urls[partner] = f"nats://{partner}:{password}@127.0.0.1:{proxy.port}"
        return proxy

    async def bus(self, partner: str) -> Bus:
        if self.kind == "memory":
            assert self.embedded is not None
            return self.embedded
        assert self.server is not None
        direct = ",".join(s.url(partner) for s in self.servers)
        return await NatsBus.connect(self.urls.get(partner, direct), partner)

    async def start(self, partner: str) -> Node:
        """Start (or restart after a crash) a partner's node on its own store file."""
        node = Node(
            partner,
            await self.bus(partner),
            load_private_key(self.keys, partner),
            load_trusted_keys(self.keys),
            self.policy,
            NodeStore(self.directory / f"{partner}.sqlite"),
        )
        self.got.setdefault(partner, [])
        node.listeners.append(self.got[partner].append)
        node.start()
        self.nodes[partner] = node
        return node

    async def crash(self, partner: str) -> None:
        """Stop a node abruptly: tasks cancelled, nothing flushed, its store closed."""
        node = self.nodes.pop(partner)
        await node.stop()
        if self.kind == "nats":
            await node.bus.close()
        node.store.close()

    async def wait_for(self, partner: str, count: int, timeout_s: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(self.got[partner]) < count and loop.time() < deadline:
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        for p in list(self.nodes):
            await self.crash(p)
        if self.embedded is not None:
            await self.embedded.close()


@asynccontextmanager
async def network(
    kind: str, directory: Path, policy: ReleasePolicy | None = None, clustered: bool = False
) -> AsyncIterator[Network]:
    keys = make_keys(directory / "keys")
    net = Network(kind, directory, keys, policy or default_policy())
    if kind == "memory":
        net.embedded = EmbeddedBus(directory / "mailbox.sqlite")
    else:
        if clustered:
            net.servers = cluster(directory / "nats")
        else:
            net.servers = [LocalNatsServer(directory / "nats")]
        net.server = net.servers[0]
        for s in net.servers:
            s.start(wait=False)
        for s in net.servers:
            s.wait_ready()
        await provision_streams(
            ",".join(s.url("admin") for s in net.servers), PARTNERS, replicas=len(net.servers)
        )
    try:
        yield net
    finally:
        await net.close()
        for s in net.servers:
            s.stop()
        socket_leaks.collect()  # what nats-py leaked, inside the test


async def share_through_kills(
    net: Network,
    cycles: int,
    rate: float,
    rng: random.Random,
    up_s: tuple[float, float] = (0.3, 0.8),
    down_s: tuple[float, float] = (0.05, 0.3),
) -> int:
    """Every started node shares ``rate`` reports a second (on 5 streams each) while the
    server is killed (-9) and restarted ``cycles`` times; returns the reports per node, after
    every outbox has drained and every node has received what was sent to it."""
    assert net.server is not None
    sent = 0
    stop = asyncio.Event()

    async def send() -> None:
        nonlocal sent
        i = 0
        while not stop.is_set():
            i += 1
            for p, node in net.nodes.items():
                stream = f"{p}-T{i % 5}"
                node.share(track_report(stream, i % 50), stream, T0 + i)
            sent += 1
            await asyncio.sleep(1.0 / rate)

    task = asyncio.create_task(send())
    for _ in range(cycles):
        await asyncio.sleep(rng.uniform(*up_s))
        net.server.kill()
        await asyncio.sleep(rng.uniform(*down_s))
        net.server.start()
    await asyncio.sleep(0.5)
    stop.set()
    await task
    for node in net.nodes.values():
        await node.drain(60.0)
    for p in net.nodes:
        await net.wait_for(p, (len(net.nodes) - 1) * sent, 60.0)
    return sent
