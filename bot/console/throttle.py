"""Login throttling on Redis (shared by every console instance), counted before any password is checked.

Three scopes, each with a number of attempts in a window before it locks: one address on one account (5), one
address on any account (20), one account from any address (50: only many addresses together lock an account for
everyone, so one flooding address cannot keep the real agent out). The attempt that reaches the number is still
checked, and locks the scope behind it; so does each attempt after a lock ends, each lock twice as long as the
last (1 s, 2 s, 4 s ... up to 15 min): one password check per lock, and the right password after the wait logs in
(and clears its account on that address). The check, the count and the lock are one Lua script, so parallel
guesses cannot slip past it, and attempts made while a scope is locked are refused without being counted: a
burst of fifty gets one lock of 1 s, not a lock doubled fifty times."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.desk.errors import DeskError
from bot.desk.keys import DeskKeys

WINDOW_SECONDS = 15 * 60  # failures are forgotten after this long without a new one
MAX_LOCK_SECONDS = 15 * 60

# KEYS: fails and lock key per scope; ARGV: window, max lock, then the attempts per scope before it locks.
# Returns the milliseconds a lock still holds (refused, not counted), or 0: counted, go on and check.
_ATTEMPT = """
local wait = 0
for i = 2, #KEYS, 2 do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > wait then wait = ttl end
end
if wait > 0 then return wait end
local window, max_lock = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, #KEYS, 2 do
  local fails = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], window)
  local allowed = tonumber(ARGV[2 + (i + 1) / 2])
  if fails >= allowed then
    redis.call('SET', KEYS[i + 1], '1', 'EX', math.min(2 ^ math.min(fails - allowed, 20), max_lock))
  end
end
return 0
"""
_REFUND = """
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
"""


# KEYS as _ATTEMPT; ARGV: the attempts per scope. The first scope (this account on this address) starts afresh.
_SUCCEEDED = """
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, #KEYS, 2 do
  local fails = tonumber(redis.call('GET', KEYS[i]) or '0')
  if fails > 0 then fails = redis.call('DECR', KEYS[i]) end
  if fails < tonumber(ARGV[(i + 1) / 2]) then redis.call('DEL', KEYS[i + 1]) end
end
"""


class TooManyAttempts(DeskError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many login attempts; try again in {retry_after} s.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Scope:
    name: str  # "pair" (account on address) | "address" | "account"
    key: str  # hashed: no username or address in Redis key names
    allowed: int  # attempts in a window; the last of them locks the scope behind it


def scopes(username: str, address: str | None) -> list[Scope]:
    def digest(*values: str) -> str:
        return hashlib.sha256("\0".join(values).encode("utf-8", "replace")).hexdigest()[:32]
    account, place = username.lower(), address or "?"
    return [Scope("pair", digest(account, place), 5), Scope("address", digest(place), 20),
            Scope("account", digest(account), 50)]


class LoginThrottle:
    def __init__(self, redis: Redis, keys: DeskKeys) -> None:
        self.redis = redis
        self.ns = f"{keys.ns}login:"
        self._attempt = redis.register_script(_ATTEMPT)
        self._refund = redis.register_script(_REFUND)
        self._succeeded = redis.register_script(_SUCCEEDED)

    def _fails(self, scope: Scope) -> str:
        return f"{self.ns}{scope.name}:{scope.key}:fails"

    def _lock(self, scope: Scope) -> str:
        return f"{self.ns}{scope.name}:{scope.key}:lock"

    async def begin(self, username: str, address: str | None) -> None:
        """Count this attempt, or TooManyAttempts (429, not counted) while a scope is locked."""
        found = scopes(username, address)
        keys = [key for scope in found for key in (self._fails(scope), self._lock(scope))]
        wait_ms = int(await self._attempt(keys=keys, args=[WINDOW_SECONDS, MAX_LOCK_SECONDS,
                                                            *(scope.allowed for scope in found)]))
        if wait_ms:
            raise TooManyAttempts(max(1, math.ceil(wait_ms / 1000)))

    async def refund(self, username: str, address: str | None) -> None:
        """An attempt counted but never checked (the console was busy) does not count against anyone."""
        await self._refund(keys=[self._fails(scope) for scope in scopes(username, address)])

    async def succeeded(self, username: str, address: str | None) -> None:
        """The right password clears its account on this address and gives the address and the account their
        attempt back (and the lock it may have set in advance, when that leaves them under their number)."""
        await self._succeeded(keys=[key for scope in scopes(username, address)
                                    for key in (self._fails(scope), self._lock(scope))],
                              args=[scope.allowed for scope in scopes(username, address)])
