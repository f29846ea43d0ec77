"""The distributed bus: NATS JetStream.

- One stream per recipient, ``LW_<P>`` on ``lw.share.<P>.>``, file storage, a 2-minute
  deduplication window: a publish carries ``Nats-Msg-Id`` (the message id), so a publish
  retried after a lost acknowledgement is stored once.
- One durable pull consumer per recipient, ``node-<P>``, explicit acknowledgements. The node
  keeps the stream position it last processed in its own store (in the same transaction as
  the message); when it starts, the consumer is made anew from the position after that one.
- Order: positions in a stream grow by one. A server that crashes rolls its consumers back,
  so deliveries already processed come again (the node skips them by position and by message
  id); a delivery that skips a position (an earlier one lost in flight and due for redelivery
  later) would break per-track order, so the consumer is remade from the missing position
  instead of handing on the later ones.

nats-py reconnects by itself; while it is away a publish raises :class:`BusUnavailableError` and
the message stays in the node's outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

from launchwatch.sharing.bus import SUBJECT_ROOT, BusUnavailableError, Delivery

__all__ = ["NatsBus", "connect_nats", "provision_streams"]

log = logging.getLogger("launchwatch.sharing")

_NATS_FAILURES = (nats.errors.Error, asyncio.TimeoutError, OSError)


async def connect_nats(
    url: str, partner: str | None, *, name: str = "launchwatch", connect_timeout_s: float = 5.0
) -> Client:
    """A connection that reconnects forever (a node outlives broker restarts)."""

    async def on_error(exc: Exception) -> None:
        log.debug("nats: %s", exc)

    options: dict[str, Any] = {
        "name": name,
        "allow_reconnect": True,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.25,
        "connect_timeout": 2,
        "error_cb": on_error,
    }
    if partner is not None:
        options["inbox_prefix"] = f"_INBOX_{partner}"
    servers = [u.strip() for u in url.split(",") if u.strip()]  # a cluster: several URLs
    try:
        # with endless reconnects nats-py would also retry the first connection for ever
        return await asyncio.wait_for(nats.connect(servers, **options), connect_timeout_s)
    except _NATS_FAILURES as exc:
        raise BusUnavailableError(f"cannot connect to {_safe(url)}: {exc!r}") from exc


def _safe(url: str) -> str:
    """The URL (or comma-separated URLs) without passwords, for messages."""
    out = []
    for u in url.split(","):
        if "@" in u and "://" in u:
            scheme, rest = u.split("://", 1)
            u = f"{scheme}://…@{rest.split('@', 1)[1]}"
        out.append(u)
    return ",".join(out)


async def provision_streams(
    url: str, partners: tuple[str, ...], replicas: int = 1, *, timeout_s: float = 20.0
) -> None:
    """Create (or update) every partner's stream, as the admin user of the URL. A new cluster
    elects its JetStream leader first, so this retries until ``timeout_s``."""
    nc = await connect_nats(url, None, name="launchwatch-admin")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while True:
            try:
                await _add_streams(nc, partners, replicas)
                return
            except (*_NATS_FAILURES, nats.js.errors.Error) as exc:
                if loop.time() > deadline:
                    raise BusUnavailableError(f"cannot create the streams: {exc!r}") from exc
                await asyncio.sleep(0.25)
    finally:
        await nc.close()


async def _add_streams(nc: Client, partners: tuple[str, ...], replicas: int) -> None:
    js = nc.jetstream(timeout=5.0)
    for p in partners:
        config = StreamConfig(
            name=f"LW_{p}",
            subjects=[f"{SUBJECT_ROOT}.{p}.>"],
            storage=StorageType.FILE,
            num_replicas=replicas,
            duplicate_window=120.0,
        )
        try:
            await js.add_stream(config)
        except nats.js.errors.BadRequestError:
            await js.update_stream(config)


class NatsBus:
    def __init__(self, nc: Client, partner: str, url: str, timeout_s: float = 2.0) -> None:
        self.name = f"NATS JetStream ({_safe(url)})"
        self.partner = partner
        self.nc = nc
        self.js = nc.jetstream(timeout=timeout_s)
        self.timeout_s = timeout_s

    @classmethod
    async def connect(cls, url: str, partner: str) -> NatsBus:
        return cls(await connect_nats(url, partner, name=f"launchwatch-{partner}"), partner, url)

    async def publish(self, subject: str, message_id: str, data: bytes) -> None:
        try:
            await self.js.publish(subject, data, headers={"Nats-Msg-Id": message_id})
        except _NATS_FAILURES as exc:
            raise BusUnavailableError(f"publish to {subject} not acknowledged: {exc!r}") from exc

    async def consumer(self, partner: str, after: int) -> NatsConsumer:
        consumer = NatsConsumer(self, partner)
        await consumer.restart(after)
        return consumer

    async def close(self) -> None:
        with contextlib.suppress(*_NATS_FAILURES):
            await self.nc.close()


class NatsConsumer:
    def __init__(self, bus: NatsBus, partner: str) -> None:
        self.bus = bus
        self.stream = f"LW_{partner}"
        self.durable = f"node-{partner}"
        self.position = 0
        self.remade = 0
        self.redelivered = 0
        self._sub: Any = None

    async def restart(self, after: int) -> None:
        """(Re)make the durable consumer so that its next delivery is position after + 1."""
        js = self.bus.js
        if self._sub is not None:
            with contextlib.suppress(*_NATS_FAILURES):
                await self._sub.unsubscribe()
            self._sub = None
        try:
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await js.delete_consumer(self.stream, self.durable)
            await js.add_consumer(
                self.stream,
                ConsumerConfig(
                    durable_name=self.durable,
                    ack_policy=AckPolicy.EXPLICIT,
                    deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                    opt_start_seq=after + 1,
                    ack_wait=30.0,
                    max_ack_pending=10_000,
                ),
            )
            self._sub = await js.pull_subscribe_bind(
                durable=self.durable,
                stream=self.stream,
                inbox_prefix=f"_INBOX_{self.bus.partner}.".encode(),
            )
        except _NATS_FAILURES as exc:
            raise BusUnavailableError(f"cannot make consumer {self.durable}: {exc!r}") from exc
        self.position = after
        self.remade += 1

    async def fetch(self, batch: int, timeout_s: float) -> list[Delivery]:
        if self._sub is None:
            await self.restart(self.position)
        try:
            msgs = await self._sub.fetch(batch, timeout=timeout_s)
        except nats.errors.TimeoutError:
            return []
        except _NATS_FAILURES as exc:
            self._sub = None  # made anew on the next fetch, from the last position handed on
            raise BusUnavailableError(f"fetch from {self.stream} failed: {exc!r}") from exc
        out: list[Delivery] = []
        for msg in msgs:
            position = int(msg.metadata.sequence.stream)
            if position <= self.position:
                await self._ack(msg)()  # handed on before (a rolled-back consumer)
                self.redelivered += 1
                continue
            if position != self.position + 1:
                log.info(
                    "%s: position %d after %d; remaking the consumer from %d",
                    self.stream,
                    position,
                    self.position,
                    self.position + 1,
                )
                await self.restart(self.position)
                break
            self.position = position
            out.append(Delivery(msg.data, msg.subject, position, self._ack(msg)))
        return out

    @staticmethod
    def _ack(msg: Msg) -> Callable[[], Awaitable[None]]:
        async def ack() -> None:
            try:
                await msg.ack()
            except _NATS_FAILURES as exc:
                # the delivery will come again and be recognised; nothing is lost
                log.debug("ack failed: %r", exc)

        return ack

    async def close(self) -> None:
        if self._sub is not None:
            with contextlib.suppress(*_NATS_FAILURES):
                await self._sub.unsubscribe()
