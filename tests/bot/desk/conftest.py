"""Desk tests run against the real Redis (REDIS_TEST_URL, default 127.0.0.1:6379) in a namespace of their own."""
import uuid

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from bot.desk.keys import DeskKeys
from bot.desk.queues import DeskQueues

from desk_helpers import REDIS_TEST_URL, FakeClock


@pytest_asyncio.fixture
async def redis():
    client = Redis.from_url(REDIS_TEST_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def keys(redis):
    keys = DeskKeys(f"test-desk-{uuid.uuid4().hex[:10]}:")
    yield keys
    async for key in redis.scan_iter(f"{keys.ns}*"):
        await redis.delete(key)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def desk(redis, keys, clock):
    return DeskQueues(redis, keys, default_handle_seconds=300, clock=clock)
