"""A per-conversation ticket lock for Rasa that is atomic across Rasa instances.

Rasa Open Source's RedisLockStore reads the whole lock, changes it in Python and writes it back (GET,
modify, SET): two instances can take the same ticket. Its tickets also live 60 s, less than the 300 s an
action call may take, and a waiting message polls once a second, so a burst from one conversation crawls.

Here every step is one Lua script on the Redis server (ticket issue, "is it my turn", renewal, release),
with Redis' own clock, so instances never disagree. Tickets are short-lived (`lock_lifetime`, default
20 s) but the holder and the waiters renew theirs while they are alive: a long action keeps its lock, a
crashed instance (kill -9) loses it within one lifetime. Waiters poll with a short backoff (5-100 ms).

endpoints.yml:
    lock_store:
      type: minwon_rasa.lock_store.AtomicRedisLockStore
      url: redis://127.0.0.1:6379/1
      key_prefix: minwon
      lock_lifetime: 20
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

import redis
import redis.asyncio as aioredis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME_S = 20.0
DEFAULT_MAX_WAIT_S = 600.0  # a message gives up (LockError) after waiting this long for its turn

# KEYS: 1 tickets (zset: member=score=ticket number), 2 expiries (hash ticket -> ms), 3 counter
_ISSUE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local n = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], n, n)
redis.call('HSET', KEYS[2], n, now + tonumber(ARGV[1]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return n
"""

# Returns 1: your turn; 0: wait; -1: your ticket is gone (expired, e.g. this process stalled).
# Also renews the caller's ticket, and drops tickets whose holder stopped renewing them.
_TURN = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local expiries = redis.call('HGETALL', KEYS[2])
for i = 1, #expiries, 2 do
  if tonumber(expiries[i + 1]) < now then
    redis.call('ZREM', KEYS[1], expiries[i])
    redis.call('HDEL', KEYS[2], expiries[i])
  end
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[2]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
if tonumber(head[1]) == tonumber(ARGV[1]) then return 1 end
return 0
"""

_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


class AtomicRedisLockStore(LockStore):
    """Ticket locks kept in Redis and changed only by atomic Lua scripts."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        url: Optional[str] = None,
        key_prefix: Optional[str] = None,
        lock_lifetime: Optional[float] = None,
        max_wait: Optional[float] = None,
    ) -> None:
        kwargs: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url or (endpoint_config.url if endpoint_config else None) or os.environ.get("REDIS_URL")
        if not url:
            raise LockError("AtomicRedisLockStore needs a Redis URL: set lock_store.url or REDIS_URL")
        self.lifetime_s = float(lock_lifetime or kwargs.get("lock_lifetime") or DEFAULT_LIFETIME_S)
        self.max_wait_s = float(max_wait or kwargs.get("max_wait") or DEFAULT_MAX_WAIT_S)
        self.prefix = f"{key_prefix or kwargs.get('key_prefix') or 'minwon'}:lock:"
        self._url = url
        self._sync = redis.Redis.from_url(url, socket_timeout=10)
        # One asyncio client per event loop (Rasa runs one loop per worker; tests run several).
        self._async_clients: dict[int, aioredis.Redis] = {}
        super().__init__()

    # -- keys and scripts ----------------------------------------------------------------------------
    def _keys(self, conversation_id: Text) -> list[str]:
        base = self.prefix + conversation_id
        return [f"{base}:tickets", f"{base}:expiries", f"{base}:counter"]

    def _client(self) -> aioredis.Redis:
        loop_id = id(asyncio.get_running_loop())
        client = self._async_clients.get(loop_id)
        if client is None:
            client = aioredis.Redis.from_url(self._url, socket_timeout=10)
            self._async_clients[loop_id] = client
        return client

    def _ms(self, seconds: float) -> int:
        return int(seconds * 1000)

    async def _run(self, script: str, conversation_id: Text, *args: Any) -> int:
        return int(await self._client().eval(script, 3, *self._keys(conversation_id), *args))

    # -- the lock Rasa uses (agent.handle_message, processor, server routes) -------------------------
    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = DEFAULT_LIFETIME_S,
        wait_time_in_seconds: float = 0.1,
    ) -> AsyncGenerator[TicketLock, None]:
        # Rasa passes its own 60 s default; our lifetime is the renewal window, set in endpoints.yml.
        lifetime_ms = self._ms(self.lifetime_s)
        key_ttl_ms = self._ms(self.lifetime_s * 4)
        try:
            ticket = await self._run(_ISSUE, conversation_id, lifetime_ms, key_ttl_ms)
        except redis.RedisError as error:
            raise LockError(f"lock store unreachable: {error.__class__.__name__}") from error
        renewer: Optional[asyncio.Task] = None
        try:
            await self._wait_for_turn(conversation_id, ticket, lifetime_ms, key_ttl_ms, wait_time_in_seconds)
            renewer = asyncio.ensure_future(self._keep_alive(conversation_id, ticket, lifetime_ms, key_ttl_ms))
            yield TicketLock(conversation_id, tickets=None)
        finally:
            if renewer is not None:
                renewer.cancel()
            try:
                await self._run(_RELEASE, conversation_id, ticket)
            except redis.RedisError:
                # The ticket expires by itself within one lifetime; the next message then goes on.
                logger.warning("lock release failed; the ticket will expire", exc_info=True)

    async def _wait_for_turn(
        self, conversation_id: Text, ticket: int, lifetime_ms: int, key_ttl_ms: int, max_poll_s: float
    ) -> None:
        delay = 0.005
        deadline = time.monotonic() + self.max_wait_s
        while True:
            turn = await self._run(_TURN, conversation_id, ticket, lifetime_ms, key_ttl_ms)
            if turn == 1:
                return
            if turn == -1:
                raise LockError(f"ticket {ticket} expired while waiting")
            if time.monotonic() > deadline:
                await self._run(_RELEASE, conversation_id, ticket)
                raise LockError(f"waited more than {self.max_wait_s:.0f} s for the conversation lock")
            await asyncio.sleep(delay)
            delay = min(delay * 2, max(0.005, min(max_poll_s, 0.1)))

    async def _keep_alive(self, conversation_id: Text, ticket: int, lifetime_ms: int, key_ttl_ms: int) -> None:
        while True:
            await asyncio.sleep(self.lifetime_s / 3)
            try:
                await self._run(_TURN, conversation_id, ticket, lifetime_ms, key_ttl_ms)
            except redis.RedisError:
                logger.warning("lock renewal failed; will retry", exc_info=True)

    # -- the synchronous LockStore API, for inspection (Rasa's own code paths use `lock`) -----------
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = DEFAULT_LIFETIME_S) -> int:
        keys = self._keys(conversation_id)
        return int(self._sync.eval(_ISSUE, 3, *keys, self._ms(lock_lifetime), self._ms(lock_lifetime * 4)))

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        tickets_key, expiries_key, _ = self._keys(conversation_id)
        expiries = {int(k): int(v) / 1000 for k, v in self._sync.hgetall(expiries_key).items()}
        numbers = [int(n) for n in self._sync.zrange(tickets_key, 0, -1)]
        if not numbers:
            return None
        from collections import deque

        return TicketLock(conversation_id, deque(Ticket(n, expiries.get(n, 0.0)) for n in numbers))

    def delete_lock(self, conversation_id: Text) -> None:
        deleted = self._sync.delete(*self._keys(conversation_id))
        self._log_deletion(conversation_id, bool(deleted))

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("AtomicRedisLockStore changes tickets only through its atomic scripts")

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._sync.eval(_RELEASE, 3, *self._keys(conversation_id), ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)
