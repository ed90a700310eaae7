"""Passing a move-in report on to each linked agency, with its own status and retries.

Without GOVAPI_AGENCY_WEBHOOK_URL the agencies are this register itself and each delivery
succeeds on the first run. With it, each delivery is POSTed to {url}/{agency}; failures are
retried with growing waits and marked failed after MAX_ATTEMPTS (an admin can retry them).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging

import aiohttp
from sqlalchemy import func, select, update

from .clock import Clock
from .db import Database
from .outbox import append_event
from .settings import Settings
from .tables import Address, AddressChange, AgencyDelivery

log = logging.getLogger("govapi.deliveries")
MAX_ATTEMPTS = 6
LEASE = dt.timedelta(seconds=60)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(10 * 2 ** (attempts - 1), 3600))


async def _send(settings: Settings, http: aiohttp.ClientSession, payload: dict, agency: str) -> str | None:
    """None when the agency took it, else a short reason (no personal data)."""
    if settings.agency_webhook_url is None:
        return None
    try:
        async with http.post(f"{settings.agency_webhook_url}/{agency}", json=payload,
                             timeout=aiohttp.ClientTimeout(total=10)) as resp:
            return None if 200 <= resp.status < 300 else f"HTTP {resp.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        return type(exc).__name__


async def run_deliveries(db: Database, clock: Clock, settings: Settings, http: aiohttp.ClientSession,
                         limit: int = 50) -> dict[str, int]:
    now = clock.now()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    async with db.session() as session:
        due = (await session.execute(
            select(AgencyDelivery.id, AgencyDelivery.next_attempt_at)
            .where(AgencyDelivery.status == "pending", AgencyDelivery.next_attempt_at <= now)
            .order_by(AgencyDelivery.id).limit(limit))).all()
    for delivery_id, seen_next in due:
        async with db.session() as session:
            # claim it with a lease so a second worker does not send it at the same time
            claimed = (await session.execute(
                update(AgencyDelivery).where(AgencyDelivery.id == delivery_id, AgencyDelivery.status == "pending",
                                             AgencyDelivery.next_attempt_at == seen_next)
                .values(next_attempt_at=now + LEASE))).rowcount
            if claimed != 1:
                continue
            delivery = await session.get(AgencyDelivery, delivery_id)
            change = await session.get(AddressChange, delivery.tracking_number)
            address = await session.get(Address, change.address_id)
            payload = {"tracking_number": change.tracking_number, "citizen_id": change.citizen_id,
                       "member_ids": change.member_ids, "effective_date": change.effective_date.isoformat(),
                       "address": {"road_address": address.road_address, "postal_code": address.postal_code}}
        error = await _send(settings, http, payload, delivery.agency)
        async with db.session() as session:
            delivery = await session.get(AgencyDelivery, delivery_id)
            delivery.attempts += 1
            if error is None:
                delivery.status, delivery.delivered_at, delivery.last_error = "delivered", clock.now(), None
                counts["delivered"] += 1
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.last_error = "failed", error
                counts["failed"] += 1
            else:
                delivery.next_attempt_at, delivery.last_error = clock.now() + backoff(delivery.attempts), error
                counts["retrying"] += 1
                continue
            await session.flush()
            await _delivery_settled(session, delivery, change.citizen_id, clock.now())
    return counts


async def _delivery_settled(session, delivery: AgencyDelivery, citizen_id: str, now: dt.datetime) -> None:
    statuses = dict((await session.execute(
        select(AgencyDelivery.status, func.count()).where(AgencyDelivery.tracking_number == delivery.tracking_number)
        .group_by(AgencyDelivery.status))).all())
    new_status = None
    if not statuses.get("pending"):
        new_status = "partially_failed" if statuses.get("failed") else "completed"
        await session.execute(update(AddressChange).where(AddressChange.tracking_number == delivery.tracking_number)
                              .values(status=new_status))
    await append_event(session, type="address_change.delivery_updated", case_type="address_change",
                       case_number=delivery.tracking_number, citizen_id=citizen_id,
                       data={"agency": delivery.agency, "status": delivery.status}, now=now)
    if new_status:
        await append_event(session, type="address_change.status_changed", case_type="address_change",
                           case_number=delivery.tracking_number, citizen_id=citizen_id,
                           data={"status": new_status}, now=now)
