"""Reading the tracker's output (``launchwatch track --out``, tracking/records.py) back in.

Each line is decoded into a typed record (msgspec); a line that is not JSON, lacks a field the
assessment needs or has a value of the wrong type or out of range is an ``InputError`` naming
the file, the line and the field. Lines of other record kinds are ignored.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
import numpy.typing as npt

from launchwatch.errors import InputError
from launchwatch.scenario import parse_time

__all__ = ["AlertRecord", "Ellipse", "TrackHistory", "TrackRecord", "TracksFile", "read_tracks"]

FloatArray = npt.NDArray[np.float64]


class Ellipse(msgspec.Struct):
    lat_deg: float
    lon_deg: float
    time: str
    time_sigma_s: float
    semi_major_km: float
    semi_minor_km: float
    orientation_deg: float
    reached: bool = True
    basis: str = ""
    computed_at: str = ""
    """When the tracker made the prediction (impact ellipses; a record may carry an older one)."""


class TrackRecord(msgspec.Struct):
    time: str
    track: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    position_ecef_m: list[float]
    velocity_ecef_m_s: list[float]
    covariance_ecef: list[list[float]]
    phase: str
    speed_m_s: float
    position_sigma_m: float
    sensors: list[str]
    ballistic_coefficient_kg_m2: float | None = None
    launch: Ellipse | None = None
    impact: Ellipse | None = None
    unresolved: bool = False


class AlertRecord(msgspec.Struct):
    alert: str
    sensor: str
    first_time: str
    launch_lat_deg: float
    launch_lon_deg: float
    launch_sigma_km: float
    detections: int = 1


class _Kind(msgspec.Struct):
    record: str = ""


@dataclass
class TrackHistory:
    id: str
    records: list[TrackRecord]
    times: FloatArray
    """POSIX seconds of each record."""

    @property
    def first(self) -> float:
        return float(self.times[0])

    @property
    def last(self) -> float:
        return float(self.times[-1])

    def altitudes_m(self) -> FloatArray:
        return np.array([r.alt_m for r in self.records])

    def last_impact(self) -> Ellipse | None:
        for r in reversed(self.records):
            if r.impact is not None:
                return r.impact
        return None

    def beta_kg_m2(self) -> float | None:
        for r in reversed(self.records):
            if r.ballistic_coefficient_kg_m2 is not None:
                return r.ballistic_coefficient_kg_m2
        return None


@dataclass
class Alert:
    record: AlertRecord
    time: float


@dataclass
class TracksFile:
    path: str
    tracks: list[TrackHistory]
    alerts: list[Alert]


def _checked(rec: TrackRecord | AlertRecord, where: str) -> None:
    if isinstance(rec, TrackRecord):
        numbers = {"lat_deg": rec.lat_deg, "lon_deg": rec.lon_deg, "alt_m": rec.alt_m}
        if len(rec.position_ecef_m) != 3 or len(rec.velocity_ecef_m_s) != 3:
            raise InputError(where, "position_ecef_m and velocity_ecef_m_s need 3 numbers")
        cov = rec.covariance_ecef
        if len(cov) != 6 or any(len(row) != 6 for row in cov):
            raise InputError(where, "covariance_ecef must be 6 × 6")
    else:
        numbers = {"launch_lat_deg": rec.launch_lat_deg, "launch_lon_deg": rec.launch_lon_deg}
    for name, value in numbers.items():
        if not math.isfinite(value):
            raise InputError(where, f"{name} is not finite")
    lat = numbers.get("lat_deg", numbers.get("launch_lat_deg", 0.0))
    if not -90.0 <= lat <= 90.0:
        raise InputError(where, f"latitude {lat:g} is outside ±90°")


def read_tracks(path: str | Path) -> TracksFile:
    path = Path(path)
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError as exc:
        raise InputError(str(path), "no such file") from exc
    kind_decoder = msgspec.json.Decoder(_Kind)
    track_decoder = msgspec.json.Decoder(TrackRecord)
    alert_decoder = msgspec.json.Decoder(AlertRecord)
    by_track: dict[str, list[tuple[float, TrackRecord]]] = defaultdict(list)
    alerts = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            kind = kind_decoder.decode(line).record
            if kind == "track":
                rec = track_decoder.decode(line)
                _checked(rec, where)
                by_track[rec.track].append((parse_time(rec.time), rec))
            elif kind == "launch-alert":
                alert = alert_decoder.decode(line)
                _checked(alert, where)
                alerts.append(Alert(alert, parse_time(alert.first_time)))
        except msgspec.ValidationError as exc:
            raise InputError(where, str(exc)) from exc
        except msgspec.DecodeError as exc:
            raise InputError(where, f"not a JSON object ({exc})") from exc
        except ValueError as exc:
            raise InputError(where, f"time: {exc}") from exc
    if not by_track:
        raise InputError(str(path), "holds no track records (is it `launchwatch track --out`?)")
    tracks = []
    for tid, items in by_track.items():
        items.sort(key=lambda item: item[0])
        tracks.append(TrackHistory(tid, [r for _, r in items], np.array([t for t, _ in items])))
    tracks.sort(key=lambda tr: tr.first)
    alerts.sort(key=lambda a: a.time)
    return TracksFile(str(path), tracks, alerts)
