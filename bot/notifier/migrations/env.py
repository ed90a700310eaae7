"""Alembic environment of the notifier: an async engine (asyncpg / aiosqlite) or the caller's connection."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.notifier.tables import Base

config = context.config
target_metadata = Base.metadata
# A standby notifier may start beside the active one: on PostgreSQL they migrate in turn under this lock.
ADVISORY_LOCK_KEY = 0x6D696E776F6E02  # "minwon" + 2 (notifier)


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        context.run_migrations()


async def run_online(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_with)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.attributes["database_url"], target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:  # the service's own engine, already inside its loop
    run_with(config.attributes["connection"])
else:
    asyncio.run(run_online(config.attributes["database_url"]))
