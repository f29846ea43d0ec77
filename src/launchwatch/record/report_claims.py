"""The claims a public report makes about a launch, each with the sentence it came from.

Numbers and units are read by quantulum3 ("about 1,100 kilometers", "seven missiles",
"2,800 miles"), dates and times by dateparser ("today", "on Tuesday", "7:30 a.m.", relative
words resolved from the report's date). What this module adds is which claim a quantity
belongs to, from the words around it:

- ``range_km``: a length in a sentence about how far it flew (flew, travelled, range,
  distance), or ``capability_range_km`` where the sentence is about what it could do;
  ``apogee_km``: a length in a sentence about altitude (altitude, apogee, height);
- ``flight_time_s``: a duration in a sentence about the flight ("flew for 70 minutes");
- ``count``: the number before "missile(s)" or a class name ("seven short-range ballistic
  missiles", "two SRBMs"; "a ballistic missile" is one);
- ``type``: a class (ICBM, IRBM, MRBM, SRBM, SLBM, hypersonic, cruise) or a name
  (Hwasong-18, KN-23, Pukguksong-3);
- ``launch_area``: "from (near) the X area/region/county/province" or "from (near) X";
- ``launch_time``: a date or time in a sentence about the launch; times without a zone are
  read as Korea/Japan time (UTC+9), as the JCS and Japan's Ministry of Defense give them,
  unless the sentence says GMT or UTC;
- ``fell_in``: what follows "fell", "landed" or "splashed down" up to the end of the clause;
- ``previous_launch``: a date in a sentence about the previous or last launch ("the first
  since ..."); the count and type in such a sentence are ``previous_count`` and
  ``previous_type``;
- ``context_event``: a sentence about a visit, election, exercise, drill or summit, with its
  date (the report's date when it names none).

Quantulum3 is used without its optional classifier, which leaves two homonyms to settle by
context: a "minute" or "second" in a report about a flight is time, not arc, and "km at"
is read as "kilometre ampere-turn", so the unit is taken from its first word.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Final

from dateparser.search import search_dates

with warnings.catch_warnings():
    # "Classifier dependencies not installed": launchwatch does not use the classifier
    warnings.simplefilter("ignore", UserWarning)
    from quantulum3 import parser as quantities

__all__ = ["ReportClaim", "extract_claims", "split_sentences"]

KOREA_UTC_OFFSET: Final = dt.timedelta(hours=9)
_LENGTH_KM: Final = {"kilometre": 1.0, "mile": 1.609344, "nautical mile": 1.852, "metre": 1e-3}
_TIME_S: Final = {
    "minute": 60.0,
    "minute of arc": 60.0,
    "second": 1.0,
    "second of arc": 1.0,
    "hour": 3600.0,
}
_QUALIFIERS: Final = (
    "more than",
    "less than",
    "at least",
    "up to",
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "nearly",
    "almost",
    "over",
    "some",
)
_RANGE_WORDS = re.compile(r"\b(flew|flown|flying|travel+ed|range|distance|covered)\b", re.I)
_ALTITUDE_WORDS = re.compile(r"\b(altitude|apogee|height|peak|climbed|soared)\b", re.I)
_FLIGHT_TIME_WORDS = re.compile(r"\b(flew|flight|flying|in the air|airborne)\b", re.I)
_LAUNCH_WORDS = re.compile(r"\b(fired|launched|launch|test-fired|lobbed|fires|launches)\b", re.I)
_PREVIOUS_WORDS = re.compile(r"\b(previous|last|since|prior|earlier)\b", re.I)
_CONTEXT_WORDS = re.compile(
    r"\b(visit\w*|election|exercise\w*|drills?|summit|talks|martial law|impeach\w*)\b", re.I
)
_CLASS = re.compile(
    r"\b(ICBMs?|IRBMs?|MRBMs?|SRBMs?|SLBMs?|intercontinental|intermediate-range|"
    r"medium-range|short-range|submarine-launched|hypersonic|cruise missiles?|"
    r"Hwasong-\d+\w*|KN-\d+|Pukguksong-\d+)\b",
    re.I,
)
_COUNT = re.compile(
    r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|several|multiple)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:ballistic\s+)?(?:missiles?|ICBMs?|IRBMs?|MRBMs?|SRBMs?|SLBMs?)\b",
    re.I,
)
_AREA = re.compile(
    r"\bfrom\s+(?:near\s+|the\s+|vicinity\s+of\s+|area\s+of\s+)*(?P<area>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
    r"(?:\s+(?:area|region|county|province|city))?)",
)
_FELL = re.compile(
    r"\b(?:fell|falling|landed|landing|splashed down|came down|crashed)\s+(?P<where>[^;:]+?)"
    r"(?:[,;]|\.(?:\s|$)|$| before| after| according| said| at around| at about| at \d)",
    re.I,
)
_WORD_NUMBERS: Final = {"a": 1, "an": 1, "one": 1}
_HYPOTHETICAL = re.compile(
    r"\b(could|would|capable|enough to|potential|standard trajectory)\b", re.I
)
_MONTHS = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_ABBREVIATION = re.compile(rf"\b(?:[A-Z]|U\.S|{_MONTHS}|Gen|Lt|Col|Mr|Ms|Dr|No)\.$")
_MONTH_DOT = re.compile(rf"\b({_MONTHS})\.")
_DURATION = re.compile(r"\b(minutes?|hours?|seconds?|km|kilomet\w+|miles?)\b", re.I)


@dataclass(frozen=True)
class ReportClaim:
    field: str
    value: str
    number: float | None
    qualifier: str
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def split_sentences(text: str) -> list[str]:
    """Sentences and headings of a report: paragraphs split at line breaks, then at a full
    stop, question or exclamation mark followed by a capital (abbreviations such as "U.S."
    or "Nov." are kept whole)."""
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:#|\*|-|\d+\.)\s)", text):
        block = " ".join(block.split())
        if not block:
            continue
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", block)
        merged: list[str] = []
        for p in parts:
            if merged and re.search(
                r"\b(?:[A-Z]|U\.S|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Gen|Lt|Col|Mr|Ms|Dr|No)\.$",
                merged[-1],
            ):
                merged[-1] += " " + p
            else:
                merged.append(p)
        out.extend(merged)
    return out


def _qualifier(sentence: str, surface: str) -> str:
    at = sentence.find(surface)
    before = sentence[max(0, at - 20) : at].lower() if at >= 0 else ""
    for q in _QUALIFIERS:
        if before.rstrip().endswith(q):
            return q
    return ""


def _unit_factor(name: str, table: dict[str, float]) -> float | None:
    # the unit's first word settles it: "kilometre ampere-turn" is "1,500 km at"
    for unit, factor in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if name == unit or name.startswith(unit + " ") or name == unit + "s":
            return factor
    return None


def _quantities(sentence: str) -> list[tuple[float, str, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = quantities.parse(sentence)
    return [(float(q.value), q.unit.name, q.surface) for q in found]


def _launch_time(sentence: str, report_date: dt.date) -> tuple[str, dt.datetime] | None:
    base = dt.datetime.combine(report_date, dt.time(23, 59))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(
            _MONTH_DOT.sub(r"\1", sentence),  # "Nov. 5" reads as "Nov 5"
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
        )
    # durations ("for 53 minutes") and distances are not dates
    found = [(t, d) for t, d in (found or []) if not _DURATION.search(t)]
    if not found:
        return None
    day = next((d for t, d in found if not re.search(r"\d:\d\d|a\.?m|p\.?m", t)), None)
    clock = next((d for t, d in found if re.search(r"\d:\d\d", t)), None)
    if clock is None:
        return (found[0][1].strftime("%Y-%m-%d"), found[0][1]) if day is not None else None
    d = (day or dt.datetime.combine(report_date, dt.time())).date()
    when = dt.datetime.combine(d, clock.time())
    if not re.search(r"\b(GMT|UTC)\b", sentence):
        when -= KOREA_UTC_OFFSET
    return when.strftime("%Y-%m-%dT%H:%MZ"), when


def extract_claims(text: str, report_date: dt.date) -> list[ReportClaim]:
    claims: list[ReportClaim] = []
    seen: set[tuple[str, str]] = set()

    def add(field: str, value: str, number: float | None, qualifier: str, sentence: str) -> None:
        key = (field, value if field != "context_event" else sentence)
        if key not in seen:
            seen.add(key)
            value = re.sub(r"\s+(at|in|on|and|to)$", "", value)
            claims.append(ReportClaim(field, value, number, qualifier, sentence))

    for sentence in split_sentences(text):
        about_launch = bool(
            _LAUNCH_WORDS.search(sentence)
            or _CLASS.search(sentence)
            or re.search(r"\bmissiles?\b", sentence, re.I)
        )
        for value, unit, surface in _quantities(sentence):
            km = _unit_factor(unit, _LENGTH_KM)
            seconds = _unit_factor(unit, _TIME_S)
            q = _qualifier(sentence, surface)
            if km is not None and value > 0:
                where = sentence.find(surface)
                before = sentence[max(0, where - 60) : where]
                if _ALTITUDE_WORDS.search(before):
                    add("apogee_km", surface, value * km, q, sentence)
                elif _RANGE_WORDS.search(before) or _RANGE_WORDS.search(sentence):
                    # "could travel 13,000 km" is a capability, not the range flown
                    hypothetical = _HYPOTHETICAL.search(sentence)
                    field = "capability_range_km" if hypothetical else "range_km"
                    add(field, surface, value * km, q, sentence)
            elif seconds is not None and _FLIGHT_TIME_WORDS.search(sentence) and value > 0:
                add("flight_time_s", surface, value * seconds, q, sentence)
        previous = bool(_PREVIOUS_WORDS.search(sentence)) and about_launch
        # "the first launch since Nov. 5, when it fired seven SRBMs": about the previous one
        earlier = "previous_" if previous and "since" in sentence.lower() else ""
        if about_launch:
            m = _COUNT.search(sentence)
            if m:
                word = m.group("n").lower()
                n = _WORD_NUMBERS.get(word)
                if n is None and word not in ("several", "multiple"):
                    parsed = _quantities(word)
                    n = int(parsed[0][0]) if parsed else None
                add(f"{earlier}count", m.group(0), None if n is None else float(n), "", sentence)
            for c in _CLASS.finditer(sentence):
                add(f"{earlier}type", c.group(0), None, "", sentence)
            area = _AREA.search(sentence)
            if area and _LAUNCH_WORDS.search(sentence):
                add("launch_area", area.group("area"), None, "", sentence)
            fell = _FELL.search(sentence)
            if fell:
                add("fell_in", fell.group("where").strip(), None, "", sentence)
        when = _launch_time(sentence, report_date) if (about_launch or previous) else None
        if when is not None:
            stamp = when[0]
            kind: str | None = None
            if previous and "since" in sentence.lower():
                kind = "previous_launch"
            elif _LAUNCH_WORDS.search(sentence) and not previous:
                kind = "launch_time"
            if kind is not None:
                add(kind, stamp, None, "", sentence)
        if _CONTEXT_WORDS.search(sentence):
            found = _launch_time(sentence, report_date)
            day = found[1].date() if found else report_date
            add("context_event", day.isoformat(), None, "", sentence)
    return claims
