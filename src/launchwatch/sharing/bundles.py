"""Several sealed envelopes to one recipient in one bus message.

Every bus message costs a round trip and, on JetStream with ``sync_interval: always``, an fsync;
a node that published one report per bus message could not keep up with a busy flight. So the
pump puts the outbox's next envelopes for a recipient, in order, into one bundle (MessagePack
array of envelopes, at most ``MAX_BUNDLE_ENVELOPES`` or ``MAX_BUNDLE_BYTES``): when traffic is
light a bundle holds one envelope, when it is heavy it holds many. Each envelope inside keeps
its own signature and is checked on its own; order inside a bundle is the order of sending.
"""

from __future__ import annotations

from typing import Final

import msgspec

from launchwatch.sharing.signing import RejectedMessageError

__all__ = ["MAX_BUNDLE_BYTES", "MAX_BUNDLE_ENVELOPES", "decode_bundle", "encode_bundle"]

MAX_BUNDLE_ENVELOPES: Final = 256
MAX_BUNDLE_BYTES: Final = 512 * 1024

_encoder: Final = msgspec.msgpack.Encoder()
_decoder: Final = msgspec.msgpack.Decoder(list[bytes])


def encode_bundle(envelopes: list[bytes]) -> bytes:
    return _encoder.encode(envelopes)


def decode_bundle(data: bytes) -> list[bytes]:
    """The envelopes of a bundle, or RejectedMessageError (``oversized`` or ``malformed``)."""
    if len(data) > MAX_BUNDLE_BYTES + 64 * 1024:
        raise RejectedMessageError("oversized", f"bundle of {len(data)} bytes")
    try:
        envelopes = _decoder.decode(data)
    except (msgspec.MsgspecError, UnicodeDecodeError) as exc:
        raise RejectedMessageError("malformed", f"not a bundle of envelopes: {exc}") from None
    if not envelopes:
        raise RejectedMessageError("malformed", "an empty bundle")
    if len(envelopes) > MAX_BUNDLE_ENVELOPES:
        raise RejectedMessageError("oversized", f"bundle of {len(envelopes)} envelopes")
    return envelopes
