"""A partner's node on the sharing network: it sends what the policy allows and lets in what
it can verify, losing nothing across crashes of itself or of the bus.

Sending: :meth:`Node.share` numbers the report on its stream, makes one signed copy per
recipient the release policy allows (a content allowed to nobody, or an explicit recipient the
policy does not allow, is refused, logged and counted, never queued) and commits the copies to
the outbox in one transaction. A pump task publishes the outbox in order, in bundles per
recipient (:mod:`~launchwatch.sharing.bundles`), one bundle at a time, and marks the rows sent
once the bus acknowledged the bundle; a bus that is away leaves the rest queued, retried with
back-off. One bundle in flight at a time keeps each recipient's log in sending order even when
a publish fails (a pipeline could store a later bundle before a failed earlier one).

Receiving: a task reads the node's log on the bus from the position after the last one it
processed, passes each bundle's envelopes through
:class:`~launchwatch.sharing.admission.Admission` (what is let in, what is refused and the
bundle's position stored in one transaction), acknowledges it, and hands what was let in to
the listeners (the fused picture, a display, a test).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from launchwatch.sharing.admission import Admission
from launchwatch.sharing.bundles import (
    MAX_BUNDLE_BYTES,
    MAX_BUNDLE_ENVELOPES,
    decode_bundle,
    encode_bundle,
)
from launchwatch.sharing.bus import Bus, BusUnavailableError, Consumer, subject_for
from launchwatch.sharing.messages import (
    SCHEMA_VERSION,
    Body,
    Message,
    contents_of,
    kind_of,
    new_message_id,
)
from launchwatch.sharing.node_store import NodeStore, OutboxEntry
from launchwatch.sharing.release_policy import ReleasePolicy
from launchwatch.sharing.signing import RejectedMessageError, seal

__all__ = ["Node", "NodeClock", "Received", "Shared"]

log = logging.getLogger("launchwatch.sharing")


def _bundles(entries: list[OutboxEntry]) -> list[tuple[str, list[OutboxEntry]]]:
    """The outbox rows as bundles per recipient, each recipient's rows in their order."""
    out: list[tuple[str, list[OutboxEntry]]] = []
    open_: dict[str, tuple[list[OutboxEntry], int]] = {}
    for e in entries:
        chunk, size = open_.get(e.recipient, ([], 0))
        if chunk and (len(chunk) >= MAX_BUNDLE_ENVELOPES or size + len(e.data) > MAX_BUNDLE_BYTES):
            chunk, size = [], 0
        if not chunk:
            out.append((e.recipient, chunk))
        chunk.append(e)
        open_[e.recipient] = (chunk, size + len(e.data))
    return out


def _utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, tz=dt.UTC)


@dataclass
class NodeClock:
    """The node's idea of now (POSIX seconds): the wall clock, or a replay's clock."""

    now: Callable[[], float] = field(default_factory=lambda: _wall_now)


def _wall_now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


@dataclass(frozen=True)
class Shared:
    """A report queued for sending: its id, its number on its stream, who it goes to."""

    message_id: str
    sequence: int
    recipients: list[str]


@dataclass(frozen=True)
class Received:
    message: Message
    received_at: float
    """The receiving node's clock when it let the message in."""
    position: int


