"""Scenario files: an epoch, a seed, launches, sensors and reported claims, in TOML.

The format is documented in ``docs/scenarios.md``. Loading checks every key against the schema
below (unknown keys are errors, so a typo is caught) and then the rules between keys (a launch
needs reported numbers or a burnout state). Every error names the key as a path
(``launch[1].range_km``) and the line of the file it is on.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import msgspec

from launchwatch.errors import InputError

__all__ = [
    "Burnout",
    "Claim",
    "Glide",
    "Launch",
    "Scenario",
    "ScenarioError",
    "ScenarioSettings",
    "SensorSpec",
    "load_scenario",
    "load_sensors",
    "load_sensors_with_epoch",
    "parse_time",
]

T = TypeVar("T")

Lat = Annotated[float, msgspec.Meta(ge=-90.0, le=90.0)]
Lon = Annotated[float, msgspec.Meta(ge=-180.0, le=360.0)]
Positive = Annotated[float, msgspec.Meta(gt=0.0)]
NonNegative = Annotated[float, msgspec.Meta(ge=0.0)]
Probability = Annotated[float, msgspec.Meta(gt=0.0, lt=1.0)]


class ScenarioError(InputError):
    """A scenario or sensors file that cannot be used: names the file, line and key."""


class ScenarioSettings(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    epoch: str
    seed: Annotated[int, msgspec.Meta(ge=0)]
    duration_s: Positive | None = None
    truth_step_s: Annotated[float, msgspec.Meta(gt=0.0, le=10.0)] = 0.5
    description: str = ""
    sensors_file: str | None = None
    """A sensors file (path relative to the scenario) whose sensors come before any here."""


class Glide(msgspec.Struct, forbid_unknown_fields=True):
    """A pull-up into a lifting glide when the vehicle falls through ``start_alt_km``."""

    start_alt_km: Positive
    lift_to_drag: Annotated[float, msgspec.Meta(gt=0.0, le=6.0)]
    beta_kg_m2: Positive = 8000.0


class Burnout(msgspec.Struct, forbid_unknown_fields=True):
    """A launch given by its burnout state (no boost is simulated)."""

    lat_deg: Lat
    lon_deg: Lon
    alt_km: NonNegative
    speed_m_s: Positive
    heading_deg: float
    flight_path_deg: Annotated[float, msgspec.Meta(ge=-90.0, le=90.0)]
    time_after_launch_s: NonNegative = 0.0


class Launch(msgspec.Struct, forbid_unknown_fields=True):
    time: str
    id: str = "M"
    lat_deg: Lat | None = None
    lon_deg: Lon | None = None
    azimuth_deg: float | None = None
    impact_lat_deg: Lat | None = None
    impact_lon_deg: Lon | None = None
    range_km: Positive | None = None
    apogee_km: Positive | None = None
    flight_time_s: Positive | None = None
    burn_time_s: Positive | None = None
    count: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    interval_s: NonNegative = 0.0
    sites: list[tuple[Lat, Lon]] = []
    rcs_m2: Positive = 0.5
    reentry_beta_kg_m2: Positive = 20_000.0
    stages: Annotated[int, msgspec.Meta(ge=0, le=3)] = 0
    stage_rcs_m2: Positive = 3.0
    stage_beta_kg_m2: Positive = 1_500.0
    debris: Annotated[int, msgspec.Meta(ge=0, le=500)] = 0
    debris_rcs_m2: Positive = 0.02
    debris_speed_sigma_m_s: NonNegative = 15.0
    glide: Glide | None = None
    burnout: Burnout | None = None
    name: str = ""


class SensorSpec(msgspec.Struct, forbid_unknown_fields=True):
    """One sensor in the shared format of DESIGN.md, with this project's extensions."""

    id: str
    owner: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2,8}$")]
    type: Literal["radar", "space-ir"]
    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = 0.0
    name: str = ""
    # radar
    sigma_range_m: NonNegative = 30.0
    sigma_azimuth_deg: NonNegative = 0.05
    sigma_elevation_deg: NonNegative = 0.05
    sigma_range_rate_m_s: NonNegative | None = None
    bias_range_m: float = 0.0
    bias_azimuth_deg: float = 0.0
    bias_elevation_deg: float = 0.0
    max_range_km: Positive = 1000.0
    min_elevation_deg: Annotated[float, msgspec.Meta(ge=-5.0, le=90.0)] = 2.0
    revisit_s: Positive = 1.0
    pd_ref: Probability = 0.9
    pd_ref_range_km: Positive | None = None
    ref_rcs_m2: Positive = 1.0
    pfa: Probability = 1e-6
    false_alarms_per_scan: NonNegative = 0.0
    resolution_range_m: NonNegative = 150.0
    resolution_angle_deg: NonNegative = 0.3
    azimuth_min_deg: float = 0.0
    azimuth_max_deg: float = 360.0
    course_deg: float = 0.0
    speed_kn: NonNegative = 0.0
    # space-ir
    sigma_los_urad: NonNegative = 30.0
    resolution_los_urad: NonNegative = 50.0
    orbit: Literal["geo", "heo"] = "geo"
    semi_major_axis_km: Positive = 26_560.0
    eccentricity: Annotated[float, msgspec.Meta(ge=0.0, lt=1.0)] = 0.74
    inclination_deg: float = 63.4
    raan_deg: float = 0.0
    arg_perigee_deg: float = 270.0
    mean_anomaly_deg: float = 0.0


