"""The notifier's Alembic migrations: an empty database, or one made by an older notifier's create_all, ends at
exactly the schema of bot/notifier/tables.py (alembic's compare_metadata finds nothing), on SQLite and PostgreSQL,
and the notifier serves on a migrated database."""
from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
import pytest
import pytest_asyncio
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.notifier.db import alembic_config, upgrade
from bot.notifier.tables import Base

from . import notifier_tables_v1 as v1
from .conftest import NOTIFIER_TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="function")
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path, postgres_database):
    """An empty database of each kind: a temp SQLite file, or a uniquely named PostgreSQL database (dropped after)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/notifier.sqlite3"
    return await postgres_database()


async def _look(url: str) -> tuple[set[str], list, str | None]:
    """Tables, the differences from the models, and the Alembic revision of the database at url."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            def look(sync):
                context = MigrationContext.configure(sync, opts={"compare_type": True})
                return set(inspect(sync).get_table_names()), compare_metadata(context, Base.metadata), \
                    context.get_current_revision()
            return await conn.run_sync(look)
    finally:
        await engine.dispose()


async def _create_all(url: str, metadata: MetaData) -> None:
    """What a notifier before Alembic did at start."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
    finally:
        await engine.dispose()


async def test_migrating_an_empty_database_gives_the_models_schema(database_url):
    await asyncio.to_thread(upgrade, database_url)
    tables, diff, revision = await _look(database_url)
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert diff == [], "bot/notifier/migrations and bot/notifier/tables.py disagree"
    assert revision == HEAD
    await asyncio.to_thread(upgrade, database_url)  # every start migrates again: nothing to do, nothing broken
    assert (await _look(database_url))[1:] == ([], HEAD)


async def test_a_database_made_by_the_first_notifier_keeps_its_subscriptions(database_url):
    await _create_all(database_url, v1.Base.metadata)
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(v1.Subscription.__table__.insert().values(
                id="sub_old", citizen_id="ct_000001", conversation_id="tg:42", channel="telegram",
                topics=["application_status"], case_number=None, language="ko", quiet_hours=None, state="active",
                created_at=NOW, updated_at=NOW))
            await conn.execute(v1.Cursor.__table__.insert().values(name="outbox", value="ev_000042", updated_at=NOW))
        assert "alembic_version" not in (await _look(database_url))[0]

        await asyncio.to_thread(upgrade, database_url)

        _, diff, revision = await _look(database_url)
        assert diff == [] and revision == HEAD, "an older notifier's database must end at the models' schema"
        table = Base.metadata.tables["notifier_subscriptions"]
        async with engine.connect() as conn:
            old = (await conn.execute(select(table.c.id, table.c.automatic, table.c.expires_at))).one()
            cursor = (await conn.execute(text("SELECT value FROM notifier_cursors"))).scalar_one()
        assert (old.id, bool(old.automatic), old.expires_at) == ("sub_old", False, None)
        assert cursor == "ev_000042", "the outbox cursor survives: no event is delivered twice after the upgrade"
    finally:
        await engine.dispose()


async def test_a_database_made_by_the_notifier_with_follows_is_adopted_as_is(database_url):
    await _create_all(database_url, Base.metadata)  # the release just before Alembic: create_all of today's models
    await asyncio.to_thread(upgrade, database_url)
    tables, diff, revision = await _look(database_url)
    assert tables == set(Base.metadata.tables) | {"alembic_version"} and diff == [] and revision == HEAD


async def test_the_notifier_serves_on_a_migrated_database(database_url, start_notifier):
    await asyncio.to_thread(upgrade, database_url)
    notifier = await start_notifier(NOTIFIER_DATABASE_URL=database_url)
    auth = {"Authorization": f"Bearer {NOTIFIER_TOKEN}"}
    body = {"citizen_id": "ct_000001", "conversation_id": "tg:42", "topics": ["application_status"], "language": "ko"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{notifier.url}/v1/subscriptions", json=body, headers=auth) as resp:
            assert resp.status == 201, await resp.text()
            made = await resp.json()
        async with http.get(f"{notifier.url}/v1/subscriptions", params={"citizen_id": "ct_000001"},
                            headers=auth) as resp:
            assert [s["id"] for s in (await resp.json())["subscriptions"]] == [made["id"]]
    assert (await _look(database_url))[1:] == ([], HEAD)
