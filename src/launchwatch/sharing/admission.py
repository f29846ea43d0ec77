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

    def check(self, data: bytes) -> Message:
        """The message, verified and new; otherwise :class:`RejectedMessageError` (not stored)."""
        message = open_sealed(data, self.trusted)
        if message.version != SCHEMA_VERSION:
            raise RejectedMessageError("unsupported-version", f"version {message.version}")
        if message.recipient != self.partner:
            raise RejectedMessageError("misaddressed", f"addressed to {message.recipient}")
        refusal = self.policy.refusal(message.sender, self.partner, contents_of(message))
        if refusal is not None:
            raise RejectedMessageError("policy", refusal)
        if self.store.seen(message.message_id):
            raise RejectedMessageError(
                "duplicate", f"message {message.message_id} was let in before"
            )
        last = self.store.last_sequence(message.sender, message.stream)
        if message.sequence <= last:
            raise RejectedMessageError(
                "replayed",
                f"{message.sender} {message.stream} sequence {message.sequence} <= {last}",
            )
        return message

    def _count(self, exc: RejectedMessageError, position: int | None) -> None:
        self.rejected[exc.reason] += 1
        self.store.reject(exc.reason, exc.detail[:500], position)
        # a broker's redelivery is expected after a crash; the rest is worth a warning
        level = logging.DEBUG if exc.reason == "duplicate" else logging.WARNING
        log.log(level, "%s refused a message: %s", self.partner, exc)

    def admit(self, data: bytes, position: int | None = None) -> Message | None:
        """Check, then store and count: the message if it was let in, None if refused."""
        try:
            message = self.check(data)
        except RejectedMessageError as exc:
            self._count(exc, position)
            return None
        except Exception as exc:
            log.exception("%s: a check failed on an envelope", self.partner)
            self._count(RejectedMessageError("unreadable", repr(exc)), position)
            return None
        self.store.accept(message, data, position)
        self.accepted += 1
        return message
