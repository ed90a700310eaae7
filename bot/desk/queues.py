"""The desk's shared state on Redis: queues by language and skill, atomic claim, transfer and close.

Every change of ownership is one Lua script, so two agents (on two console instances) clicking
"claim" at the same moment get exactly one winner. Queue scores are the enqueue time, so a handoff
sent back to a queue keeps its place in line.
"""
from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from redis.asyncio import Redis

from bot.desk.errors import AlreadyClaimed, InvalidRequest, NotFound, NotYours, WrongState
from bot.desk.keys import DeskKeys

LANGUAGES = ("ko", "en")
SKILLS = ("payments", "address", "complaints", "general")
REASONS = ("requested", "fallback", "lockout", "sensitive", "agent")
CHANNELS = ("telegram", "sms", "web")
ONLINE_WITHIN_SECONDS = 90  # an agent whose console sent a heartbeat this recently is on line

# state: queued -> claimed -> closed; queued -> callback (nobody in time / out of hours);
# queued -> withdrawn (the citizen no longer wants a person, before anyone took the conversation)
_CLAIM = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
if state ~= 'queued' then return {'taken', redis.call('HGET', KEYS[1], 'agent') or ''} end
local q = redis.call('HGET', KEYS[1], 'queue')
redis.call('ZREM', ARGV[3] .. q, ARGV[4])
redis.call('HSET', KEYS[1], 'state', 'claimed', 'agent', ARGV[1], 'claimed_at', ARGV[2])
return {'ok', ARGV[1]}
"""

# ARGV: actor, is_supervisor, new_state, new_queue ('' keeps), new_agent, now, queue_prefix, id, active_key
_MOVE = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
local agent = redis.call('HGET', KEYS[1], 'agent') or ''
if ARGV[3] == 'callback' or ARGV[3] == 'withdrawn' then
  if state ~= 'queued' then return {'state', state} end
elseif state ~= 'claimed' then
  return {'state', state}
elseif agent ~= ARGV[1] and ARGV[2] ~= '1' then
  return {'owner', agent}
end
local q = redis.call('HGET', KEYS[1], 'queue')
redis.call('ZREM', ARGV[7] .. q, ARGV[8])
if ARGV[3] == 'queued' then
  if ARGV[4] ~= '' then q = ARGV[4] end
  redis.call('HSET', KEYS[1], 'state', 'queued', 'agent', '', 'queue', q)
  redis.call('ZADD', ARGV[7] .. q, redis.call('HGET', KEYS[1], 'enqueued_at'), ARGV[8])
elseif ARGV[3] == 'claimed' then
  redis.call('HSET', KEYS[1], 'agent', ARGV[5])
else
  redis.call('HSET', KEYS[1], 'state', ARGV[3], 'closed_at', ARGV[6])
  if redis.call('GET', ARGV[9]) == ARGV[8] then redis.call('DEL', ARGV[9]) end
end
return {'ok', agent}
"""


def new_handoff_id() -> str:
    return "HO-" + uuid.uuid4().hex[:12].upper()


def queue_name(language: str, skill: str) -> str:
    return f"{language}:{skill}"


@dataclass(frozen=True)
class Position:
    position: int  # 1 = next in line; 0 = not waiting
    estimated_wait_seconds: int


