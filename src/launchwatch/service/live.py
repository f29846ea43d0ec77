"""The live stream's fan-out: one reader of a partner's node store for all that partner's
subscribers (browsers, other systems).

Each report is read and decoded once and encoded as a server-sent event once, whatever the
number of subscribers; each subscriber has its own queue. A subscriber that falls more than
``max_backlog`` events behind is told so (``event: overflow``) and dropped rather than
slowing the others or growing without bound: it reloads the picture and subscribes again.
The reader runs while anyone subscribes, in the event loop of the subscriptions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from launchwatch.service.partner_view import Cursor, PartnerView

__all__ = ["OVERFLOW", "Broadcast", "Broadcasts", "Subscription"]

OVERFLOW: Final = b"event: overflow\ndata: {}\n\n"


def _event(report: dict[str, object]) -> bytes:
    return f"event: {report['kind']}\ndata: {json.dumps(report)}\n\n".encode()


@dataclass(eq=False)
class Subscription:
    queue: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    dropped: bool = False


class Broadcast:
    def __init__(self, view: PartnerView, poll_s: float = 0.5, max_backlog: int = 10_000) -> None:
        self.view = view
        self.poll_s = poll_s
        self.max_backlog = max_backlog
        self.subscribers: list[Subscription] = []
        self.cursor = Cursor()
        self.events_read = 0
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def subscribe(self) -> Subscription:
        """A new subscriber gets every report stored from now on."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            self.cursor = self.view.end()
            self._loop = loop
            self._task = loop.create_task(self._read())
        sub = Subscription()
        self.subscribers.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        if sub in self.subscribers:
            self.subscribers.remove(sub)

    async def _read(self) -> None:
        while self.subscribers:
            batch, self.cursor = await asyncio.to_thread(self.view.reports_after, self.cursor)
            for report in batch:
                self._send(_event(report))
            self.events_read += len(batch)
            if not batch:
                await asyncio.sleep(self.poll_s)

    def _send(self, event: bytes) -> None:
        for sub in list(self.subscribers):
            if sub.queue.qsize() >= self.max_backlog:
                sub.dropped = True
                self.unsubscribe(sub)
                sub.queue.put_nowait(OVERFLOW)
            else:
                sub.queue.put_nowait(event)


@dataclass
class Broadcasts:
    """One broadcast per partner."""

    make: Callable[[str], Broadcast]
    by_partner: dict[str, Broadcast] = field(default_factory=dict)

    def of(self, partner: str) -> Broadcast:
        if partner not in self.by_partner:
            self.by_partner[partner] = self.make(partner)
        return self.by_partner[partner]
