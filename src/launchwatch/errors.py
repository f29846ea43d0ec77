"""The one exception tree of launchwatch.

Every error a user can cause is an :class:`InputError` that names the field and the reason, so
a CLI can print one line and exit 2. Errors from libraries are wrapped where they enter
(``raise InputError(...) from exc``).
"""

from __future__ import annotations

__all__ = ["InfeasibleFlightError", "InputError", "LaunchwatchError"]


class LaunchwatchError(Exception):
    """Base class of every error launchwatch raises on purpose."""


class InputError(LaunchwatchError, ValueError):
    """A value given by the user cannot be used.

    ``field`` names the input (as the user wrote it: ``apogee_km``, ``--launch``) and
    ``reason`` says what is wrong and, where possible, what would be accepted.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class InfeasibleFlightError(InputError):
    """The reported numbers describe no ballistic flight (for example a flight time that no
    trajectory with that range and apogee can have)."""
