"""The interface every bus implements (embedded SQLite mailbox, NATS JetStream).

A bus carries sealed envelopes on subjects ``lw.share.<recipient>.<sender>.<kind>`` and keeps,
per recipient, one ordered, durable log of what was addressed to it:

- ``publish`` returns only once the bus has stored the envelope durably, and stores one
  envelope once per message id and recipient (a retried publish is not a second message);
- ``consumer(partner, after)`` reads the partner's log in order from the position after
  ``after`` (the position the node last processed, which the node keeps itself, so a restart
  resumes exactly there); each delivery carries its position and is acknowledged explicitly.

A bus that cannot be reached raises :class:`BusUnavailableError`; the node keeps the message in its
outbox and tries again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from launchwatch.errors import LaunchwatchError

__all__ = ["Bus", "BusUnavailableError", "Consumer", "Delivery", "parse_subject", "subject_for"]

SUBJECT_ROOT = "lw.share"


class BusUnavailableError(LaunchwatchError):
    """The bus did not confirm a publish or a fetch; try again later."""


@dataclass(frozen=True)
class Delivery:
    data: bytes
    subject: str
    position: int
    """Where this envelope sits in the recipient's log (grows by one per envelope on NATS)."""
    ack: Callable[[], Awaitable[None]]


class Consumer(Protocol):
    async def fetch(self, batch: int, timeout_s: float) -> list[Delivery]: ...

    async def close(self) -> None: ...


class Bus(Protocol):
    name: str

    async def publish(self, subject: str, message_id: str, data: bytes) -> None: ...

    async def consumer(self, partner: str, after: int) -> Consumer: ...

    async def close(self) -> None: ...


def subject_for(recipient: str, sender: str, kind: str) -> str:
    return f"{SUBJECT_ROOT}.{recipient}.{sender}.{kind}"


def parse_subject(subject: str) -> tuple[str, str, str]:
    """(recipient, sender, kind) of a subject made by :func:`subject_for`."""
    parts = subject.split(".")
    if len(parts) != 5 or ".".join(parts[:2]) != SUBJECT_ROOT:
        raise ValueError(f"not a sharing subject: {subject!r}")
    return parts[2], parts[3], parts[4]
