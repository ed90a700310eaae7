"""The Alembic environment the console's and the notifier's migrations share: an async engine (asyncpg / aiosqlite) or
the caller's connection, SQLite altered in batches, and on PostgreSQL a transaction-scoped advisory lock so replicas
that start together migrate one after the other. Each service's env.py names its metadata and its lock key."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


def run_environment(target_metadata: MetaData, advisory_lock_key: int) -> None:
    config = context.config

    def run_with(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_lock_key})
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
