"""A node's own durable state, in one SQLite file: what it must still send, what it has let in.

- ``outbox``: every sealed message the node has decided to send, in order, until a bus has
  acknowledged storing it. A node that crashes sends the rest when it comes back; a cut link
  leaves the backlog here.
- ``own_streams``: the last sequence number used per stream, so that a restarted node goes on
  numbering where it stopped (receivers would refuse a restarted count as a replay).
- ``inbox``: every message let in, by message id (the envelope as received, so it can be
  verified again), with ``streams``: the last sequence seen per sender and stream. A message is
  stored and its sequence recorded in one transaction, so a crash between receiving and
  acknowledging brings a redelivery that is recognised, never a second delivery.
- ``rejections``: every refused message, with the reason;
- ``bus_position``: the position on the bus of the last envelope processed, written in the
  same transaction as the message or its refusal, where the node resumes reading.

SQLite runs in WAL mode with ``synchronous=FULL``: a committed row survives a crash of the
process or of the machine. The standard library's sqlite3 is enough here; the launch record,
which has a schema that evolves and a PostgreSQL option, uses SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from launchwatch.sharing.messages import Message, kind_of

__all__ = ["NodeStore", "OutboxEntry"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    data BLOB NOT NULL,
    queued_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (sent_at, seq);
CREATE TABLE IF NOT EXISTS own_streams (stream TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS inbox (
    message_id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    stream TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    event_time REAL NOT NULL,
    send_time REAL NOT NULL,
    received_at REAL NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS streams (
    sender TEXT NOT NULL, stream TEXT NOT NULL, last INTEGER NOT NULL,
    PRIMARY KEY (sender, stream)
);
CREATE TABLE IF NOT EXISTS bus_position (
    one INTEGER PRIMARY KEY CHECK (one = 1), position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rejections (
    at REAL NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    message_id: str
    recipient: str
    subject: str
    data: bytes


class NodeStore:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # -- sending ----------------------------------------------------------------------------

    def queue(
        self, stream: str, make_rows: Callable[[int], list[tuple[str, str, str, bytes]]]
    ) -> int:
        """Number a report on its stream and queue its copies, in one transaction (one fsync):
        ``make_rows(sequence)`` gives (message_id, recipient, subject, sealed bytes) rows."""
        now = time.time()
        with self._transaction():
            row = self._db.execute(
                "INSERT INTO own_streams (stream, last) VALUES (?, 1) "
                "ON CONFLICT (stream) DO UPDATE SET last = last + 1 RETURNING last",
                (stream,),
            ).fetchone()
            sequence = int(row[0])
            self._db.executemany(
                "INSERT INTO outbox (message_id, recipient, subject, data, queued_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*e, now) for e in make_rows(sequence)],
            )
        return sequence

    def unsent(self, limit: int = 256) -> list[OutboxEntry]:
        rows = self._db.execute(
            "SELECT seq, message_id, recipient, subject, data FROM outbox "
            "WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
            (limit,),
        ).fetchall()
        return [OutboxEntry(*r) for r in rows]

    def mark_sent(self, seqs: list[int]) -> None:
        # without waiting for the disk: a mark lost in a power cut means the rows are sent
        # again, and the bus and the receiver both drop what they have already stored
        now = time.time()
        self._db.execute("PRAGMA synchronous=NORMAL")
        try:
            with self._transaction():
                self._db.executemany(
                    "UPDATE outbox SET sent_at = ? WHERE seq = ?", [(now, s) for s in seqs]
                )
        finally:
            self._db.execute("PRAGMA synchronous=FULL")

    def backlog(self) -> int:
        return int(
            self._db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        )

    # -- receiving --------------------------------------------------------------------------

    def seen(self, message_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM inbox WHERE message_id = ?", (message_id,))
        return row.fetchone() is not None

    def last_sequence(self, sender: str, stream: str) -> int:
        row = self._db.execute(
            "SELECT last FROM streams WHERE sender = ? AND stream = ?", (sender, stream)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def position(self) -> int:
        """The position on the bus of the last envelope processed (let in or refused)."""
        row = self._db.execute("SELECT position FROM bus_position").fetchone()
        return 0 if row is None else int(row[0])

    def _set_position(self, position: int | None) -> None:
        if position is not None:
            self._db.execute(
                "INSERT INTO bus_position VALUES (1, ?) ON CONFLICT (one) "
                "DO UPDATE SET position = max(position, excluded.position)",
                (position,),
            )

    def accept(self, message: Message, data: bytes, position: int | None = None) -> None:
        self.record([(message, data)], [], position)

    def record(
        self,
        accepted: list[tuple[Message, bytes]],
        rejected: list[tuple[str, str]],
        position: int | None,
    ) -> None:
        """What was let in and refused from one bus delivery, and its position: all or none."""
        now = time.time()
        with self._transaction():
            self._set_position(position)
            self._db.executemany(
                "INSERT INTO inbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        m.message_id,
                        m.sender,
                        m.stream,
                        m.sequence,
                        kind_of(m.body),
                        m.event_time.timestamp(),
                        m.send_time.timestamp(),
                        now,
                        data,
                    )
                    for m, data in accepted
                ],
            )
            self._db.executemany(
                "INSERT INTO streams VALUES (?, ?, ?) "
                "ON CONFLICT (sender, stream) DO UPDATE SET last = max(last, excluded.last)",
                [(m.sender, m.stream, m.sequence) for m, _ in accepted],
            )
            self._db.executemany(
                "INSERT INTO rejections VALUES (?, ?, ?)", [(now, r, d) for r, d in rejected]
            )

    def received(self) -> list[tuple[str, bytes]]:
        """(message_id, envelope) of everything let in, in the order it came."""
        rows = self._db.execute("SELECT message_id, data FROM inbox ORDER BY rowid").fetchall()
        return [(str(a), bytes(b)) for a, b in rows]

    def received_counts(self) -> dict[str, dict[str, int]]:
        """Messages let in, by sender and kind."""
        out: dict[str, dict[str, int]] = {}
        for sender, kind, n in self._db.execute(
            "SELECT sender, kind, count(*) FROM inbox GROUP BY sender, kind ORDER BY sender, kind"
        ):
            out.setdefault(str(sender), {})[str(kind)] = int(n)
        return out

    def reject(self, reason: str, detail: str, position: int | None = None) -> None:
        self.record([], [(reason, detail)], position)

    def rejection_counts(self) -> Counter[str]:
        rows = self._db.execute("SELECT reason, count(*) FROM rejections GROUP BY reason")
        return Counter({str(r): int(n) for r, n in rows})

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if kind is not None else "COMMIT")
