"""Engine, sessions and schema. The notifier's tables are made by Alembic (bot/notifier/migrations):
`python -m bot.notifier.migrations`, the launchers and the Kubernetes/Compose migrate jobs run it, and every start
runs it again (a no-op at head). Revisions 0001 and 0002 also adopt a database made by an older notifier's
create_all (before Alembic): see their docstrings."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(database_url: str) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        _make_sqlite_dir(database_url)
        engine = create_async_engine(database_url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # WAL: readers never wait for the writer
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_async_engine(database_url, pool_size=10, max_overflow=5, pool_pre_ping=True)


def _make_sqlite_dir(database_url: str) -> None:
    path = database_url.split(":///", 1)[1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    """Programmatic config (no alembic.ini): the URL comes from the notifier's settings, never from a file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate from outside an event loop (the CLI, the launchers, tests)."""
    if database_url.startswith("sqlite"):
        _make_sqlite_dir(database_url)
    command.upgrade(alembic_config(database_url), revision)


async def create_tables(engine: AsyncEngine) -> None:
    """At start: migrate this engine's database to head (a no-op when the migrate job already did)."""
    async with engine.connect() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(connection=sync), "head"))
