"""Idempotency-Key handling for state-changing routes.

The key is taken (inserted) at the start of the same transaction that does the work, so two
requests with one key cannot both do it: on PostgreSQL the second insert waits for the first
transaction and then fails as a duplicate; on SQLite transactions run one at a time. A failed
request (4xx) rolls back and leaves the key free. A replay answers the stored body with 200.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Database
from .errors import ApiError, Conflict
from .tables import IdempotencyRecord

Work = Callable[[AsyncSession], Awaitable[dict[str, Any]]]


def request_fingerprint(method: str, path: str, body: dict[str, Any]) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def run_once(db: Database, *, scope: str, key: str, fingerprint: str, now: dt.datetime,
                   work: Work) -> tuple[int, dict[str, Any]]:
    """Answer (201, body) the first time, (200, same body) on a replay of the same request."""
    for _ in range(3):
        try:
            async with db.session() as session:
                record = await session.get(IdempotencyRecord, (scope, key))
                if record is not None:
                    return _replay(record, fingerprint)
                record = IdempotencyRecord(scope=scope, key=key, request_hash=fingerprint,
                                           status_code=201, response={}, created_at=now)
                session.add(record)
                await session.flush()  # takes the key; a concurrent twin waits here
                body = await work(session)
                record.response = body
                return 201, body
        except IntegrityError:
            continue  # the twin committed first: read its answer on the next pass
    raise ApiError("The request could not be completed; retry with the same key.", code="retry")


def _replay(record: IdempotencyRecord, fingerprint: str) -> tuple[int, dict[str, Any]]:
    if record.request_hash != fingerprint:
        raise Conflict("This Idempotency-Key was used for a different request.", code="idempotency_conflict")
    return 200, record.response
