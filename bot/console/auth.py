"""Staff login: argon2 password hashes, sessions on Redis (shared by every console instance) with idle and
absolute expiry, a CSRF token per session, roles agent and supervisor."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from aiohttp import web
from redis.asyncio import Redis

from bot.desk.keys import DeskKeys

SESSION_COOKIE = "minwon_console"
LOGIN_CSRF_COOKIE = "minwon_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
ROLES = ("agent", "supervisor")
_hasher = PasswordHasher()
# A hash to compare against when the user is unknown, so both answers take as long.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AuthError(web.HTTPException):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def password_matches_off_loop(stored_hash: str | None, password: str) -> bool:
    """argon2 takes tens of milliseconds of CPU: in a thread, so a login flood cannot stall the desk's routes."""
    return await asyncio.to_thread(password_matches, stored_hash, password)


@dataclass
class StaffSession:
    username: str
    role: str
    display_name: str
    csrf: str
    created: float

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


def _token_key(keys: DeskKeys, token: str) -> str:
    return keys.session(hashlib.sha256(token.encode("utf-8", "replace")).hexdigest())


async def start_session(redis: Redis, keys: DeskKeys, username: str, role: str, display_name: str,
                        idle_seconds: int) -> tuple[str, StaffSession]:
    token = secrets.token_urlsafe(32)
    session = StaffSession(username, role, display_name, secrets.token_urlsafe(24), time.time())
    await redis.set(_token_key(keys, token), json.dumps(session.__dict__), ex=idle_seconds)
    return token, session


async def load_session(redis: Redis, keys: DeskKeys, token: str | None, idle_seconds: int,
                       max_seconds: int) -> StaffSession | None:
    if not token:
        return None
    key = _token_key(keys, token)
    raw = await redis.get(key)
    if not raw:
        return None
    session = StaffSession(**json.loads(raw))
    if time.time() - session.created > max_seconds:
        await redis.delete(key)
        return None
    await redis.expire(key, idle_seconds)  # idle expiry slides with use
    return session


async def end_session(redis: Redis, keys: DeskKeys, token: str | None) -> None:
    if token:
        await redis.delete(_token_key(keys, token))


def csrf_ok(expected: str | None, given: str | None) -> bool:
    # As bytes: compare_digest refuses str with non-ASCII characters, and a header may carry any byte.
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode("utf-8", "replace"),
                                                                  given.encode("utf-8", "replace"))
