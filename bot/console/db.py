"""Database engine, sessions and schema (SQLAlchemy 2 asyncio; SQLite by default, PostgreSQL by CONSOLE_DATABASE_URL).

The schema is made by Alembic (bot/console/migrations): `python -m bot.console.migrations`, the launchers and the
Kubernetes/Compose migrate jobs run it, and every start runs it again (a no-op at head), so a developer's
`make run` and the tests need nothing more.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> AsyncEngine:
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_pre_ping=True)
    _make_sqlite_dir(url)
    # SQLite takes one writer at a time, and a writer that finds the file busy sleeps in SQLite's busy handler
    # (1, 2, 5, 10 ... 100 ms steps): with ten handoffs at once that put p95 at 140-190 ms against 56 ms with one
    # connection, where they wait their turn in the pool instead (bench/desk.py, concurrency 10). The timeout
    # still covers another process (a migration, the CLI) holding the file.
    engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0)

    @event.listens_for(engine.sync_engine, "connect")
    def _wal(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    """Programmatic config (no alembic.ini): the URL comes from the console's settings, never from a file."""
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


def _make_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def create_tables(engine: AsyncEngine) -> None:
    """At start: migrate this engine's database to head (a no-op when the migrate job already did)."""
    async with engine.connect() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(connection=sync), "head"))


def sessions(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
