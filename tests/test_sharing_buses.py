"""The same suite on both buses: delivery to every allowed partner, exactly once, in order per
stream, across crashes of a node."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from launchwatch.sharing.bundles import encode_bundle
from launchwatch.sharing.messages import AlertReport, TrackReport
from sharing_net import (
    PARTNERS,
    T0,
    collect_leaks,  # noqa: F401 - the autouse fixture
    impact_report,
    network,
    sequences_by_stream,
    track_report,
)
from socket_leaks import NATS_PY_LEAK

BUSES = ["memory", "nats"]
pytestmark = NATS_PY_LEAK  # see socket_leaks


@pytest.mark.parametrize("kind", BUSES)
def test_every_partner_gets_every_report_once_in_order(kind: str, tmp_path: Path) -> None:
    async def run() -> None:
        async with network(kind, tmp_path) as net:
            for p in PARTNERS:
                await net.start(p)
            for i in range(1, 31):
                for p in PARTNERS:
                    net.nodes[p].share(track_report(f"{p}-T1", i), f"{p}-T1", T0 + i)
                    net.nodes[p].share(impact_report(f"{p}-T2"), f"{p}-T2", T0 + i)
            for p in PARTNERS:
                await net.wait_for(p, 2 * 30 * 2)
            for p in PARTNERS:
                got = net.got[p]
                assert len(got) == 120, (p, len(got))
                assert {r.message.sender for r in got} == set(PARTNERS) - {p}
                assert all(r.message.recipient == p for r in got)
                for seqs in sequences_by_stream(got).values():
                    assert seqs == list(range(1, 31))
                assert net.nodes[p].admission.rejected == {}

    asyncio.run(run())


@pytest.mark.parametrize("kind", BUSES)
def test_a_crashed_node_catches_up_on_what_it_missed(kind: str, tmp_path: Path) -> None:
    async def run() -> None:
        async with network(kind, tmp_path) as net:
            rok = await net.start("ROK")
            await net.start("JPN")
            for i in range(1, 21):
                rok.share(track_report("T1", i), "T1", T0 + i)
            await net.wait_for("JPN", 20)
            await net.crash("JPN")
            for i in range(21, 61):
                rok.share(track_report("T1", i), "T1", T0 + i)
            assert await rok.drain()
            await net.start("JPN")
            await net.wait_for("JPN", 60)
            await asyncio.sleep(0.3)  # anything delivered twice would arrive now
            seqs = [r.message.sequence for r in net.got["JPN"]]
            assert seqs == list(range(1, 61))
            assert net.nodes["JPN"].store.received()[-1][0] == net.got["JPN"][-1].message.message_id

    asyncio.run(run())


@pytest.mark.parametrize("kind", BUSES)
def test_a_sender_crash_loses_nothing_it_queued(kind: str, tmp_path: Path) -> None:
    async def run() -> None:
        async with network(kind, tmp_path) as net:
            await net.start("USA")
            rok = await net.start("ROK")
            await rok.stop()  # the pump never runs: everything stays in the outbox
            for i in range(1, 11):
                rok.share(track_report("T9", i), "T9", T0 + i)
            assert rok.store.backlog() == 20  # to JPN and USA
            await net.crash("ROK")
            rok = await net.start("ROK")  # numbering goes on where it stopped
            rok.share(track_report("T9", 11), "T9", T0 + 11)
            await net.wait_for("USA", 11)
            assert [r.message.sequence for r in net.got["USA"]] == list(range(1, 12))

    asyncio.run(run())


@pytest.mark.parametrize("kind", BUSES)
def test_a_retried_publish_is_stored_once(kind: str, tmp_path: Path) -> None:
    async def run() -> None:
        async with network(kind, tmp_path) as net:
            usa = await net.start("USA")
            rok = await net.start("ROK")
            await rok.stop()
            rok.share(track_report("T1", 1), "T1", T0 + 1, to=["USA"])
            (entry,) = rok.store.unsent()
            bundle = encode_bundle([entry.data])
            for _ in range(3):  # the acknowledgement was lost twice: the same id again
                await rok.bus.publish(entry.subject, entry.message_id, bundle)
            await net.wait_for("USA", 1)
            await asyncio.sleep(0.3)
            assert len(net.got["USA"]) == 1
            assert usa.admission.rejected["duplicate"] == 0  # stopped at the bus already

    asyncio.run(run())


def test_sensor_identities_and_raw_measurements_go_to_nobody(tmp_path: Path) -> None:
    async def run() -> None:
        async with network("memory", tmp_path) as net:
            rok = await net.start("ROK")
            await net.start("JPN")
            assert rok.share(track_report("T1", 1, sensors=["ROK-R1"]), "T1", T0) is None
            assert rok.refused["track"] == 1
            assert rok.store.backlog() == 0
            usa = await net.start("USA")
            # the shipped policy keeps US alerts national: an explicit recipient is refused
            alert = AlertReport(alert="A1", rule_set="USA", areas=["Guam"], reason="test")
            assert usa.share(alert, "A1", T0, to=["ROK"]) is None
            assert usa.refused["alert"] == 1
            shared = usa.share(track_report("T2", 1), "T2", T0, to=["ROK"])
            assert shared is not None
            assert shared.recipients == ["ROK"]
            assert shared.sequence == 1
            await net.wait_for("ROK", 1)
            assert isinstance(net.got["ROK"][0].message.body, TrackReport)

    asyncio.run(run())
