"""Partner keys: one Ed25519 key pair per partner, as files in a key directory.

``launchwatch keys new ROK --dir keys/`` writes ``keys/ROK.key`` (the private key, PKCS #8 PEM,
readable by its owner only) and ``keys/ROK.pub`` (the public key, SubjectPublicKeyInfo PEM). A
node reads its own ``.key`` and every ``.pub`` in its directory as the partners it trusts; the
public files are what partners exchange. Private keys never leave their node: ``*.key`` is
ignored by git, and nothing in launchwatch sends or logs one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from launchwatch.errors import InputError

__all__ = ["PARTNER_PATTERN", "check_partner", "load_private_key", "load_trusted_keys", "new_key"]

PARTNER_PATTERN: Final = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")


def check_partner(code: str, field: str = "partner") -> str:
    if not PARTNER_PATTERN.match(code):
        raise InputError(
            field, f"{code!r} is not a partner code (2-16 capitals, digits or '-', e.g. ROK)"
        )
    return code


def new_key(partner: str, directory: Path) -> tuple[Path, Path]:
    """Write PARTNER.key and PARTNER.pub in directory; refuses to replace an existing key."""
    check_partner(partner)
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / f"{partner}.key"
    public_path = directory / f"{partner}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise InputError(
                "partner", f"{path} exists; remove it first to replace {partner}'s key"
            )
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # created 0600 from the start, never world-readable even for a moment
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path


def load_private_key(directory: Path, partner: str) -> Ed25519PrivateKey:
    path = directory / f"{check_partner(partner)}.key"
    if not path.is_file():
        raise InputError(
            "--keys", f"no private key {path}; make one with `launchwatch keys new {partner}`"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InputError("--keys", f"{path} is not a PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("--keys", f"{path} is not an Ed25519 key")
    return key


def load_trusted_keys(directory: Path) -> dict[str, Ed25519PublicKey]:
    """Every PARTNER.pub in directory, by partner code."""
    if not directory.is_dir():
        raise InputError("--keys", f"{directory} is not a directory of partner keys")
    keys: dict[str, Ed25519PublicKey] = {}
    for path in sorted(directory.glob("*.pub")):
        partner = check_partner(path.stem, f"--keys ({path.name})")
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise InputError("--keys", f"{path} is not a PEM public key: {exc}") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise InputError("--keys", f"{path} is not an Ed25519 public key")
        keys[partner] = key
    return keys
