"""From govapi's outbox to deliveries: one transaction per page moves the cursor together with what it created.

A crash before the commit re-reads the page; a crash after it never reads it again; events already seen
(at-least-once delivery by govapi) are skipped by id. So no event is lost and none creates two messages.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import reminders, subscription_store
from . import topics as t
from .messages import render_event
from .settings import NotifierSettings
from .tables import Cursor, Delivery, Reminder, SeenEvent, Subscription

CURSOR_NAME = "govapi_events"


async def load_cursor(session: AsyncSession) -> str | None:
    row = await session.get(Cursor, CURSOR_NAME)
    return row.value if row else None


def _related_numbers(event: dict[str, Any]) -> set[str]:
    """The event's own number plus the numbers it concerns (a payment's fines and receipt)."""
    data = event.get("data") or {}
    numbers = {str(event.get("case_number") or "")}
    if data.get("receipt_number"):
        numbers.add(str(data["receipt_number"]))
    for fine in data.get("fines") or []:
        if isinstance(fine, dict):
            numbers.update(str(fine[k]) for k in ("notice_number", "id") if fine.get(k))
        elif isinstance(fine, str):
            numbers.add(fine)
    numbers.discard("")
    return numbers


def _created_at(event: dict[str, Any], fallback: dt.datetime) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(str(event.get("created_at")))
    except ValueError:
        return fallback
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


async def _schedule_reminders(session: AsyncSession, now: dt.datetime, settings: NotifierSettings,
                              event: dict[str, Any], pending: set[tuple[str, str]]) -> None:
    """Keep reminders in step with the case. `pending` holds the (kind, case) reminders waiting now, so the
    common event (a status change with no reminder around) costs no statement at all."""
    data = event.get("data") or {}
    number = str(event.get("case_number") or "")
    citizen_id = event.get("citizen_id")
    case_type = event.get("case_type")
    if case_type == "application" and citizen_id:
        if data.get("status") == "supplement_requested":
            await reminders.schedule_supplement(session, now, settings, citizen_id=citizen_id, application_number=number)
            pending.add((reminders.SUPPLEMENT, number))
        elif (reminders.SUPPLEMENT, number) in pending:  # the office moved on: the documents came or it closed
            await reminders.cancel(session, kind=reminders.SUPPLEMENT, case_numbers=[number])
            pending.discard((reminders.SUPPLEMENT, number))
    elif case_type == "fine" and citizen_id:
        if data.get("status") == "paid":
            if (reminders.FINE_DUE, number) in pending:
                await reminders.cancel(session, kind=reminders.FINE_DUE, case_numbers=[number])
        elif data.get("due_date"):
            try:
                due = dt.date.fromisoformat(str(data["due_date"])[:10])
            except ValueError:
                return
            if await reminders.schedule_fine(session, now, settings, citizen_id=citizen_id, notice_number=number,
                                             due_date=due, amount_due=data.get("amount_due")):
                pending.add((reminders.FINE_DUE, number))
    elif case_type == "payment" and t.topic_of_event(event) == t.PAYMENT_RECEIPT:
        paid = [n for n in _related_numbers(event) if (reminders.FINE_DUE, n) in pending]
        await reminders.cancel(session, kind=reminders.FINE_DUE, case_numbers=paid)


def _recipients(event: dict[str, Any], topic: str, subs: list[Subscription]) -> list[Subscription]:
    """The subscriptions the event concerns, one per conversation: a conversation with both the citizen's own
    subscription and an automatic follow of the case hears it once (under the subscription's settings)."""
    numbers = _related_numbers(event)
    chosen: dict[str, Subscription] = {}
    for sub in sorted(subs, key=lambda s: bool(s.automatic)):
        if topic in sub.topics and (not sub.case_number or sub.case_number in numbers):
            chosen.setdefault(sub.conversation_id, sub)
    return list(chosen.values())


def _delivery_row(event: dict[str, Any], topic: str, sub: Subscription, now: dt.datetime) -> dict[str, Any]:
    return dict(
        event_id=str(event.get("id")), subscription_id=sub.id, citizen_id=sub.citizen_id,
        conversation_id=sub.conversation_id, channel=sub.channel, topic=topic,
        case_number=event.get("case_number"), text=render_event(topic, event, sub.language),
        status="pending", attempts=0, next_attempt_at=now, event_created_at=_created_at(event, now),
        created_at=now, sent_at=None, last_error=None, tracker_status="pending", tracker_attempts=0,
        provider_message_id=None, provider_status=None)


async def seen_for_case(session: AsyncSession, case_number: str) -> list[str]:
    """Ids of events already read that make a message about this case (normally none when a follow starts)."""
    return list((await session.execute(select(SeenEvent.event_id).where(
        SeenEvent.case_number == case_number).order_by(SeenEvent.seen_at))).scalars())


async def deliver_to_follow(session: AsyncSession, now: dt.datetime, sub: Subscription,
                            events: list[dict[str, Any]]) -> int:
    """A follow made just after its case moved: what the outbox already said about the case, for it alone."""
    done = set((await session.execute(select(Delivery.event_id).where(
        Delivery.subscription_id == sub.id))).scalars())
    rows = []
    for event in events:
        topic = t.topic_of_event(event)
        if str(event.get("id")) in done or topic is None or event.get("citizen_id") != sub.citizen_id:
            continue
        if _recipients(event, topic, [sub]):
            rows.append(_delivery_row(event, topic, sub, now))
        if t.is_final(event):
            sub.state, sub.updated_at = "done", now
    if rows:
        await session.execute(insert(Delivery), rows)
    return len(rows)


async def ingest_page(session: AsyncSession, now: dt.datetime, settings: NotifierSettings,
                      events: list[dict[str, Any]], next_cursor: str | None) -> int:
    """Record one page of events; returns how many deliveries it created. The caller commits."""
    ids = [str(e.get("id")) for e in events]
    seen = set((await session.execute(select(SeenEvent.event_id).where(SeenEvent.event_id.in_(ids)))).scalars()) \
        if ids else set()
    # Unseen events, each once even if a page repeats one.
    fresh = list({str(e.get("id")): e for e in events if str(e.get("id")) not in seen}.values())
    citizen_ids = {e.get("citizen_id") for e in fresh if e.get("citizen_id")}
    subs_by_citizen: dict[str, list[Subscription]] = defaultdict(list)
    if citizen_ids:
        for sub in (await session.execute(select(Subscription).where(
                Subscription.citizen_id.in_(citizen_ids), Subscription.state == "active",
                or_(Subscription.expires_at.is_(None), Subscription.expires_at > now)))).scalars():
            subs_by_citizen[sub.citizen_id].append(sub)
    page_numbers = {n for e in fresh for n in _related_numbers(e)}
    pending = set((await session.execute(select(Reminder.kind, Reminder.case_number).where(
        Reminder.status == "pending", Reminder.case_number.in_(page_numbers)))).tuples()) if page_numbers else set()
    seen_rows: list[dict[str, Any]] = []
    delivery_rows: list[dict[str, Any]] = []
    for event in fresh:
        event_id = str(event.get("id"))
        topic = t.topic_of_event(event)
        news_about = (str(event.get("case_number") or "")[:30] or None) if topic else None
        seen_rows.append({"event_id": event_id, "type": str(event.get("type") or "")[:60], "seen_at": now,
                          "case_number": news_about})
        await _schedule_reminders(session, now, settings, event, pending)
        subs = subs_by_citizen.get(event.get("citizen_id") or "", [])
        if topic is not None:
            delivery_rows += [_delivery_row(event, topic, sub, now) for sub in _recipients(event, topic, subs)]
        number = str(event.get("case_number") or "")
        if t.is_final(event) and any(sub.automatic and sub.case_number == number for sub in subs):
            await subscription_store.end_follows(session, now, number)
            subs[:] = [sub for sub in subs if not (sub.automatic and sub.case_number == number)]
    # Bulk inserts (executemany): a page of 500 events costs a few statements, not a thousand.
    if seen_rows:
        await session.execute(insert(SeenEvent), seen_rows)
    if delivery_rows:
        await session.execute(insert(Delivery), delivery_rows)
    created = len(delivery_rows)
    if next_cursor is not None:
        cursor = await session.get(Cursor, CURSOR_NAME)
        if cursor is None:
            session.add(Cursor(name=CURSOR_NAME, value=str(next_cursor), updated_at=now))
        else:
            cursor.value, cursor.updated_at = str(next_cursor), now
    return created
