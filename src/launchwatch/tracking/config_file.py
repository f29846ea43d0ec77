"""A tracker configuration from TOML (``launchwatch track --config FILE``): the fields of
``TrackerConfig`` at the top level and those of ``ImmConfig`` in an ``[imm]`` table, each
optional (a field left out keeps its default). An unknown field, a wrong type or a value the
tracker refuses is an error that names the field::

    lone_ballistic_q_m2_s3 = 1e-5        # TrackerConfig
    [imm]
    stay = [0.98, 0.99999, 0.98]         # ImmConfig: boost, ballistic, glide
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import msgspec

from launchwatch.errors import InputError
from launchwatch.toml_input import read_toml
from launchwatch.tracking.imm import ImmConfig
from launchwatch.tracking.tracker import Tracker, TrackerConfig

__all__ = ["load_tracker_config"]


def _unknown(table: dict[str, Any], cls: type, where: str) -> None:
    known = {f.name for f in dataclasses.fields(cls)}
    extra = sorted(set(table) - known)
    if extra:
        raise InputError(
            f"{where}{extra[0]}", f"unknown setting (known: {', '.join(sorted(known))})"
        )


def load_tracker_config(path: str | Path, field: str = "--config") -> TrackerConfig:
    """The TrackerConfig a TOML file describes, checked by building a tracker with it."""
    path = Path(path)
    data = read_toml(path, field)
    imm_table = data.get("imm", {})
    if not isinstance(imm_table, dict):
        raise InputError(f"{path.name}: imm", "must be a table ([imm])")
    _unknown(data, TrackerConfig, f"{path.name}: ")
    _unknown(imm_table, ImmConfig, f"{path.name}: imm.")
    try:
        config = msgspec.convert(data, TrackerConfig)
    except msgspec.ValidationError as exc:
        # msgspec ends its message with " - at `$.imm.stay[1]`"
        reason, _, at = str(exc).partition(" - at ")
        where = at.strip("`").removeprefix("$.")
        raise InputError(f"{path.name}: {where}" if where else path.name, reason) from exc
    try:
        Tracker([], 0.0, config)
    except ValueError as exc:
        raise InputError(f"{path.name}", str(exc)) from exc
    return config
