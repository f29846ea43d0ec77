"""Measurements in the shared JSON Lines format (DESIGN.md), one object per line:

    {"time": "2025-01-06T03:01:12.300Z", "sensor": "ROK-R1", "type": "radar",
     "range_m": 412345.2, "azimuth_deg": 71.2, "elevation_deg": 12.9, "range_rate_m_s": 1510.3}
    {"time": "2025-01-06T03:00:31.000Z", "sensor": "USA-IR1", "type": "los",
     "los_ecef": [0.1, -0.7, 0.7]}

Times are UTC with millisecond resolution; ``range_rate_m_s`` is left out when the sensor does
not measure it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec
import numpy as np
import numpy.typing as npt

from launchwatch.errors import InputError
from launchwatch.sensors import Detections

__all__ = [
    "LosMeasurement",
    "RadarMeasurement",
    "format_time",
    "format_times",
    "merged_order",
    "read_lines",
    "write_measurements",
]


class RadarMeasurement(msgspec.Struct, kw_only=True, omit_defaults=True):
    time: str
    sensor: str
    type: str  # always written: omit_defaults would drop a default "radar"
    range_m: float
    azimuth_deg: float
    elevation_deg: float
    range_rate_m_s: float | None = None


class LosMeasurement(msgspec.Struct, kw_only=True):
    time: str
    sensor: str
    type: str = "los"
    los_ecef: list[float]


def read_lines(path: Path) -> list[str]:
    """A measurements file's lines; an InputError naming the file if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the file: {exc}") from exc


def format_times(t: npt.ArrayLike) -> list[str]:
    """POSIX seconds to ISO 8601 UTC strings with milliseconds and a trailing Z."""
    ms = np.round(np.asarray(t, dtype=np.float64) * 1000.0).astype("int64")
    text = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")
    return [s + "Z" for s in text.tolist()]


def format_time(t: float) -> str:
    """One POSIX time as :func:`format_times` writes it."""
    return format_times([t])[0]


def merged_order(parts: Sequence[Detections]) -> tuple[np.ndarray, np.ndarray]:
    """(part index, row index) of every detection of all sensors in time order (ties: the
    order of the sensors in the scenario)."""
    which = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)] or [np.zeros(0, int)])
    rows = np.concatenate([np.arange(len(p)) for p in parts] or [np.zeros(0, int)])
    times = np.concatenate([p.time for p in parts] or [np.zeros(0)])
    order = np.lexsort((rows, which, np.round(times * 1000.0)))
    return which[order].astype(np.int64), rows[order].astype(np.int64)


def _records(
    parts: Sequence[Detections], which: np.ndarray, rows: np.ndarray
) -> Iterable[RadarMeasurement | LosMeasurement]:
    cols = []
    for p in parts:
        cols.append(
            (
                format_times(p.time),
                np.round(p.range_m, 3).tolist(),
                np.round(p.azimuth_deg, 6).tolist(),
                np.round(p.elevation_deg, 6).tolist(),
                np.round(p.range_rate_m_s, 3).tolist(),
                np.round(p.los, 9).tolist(),
            )
        )
    for w, i in zip(which.tolist(), rows.tolist(), strict=True):
        p = parts[w]
        times, rng, az, el, rr, los = cols[w]
        if p.sensor.type == "radar":
            rate = rr[i]
            yield RadarMeasurement(
                type="radar",
                time=times[i],
                sensor=p.sensor.id,
                range_m=rng[i],
                azimuth_deg=az[i],
                elevation_deg=el[i],
                range_rate_m_s=None if rate != rate else rate,
            )
        else:
            yield LosMeasurement(time=times[i], sensor=p.sensor.id, los_ecef=los[i])


def write_measurements(
    path: str | Path, parts: Sequence[Detections]
) -> tuple[np.ndarray, np.ndarray]:
    """Write all detections as one time-ordered JSON Lines file; returns the order written
    (part index, row index per line), so line n+1 of the file is ``parts[w[n]]`` row ``r[n]``."""
    which, rows = merged_order(parts)
    encoder = msgspec.json.Encoder()
    with open(path, "wb") as f:
        f.write(encoder.encode_lines(list(_records(parts, which, rows))))
    return which, rows
