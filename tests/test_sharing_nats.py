"""NATS JetStream: who may publish and read what, and nothing lost or doubled across kill -9 of
the server and a cut link. (Longer runs: bench/bench_sharing.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

import nats.aio.msg
import nats.errors
import pytest

from launchwatch.sharing.bus import BusUnavailableError, subject_for
from launchwatch.sharing.nats_bus import NatsBus, connect_nats
from sharing_net import (
    PARTNERS,
    T0,
    collect_leaks,  # noqa: F401 - the autouse fixture
    network,
    sequences_by_stream,
    share_through_kills,
    track_report,
)
from socket_leaks import NATS_PY_LEAK

pytestmark = NATS_PY_LEAK  # see socket_leaks


def test_a_partner_can_neither_speak_for_another_nor_read_its_mail(tmp_path: Path) -> None:
    async def run() -> None:
        async with network("nats", tmp_path) as net:
            assert net.server is not None
            rok = await NatsBus.connect(net.server.url("ROK"), "ROK")
            rok.js._timeout = 0.5
            # publishing as JPN (to USA) is refused by the server
            with pytest.raises(BusUnavailableError):
                await rok.publish(subject_for("USA", "JPN", "track"), "forged-1", b"x")
            # reading JPN's stream through JPN's consumer is refused too
            with pytest.raises(BusUnavailableError):
                await rok.consumer("JPN", 0)
            # and listening on JPN's subjects or reply inbox gets nothing
            spy: list[bytes] = []

            async def listen(m: nats.aio.msg.Msg) -> None:
                spy.append(m.data)

            raw = await connect_nats(net.server.url("ROK"), "ROK")
            for subject in ("lw.share.JPN.>", "_INBOX_JPN.>", ">"):
                await raw.subscribe(subject, cb=listen)
            usa = await NatsBus.connect(net.server.url("USA"), "USA")
            await usa.publish(subject_for("JPN", "USA", "track"), "m-1", b"for JPN only")
            jpn_bus = await NatsBus.connect(net.server.url("JPN"), "JPN")
            (delivery,) = await (await jpn_bus.consumer("JPN", 0)).fetch(10, 2.0)
            assert delivery.data == b"for JPN only"
            await asyncio.sleep(0.2)
            assert spy == []
            # the admin sees that nothing forged reached USA's stream
            admin = await connect_nats(net.server.url("admin"), None)
            info = await admin.jetstream().stream_info("LW_USA")
            assert info.state.messages == 0
            for c in (rok, usa, jpn_bus):
                await c.close()
            for nc in (raw, admin):
                with contextlib.suppress(nats.errors.Error):
                    await nc.close()

    asyncio.run(run())


def test_kill_9_of_the_server_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(20250106)

    async def run() -> None:
        async with network("nats", tmp_path) as net:
            assert net.server is not None
            for p in PARTNERS:
                await net.start(p)
            sent = await share_through_kills(net, 3, 250.0, rng)
            assert sent > 100
            for p in PARTNERS:
                got = net.got[p]
                assert len(got) == 2 * sent, (p, len(got), 2 * sent)
                assert len({r.message.message_id for r in got}) == len(got)
                for seqs in sequences_by_stream(got).values():
                    assert seqs == list(range(1, len(seqs) + 1))
            assert sum(n.bus_failures for n in net.nodes.values()) > 0  # the kills were felt

    asyncio.run(run())


def test_a_cut_link_delivers_its_backlog_in_order_when_restored(tmp_path: Path) -> None:
    async def run() -> None:
        async with network("nats", tmp_path) as net:
            assert net.server is not None
            proxy = await net.route_through_proxy("ROK")
            rok = await net.start("ROK")
            jpn = await net.start("JPN")
            for i in range(1, 11):
                rok.share(track_report("R1", i), "R1", T0 + i)
                jpn.share(track_report("J1", i), "J1", T0 + i)
            await net.wait_for("ROK", 10)
            await net.wait_for("JPN", 10)
            await proxy.cut()
            for i in range(11, 201):
                rok.share(track_report("R1", i), "R1", T0 + i)
                jpn.share(track_report("J1", i), "J1", T0 + i)
                await asyncio.sleep(0.01)
            assert rok.store.backlog() > 100  # ROK's reports wait in its outbox
            assert len(net.got["ROK"]) == 10
            await proxy.restore()
            await net.wait_for("ROK", 200, 30.0)
            await net.wait_for("JPN", 200, 30.0)
            assert [r.message.sequence for r in net.got["ROK"]] == list(range(1, 201))
            assert [r.message.sequence for r in net.got["JPN"]] == list(range(1, 201))
            await proxy.close()

    asyncio.run(run())


def test_a_three_server_cluster_survives_the_loss_of_one_server(tmp_path: Path) -> None:
    """Streams with 3 replicas on three local servers: kill -9 of one server mid-stream loses
    nothing and doubles nothing (docs/sharing.md describes this deployment)."""

    async def run() -> None:
        async with network("nats", tmp_path, clustered=True) as net:
            rok = await net.start("ROK")
            await net.start("JPN")
            for i in range(1, 301):
                rok.share(track_report("R1", i), "R1", T0 + i)
                if i == 100:
                    await rok.drain(20.0)
                    net.servers[1].kill()
                if i == 200:
                    await rok.drain(20.0)
                    net.servers[1].start()
                await asyncio.sleep(0.002)
            assert await rok.drain(30.0)
            await net.wait_for("JPN", 300, 30.0)
            await asyncio.sleep(0.3)
            assert [r.message.sequence for r in net.got["JPN"]] == list(range(1, 301))
            admin = await connect_nats(net.server.url("admin"), None)
            info = await admin.jetstream().stream_info("LW_JPN")
            await admin.close()
            assert info.config.num_replicas == 3
            assert info.cluster is not None
            assert len(info.cluster.replicas or []) == 2  # the leader and two copies

    asyncio.run(run())
