"""Who is asking: one bearer token per partner.

The tokens file (TOML, readable by the service's owner only) keeps each partner's token as a
SHA-256 hash, never the token itself:

    [tokens]
    ROK = "sha256:9f86d0..."

``launchwatch serve --new-token ROK`` adds (or replaces) ROK's entry and prints the token once.
A request carries ``Authorization: Bearer <token>``; the service compares hashes in constant
time and answers 401 for a missing or unknown token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tomllib
from pathlib import Path

import tomli_w

from launchwatch.errors import InputError
from launchwatch.sharing.keys import check_partner
from launchwatch.toml_input import read_toml

__all__ = ["Tokens", "load_tokens", "new_token"]

_PREFIX = "sha256:"


def _digest(token: str) -> str:
    return _PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    def __init__(self, hashes: dict[str, str]) -> None:
        self._hashes = dict(hashes)

    def partner_of(self, token: str) -> str | None:
        digest = _digest(token)
        found = None
        for partner, known in self._hashes.items():
            # every entry is compared, so the time taken does not say which one matched
            if hmac.compare_digest(digest, known):
                found = partner
        return found

    @property
    def partners(self) -> list[str]:
        return sorted(self._hashes)


def load_tokens(path: Path) -> Tokens:
    table = read_toml(path, "--tokens").get("tokens")
    if not isinstance(table, dict) or not table:
        raise InputError("--tokens", f'{path}: give a [tokens] table, PARTNER = "sha256:..."')
    hashes = {}
    for partner, value in table.items():
        check_partner(partner, f"--tokens ({partner})")
        if not isinstance(value, str) or not value.startswith(_PREFIX) or len(value) != 71:
            raise InputError(f"tokens.{partner}", 'must be "sha256:" and 64 hex digits')
        hashes[partner] = value
    return Tokens(hashes)


def new_token(path: Path, partner: str) -> str:
    """Add (or replace) a partner's token in the file (created 0600); returns the token."""
    check_partner(partner)
    table: dict[str, str] = {}
    if path.exists():
        table = dict(tomllib.loads(path.read_text(encoding="utf-8")).get("tokens", {}))
    token = secrets.token_urlsafe(32)
    table[partner] = _digest(token)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        tomli_w.dump({"tokens": table}, f)
    return token
