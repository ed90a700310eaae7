"""Alembic migrations upgrade and downgrade cleanly, and the schema they build is the one the code uses."""
from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from govapi.migrate import downgrade, upgrade
from govapi.tables import Base
from govapi_testkit import fresh_database_url


async def _schema(url: str) -> tuple[set[str], list]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            def look(sync_conn):
                tables = set(inspect(sync_conn).get_table_names())
                diff = compare_metadata(MigrationContext.configure(sync_conn, opts={"compare_type": True}),
                                        Base.metadata)
                return tables, diff
            return await conn.run_sync(look)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_downgrade_upgrade(kind: str, tmp_path_factory, pg_database) -> None:
    url = fresh_database_url(kind, tmp_path_factory, pg_database)
    upgrade(url)
    tables, diff = asyncio.run(_schema(url))
    assert set(Base.metadata.tables) <= tables
    assert diff == [], "the migrations and govapi/tables.py disagree"
    downgrade(url, "base")
    tables, _ = asyncio.run(_schema(url))
    assert tables <= {"alembic_version"}
    upgrade(url)
    tables, diff = asyncio.run(_schema(url))
    assert set(Base.metadata.tables) <= tables and diff == []
