"""What each partner may send to whom, as data (TOML).

    partners = ["ROK", "JPN", "USA"]

    [[release]]
    from = "*"                       # a partner, a list of partners, or "*" for all
    to = "*"
    contents = ["track", "impact", "event"]

    [[release]]
    from = "JPN"
    to = ["USA"]
    contents = ["alert"]

Nothing is released that no rule names: raw measurements (``measurement``) and sensor
identities (``sensor-identities``, a track report that names its sensors) go to nobody unless
a rule says so. A message is released to a recipient only if every content it carries is
allowed from its sender to that recipient. The sender enforces the policy and the receiver
checks it again with its own copy; a partner never sends to itself.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from launchwatch.errors import InputError
from launchwatch.sharing.keys import check_partner
from launchwatch.sharing.messages import CONTENTS
from launchwatch.toml_input import read_toml

__all__ = ["ReleasePolicy", "ReleaseRule", "default_policy", "load_policy", "parse_policy"]


@dataclass(frozen=True)
class ReleaseRule:
    senders: frozenset[str]
    recipients: frozenset[str]
    contents: frozenset[str]


@dataclass(frozen=True)
class ReleasePolicy:
    partners: tuple[str, ...]
    rules: tuple[ReleaseRule, ...]
    source: str = "<policy>"

    def allowed(self, sender: str, recipient: str) -> frozenset[str]:
        """Every content the sender may send to the recipient."""
        if sender == recipient or sender not in self.partners or recipient not in self.partners:
            return frozenset()
        out: set[str] = set()
        for rule in self.rules:
            if sender in rule.senders and recipient in rule.recipients:
                out |= rule.contents
        return frozenset(out)

    def refusal(self, sender: str, recipient: str, contents: Iterable[str]) -> str | None:
        """Why these contents may not go from sender to recipient, or None if they may."""
        if sender not in self.partners:
            return f"{sender} is not a partner in {self.source}"
        if recipient not in self.partners:
            return f"{recipient} is not a partner in {self.source}"
        withheld = sorted(set(contents) - self.allowed(sender, recipient))
        if withheld:
            return (
                f"{self.source} does not release {', '.join(withheld)} from {sender} to {recipient}"
            )
        return None

    def recipients(self, sender: str, contents: Iterable[str]) -> list[str]:
        wanted = set(contents)
        return [p for p in self.partners if wanted <= self.allowed(sender, p)]


def _partner_set(value: Any, partners: tuple[str, ...], field: str) -> frozenset[str]:
    if value == "*":
        return frozenset(partners)
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise InputError(field, 'give a partner, a list of partners, or "*"')
    for p in items:
        if not isinstance(p, str) or p not in partners:
            raise InputError(field, f"{p!r} is not one of the partners {list(partners)}")
    return frozenset(items)


def parse_policy(data: dict[str, Any], source: str = "<policy>") -> ReleasePolicy:
    partners = data.get("partners")
    if not isinstance(partners, list) or not partners:
        raise InputError("partners", f"{source}: give the list of partner codes")
    codes = tuple(check_partner(p, "partners") if isinstance(p, str) else "" for p in partners)
    if "" in codes or len(set(codes)) != len(codes):
        raise InputError("partners", f"{source}: partner codes must be distinct strings")
    unknown = set(data) - {"partners", "release"}
    if unknown:
        raise InputError(sorted(unknown)[0], f"{source}: unknown key (use partners, release)")
    rules = []
    raw_rules = data.get("release", [])
    if not isinstance(raw_rules, list):
        raise InputError("release", f"{source}: use [[release]] tables")
    for i, raw in enumerate(raw_rules, start=1):
        where = f"release[{i}]"
        if not isinstance(raw, dict):
            raise InputError(where, f"{source}: a rule is a table")
        extra = set(raw) - {"from", "to", "contents"}
        if extra:
            raise InputError(f"{where}.{sorted(extra)[0]}", "unknown key (use from, to, contents)")
        for key in ("from", "to", "contents"):
            if key not in raw:
                raise InputError(f"{where}.{key}", f"{source}: missing")
        contents = raw["contents"]
        if not isinstance(contents, list) or not contents:
            raise InputError(f"{where}.contents", "give a list of contents")
        for c in contents:
            if c not in CONTENTS:
                raise InputError(f"{where}.contents", f"{c!r} is not one of {list(CONTENTS)}")
        rules.append(
            ReleaseRule(
                senders=_partner_set(raw["from"], codes, f"{where}.from"),
                recipients=_partner_set(raw["to"], codes, f"{where}.to"),
                contents=frozenset(contents),
            )
        )
    return ReleasePolicy(partners=codes, rules=tuple(rules), source=source)


def load_policy(path: Path) -> ReleasePolicy:
    return parse_policy(read_toml(path, "--policy"), str(path))


def default_policy() -> ReleasePolicy:
    """The shipped trilateral policy (data/release_policy.toml)."""
    text = resources.files("launchwatch").joinpath("data/release_policy.toml").read_text("utf-8")
    return parse_policy(tomllib.loads(text), "release_policy.toml (shipped)")
