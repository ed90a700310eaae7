"""Alembic migrations upgrade and downgrade cleanly, and the schema they build is the one the code uses."""
from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
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


async def _file_an_application_before_0003(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            for statement in (
                "INSERT INTO addresses VALUES ('ad_1', '서울특별시 용산구 이태원로 1', '1 Itaewon-ro, Yongsan-gu, Seoul', "
                "'서울특별시', '용산구', 'Yongsan-gu', '04300', 'x')",
                "INSERT INTO households VALUES ('hh_1')",
                "INSERT INTO citizens VALUES ('ct_1', 'A', '2000-01-01', '+821000000000', 'ad_1', 'hh_1', 'head', 'ko')",
                "INSERT INTO applications (number, citizen_id, kind, status, office, submitted_at, expected_completion, "
                "missing_documents, updated_at) VALUES ('AP-2026-000001', 'ct_1', 'building_permit', 'received', "
                "'district_architecture', '2026-11-20 00:00:00', '2026-12-10', '[]', '2026-11-20 00:00:00')",
            ):
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _filing_district(url: str) -> tuple:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return tuple((await conn.execute(text("SELECT district, district_en FROM applications"))).one())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_applications_filed_before_0003_get_the_applicants_district(kind: str, tmp_path_factory, pg_database) -> None:
    url = fresh_database_url(kind, tmp_path_factory, pg_database)
    upgrade(url, "0002")
    asyncio.run(_file_an_application_before_0003(url))
    upgrade(url)
    assert asyncio.run(_filing_district(url)) == ("용산구", "Yongsan-gu")
