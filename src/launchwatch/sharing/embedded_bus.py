"""The embedded bus (the default): the nodes of one machine share a SQLite mailbox file.

Nodes in one process share one :class:`EmbeddedBus` and wake each other directly; nodes in
several processes on one machine may open the same file and find new mail by polling every
``poll_s``. A publish is one committed row (WAL, ``synchronous=FULL``), so what the bus
acknowledged survives a crash of any process; a message id is stored once per recipient,
like JetStream's ``Nats-Msg-Id`` deduplication (but without a time window). Positions are the
mailbox's row numbers: they grow along a recipient's log but are not contiguous.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

from launchwatch.sharing.bus import BusUnavailableError, Delivery, parse_subject

__all__ = ["EmbeddedBus"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (recipient, message_id)
);
CREATE TABLE IF NOT EXISTS acked (recipient TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""


class EmbeddedBus:
    def __init__(self, path: Path | str = ":memory:", poll_s: float = 0.05) -> None:
        self.name = f"embedded ({path})"
        self.poll_s = poll_s
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise BusUnavailableError(f"cannot open the mailbox {path}: {exc}") from exc
        self._new_mail: dict[str, asyncio.Event] = {}
        self.closed = False

    async def publish(self, subject: str, message_id: str, data: bytes) -> None:
        if self.closed:
            raise BusUnavailableError("the embedded bus is closed")
        recipient = parse_subject(subject)[0]
        try:
            self._db.execute(
                "INSERT OR IGNORE INTO mailbox (recipient, subject, message_id, data) "
                "VALUES (?, ?, ?, ?)",
                (recipient, subject, message_id, data),
            )
        except sqlite3.Error as exc:
            raise BusUnavailableError(f"mailbox write failed: {exc}") from exc
        event = self._new_mail.get(recipient)
        if event is not None:
            event.set()

    async def consumer(self, partner: str, after: int) -> EmbeddedConsumer:
        return EmbeddedConsumer(self, partner, after)

    def wake(self, partner: str) -> asyncio.Event:
        return self._new_mail.setdefault(partner, asyncio.Event())

    def read(self, partner: str, after: int, batch: int) -> list[tuple[int, str, bytes]]:
        rows = self._db.execute(
            "SELECT position, subject, data FROM mailbox WHERE recipient = ? AND position > ? "
            "ORDER BY position LIMIT ?",
            (partner, after, batch),
        ).fetchall()
        return [(int(p), str(s), bytes(d)) for p, s, d in rows]

    def acknowledge(self, partner: str, position: int) -> None:
        self._db.execute(
            "INSERT INTO acked VALUES (?, ?) ON CONFLICT (recipient) "
            "DO UPDATE SET position = max(position, excluded.position)",
            (partner, position),
        )

    def acked(self, partner: str) -> int:
        row = self._db.execute("SELECT position FROM acked WHERE recipient = ?", (partner,))
        found = row.fetchone()
        return 0 if found is None else int(found[0])

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._db.close()


class EmbeddedConsumer:
    def __init__(self, bus: EmbeddedBus, partner: str, after: int) -> None:
        self.bus = bus
        self.partner = partner
        self.position = after

    async def fetch(self, batch: int, timeout_s: float) -> list[Delivery]:
        if self.bus.closed:
            raise BusUnavailableError("the embedded bus is closed")
        event = self.bus.wake(self.partner)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            event.clear()
            rows = self.bus.read(self.partner, self.position, batch)
            if rows:
                break
            left = deadline - loop.time()
            if left <= 0:
                return []
            # on a timeout, poll again: another process may have written to the file
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(left, self.bus.poll_s))
        self.position = rows[-1][0]
        return [
            Delivery(data, subject, position, self._acker(position))
            for position, subject, data in rows
        ]

    def _acker(self, position: int) -> Callable[[], Awaitable[None]]:
        async def ack() -> None:
            self.bus.acknowledge(self.partner, position)

        return ack

    async def close(self) -> None:
        return None
