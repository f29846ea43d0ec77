"""The receiving side's checks: which arriving envelopes are let in, and why the others are not.

In order (the first that fails names the reason, which is logged and counted):

1. the envelope: size, form, a trusted sender, a valid signature, a sender inside that matches
   (:func:`~launchwatch.sharing.signing.open_sealed`: ``oversized``, ``malformed``,
   ``unknown-partner``, ``unsigned``, ``bad-signature``, ``forged``);
2. ``unsupported-version``: a schema version this node does not read;
3. ``misaddressed``: addressed to another partner;
4. ``policy``: the receiver's own copy of the release policy does not allow it from that
   sender (the sender checked too; this catches a sender with another policy, or none);
5. ``duplicate``: a message id already let in (a broker's redelivery, or a replay of the same
   bytes); ``replayed``: a sequence number not above the last one seen on its stream.

An envelope that makes a check fail in a way none of these foresaw is refused as
``unreadable`` and logged with its traceback: no envelope stops a node.

What passes is stored (with its sequence) in one transaction before it is acknowledged.
"""

from __future__ import annotations

import logging
from collections import Counter

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from launchwatch.sharing.messages import SCHEMA_VERSION, Message, contents_of
from launchwatch.sharing.node_store import NodeStore
from launchwatch.sharing.release_policy import ReleasePolicy
from launchwatch.sharing.signing import RejectedMessageError, open_sealed

__all__ = ["Admission"]

log = logging.getLogger("launchwatch.sharing")


class Admission:
    def __init__(
        self,
        partner: str,
        trusted: dict[str, Ed25519PublicKey],
        policy: ReleasePolicy,
        store: NodeStore,
    ) -> None:
        self.partner = partner
        self.trusted = {p: k for p, k in trusted.items() if p != partner}
        self.policy = policy
        self.store = store
        self.accepted = 0
        self.rejected: Counter[str] = Counter()

    def check(
        self,
        data: bytes,
        pending_ids: set[str] | None = None,
        pending_last: dict[tuple[str, str], int] | None = None,
    ) -> Message:
        """The message, verified and new; otherwise :class:`RejectedMessageError` (not stored).
        ``pending_*``: what earlier envelopes of the same delivery let in, not stored yet."""
        message = open_sealed(data, self.trusted)
        if message.version != SCHEMA_VERSION:
            raise RejectedMessageError("unsupported-version", f"version {message.version}")
        if message.recipient != self.partner:
            raise RejectedMessageError("misaddressed", f"addressed to {message.recipient}")
        refusal = self.policy.refusal(message.sender, self.partner, contents_of(message.body))
        if refusal is not None:
            raise RejectedMessageError("policy", refusal)
        if (pending_ids and message.message_id in pending_ids) or self.store.seen(
            message.message_id
        ):
            raise RejectedMessageError(
                "duplicate", f"message {message.message_id} was let in before"
            )
        key = (message.sender, message.stream)
        last = (pending_last or {}).get(key) or self.store.last_sequence(*key)
        if message.sequence <= last:
            raise RejectedMessageError(
                "replayed",
                f"{message.sender} {message.stream} sequence {message.sequence} <= {last}",
            )
        return message

    def _checked(
        self, data: bytes, pending_ids: set[str], pending_last: dict[tuple[str, str], int]
    ) -> Message | RejectedMessageError:
        try:
            return self.check(data, pending_ids, pending_last)
        except RejectedMessageError as exc:
            return exc
        except Exception as exc:
            log.exception("%s: a check failed on an envelope", self.partner)
            return RejectedMessageError("unreadable", repr(exc))

    def admit_all(self, envelopes: list[bytes], position: int | None = None) -> list[Message]:
        """Check every envelope of one delivery, in order; store what is let in, what is
        refused and the position in one transaction; return what was let in."""
        accepted: list[tuple[Message, bytes]] = []
        refused: list[RejectedMessageError] = []
        pending_ids: set[str] = set()
        pending_last: dict[tuple[str, str], int] = {}
        for data in envelopes:
            got = self._checked(data, pending_ids, pending_last)
            if isinstance(got, RejectedMessageError):
                refused.append(got)
                continue
            accepted.append((got, data))
            pending_ids.add(got.message_id)
            pending_last[(got.sender, got.stream)] = got.sequence
        self.store.record(accepted, [(e.reason, e.detail[:500]) for e in refused], position)
        for exc in refused:
            self._log(exc)
        self.accepted += len(accepted)
        return [m for m, _ in accepted]

    def admit(self, data: bytes, position: int | None = None) -> Message | None:
        """One envelope: the message if it was let in, None if refused (stored either way)."""
        let_in = self.admit_all([data], position)
        return let_in[0] if let_in else None

    def refuse(self, exc: RejectedMessageError, position: int | None) -> None:
        """A delivery refused as a whole (not a bundle of envelopes)."""
        self.store.record([], [(exc.reason, exc.detail[:500])], position)
        self._log(exc)

    def _log(self, exc: RejectedMessageError) -> None:
        self.rejected[exc.reason] += 1
        # a broker's redelivery is expected after a crash; the rest is worth a warning
        level = logging.DEBUG if exc.reason == "duplicate" else logging.WARNING
        log.log(level, "%s refused a message: %s", self.partner, exc)
