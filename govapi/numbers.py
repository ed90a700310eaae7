"""Human-readable numbers: AP-2026-000123 (applications), CP (complaints), MV (move-in reports),
FN (fine notices), PY (payments), RC (receipts). One counter row per prefix and year.
"""
from __future__ import annotations

import re

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import NumberCounter

PREFIXES = ("AP", "CP", "MV", "FN", "PY", "RC")
NUMBER = re.compile(r"^\s*(AP|CP|MV|FN|PY|RC)-?(\d{4})-?(\d{6})\s*$", re.IGNORECASE)


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year:04d}-{seq:06d}"


def normalise_number(text: str) -> str | None:
    """'ap2026000123' or 'AP-2026-000123' -> 'AP-2026-000123'; None when it is not a number."""
    match = NUMBER.match(text)
    if not match:
        return None
    return format_number(match.group(1).upper(), int(match.group(2)), int(match.group(3)))


async def next_number(session: AsyncSession, prefix: str, year: int) -> str:
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(NumberCounter)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[NumberCounter.prefix, NumberCounter.year],
            set_={"last": NumberCounter.last + 1},
        )
        .returning(NumberCounter.last)
    )
    seq = (await session.execute(stmt)).scalar_one()
    return format_number(prefix, year, seq)
