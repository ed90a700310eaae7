"""Read the desk inbox stream (`<ns>inbox`) with a consumer group, so nothing is lost while the console is down.

Each console instance is one consumer of the group `desk`: a message is kept (in the database) once,
acknowledged only after it is stored, and a message left pending by a crashed instance is taken over
after a minute.
"""
from __future__ import annotations

import asyncio
import json
import logging

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.desk.service import DeskService

log = logging.getLogger("minwon.desk.inbox")
GROUP = "desk"


async def ensure_group(redis: Redis, stream: str) -> None:
    try:
        # From id 0: messages written before the first console ever started are read too.
        await redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _fields(raw: dict[str, str]) -> dict[str, str]:
    """The edge (as the old connectors did) may write the message flat or as one JSON field `data`."""
    if "data" in raw and "conversation_id" not in raw:
        try:
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(raw["data"]).items()}
        except (ValueError, AttributeError):
            return raw
    return raw


async def drain_once(redis: Redis, desk: DeskService, stream: str, consumer: str, block_ms: int = 2000) -> int:
    """Take over stale messages, then read this consumer's pending ones, then new ones. Returns how many were kept."""
    kept = 0
    _, stale, _ = await redis.xautoclaim(stream, GROUP, consumer, min_idle_time=60_000, start_id="0-0", count=100)
    batches = [[(stream, stale)]] if stale else []
    batches.append(await redis.xreadgroup(GROUP, consumer, {stream: "0"}, count=100))
    batches.append(await redis.xreadgroup(GROUP, consumer, {stream: ">"}, count=100, block=block_ms))
    for batch in batches:
        for _, entries in batch or []:
            for stream_id, raw in entries:
                if raw is None:  # deleted from the stream meanwhile
                    await redis.xack(stream, GROUP, stream_id)
                    continue
                if await desk.ingest(stream_id, _fields(raw)):
                    kept += 1
                await redis.xack(stream, GROUP, stream_id)
    return kept


async def run_inbox(redis: Redis, desk: DeskService, stream: str, consumer: str) -> None:
    await ensure_group(redis, stream)
    while True:
        try:
            await drain_once(redis, desk, stream, consumer)
        except asyncio.CancelledError:
            raise
        except ResponseError as exc:
            if "NOGROUP" not in str(exc) and "UNBLOCKED" not in str(exc):
                log.exception("desk inbox: reading failed; retrying in 2 s")
                await asyncio.sleep(2)
            # The stream was deleted under us (a flush, a test cleaning up): make it and the group again.
            await ensure_group(redis, stream)
        except Exception:  # keep reading: a bad entry or a short outage must not stop the desk
            log.exception("desk inbox: reading failed; retrying in 2 s")
            await asyncio.sleep(2)