class Claim(msgspec.Struct, forbid_unknown_fields=True):
    """A number or statement reported about the event (carried, not simulated)."""

    source: str
    text: str
    range_km: Positive | None = None
    apogee_km: Positive | None = None
    flight_time_s: Positive | None = None


class _File(msgspec.Struct, forbid_unknown_fields=True):
    scenario: ScenarioSettings
    launch: list[Launch]
    sensor: list[SensorSpec] = []
    claim: list[Claim] = []


class _SensorsFile(msgspec.Struct, forbid_unknown_fields=True):
    sensor: list[SensorSpec]
    epoch: str | None = None
    """The time moving sensors' positions refer to (written by ``simulate``)."""


@dataclass(frozen=True)
class Scenario:
    path: Path
    settings: ScenarioSettings
    epoch_s: float
    launches: list[Launch]
    launch_times_s: list[float]
    sensors: list[SensorSpec]
    claims: list[Claim]


def parse_time(text: str) -> float:
    """ISO 8601 UTC (``2025-01-06T03:01:00Z``) to POSIX seconds; raises ValueError."""
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone; write UTC with a trailing Z")
    return t.timestamp()


class _Lines:
    """Where each table and key of a TOML file is, for error messages."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.where: dict[tuple[str | int, ...], int] = {}
        counts: dict[str, int] = {}
        base: tuple[str | int, ...] = ()
        for n, line in enumerate(text.splitlines(), start=1):
            if m := self._HEADER.match(line):
                parts = m.group(2).split(".")
                if m.group(1) == "[[":
                    counts[parts[0]] = counts.get(parts[0], 0) + 1
                    base = (parts[0], counts[parts[0]] - 1, *parts[1:])
                elif parts[0] in counts:  # [launch.glide] belongs to the latest [[launch]]
                    base = (parts[0], counts[parts[0]] - 1, *parts[1:])
                else:
                    base = tuple(parts)
                self.where.setdefault(base, n)
            elif m := self._KEY.match(line):
                self.where.setdefault((*base, m.group(1)), n)

    def line(self, path: tuple[str | int, ...]) -> int | None:
        while path:
            if path in self.where:
                return self.where[path]
            path = path[:-1]
        return None


def _path_of(msgspec_path: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for name, index in re.findall(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]", msgspec_path):
        out.append(name if name else int(index))
    return tuple(out)


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for p in path:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else p)
    return text or "(file)"


def _fail(file: Path, lines: _Lines, path: tuple[str | int, ...], reason: str) -> ScenarioError:
    n = lines.line(path)
    where = f"{file.name} line {n}" if n else file.name
    return ScenarioError(f"{_dotted(path)} ({where})", reason)


def _read(path: Path) -> tuple[str, dict[str, object], _Lines]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), f"cannot read the file: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path.name, f"not valid TOML: {exc}") from exc
    return text, data, _Lines(text)


def _convert(data: dict[str, object], kind: type[T], path: Path, lines: _Lines) -> T:
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        message = str(exc)
        reason, _, where = message.rpartition(" - at ")
        keys = _path_of(where.strip("`")) if where else ()
        if m := re.search(r"(?:unknown|missing required) field `([^`]+)`", reason):
            keys = (*keys, m.group(1))
            reason = reason.replace("Object contains unknown", "unknown").replace(
                "Object missing required", "missing required"
            )
        raise _fail(path, lines, keys, reason or message) from exc


def _check_sensors(sensors: list[SensorSpec], path: Path, lines: _Lines) -> None:
    seen: set[str] = set()
    for i, s in enumerate(sensors):
        if s.id in seen:
            raise _fail(path, lines, ("sensor", i, "id"), f"duplicate sensor id {s.id!r}")
        seen.add(s.id)
        for key in ("lat_deg", "lon_deg", "alt_m", "sigma_range_m", "max_range_km"):
            if not math.isfinite(getattr(s, key)):
                raise _fail(path, lines, ("sensor", i, key), "must be finite")
        if s.type == "space-ir" and s.orbit == "geo" and s.alt_m < 1e6:
            raise _fail(
                path,
                lines,
                ("sensor", i, "alt_m"),
                "a geostationary satellite's alt_m is about 35786000",
            )


def load_sensors(path: str | Path) -> list[SensorSpec]:
    """A sensors file: ``[[sensor]]`` tables (and an optional ``epoch``)."""
    return load_sensors_with_epoch(path)[0]


def load_sensors_with_epoch(path: str | Path) -> tuple[list[SensorSpec], float | None]:
    """The sensors and the file's ``epoch`` (POSIX seconds) if it has one."""
    p = Path(path)
    _, data, lines = _read(p)
    f = _convert(data, _SensorsFile, p, lines)
    _check_sensors(f.sensor, p, lines)
    epoch = None
    if f.epoch is not None:
        try:
            epoch = parse_time(f.epoch)
        except ValueError as exc:
            raise _fail(p, lines, ("epoch",), f"not an ISO 8601 UTC time: {exc}") from exc
    return f.sensor, epoch


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raises :class:`ScenarioError`."""
    p = Path(path)
    _, data, lines = _read(p)
    f = _convert(data, _File, p, lines)
    try:
        epoch = parse_time(f.scenario.epoch)
    except ValueError as exc:
        raise _fail(p, lines, ("scenario", "epoch"), f"not an ISO 8601 UTC time: {exc}") from exc
    if not f.launch:
        raise _fail(p, lines, ("launch",), "a scenario needs at least one [[launch]]")
    times = []
    for i, launch in enumerate(f.launch):
        try:
            times.append(parse_time(launch.time))
        except ValueError as exc:
            raise _fail(
                p, lines, ("launch", i, "time"), f"not an ISO 8601 UTC time: {exc}"
            ) from exc
        if times[-1] < epoch:
            raise _fail(p, lines, ("launch", i, "time"), "is before the scenario epoch")
        reported = [launch.range_km, launch.apogee_km]
        if launch.burnout is None:
            for key, value in (
                ("lat_deg", launch.lat_deg),
                ("lon_deg", launch.lon_deg),
                ("range_km", launch.range_km),
                ("apogee_km", launch.apogee_km),
            ):
                if value is None and not (key in ("lat_deg", "lon_deg") and launch.sites):
                    raise _fail(
                        p,
                        lines,
                        ("launch", i, key),
                        "missing: give reported numbers (lat_deg, lon_deg, range_km, "
                        "apogee_km, azimuth_deg or impact point) or a [launch.burnout]",
                    )
            has_impact = launch.impact_lat_deg is not None and launch.impact_lon_deg is not None
            if (launch.azimuth_deg is None) == (not has_impact):
                raise _fail(
                    p,
                    lines,
                    ("launch", i, "azimuth_deg"),
                    "give either azimuth_deg or impact_lat_deg and impact_lon_deg",
                )
        elif any(v is not None for v in reported):
            raise _fail(
                p,
                lines,
                ("launch", i, "burnout"),
                "give reported numbers or a burnout state, not both",
            )
        if launch.count > 1 and launch.interval_s == 0 and not launch.sites:
            raise _fail(
                p,
                lines,
                ("launch", i, "interval_s"),
                "a salvo from one site needs interval_s > 0 (or several sites)",
            )
    sensors = list(f.sensor)
    if f.scenario.sensors_file is not None:
        included = p.parent / f.scenario.sensors_file
        if not included.is_file():
            raise _fail(p, lines, ("scenario", "sensors_file"), f"no such file: {included}")
        sensors = load_sensors(included) + sensors
    if not sensors:
        raise _fail(p, lines, ("sensor",), "a scenario needs at least one [[sensor]]")
    _check_sensors(sensors, p, lines)
    return Scenario(p, f.scenario, epoch, f.launch, times, sensors, f.claim)
