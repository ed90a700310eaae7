"""Login throttling on Redis (shared by every console instance), counted before any password is checked.

Three scopes, each with a number of free failures in a window: one address on one account (5), one address on
any account (20), one account from any address (50: only many addresses together lock an account for everyone,
so one flooding address cannot keep the real agent out). Past its free failures a scope locks, and each new lock
lasts twice as long as the last (1 s, 2 s, 4 s ... up to 15 min). The check, the count and the lock are one Lua
script, so parallel guesses cannot slip past it, and attempts made while a scope is locked are refused without
being counted: a burst of fifty gets one lock of 1 s, not a lock doubled fifty times."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.desk.errors import DeskError
from bot.desk.keys import DeskKeys

WINDOW_SECONDS = 15 * 60  # failures are forgotten after this long without a new one
MAX_LOCK_SECONDS = 15 * 60

# KEYS: fails and lock key per scope; ARGV: window, max lock, then the free failures per scope.
# Returns {outcome, wait_ms}: 0 = refused, a lock was already on; 1 = refused, this attempt set a lock; 2 = go on.
_ATTEMPT = """
local wait = 0
for i = 2, #KEYS, 2 do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > wait then wait = ttl end
end
if wait > 0 then return {0, wait} end
local window, max_lock, lock = tonumber(ARGV[1]), tonumber(ARGV[2]), 0
for i = 1, #KEYS, 2 do
  local fails = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], window)
  local free = tonumber(ARGV[2 + (i + 1) / 2])
  if fails > free then
    local seconds = math.min(2 ^ math.min(fails - free - 1, 20), max_lock)
    redis.call('SET', KEYS[i + 1], '1', 'EX', seconds)
    if seconds > lock then lock = seconds end
  end
end
if lock > 0 then return {1, lock * 1000} end
return {2, 0}
"""
_REFUND = """
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
"""


class TooManyAttempts(DeskError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int, *, ignored_earlier: bool = False) -> None:
        super().__init__(f"Too many login attempts; try again in {retry_after} s.")
        self.retry_after = retry_after
        self.ignored_earlier = ignored_earlier  # the client came back while told to wait


@dataclass(frozen=True)
class Scope:
    name: str  # "pair" (account on address) | "address" | "account"
    key: str  # hashed: no username or address in Redis key names
    free: int


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

    def _fails(self, scope: Scope) -> str:
        return f"{self.ns}{scope.name}:{scope.key}:fails"

    def _lock(self, scope: Scope) -> str:
        return f"{self.ns}{scope.name}:{scope.key}:lock"

    async def begin(self, username: str, address: str | None) -> None:
        """Count this attempt; TooManyAttempts (429) while a scope is locked or past its free attempts."""
        found = scopes(username, address)
        keys = [key for scope in found for key in (self._fails(scope), self._lock(scope))]
        outcome, wait_ms = await self._attempt(keys=keys, args=[WINDOW_SECONDS, MAX_LOCK_SECONDS,
                                                                *(scope.free for scope in found)])
        if int(outcome) != 2:
            raise TooManyAttempts(max(1, math.ceil(int(wait_ms) / 1000)), ignored_earlier=int(outcome) == 0)

    async def refund(self, username: str, address: str | None) -> None:
        """An attempt counted but never checked (the console was busy) does not count against anyone."""
        await self._refund(keys=[self._fails(scope) for scope in scopes(username, address)])

    async def succeeded(self, username: str, address: str | None) -> None:
        """The right password clears its account on this address and gives the address its attempt back."""
        pair, place, _ = scopes(username, address)
        await self.redis.delete(self._fails(pair), self._lock(pair))
        if await self.redis.decr(self._fails(place)) <= 0:
            await self.redis.delete(self._fails(place))
