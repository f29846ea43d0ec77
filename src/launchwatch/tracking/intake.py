"""Measurement intake: validate every record of the shared format and put late ones in order.

A record that cannot be used is rejected with the field and the reason, counted per reason,
and never reaches (or crashes) the tracker:
- not JSON, not an object, unknown ``type``, unknown sensor, or a record type the sensor does
  not produce;
- a time that is not ISO 8601 UTC, or further than ``max_future_s`` ahead of the newest time
  seen, or older than ``max_lag_s`` behind it (too late to be put in order);
- a NaN or infinite number, a range that is not positive, an elevation outside ±90°, an
  azimuth outside [-360, 360], a range-rate faster than 20 km/s, a line of sight that is not a
  unit vector (|‖u‖ - 1| > 1e-6).

Late records inside the lag are used, not dropped: :class:`ReorderBuffer` holds records for
``max_lag_s`` of measurement time and releases them in time order, so a record that arrives
out of sequence is filtered at its own time. The price is a latency of ``max_lag_s``.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from launchwatch.scenario import SensorSpec, parse_time

__all__ = ["Intake", "Measurement", "Rejection", "ReorderBuffer", "read_measurements"]

MAX_RANGE_RATE_M_S: Final = 20_000.0
UNIT_TOLERANCE: Final = 1e-6


@dataclass(frozen=True)
class Measurement:
    """One validated measurement; angles in radians inside."""

    time: float
    sensor: str
    kind: str  # "radar" | "los"
    range_m: float = math.nan
    azimuth_rad: float = math.nan
    elevation_rad: float = math.nan
    range_rate_m_s: float = math.nan
    los: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    line: int = 0

    @property
    def has_range_rate(self) -> bool:
        return not math.isnan(self.range_rate_m_s)


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


class _RejectError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason


def _number(record: dict[str, Any], key: str) -> float:
    if key not in record:
        raise _RejectError(key, "missing")
    value = record[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _RejectError(key, f"not a number: {value!r}")
    if not math.isfinite(value):
        raise _RejectError(key, f"not finite: {value!r}")
    return float(value)


@dataclass
class Intake:
    """Validates records against the sensors it knows; keeps the counts.

    ``max_future_s``: a record this far ahead of the newest accepted time is rejected (a clock
    fault, not a measurement). ``max_lag_s``: a record this far behind it is rejected as too
    late to be put in order."""

    sensors: dict[str, SensorSpec]
    max_future_s: float = 600.0
    max_lag_s: float = 5.0
    newest: float = -math.inf
    accepted: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def for_sensors(
        cls, sensors: Iterable[SensorSpec], max_future_s: float = 600.0, max_lag_s: float = 5.0
    ) -> Intake:
        return cls({s.id: s for s in sensors}, max_future_s=max_future_s, max_lag_s=max_lag_s)

    def check(self, record: Any, line: int = 0) -> Measurement | None:
        """The measurement, or None (and a counted rejection)."""
        try:
            m = self._parse(record, line)
        except _RejectError as r:
            self.rejections.append(Rejection(line, r.field, r.reason))
            self.counts[f"{r.field}: {r.reason.split(':')[0]}"] += 1
            return None
        self.accepted += 1
        self.newest = max(self.newest, m.time)
        return m

    def check_line(self, text: str, line: int) -> Measurement | None:
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            self.rejections.append(Rejection(line, "(line)", f"not JSON: {exc.msg}"))
            self.counts["(line): not JSON"] += 1
            return None
        return self.check(record, line)

    def _parse(self, record: Any, line: int) -> Measurement:
        if not isinstance(record, dict):
            raise _RejectError("(line)", "not a JSON object")
        sensor_id = record.get("sensor")
        if not isinstance(sensor_id, str):
            raise _RejectError("sensor", "missing")
        spec = self.sensors.get(sensor_id)
        if spec is None:
            raise _RejectError("sensor", f"unknown sensor {sensor_id!r}")
        kind = record.get("type")
        if kind not in ("radar", "los"):
            raise _RejectError("type", f"unknown type {kind!r} (radar or los)")
        if (kind == "radar") != (spec.type == "radar"):
            raise _RejectError(
                "type", f"sensor {sensor_id} ({spec.type}) does not produce {kind!r}"
            )
        stamp = record.get("time")
        if not isinstance(stamp, str):
            raise _RejectError("time", "missing")
        try:
            t = parse_time(stamp)
        except ValueError as exc:
            raise _RejectError("time", f"not ISO 8601 UTC: {exc}") from exc
        if math.isfinite(self.newest) and t > self.newest + self.max_future_s:
            raise _RejectError("time", f"too far in the future: {t - self.newest:.0f} s ahead")
        if t < self.newest - self.max_lag_s:
            raise _RejectError(
                "time", f"too late: {self.newest - t:.1f} s behind (lag {self.max_lag_s:g} s)"
            )
        if kind == "radar":
            rng = _number(record, "range_m")
            if rng <= 0:
                raise _RejectError("range_m", f"not positive: {rng:g}")
            az = _number(record, "azimuth_deg")
            if not -360.0 <= az <= 360.0:
                raise _RejectError("azimuth_deg", f"outside [-360, 360]: {az:g}")
            el = _number(record, "elevation_deg")
            if not -90.0 <= el <= 90.0:
                raise _RejectError("elevation_deg", f"outside ±90: {el:g}")
            rr = math.nan
            if record.get("range_rate_m_s") is not None:
                rr = _number(record, "range_rate_m_s")
                if abs(rr) > MAX_RANGE_RATE_M_S:
                    raise _RejectError("range_rate_m_s", f"faster than 20 km/s: {rr:g}")
            return Measurement(
                t,
                sensor_id,
                "radar",
                rng,
                math.radians(az % 360.0),
                math.radians(el),
                rr,
                line=line,
            )
        los = record.get("los_ecef")
        if not isinstance(los, list) or len(los) != 3:
            raise _RejectError("los_ecef", "not a list of three numbers")
        u = [_number({"los_ecef": x}, "los_ecef") for x in los]
        norm = math.sqrt(sum(x * x for x in u))
        if abs(norm - 1.0) > UNIT_TOLERANCE:
            raise _RejectError("los_ecef", f"not a unit vector (norm {norm:.9f})")
        return Measurement(t, sensor_id, "los", los=(u[0], u[1], u[2]), line=line)


class ReorderBuffer:
    """Holds measurements for ``lag_s`` of measurement time and releases them in time order."""

    def __init__(self, lag_s: float) -> None:
        self.lag_s = lag_s
        self._heap: list[tuple[float, int, Measurement]] = []
        self._seq = 0
        self.newest = -math.inf
        self.reordered = 0

    def push(self, m: Measurement) -> list[Measurement]:
        """Add one; return the measurements that are now older than newest - lag, in order."""
        if m.time < self.newest:
            self.reordered += 1
        self.newest = max(self.newest, m.time)
        heapq.heappush(self._heap, (m.time, self._seq, m))
        self._seq += 1
        out = []
        while self._heap and self._heap[0][0] <= self.newest - self.lag_s:
            out.append(heapq.heappop(self._heap)[2])
        return out

    def flush(self) -> list[Measurement]:
        out = [heapq.heappop(self._heap)[2] for _ in range(len(self._heap))]
        return out


def read_measurements(lines: Iterable[str], intake: Intake) -> Iterator[Measurement]:
    """Validated measurements of a JSON Lines stream, in time order (late ones put in place
    within ``intake.max_lag_s``)."""
    buffer = ReorderBuffer(intake.max_lag_s)
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        m = intake.check_line(text, n)
        if m is not None:
            yield from buffer.push(m)
    yield from buffer.flush()
