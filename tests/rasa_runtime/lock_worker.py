"""One stand-in Rasa instance for the cross-process lock test: runs N turns of one conversation.

Each turn counts itself in and out of the critical section in Redis, so overlaps between processes
are seen by the test. Usage: python lock_worker.py REDIS_URL KEY_PREFIX TURNS
"""
import asyncio
import sys
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from minwon_rasa.lock_store import AtomicRedisLockStore  # noqa: E402


async def main(url: str, prefix: str, turns: int) -> None:
    counters = redis.asyncio.Redis.from_url(url)
    store = AtomicRedisLockStore(url=url, key_prefix=prefix)

    async def turn() -> None:
        async with store.lock("tg:42"):
            if await counters.incr(f"{prefix}:inside") > 1:
                await counters.incr(f"{prefix}:overlaps")
            await asyncio.sleep(0.003)
            await counters.decr(f"{prefix}:inside")
            await counters.incr(f"{prefix}:done")

    await asyncio.gather(*(turn() for _ in range(turns)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
