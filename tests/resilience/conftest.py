"""One small production stack per test session (tests/resilience/stack.py); destructive tests run last."""
import asyncio
import random

import aiohttp
import pytest
import pytest_asyncio

from stack import Stack


def pytest_configure(config):
    config.addinivalue_line("markers", "destructive: kills a process of the shared stack; runs after the others")
    config.addinivalue_line("markers", "after_all: reads what the whole session left behind (logs); runs last")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: (item.get_closest_marker("after_all") is not None,
                                 item.get_closest_marker("destructive") is not None))


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("resilience-logs"))
    try:
        s.start()

        async def ready():
            async with aiohttp.ClientSession() as session:
                await s.wait_ready(session)

        asyncio.run(ready())
        yield s
    finally:
        s.stop()


@pytest_asyncio.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def chat_id():
    """A Telegram chat of its own per test."""
    return random.randrange(10**9, 2 * 10**9)
