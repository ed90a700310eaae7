"""The console's Alembic migrations: an empty database, or one made by an older console's create_all, ends at
exactly the schema of bot/console/tables.py (alembic's compare_metadata finds nothing), on SQLite and PostgreSQL;
two replicas starting together migrate once; the console serves on a migrated database."""
import asyncio
import datetime as dt
import os
import sys
import uuid
from asyncio.subprocess import PIPE, STDOUT
from pathlib import Path

import asyncpg
import console_tables_v1 as v1
import pytest
import pytest_asyncio
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from console_helpers import escalate, log_in
from sqlalchemy import MetaData, func, inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.console.app import create_app
from bot.console.db import alembic_config, upgrade
from bot.console.tables import Base, Handoff

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parents[3]
PG_ADMIN_DSN = os.environ.get("PG_TEST_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path):
    """An empty database of each kind: a temp SQLite file, or a fresh uniquely named PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'console-migrated.sqlite3'}"
        return
    name = f"minwon_console_migrations_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


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
    """What a console before Alembic did at start."""
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
    assert diff == [], "bot/console/migrations and bot/console/tables.py disagree"
    assert revision == HEAD
    await asyncio.to_thread(upgrade, database_url)  # every start migrates again: nothing to do, nothing broken
    assert (await _look(database_url))[1:] == ([], HEAD)


async def test_a_database_made_by_the_first_console_keeps_its_records(database_url):
    await _create_all(database_url, v1.Base.metadata)
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(v1.AuditEntry.__table__.insert().values(
                at=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC), actor="agent1", action="login"))
        assert "console_agent_skills" not in (await _look(database_url))[0]

        await asyncio.to_thread(upgrade, database_url)

        _, diff, revision = await _look(database_url)
        assert diff == [] and revision == HEAD, "an older console's database must end at the models' schema"
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT actor, action FROM console_audit_log"))).all() == [
                ("agent1", "login")], "the audit log of before the upgrade is kept"
    finally:
        await engine.dispose()


async def test_a_database_made_by_the_console_with_agent_skills_is_adopted_as_is(database_url):
    await _create_all(database_url, Base.metadata)  # the release just before Alembic: create_all of today's models
    await asyncio.to_thread(upgrade, database_url)
    tables, diff, revision = await _look(database_url)
    assert tables == set(Base.metadata.tables) | {"alembic_version"} and diff == [] and revision == HEAD


async def test_two_replicas_starting_together_on_postgresql_migrate_once(postgres_url):
    """Two console replicas (or migrate jobs) run the migrations at once: the advisory lock makes the second wait,
    then find nothing to do (without it, both CREATE TABLE and one fails, most of the time)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSOLE_", "MINWON_"))}
    env |= {"CONSOLE_DATABASE_URL": postgres_url, "PYTHONPATH": str(ROOT)}
    replicas = [await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.console.migrations", cwd=ROOT,
                                                     env=env, stdout=PIPE, stderr=STDOUT) for _ in range(2)]
    outputs = await asyncio.wait_for(asyncio.gather(*(r.communicate() for r in replicas)), 60)
    assert [r.returncode for r in replicas] == [0, 0], [out.decode(errors="replace")[-800:] for out, _ in outputs]
    assert (await _look(postgres_url))[1:] == ([], HEAD)


async def test_the_console_serves_on_a_migrated_database(database_url, aiohttp_server, aiohttp_client,
                                                         make_settings):
    await asyncio.to_thread(upgrade, database_url)
    server = await aiohttp_server(create_app(make_settings(database_url=database_url)))
    bot = await aiohttp_client(server)
    first = await escalate(bot, "tg:7001", "migrated-1")
    assert first.status == 201, await first.text()
    again = await escalate(bot, "tg:7001", "migrated-1")
    assert (await again.json())["handoff_id"] == (await first.json())["handoff_id"]
    await log_in(await aiohttp_client(server), "agent1", "agent1-demo")  # demo staff were seeded into the tables
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(select(func.count()).select_from(Handoff))).scalar_one() == 1
    finally:
        await engine.dispose()
    assert (await _look(database_url))[1:] == ([], HEAD)
