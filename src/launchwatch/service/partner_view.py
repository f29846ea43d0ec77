"""What one partner may see: its own node's store, read-only.

A partner's node keeps what it sent (the outbox) and what the others released to it and it let
in (the inbox); nothing else ever reached it. So the API shows a partner exactly its own
reports and the ones the release policy let through, by construction: the same rule as the
sharing network, with no second copy of it to keep in step.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from launchwatch.sharing.messages import Message, decode_message, kind_of
from launchwatch.sharing.signing import Sealed

__all__ = ["Cursor", "PartnerView"]

_sealed = msgspec.msgpack.Decoder(Sealed)


@dataclass(frozen=True)
class Cursor:
    """Where a reader got to: the last outbox row and inbox row it has seen."""

    outbox: int = 0
    inbox: int = 0


def _report(message: Message, direction: str) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(message)
    out.pop("recipient", None)  # one report may have gone to several partners
    out["kind"] = kind_of(message.body)
    out["direction"] = direction
    return out


class PartnerView:
    def __init__(self, partner: str, store: Path) -> None:
        self.partner = partner
        self.store = store

    def _connect(self) -> sqlite3.Connection | None:
        if not self.store.exists():
            return None  # the node has not run yet: nothing to show
        return sqlite3.connect(f"file:{self.store}?mode=ro", uri=True)

    def reports_after(
        self, cursor: Cursor, limit: int = 1000
    ) -> tuple[list[dict[str, Any]], Cursor]:
        """Reports sent or let in after the cursor, oldest first, and the new cursor."""
        db = self._connect()
        if db is None:
            return [], cursor
        try:
            sent = db.execute(
                "SELECT seq, message_id, data FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (cursor.outbox, limit),
            ).fetchall()
            got = db.execute(
                "SELECT rowid, data FROM inbox WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (cursor.inbox, limit),
            ).fetchall()
        except sqlite3.Error:
            return [], cursor  # a store still being created
        finally:
            db.close()
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for _, message_id, data in sent:
            if message_id in seen:
                continue  # the same report's copy for another partner
            seen.add(message_id)
            out.append(_report(decode_message(_sealed.decode(data).payload), "sent"))
        for _, data in got:
            out.append(_report(decode_message(_sealed.decode(data).payload), "received"))
        out.sort(key=lambda r: str(r["event_time"]))
        new = Cursor(
            sent[-1][0] if sent else cursor.outbox,
            got[-1][0] if got else cursor.inbox,
        )
        return out, new

    def end(self) -> Cursor:
        """The cursor after everything stored now (to read from now on)."""
        db = self._connect()
        if db is None:
            return Cursor()
        try:
            sent = db.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
            got = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM inbox").fetchone()[0]
        except sqlite3.Error:
            return Cursor()  # a store still being created
        finally:
            db.close()
        return Cursor(int(sent), int(got))

    def reports(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor = Cursor()
        while True:
            batch, cursor2 = self.reports_after(cursor, 5000)
            out.extend(batch)
            if cursor2 == cursor:
                break
            cursor = cursor2
        out.sort(key=lambda r: str(r["event_time"]))
        return out
