"""TOML files given by the user (policies, tokens, alert rules), read with errors that name the
option or file and say what is wrong. Scenario files keep their own reader (scenario.py): their
errors also point at the line of each bad value."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from launchwatch.errors import InputError

__all__ = ["read_toml"]


def read_toml(path: Path, field: str) -> dict[str, Any]:
    """The file's table, or an InputError for ``field`` (the option that named the file)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(field, f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(field, f"cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(field, f"{path} is not valid TOML: {exc}") from exc
