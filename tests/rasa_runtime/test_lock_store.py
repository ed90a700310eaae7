"""One conversation's turns never overlap, even across Rasa instances, and a crashed instance does not block it."""
import asyncio
import time

import pytest
from rasa.core.lock_store import LockError

from minwon_rasa.lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.asyncio


async def test_two_instances_never_run_one_conversation_at_once(redis_url, key_prefix):
    instances = [AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix) for _ in range(2)]
    inside = 0
    most_inside = 0
    done = 0

    async def turn(i: int) -> None:
        nonlocal inside, most_inside, done
        async with instances[i % 2].lock("tg:1"):
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.002)  # the turn awaits I/O, as a real one does
            inside -= 1
            done += 1

    await asyncio.wait_for(asyncio.gather(*(turn(i) for i in range(40))), timeout=60)
    assert done == 40
    assert most_inside == 1


async def test_turns_of_one_conversation_run_in_arrival_order(redis_url, key_prefix):
    stores = [AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix) for _ in range(2)]
    served: list[int] = []

    async def turn(i: int) -> None:
        async with stores[i % 2].lock("sms:+821012345678"):
            served.append(i)
            await asyncio.sleep(0.01)

    tasks = []
    for i in range(12):
        tasks.append(asyncio.ensure_future(turn(i)))
        await asyncio.sleep(0.02)  # message i reaches the server before message i+1
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    assert served == list(range(12))


async def test_other_conversations_are_not_held_up(redis_url, key_prefix):
    store = AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix)
    async with store.lock("tg:1"):
        # While tg:1 is busy, tg:2 gets its lock at once.
        await asyncio.wait_for(_enter_and_leave(store, "tg:2"), timeout=2)


async def _enter_and_leave(store, conversation_id):
    async with store.lock(conversation_id):
        return True


async def test_a_crashed_instance_loses_the_lock_within_one_lifetime(redis_url, key_prefix):
    crashed = AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix, lock_lifetime=0.5)
    crashed.issue_ticket("tg:7", lock_lifetime=0.5)  # took its turn, then died: never renews, never releases
    survivor = AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix, lock_lifetime=0.5)
    started = time.monotonic()
    await asyncio.wait_for(_enter_and_leave(survivor, "tg:7"), timeout=10)
    assert time.monotonic() - started < 5


async def test_a_turn_longer_than_the_lifetime_keeps_its_lock(redis_url, key_prefix):
    store = AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix, lock_lifetime=0.3)
    other = AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix, lock_lifetime=0.3)
    events: list[str] = []

    async def slow_turn():
        async with store.lock("web:a"):
            events.append("slow in")
            await asyncio.sleep(1.5)  # five lifetimes: a slow action call
            events.append("slow out")

    async def next_turn():
        await asyncio.sleep(0.1)
        async with other.lock("web:a"):
            events.append("next in")

    await asyncio.wait_for(asyncio.gather(slow_turn(), next_turn()), timeout=20)
    assert events == ["slow in", "slow out", "next in"]


async def test_a_waiter_gives_up_after_max_wait_and_does_not_block_the_queue(redis_url, key_prefix):
    store = AtomicRedisLockStore(url=redis_url, key_prefix=key_prefix, max_wait=0.3)
    results: list[str] = []

    async def holder():
        async with store.lock("tg:9"):
            await asyncio.sleep(1.0)
            results.append("holder done")

    async def impatient():
        await asyncio.sleep(0.05)
        with pytest.raises(LockError):
            async with store.lock("tg:9"):
                results.append("impatient ran")  # pragma: no cover - must not happen

    await asyncio.wait_for(asyncio.gather(holder(), impatient()), timeout=10)
    await asyncio.wait_for(_enter_and_leave(store, "tg:9"), timeout=5)
    assert results == ["holder done"]
    assert store.get_lock("tg:9") is None  # nothing left behind


async def test_an_unreachable_redis_is_a_lock_error_not_a_hang(key_prefix):
    store = AtomicRedisLockStore(url="redis://127.0.0.1:1/0", key_prefix=key_prefix)
    with pytest.raises(LockError, match="unreachable"):
        async with store.lock("tg:1"):
            pass  # pragma: no cover


async def test_three_processes_never_run_one_conversation_at_once(redis_url, key_prefix):
    """Rasa's stock RedisLockStore fails this (GET-modify-SET across processes); ours must not."""
    import subprocess
    import sys
    from pathlib import Path

    import redis

    worker = Path(__file__).with_name("lock_worker.py")
    procs = [
        subprocess.Popen([sys.executable, str(worker), redis_url, key_prefix, "25"]) for _ in range(3)
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    counters = redis.Redis.from_url(redis_url)
    try:
        assert int(counters.get(f"{key_prefix}:done")) == 75
        assert counters.get(f"{key_prefix}:overlaps") is None
    finally:
        counters.delete(f"{key_prefix}:done", f"{key_prefix}:inside", f"{key_prefix}:overlaps")