class Node:
    def __init__(
        self,
        partner: str,
        bus: Bus,
        key: Ed25519PrivateKey,
        trusted: dict[str, Ed25519PublicKey],
        policy: ReleasePolicy,
        store: NodeStore,
        clock: NodeClock | None = None,
    ) -> None:
        if partner not in policy.partners:
            raise ValueError(f"{partner} is not a partner in {policy.source}")
        self.partner = partner
        self.bus = bus
        self.key = key
        self.policy = policy
        self.store = store
        self.clock = clock or NodeClock()
        self.admission = Admission(partner, trusted, policy, store)
        self.refused: Counter[str] = Counter()
        """Reports this node refused to send, by content."""
        self.published = 0
        self.listeners: list[Callable[[Received], None]] = []
        self._outbox_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._consumer: Consumer | None = None
        self.bus_failures = 0
        self.listener_errors = 0
        self.bundles_published = 0

    # -- sending ----------------------------------------------------------------------------

    def share(
        self,
        body: Body,
        stream: str,
        event_time: float,
        to: Iterable[str] | None = None,
    ) -> Shared | None:
        """Queue a report for every recipient allowed (or for ``to``, all of which must be
        allowed). A refusal is logged and counted, never sent, and returns None."""
        contents = contents_of(body)
        allowed = self.policy.recipients(self.partner, contents)
        if to is not None:
            wanted = list(to)
            for r in wanted:
                refusal = self.policy.refusal(self.partner, r, contents)
                if refusal is not None:
                    self._refuse(kind_of(body), refusal)
                    return None
            allowed = wanted
        if not allowed:
            self._refuse(
                kind_of(body), f"{self.policy.source} releases {sorted(contents)} to nobody"
            )
            return None
        message_id = new_message_id()

        def copies(sequence: int) -> list[tuple[str, str, str, bytes]]:
            return [
                (
                    message_id,
                    r,
                    subject_for(r, self.partner, kind_of(body)),
                    seal(
                        self._message(body, stream, sequence, event_time, r, message_id), self.key
                    ),
                )
                for r in allowed
            ]

        sequence = self.store.queue(stream, copies)
        self._outbox_ready.set()
        return Shared(message_id, sequence, allowed)

    def _refuse(self, kind: str, reason: str) -> None:
        self.refused[kind] += 1
        log.warning("%s refused to send a %s report: %s", self.partner, kind, reason)

    def _message(
        self,
        body: Body,
        stream: str,
        sequence: int,
        event_time: float,
        recipient: str,
        message_id: str = "0" * 32,
    ) -> Message:
        return Message(
            version=SCHEMA_VERSION,
            message_id=message_id,
            sender=self.partner,
            recipient=recipient,
            stream=stream,
            sequence=sequence,
            event_time=_utc(event_time),
            send_time=_utc(self.clock.now()),
            body=body,
        )

    async def pump(self, retry_s: float = 0.1, max_retry_s: float = 2.0) -> None:
        """Publish the outbox in order, forever (a task)."""
        wait = retry_s
        while True:
            entries = self.store.unsent()
            if not entries:
                self._outbox_ready.clear()
                if not self.store.unsent(1):
                    await self._outbox_ready.wait()
                continue
            try:
                for recipient, chunk in _bundles(entries):
                    await self.bus.publish(
                        subject_for(recipient, self.partner, "bundle"),
                        f"{self.partner}-{chunk[0].seq}-{chunk[-1].seq}",
                        encode_bundle([e.data for e in chunk]),
                    )
                    self.store.mark_sent([e.seq for e in chunk])
                    self.published += len(chunk)
                    self.bundles_published += 1
                wait = retry_s
            except BusUnavailableError as exc:
                self.bus_failures += 1
                log.info(
                    "%s: %s; %d queued, retry in %.1f s",
                    self.partner,
                    exc,
                    self.store.backlog(),
                    wait,
                )
                await asyncio.sleep(wait)
                wait = min(2 * wait, max_retry_s)

    # -- receiving --------------------------------------------------------------------------

    async def receive(self, batch: int = 256, poll_s: float = 0.5) -> None:
        """Let in what arrives for this node, forever (a task)."""
        wait = 0.1
        while True:
            try:
                if self._consumer is None:
                    self._consumer = await self.bus.consumer(self.partner, self.store.position())
                deliveries = await self._consumer.fetch(batch, poll_s)
                wait = 0.1
            except BusUnavailableError as exc:
                self.bus_failures += 1
                log.info("%s: %s; retry in %.1f s", self.partner, exc, wait)
                await asyncio.sleep(wait)
                wait = min(2 * wait, 2.0)
                continue
            for d in deliveries:
                try:
                    envelopes = decode_bundle(d.data)
                except RejectedMessageError as exc:
                    self.admission.refuse(exc, d.position)
                    envelopes = []
                messages = self.admission.admit_all(envelopes, d.position)
                await d.ack()
                now = self.clock.now()
                for message in messages:
                    self._hand_on(Received(message, now, d.position))

    def _hand_on(self, got: Received) -> None:
        for listener in self.listeners:
            try:
                listener(got)
            except Exception:  # a listener's bug must not stop the node from receiving
                self.listener_errors += 1
                log.exception("%s: a listener failed on %s", self.partner, got.message.message_id)

    # -- running ----------------------------------------------------------------------------

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.pump(), name=f"{self.partner}-pump"),
            asyncio.create_task(self.receive(), name=f"{self.partner}-receive"),
        ]

    async def drain(self, timeout_s: float = 10.0) -> bool:
        """Wait until the outbox is empty; False if it was not within the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.store.backlog():
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._consumer is not None:
            await self._consumer.close()
            self._consumer = None
