"""Login throttling on Redis (shared by every console instance), per account and per client address.

Every attempt is counted before the password is checked (INCR is atomic), so fifty parallel guesses cannot
all slip past the check; beyond the free attempts each new one locks the scope for twice as long as the
last (1 s, 2 s, 4 s ... up to 15 min). A successful login clears its account and gives the address its
attempt back."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.desk.errors import DeskError
from bot.desk.keys import DeskKeys

WINDOW_SECONDS = 15 * 60  # failures are forgotten after this long without a new one
MAX_LOCK_SECONDS = 15 * 60


class TooManyAttempts(DeskError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many login attempts; try again in {retry_after} s.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Scope:
    name: str  # "account" | "address"
    key: str  # hashed: no username or address in Redis key names
    free: int


def scopes(username: str, address: str | None) -> list[Scope]:
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return [Scope("account", digest(username.lower()), 5), Scope("address", digest(address or "?"), 20)]


class LoginThrottle:
    def __init__(self, redis: Redis, keys: DeskKeys) -> None:
        self.redis = redis
        self.ns = f"{keys.ns}login:"

    def _fails(self, scope: Scope) -> str:
        return f"{self.ns}{scope.name}:{scope.key}:fails"

    def _lock(self, scope: Scope) -> str:
        return f"{self.ns}{scope.name}:{scope.key}:lock"

    async def begin(self, username: str, address: str | None) -> None:
        """Count this attempt; TooManyAttempts (429) while a scope is locked or past its free attempts."""
        found = scopes(username, address)
        async with self.redis.pipeline(transaction=False) as pipe:
            for scope in found:
                pipe.pttl(self._lock(scope))
            locks = await pipe.execute()
        waiting = max((ms for ms in locks if ms and ms > 0), default=0)
        if waiting:
            raise TooManyAttempts(math.ceil(waiting / 1000))
        retry = 0
        for scope in found:
            count = await self.redis.incr(self._fails(scope))
            await self.redis.expire(self._fails(scope), WINDOW_SECONDS)
            if count > scope.free:
                seconds = min(2 ** min(count - scope.free - 1, 20), MAX_LOCK_SECONDS)
                await self.redis.set(self._lock(scope), "1", ex=seconds)
                retry = max(retry, seconds)
        if retry:
            raise TooManyAttempts(retry)

    async def succeeded(self, username: str, address: str | None) -> None:
        account, place = scopes(username, address)
        await self.redis.delete(self._fails(account), self._lock(account))
        if await self.redis.decr(self._fails(place)) <= 0:
            await self.redis.delete(self._fails(place))
