"""A partner's own sensors, kept beside its node's store (``PARTNER.sensors.json``) so that its
watch floor can draw them; like the store, the file never leaves the partner (sensor details
are not shared under the trilateral mechanism)."""

from __future__ import annotations

from pathlib import Path

import msgspec

from launchwatch.scenario import SensorSpec

__all__ = ["own_sensors_path", "read_own_sensors", "write_own_sensors"]


def own_sensors_path(state: Path, partner: str) -> Path:
    return state / f"{partner}.sensors.json"


def write_own_sensors(state: Path, partner: str, sensors: list[SensorSpec]) -> Path:
    path = own_sensors_path(state, partner)
    path.write_bytes(msgspec.json.encode([s for s in sensors if s.owner == partner]))
    return path


def read_own_sensors(state: Path, partner: str) -> list[SensorSpec]:
    """The partner's sensors as its node last wrote them (none if it has not run)."""
    path = own_sensors_path(state, partner)
    if not path.exists():
        return []
    return msgspec.json.decode(path.read_bytes(), type=list[SensorSpec])
