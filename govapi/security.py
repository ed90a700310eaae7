"""Secrets, tokens and keyed hashes. Codes, tokens and phones are stored only as keyed hashes."""
from __future__ import annotations

import hashlib
import hmac
import secrets


def keyed_hash(secret_key: str, value: str) -> str:
    return hmac.new(secret_key.encode(), value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def same(a: str, b: str) -> bool:
    # headers may carry undecodable bytes (kept as surrogates): compare them byte for byte, never fail
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape"))


def sign(secret: str, body: bytes) -> str:
    """The sandbox provider's signature: hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
