"""Staff login: argon2 password hashes, sessions on Redis (shared by every console instance) with idle and
absolute expiry, a CSRF token per session, roles agent and supervisor."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from aiohttp import web
from redis.asyncio import Redis

from bot.desk.errors import DeskError
from bot.desk.keys import DeskKeys

SESSION_COOKIE = "minwon_console"
LOGIN_CSRF_COOKIE = "minwon_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
ROLES = ("agent", "supervisor")
# argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4), above OWASP's minimum
# (m=19 MiB, t=2, p=1); tests/bot/console/test_console_password_hash.py holds it there.
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


class LoginBusy(DeskError):
    """Every argon2 slot is taken: come back in a second rather than wait in a queue."""

    status = 429
    code = "login_busy"
    retry_after = 1

    def __init__(self) -> None:
        super().__init__("The console is checking other logins; try again in 1 s.")


def _lower_priority() -> None:
    """argon2 runs its 4 lanes on threads of its own (~0.17 s of CPU per check here): at nice 10 they take the
    cores only when the event loop does not want them, so checks slow down under load and the desk does not.
    Linux sets nice per thread (inherited by the lanes); elsewhere it would lower the whole process: skip."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class PasswordChecks:
    """argon2 (~0.12 s per check) in a small pool of its own threads, never on the event loop and never
    queued: with every slot taken a login is refused at once (LoginBusy), so a burst of logins cannot pile up
    work that delays the desk's routes, and the default executor stays free for everything else."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.busy = 0  # only touched on the event loop's thread
        self._pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="argon2", initializer=_lower_priority)

    def full(self) -> bool:
        return self.busy >= self.slots

    def take(self) -> None:
        """A slot for one check, or LoginBusy; give it back with `matches` (which always frees it) or `free`."""
        if self.full():
            raise LoginBusy()
        self.busy += 1

    def free(self) -> None:
        self.busy -= 1

    async def matches(self, stored_hash: str | None, password: str) -> bool:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, password_matches, stored_hash, password)
        finally:
            self.free()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


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
