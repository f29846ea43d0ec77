"""Every message signed by its partner's Ed25519 key.

NATS authenticates connections, not messages, so a message carries its own proof of origin.
On the wire it is a sealed envelope, MessagePack ``[sender, payload, signature]``: the payload is
the encoded :class:`~launchwatch.sharing.messages.Message` and the signature is Ed25519 over
the payload bytes exactly as sent (no re-encoding on the receiving side, so no canonical form
is needed). The receiver picks the key by the envelope's sender and then checks that the
message inside names the same sender.
"""

from __future__ import annotations

from typing import Final

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from launchwatch.sharing.messages import Message, decode_message, encode_message

__all__ = ["MAX_WIRE_BYTES", "RejectedMessageError", "Sealed", "open_sealed", "seal"]

MAX_WIRE_BYTES: Final = 64 * 1024
"""Larger envelopes are refused before they are decoded (a track report is about 1 kB)."""


class Sealed(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True):
    sender: str
    payload: bytes
    signature: bytes


class RejectedMessageError(Exception):
    """A received message that is not let in; ``reason`` is one of a few counted words."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


_UNREADABLE: Final = (msgspec.MsgspecError, UnicodeDecodeError)
"""What decoding hostile bytes raises (msgspec lets invalid UTF-8 in a string through as
UnicodeDecodeError: found by the fuzz test)."""
_encoder: Final = msgspec.msgpack.Encoder()
_decoder: Final = msgspec.msgpack.Decoder(Sealed)


def seal(message: Message, key: Ed25519PrivateKey) -> bytes:
    payload = encode_message(message)
    return _encoder.encode(Sealed(message.sender, payload, key.sign(payload)))


def open_sealed(data: bytes, trusted: dict[str, Ed25519PublicKey]) -> Message:
    """The verified message inside an envelope, or :class:`RejectedMessageError` saying why not.

    Reasons: ``oversized``, ``malformed`` (not an envelope, or a payload that is not a valid
    message), ``unknown-partner``, ``unsigned``, ``bad-signature`` (tampered or forged), and
    ``forged`` (a valid signature by one partner over a message claiming another sender).
    """
    if len(data) > MAX_WIRE_BYTES:
        raise RejectedMessageError("oversized", f"{len(data)} bytes > {MAX_WIRE_BYTES}")
    try:
        sealed = _decoder.decode(data)
    except _UNREADABLE as exc:
        raise RejectedMessageError("malformed", f"not a sealed envelope: {exc}") from None
    key = trusted.get(sealed.sender)
    if key is None:
        raise RejectedMessageError("unknown-partner", f"no trusted key for {sealed.sender[:32]!r}")
    if not sealed.signature:
        raise RejectedMessageError("unsigned", f"message from {sealed.sender} has no signature")
    try:
        key.verify(sealed.signature, sealed.payload)
    except InvalidSignature:
        raise RejectedMessageError(
            "bad-signature", f"signature does not match {sealed.sender}'s key"
        ) from None
    try:
        message = decode_message(sealed.payload)
    except _UNREADABLE as exc:
        raise RejectedMessageError("malformed", f"signed payload is not a message: {exc}") from None
    if message.sender != sealed.sender:
        raise RejectedMessageError(
            "forged", f"signed by {sealed.sender}, claims to be {message.sender}"
        )
    return message
