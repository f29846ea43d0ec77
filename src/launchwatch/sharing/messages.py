"""What the partners tell each other: a versioned message schema and its two encodings.

Every message carries a message id (unique per sent report; the same report sent to several
partners keeps its id), the sending partner, the one recipient it is addressed to, a stream
(the track or event it is about) with a sequence number that grows along that stream, the
event time (when what it reports was true) and the send time. Its body is one of:

``track``    where an object is (position, velocity, covariance), its phase and the launch point
             back-propagated from it: the flight path, one point per report;
``impact``   where and when it will fall, with the 95 % ellipse;
``event``    a launch: where and when, how it was found (an infrared alert or a track);
``alert``    a public warning a partner raised (rule set, areas, reason);
``measurement`` a raw sensor measurement (the release policy shares it with nobody: it
             exists so that the policy has something to refuse).

A track report may name the sensors behind it (``sensors``); the policy treats that as the
content ``sensor-identities``. On the wire a message is MessagePack (compact, binary); for
people it is JSON with ISO 8601 times. Times are UTC datetimes at this edge.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Final, Literal

import msgspec

__all__ = [
    "CONTENTS",
    "KINDS",
    "SCHEMA_VERSION",
    "AlertReport",
    "Body",
    "Ellipse",
    "ImpactReport",
    "LaunchEvent",
    "MeasurementReport",
    "Message",
    "TrackReport",
    "contents_of",
    "decode_message",
    "encode_message",
    "kind_of",
    "message_json",
    "new_message_id",
]

SCHEMA_VERSION: Final = 1
KINDS: Final = ("track", "impact", "event", "alert", "measurement")
CONTENTS: Final = (*KINDS, "sensor-identities")
"""What a release rule can name: a message kind, or sensor identities inside a message."""

Latitude = Annotated[float, msgspec.Meta(ge=-90.0, le=90.0)]
Longitude = Annotated[float, msgspec.Meta(ge=-180.0, le=180.0)]
NonNegative = Annotated[float, msgspec.Meta(ge=0.0)]
Partner = Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Vector3 = Annotated[list[float], msgspec.Meta(min_length=3, max_length=3)]
Row6 = Annotated[list[float], msgspec.Meta(min_length=6, max_length=6)]
Matrix6 = Annotated[list[Row6], msgspec.Meta(min_length=6, max_length=6)]


class Ellipse(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A point on the ground with its 95 % error ellipse and the time it applies to."""

    lat_deg: Latitude
    lon_deg: Longitude
    time: dt.datetime
    time_sigma_s: NonNegative
    semi_major_km: NonNegative
    semi_minor_km: NonNegative
    orientation_deg: Annotated[float, msgspec.Meta(ge=-360.0, le=360.0)]


class TrackReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="track"):
    track: Name
    lat_deg: Latitude
    lon_deg: Longitude
    alt_m: float
    position_ecef_m: Vector3
    velocity_ecef_m_s: Vector3
    covariance_ecef: Matrix6
    """6 × 6 in m and m/s."""
    phase: Literal["boost", "ballistic", "glide", "re-entry"]
    launch: Ellipse | None = None
    sensors: list[Name] = []
    """Sensor identities: withheld unless the policy releases ``sensor-identities``."""
    ballistic_coefficient_kg_m2: Annotated[float, msgspec.Meta(gt=0.0)] | None = None
    """The tracker's estimate once observed (it tells a spent stage from a warhead)."""


class ImpactReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="impact"):
    track: Name
    impact: Ellipse
    basis: Literal["ballistic flight", "if the motor stopped now"]


class LaunchEvent(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="event"):
    event: Name
    lat_deg: Latitude
    lon_deg: Longitude
    sigma_km: NonNegative
    launch_time: dt.datetime
    basis: Name


class AlertReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="alert"):
    alert: Name
    rule_set: Name
    areas: list[Name]
    reason: Annotated[str, msgspec.Meta(max_length=500)]
    track: Name | None = None
    """The track whose update made the rule hold."""
    action: Literal["alert-regions", "inform"] = "alert-regions"
    """``alert-regions``: a public warning to ``areas``; ``inform``: the government is told,
    no public warning (Japan: a fall in the 200-nmi zone alone)."""


class MeasurementReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="measurement"):
    sensor: Name
    record: dict[str, float | str | list[float]]


Body = TrackReport | ImpactReport | LaunchEvent | AlertReport | MeasurementReport


class Message(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    version: Annotated[int, msgspec.Meta(ge=1)]
    message_id: Annotated[str, msgspec.Meta(min_length=8, max_length=64)]
    sender: Partner
    recipient: Partner
    stream: Name
    """The track or event the message is about; ``sequence`` grows along it."""
    sequence: Annotated[int, msgspec.Meta(ge=1)]
    event_time: dt.datetime
    send_time: dt.datetime
    body: Body


_encoder: Final = msgspec.msgpack.Encoder()
_decoder: Final = msgspec.msgpack.Decoder(Message)
_json_encoder: Final = msgspec.json.Encoder()


def new_message_id() -> str:
    return uuid.uuid4().hex


def kind_of(body: Body) -> str:
    return str(type(body).__struct_config__.tag)  # every body class above declares its tag


def contents_of(body: Body) -> frozenset[str]:
    """The release policy's view of a report: its kind, and sensor identities if it names any."""
    found = {kind_of(body)}
    if isinstance(body, TrackReport) and body.sensors:
        found.add("sensor-identities")
    if isinstance(body, MeasurementReport):
        found.add("sensor-identities")
    return frozenset(found)


def encode_message(message: Message) -> bytes:
    return _encoder.encode(message)


def decode_message(data: bytes) -> Message:
    """MessagePack bytes to a Message; raises msgspec.ValidationError or DecodeError."""
    return _decoder.decode(data)


def message_json(message: Message) -> bytes:
    """The same message for people: JSON with ISO 8601 UTC times."""
    return _json_encoder.encode(message)
