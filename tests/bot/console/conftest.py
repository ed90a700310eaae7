"""Console tests: the real app from its factory, a real Redis (own namespace), SQLite in a temp dir (or a
fresh PostgreSQL database), and a loopback Rasa/connector stand-in for what lies beyond the desk."""
from __future__ import annotations

import os
import uuid

import asyncpg
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from bot.console.app import create_app
from bot.console.settings import ConsoleSettings
from bot.desk.hours import BusinessHours
from console_helpers import HANDOFF_TOKEN, log_in
from loopback_upstream import OUTBOUND_TOKEN, RASA_TOKEN, Upstream, build

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
PG_ADMIN_DSN = os.environ.get("PG_TEST_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest_asyncio.fixture
async def redis():
    client = Redis.from_url(REDIS_TEST_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def namespace(redis):
    ns = f"test-console-{uuid.uuid4().hex[:10]}:"
    yield ns
    async for key in redis.scan_iter(f"{ns}*"):
        await redis.delete(key)


@pytest.fixture
def upstream():
    return Upstream()


@pytest_asyncio.fixture
async def upstream_server(aiohttp_server, upstream):
    return await aiohttp_server(build(upstream))


@pytest.fixture
def make_settings(tmp_path, namespace, upstream_server):
    def make(**overrides) -> ConsoleSettings:
        base = str(upstream_server.make_url("")).rstrip("/")
        values = dict(
            env="test", instance=f"test-{uuid.uuid4().hex[:6]}",
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}",
            redis_url=REDIS_TEST_URL, namespace=namespace, rasa_url=base, rasa_token=RASA_TOKEN,
            outbound_token=OUTBOUND_TOKEN, govapi_url=base, handoff_token=HANDOFF_TOKEN,
            hours=BusinessHours(always_open=True), seed_demo=True,
        )
        values.update(overrides)
        return ConsoleSettings(**values)
    return make


@pytest_asyncio.fixture
async def console(aiohttp_server, make_settings):
    return await aiohttp_server(create_app(make_settings()))


@pytest_asyncio.fixture
async def bot(aiohttp_client, console):
    """The action server's view: no login, the handoff token."""
    return await aiohttp_client(console)


@pytest_asyncio.fixture
async def agent1(aiohttp_client, console):
    return await log_in(await aiohttp_client(console), "agent1", "agent1-demo")


@pytest_asyncio.fixture
async def agent2(aiohttp_client, console):
    return await log_in(await aiohttp_client(console), "agent2", "agent2-demo")


@pytest_asyncio.fixture
async def supervisor(aiohttp_client, console):
    return await log_in(await aiohttp_client(console), "supervisor", "supervisor-demo")


@pytest_asyncio.fixture
async def postgres_url():
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    name = f"minwon_console_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()
