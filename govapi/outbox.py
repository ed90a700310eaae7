"""The event outbox: every change of status appends an event in the same transaction.

Consumers read with a cursor (the last event id they handled) and get events in id order,
at least once. On PostgreSQL a transaction-scoped advisory lock makes writers commit in id
order, so a reader never skips an event that commits late with a smaller id.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import Event

EVENT_ORDER_LOCK = 0x6D696E77  # "minw"


async def append_event(
    session: AsyncSession,
    *,
    type: str,
    case_type: str,
    case_number: str,
    citizen_id: str | None,
    data: dict[str, Any],
    now: dt.datetime,
) -> None:
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_ORDER_LOCK})
    session.add(Event(type=type, case_type=case_type, case_number=case_number,
                      citizen_id=citizen_id, data=data, created_at=now))
