"""Reported claims against the measurement: a numeric claim disagrees when the measured value
is outside the claim's own reach by more than three of the measurement's σ. A claim's reach
follows its wording: "about", "approximately", "some", "around" allow 10 % either way; "more
than", "over", "at least" only bound from below, "up to", "less than" only from above (10 %
slack); a bare figure allows 5 % (public figures are rounded)."""

from __future__ import annotations

from typing import Any

from launchwatch.assessment.measures import Measure
from launchwatch.record.schema import Claim

__all__ = ["check_claims"]

_LOOSE = ("about", "approximately", "some", "around", "roughly", "nearly", "almost")
_LOWER = ("more than", "over", "at least")
_UPPER = ("up to", "less than")


def _verdict(claim: Claim, measured: Measure) -> bool:
    """True if the claim disagrees with the measurement."""
    if claim.number is None:
        return False
    x, m, three = claim.number, measured.value, 3.0 * measured.sigma
    if claim.qualifier in _LOWER:
        return m + three < 0.9 * x
    if claim.qualifier in _UPPER:
        return m - three > 1.1 * x
    slack = 0.10 if claim.qualifier in _LOOSE else 0.05
    return abs(m - x) > three + slack * abs(x)


def check_claims(claims: list[Claim], measured: dict[str, Measure]) -> list[dict[str, Any]]:
    out = []
    for c in claims:
        row: dict[str, Any] = {
            "report": c.report,
            "report_date": c.report_date.isoformat(),
            "field": c.field,
            "value": c.value,
            "number": c.number,
            "qualifier": c.qualifier or None,
            "sentence": c.sentence,
            "measured": None,
            "disagrees": None,
        }
        m = measured.get(c.field)
        if m is not None and c.number is not None:
            row["measured"] = {"value": round(m.value, 1), "sigma": round(m.sigma, 2)}
            row["disagrees"] = _verdict(c, m)
            if row["disagrees"]:
                row["text"] = (
                    f'"{c.value}" ({c.report}) disagrees with the measured '
                    f"{m.value:,.0f} ± {max(m.sigma, 1):,.0f}: “{c.sentence}”"
                )
        out.append(row)
    return out
