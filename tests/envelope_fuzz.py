"""Hostile envelopes for the receiving side: forged, tampered, replayed, oversized, malformed.

``hostile_envelopes(rng, keys, n)`` yields (kind, bytes) pairs drawn from a seeded generator.
Every one must be refused; none may crash a node. Used by tests (a few thousand) and by
bench/bench_sharing.py (tens of thousands, and through a live bus).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from launchwatch.sharing.keys import load_private_key
from launchwatch.sharing.messages import SCHEMA_VERSION, MeasurementReport, Message
from launchwatch.sharing.signing import MAX_WIRE_BYTES, Sealed, seal

T0 = dt.datetime(2025, 1, 6, 3, 1, tzinfo=dt.UTC)


def _valid(rng: random.Random, sender: str, recipient: str, sequence: int) -> Message:
    from sharing_net import track_report

    return Message(
        version=SCHEMA_VERSION,
        message_id=f"{rng.getrandbits(64):016x}{sequence:08d}",
        sender=sender,
        recipient=recipient,
        stream="T1",
        sequence=sequence,
        event_time=T0,
        send_time=T0,
        body=track_report("T1", sequence % 50),
    )


def _random_value(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randrange(8 if depth < 3 else 5)
    if choice == 0:
        return rng.randint(-(2**63), 2**64 - 1)
    if choice == 1:
        return rng.choice([float("nan"), float("inf"), -0.0, 1e308, rng.random()])
    if choice == 2:
        return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(40)))
    if choice == 3:
        return rng.randbytes(rng.randrange(64))
    if choice == 4:
        return rng.choice([None, True, False])
    if choice == 5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(6))]
    return {
        str(_random_value(rng, 3)): _random_value(rng, depth + 1) for _ in range(rng.randrange(6))
    }


def hostile_envelopes(
    rng: random.Random, keys: Path, n: int, recipient: str = "JPN"
) -> Iterator[tuple[str, bytes]]:
    rok = load_private_key(keys, "ROK")
    usa = load_private_key(keys, "USA")
    stranger = Ed25519PrivateKey.generate()
    encode = msgspec.msgpack.encode
    replay_pool: list[bytes] = []
    for i in range(n):
        kind = rng.choice(
            [
                "bit-flip",
                "truncated",
                "random-bytes",
                "random-structure",
                "stranger-signed",
                "claims-another-sender",
                "signed-garbage",
                "unsigned",
                "oversized",
                "replayed",
                "withheld-content",
                "misaddressed",
            ]
        )
        good = seal(_valid(rng, "ROK", recipient, 10_000 + i), rok)
        if kind == "bit-flip":
            data = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            if bytes(data) == good:
                continue
            yield kind, bytes(data)
        elif kind == "truncated":
            yield kind, good[: rng.randrange(len(good))]
        elif kind == "random-bytes":
            yield kind, rng.randbytes(rng.randrange(1, 2048))
        elif kind == "random-structure":
            yield kind, encode(_random_value(rng))
        elif kind == "stranger-signed":
            yield kind, seal(_valid(rng, "ROK", recipient, 1), stranger)
        elif kind == "claims-another-sender":
            payload = msgspec.msgpack.decode(good, type=Sealed).payload
            yield kind, encode(Sealed("USA", payload, usa.sign(payload)))
        elif kind == "signed-garbage":
            payload = encode(_random_value(rng))
            yield kind, encode(Sealed("ROK", payload, rok.sign(payload)))
        elif kind == "unsigned":
            payload = msgspec.msgpack.decode(good, type=Sealed).payload
            yield kind, encode(Sealed("ROK", payload, b""))
        elif kind == "oversized":
            yield kind, good + rng.randbytes(MAX_WIRE_BYTES)
        elif kind == "replayed":
            if replay_pool:
                yield kind, rng.choice(replay_pool)
            else:
                replay_pool.append(good)
                yield "first-of-replayed", good
        elif kind == "withheld-content":
            m = _valid(rng, "ROK", recipient, 20_000 + i)
            body = MeasurementReport(sensor="ROK-R1", record={"range_m": rng.random()})
            yield kind, seal(msgspec.structs.replace(m, body=body), rok)
        else:
            yield kind, seal(_valid(rng, "ROK", "USA", 30_000 + i), rok)