class DeskQueues:
    def __init__(
        self,
        redis: Redis,
        keys: DeskKeys,
        *,
        default_handle_seconds: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.default_handle_seconds = default_handle_seconds
        self.clock = clock
        self._claim = redis.register_script(_CLAIM)
        self._move = redis.register_script(_MOVE)

    # --- opening ------------------------------------------------------------------------------------
    async def existing_for(self, idempotency_key: str, conversation_id: str) -> str | None:
        """The handoff this request repeats: same idempotency key, or one already open for the conversation."""
        found, active = await self.redis.mget(self.keys.idempotency(idempotency_key), self.keys.active(conversation_id))
        return found or active

    async def open(self, fields: dict[str, Any], *, queued: bool, idempotency_key: str) -> str:
        """Create a handoff: queued (active key set, in line) or straight to a callback ticket."""
        return (await self.create(fields, queued=queued, idempotency_key=idempotency_key))[0]

    async def create(self, fields: dict[str, Any], *, queued: bool, idempotency_key: str) -> tuple[str, bool]:
        """Like open, and whether this call made it (False: a parallel request with the same key did)."""
        for name, allowed in (("language", LANGUAGES), ("skill", SKILLS), ("reason", REASONS)):
            if fields.get(name) not in allowed:
                raise InvalidRequest(f"{name} must be one of {', '.join(allowed)}")
        handoff_id = fields.get("id") or new_handoff_id()
        if not await self.redis.set(self.keys.idempotency(idempotency_key), handoff_id, nx=True, ex=86400):
            return await self.redis.get(self.keys.idempotency(idempotency_key)), False
        now = self.clock()
        queue = queue_name(fields["language"], fields["skill"])
        record = {
            "id": handoff_id,
            "conversation_id": fields["conversation_id"],
            "channel": fields.get("channel") or "",
            "language": fields["language"],
            "skill": fields["skill"],
            "reason": fields["reason"],
            "queue": queue,
            "state": "queued" if queued else "callback",
            "agent": "",
            "enqueued_at": repr(now),
            "claimed_at": "",
            "closed_at": "" if queued else repr(now),
            "last_told_position": "0",
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.handoff(handoff_id), mapping=record)
            if queued:
                pipe.zadd(self.keys.queue(queue), {handoff_id: now})
                pipe.sadd(self.keys.queues, queue)
                pipe.set(self.keys.active(fields["conversation_id"]), handoff_id)
            await pipe.execute()
        return handoff_id, True

    # --- reading ------------------------------------------------------------------------------------
    async def get(self, handoff_id: str) -> dict[str, str]:
        record = await self.redis.hgetall(self.keys.handoff(handoff_id))
        if not record:
            raise NotFound(f"no handoff {handoff_id}")
        return record

    async def position(self, handoff_id: str, record: dict[str, str] | None = None) -> Position:
        """`record`: the handoff as just read, so it is not read twice."""
        record = record or await self.get(handoff_id)
        if record["state"] != "queued":
            return Position(0, 0)
        rank = await self.redis.zrank(self.keys.queue(record["queue"]), handoff_id)
        if rank is None:
            return Position(0, 0)
        return Position(rank + 1, await self.estimated_wait(rank + 1))

    async def estimated_wait(self, position: int) -> int:
        """Position times the recent average handling time, shared by the agents on line now."""
        async with self.redis.pipeline(transaction=False) as pipe:  # one round trip: a handoff waits for each
            pipe.lrange(self.keys.handle_times, 0, 49)
            pipe.zcount(self.keys.online, self.clock() - ONLINE_WITHIN_SECONDS, "+inf")
            recent, online = await pipe.execute()
        times = [float(t) for t in recent]
        average = sum(times) / len(times) if times else self.default_handle_seconds
        return int(round(position * average / max(1, online)))

    async def waiting(self) -> list[dict[str, str]]:
        """Every queued handoff, oldest first, with its position in its own queue."""
        out: list[dict[str, str]] = []
        for queue in sorted(await self.redis.smembers(self.keys.queues)):
            ids = await self.redis.zrange(self.keys.queue(queue), 0, -1)
            for index, handoff_id in enumerate(ids):
                record = await self.redis.hgetall(self.keys.handoff(handoff_id))
                if record:
                    record["position"] = str(index + 1)
                    out.append(record)
        out.sort(key=lambda r: float(r["enqueued_at"]))
        return out

    async def queue_ids(self, queue: str) -> list[str]:
        return await self.redis.zrange(self.keys.queue(queue), 0, -1)

    async def queue_lengths(self) -> dict[str, int]:
        return {q: await self.redis.zcard(self.keys.queue(q)) for q in sorted(await self.redis.smembers(self.keys.queues))}

    # --- agents -------------------------------------------------------------------------------------
    async def heartbeat(self, agent: str) -> None:
        await self.redis.zadd(self.keys.online, {agent: self.clock()})

    async def agents_online(self, within_seconds: int = ONLINE_WITHIN_SECONDS) -> int:
        return await self.redis.zcount(self.keys.online, self.clock() - within_seconds, "+inf")

    # --- ownership ----------------------------------------------------------------------------------
    async def claim(self, handoff_id: str, agent: str) -> dict[str, str]:
        status, who = await self._claim(
            keys=[self.keys.handoff(handoff_id)],
            args=[agent, repr(self.clock()), self.keys.queue_prefix, handoff_id],
        )
        if status == "missing":
            raise NotFound(f"no handoff {handoff_id}")
        if status == "taken":
            raise AlreadyClaimed(f"{handoff_id} is already taken" + (f" by {who}" if who else ""), agent=who)
        return await self.get(handoff_id)

    async def _run_move(self, handoff_id: str, actor: str, supervisor: bool, state: str, queue: str = "",
                        agent: str = "", conversation_id: str = "") -> str:
        status, detail = await self._move(
            keys=[self.keys.handoff(handoff_id)],
            args=[actor, "1" if supervisor else "0", state, queue, agent, repr(self.clock()),
                  self.keys.queue_prefix, handoff_id, self.keys.active(conversation_id)],
        )
        if status == "missing":
            raise NotFound(f"no handoff {handoff_id}")
        if status == "state":
            raise WrongState(f"{handoff_id} is {detail}, not {'queued' if state in ('callback', 'withdrawn') else 'claimed'}")
        if status == "owner":
            raise NotYours(f"{handoff_id} belongs to {detail}")
        return detail  # the previous owner

    async def transfer_to_queue(self, handoff_id: str, actor: str, language: str, skill: str,
                                supervisor: bool = False) -> dict[str, str]:
        if language not in LANGUAGES or skill not in SKILLS:
            raise InvalidRequest("unknown queue")
        queue = queue_name(language, skill)
        await self.redis.sadd(self.keys.queues, queue)
        await self._run_move(handoff_id, actor, supervisor, "queued", queue=queue)
        await self.redis.hset(self.keys.handoff(handoff_id), mapping={"language": language, "skill": skill})
        return await self.get(handoff_id)

    async def transfer_to_agent(self, handoff_id: str, actor: str, colleague: str,
                                supervisor: bool = False) -> dict[str, str]:
        await self._run_move(handoff_id, actor, supervisor, "claimed", agent=colleague)
        return await self.get(handoff_id)

    async def close(self, handoff_id: str, actor: str, supervisor: bool = False) -> dict[str, str]:
        record = await self.get(handoff_id)
        await self._run_move(handoff_id, actor, supervisor, "closed", conversation_id=record["conversation_id"])
        record = await self.get(handoff_id)
        if record.get("claimed_at"):
            handled = float(record["closed_at"]) - float(record["claimed_at"])
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.lpush(self.keys.handle_times, f"{handled:.1f}")
                pipe.ltrim(self.keys.handle_times, 0, 49)
                await pipe.execute()
        return record

    async def withdraw(self, handoff_id: str) -> dict[str, str]:
        """The citizen took the request back: out of the queue, unless someone has it already (WrongState)."""
        record = await self.get(handoff_id)
        await self._run_move(handoff_id, "citizen", True, "withdrawn", conversation_id=record["conversation_id"])
        return await self.get(handoff_id)

    async def to_callback(self, handoff_id: str) -> dict[str, str]:
        """Nobody answered in time: out of the queue, the bot gets the conversation back."""
        record = await self.get(handoff_id)
        await self._run_move(handoff_id, "desk", True, "callback", conversation_id=record["conversation_id"])
        return await self.get(handoff_id)

    async def overdue(self, max_wait_seconds: int) -> list[str]:
        """Queued handoffs waiting longer than allowed."""
        limit = self.clock() - max_wait_seconds
        out: list[str] = []
        for queue in await self.redis.smembers(self.keys.queues):
            out.extend(await self.redis.zrangebyscore(self.keys.queue(queue), "-inf", limit))
        return out

    async def remember_told(self, handoff_id: str, position: int) -> None:
        await self.redis.hset(self.keys.handoff(handoff_id), "last_told_position", str(position))


def utc(ts: str | float | None) -> dt.datetime | None:
    if ts in (None, ""):
        return None
    return dt.datetime.fromtimestamp(float(ts), dt.timezone.utc)
