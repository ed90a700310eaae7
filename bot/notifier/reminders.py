"""Durable reminders: kept in the database, so they survive restarts (Rasa's own live in memory)."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from . import topics as t
from .messages import render_reminder
from .settings import NotifierSettings
from .tables import Delivery, Reminder, Subscription

FINE_DUE = "fine_due"
SUPPLEMENT = "supplement"
TOPIC_OF_KIND = {FINE_DUE: t.FINE_DUE, SUPPLEMENT: t.APPLICATION_STATUS}


def _at_reminder_hour(day: dt.date, settings: NotifierSettings) -> dt.datetime:
    tz = zoneinfo.ZoneInfo(settings.timezone)
    return dt.datetime.combine(day, dt.time(settings.reminder_hour), tzinfo=tz).astimezone(dt.timezone.utc)


def fine_reminder_time(due_date: dt.date, now: dt.datetime, settings: NotifierSettings) -> dt.datetime | None:
    """N days before the due date at the reminder hour; right away if that moment passed; None once overdue."""
    if due_date < now.astimezone(zoneinfo.ZoneInfo(settings.timezone)).date():
        return None
    return max(_at_reminder_hour(due_date - dt.timedelta(days=settings.fine_reminder_days), settings), now)


async def schedule(session: AsyncSession, now: dt.datetime, *, kind: str, citizen_id: str, case_number: str,
                   fire_at: dt.datetime, data: dict[str, Any]) -> None:
    """One reminder per kind and case: scheduling again moves the pending one instead of adding a second."""
    existing = (await session.execute(select(Reminder).where(
        Reminder.kind == kind, Reminder.case_number == case_number))).scalars().first()
    if existing is None:
        session.add(Reminder(kind=kind, citizen_id=citizen_id, case_number=case_number, fire_at=fire_at,
                             status="pending", data=data, created_at=now))
    elif existing.status == "pending" or existing.data != data:
        existing.fire_at, existing.data, existing.status = fire_at, data, "pending"


async def schedule_fine(session: AsyncSession, now: dt.datetime, settings: NotifierSettings, *, citizen_id: str,
                        notice_number: str, due_date: dt.date, amount_due: int | None = None) -> bool:
    fire_at = fine_reminder_time(due_date, now, settings)
    if fire_at is None:
        return False
    data: dict[str, Any] = {"due_date": due_date.isoformat()}
    if amount_due is not None:
        data["amount_due"] = amount_due
    await schedule(session, now, kind=FINE_DUE, citizen_id=citizen_id, case_number=notice_number,
                   fire_at=fire_at, data=data)
    return True


async def schedule_supplement(session: AsyncSession, now: dt.datetime, settings: NotifierSettings, *,
                              citizen_id: str, application_number: str) -> None:
    local_day = now.astimezone(zoneinfo.ZoneInfo(settings.timezone)).date()
    fire_at = _at_reminder_hour(local_day + dt.timedelta(days=settings.supplement_reminder_days), settings)
    await schedule(session, now, kind=SUPPLEMENT, citizen_id=citizen_id, case_number=application_number,
                   fire_at=fire_at, data={"requested_at": now.isoformat()})


async def cancel(session: AsyncSession, *, kind: str, case_numbers: list[str]) -> None:
    if case_numbers:
        await session.execute(update(Reminder).where(
            Reminder.kind == kind, Reminder.case_number.in_(case_numbers), Reminder.status == "pending",
        ).values(status="cancelled"))


async def fire_due(session: AsyncSession, now: dt.datetime) -> int:
    """Turn every reminder whose time came into deliveries (for the citizen's matching subscriptions)."""
    due = list((await session.execute(select(Reminder).where(
        Reminder.status == "pending", Reminder.fire_at <= now).order_by(Reminder.fire_at).limit(500))).scalars())
    created = 0
    for reminder in due:
        topic = TOPIC_OF_KIND[reminder.kind]
        subs = (await session.execute(select(Subscription).where(
            Subscription.citizen_id == reminder.citizen_id, Subscription.state == "active"))).scalars()
        for sub in subs:
            if topic not in sub.topics or (sub.case_number and sub.case_number != reminder.case_number):
                continue
            session.add(Delivery(
                event_id=f"reminder:{reminder.id}", subscription_id=sub.id, citizen_id=sub.citizen_id,
                conversation_id=sub.conversation_id, channel=sub.channel, topic=topic,
                case_number=reminder.case_number,
                text=render_reminder(reminder.kind, reminder.case_number, reminder.data, sub.language),
                status="pending", attempts=0, next_attempt_at=now, event_created_at=reminder.fire_at,
                created_at=now, tracker_status="pending", tracker_attempts=0))
            created += 1
        reminder.status = "fired"
    return created
