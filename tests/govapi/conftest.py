"""Fixtures of the govapi suite.

Every API test runs twice: on a SQLite file and on a real PostgreSQL database created for this
test session (govapi_test_<random>, dropped at the end). Both are migrated with Alembic and
seeded once per session; tests that change data use their own citizens and fines, so they do
not depend on each other's order. Apps come from the real factory with test settings.
"""
from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: import govapi

import pytest
import pytest_asyncio

from govapi.app import create_app
from govapi.clock import Clock
from govapi.migrate import upgrade
from govapi_testkit import (EMILY, MINJUN, PG_SERVER, Api, create_pg_database, drop_pg_database, seed_database,
                            free_port, fresh_database_url, settings_for_tests)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[Any]:
    """Makes fresh PostgreSQL databases for this session and drops them all at the end."""
    created: list[str] = []

    def make() -> str:
        name = f"govapi_test_{secrets.token_hex(5)}"
        asyncio.run(create_pg_database(name))
        created.append(name)
        return f"postgresql+asyncpg://{PG_SERVER.split('://', 1)[1]}/{name}"

    yield make
    for name in created:
        asyncio.run(drop_pg_database(name))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_database: Any) -> str:
    """A migrated and seeded database of each kind, shared by the session."""
    url = fresh_database_url(request.param, tmp_path_factory, pg_database)
    upgrade(url)
    asyncio.run(seed_database(url))
    return url


@pytest_asyncio.fixture
async def make_api(aiohttp_client: Any, database_url: str) -> AsyncIterator[Any]:
    """Builds a running app from the real factory; keyword arguments override test settings."""

    async def make(**overrides: Any) -> Api:
        port = free_port()
        url = overrides.pop("database_url", database_url)
        background_jobs = overrides.pop("background_jobs", False)
        settings = settings_for_tests(url, public_url=f"http://127.0.0.1:{port}", **overrides)
        clock = Clock(settings.today)
        app = create_app(settings, clock=clock, background_jobs=background_jobs)
        client = await aiohttp_client(app, server_kwargs={"port": port})
        return Api(client, clock, settings)

    yield make


@pytest_asyncio.fixture
async def api(make_api: Any) -> Api:
    return await make_api()


@pytest_asyncio.fixture
async def minjun(api: Api) -> str:
    """A citizen token of 김민준, the Korean-speaking demo citizen."""
    return await api.login(MINJUN)


@pytest_asyncio.fixture
async def emily(api: Api) -> str:
    """A citizen token of Emily Park, the English-speaking demo citizen."""
    return await api.login(EMILY)
