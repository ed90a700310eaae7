"""Subscriptions: who wants to hear about what, where, in which language and when not."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minwon_core.channel_text import channel_of

from . import topics as t
from .errors import InvalidRequest, NotFound
from .settings import NotifierSettings, SettingsError, parse_quiet_hours
from .tables import Subscription

CASE_NUMBER = re.compile(r"^(AP|CP|MV|FN|PY|RC)-\d{4}-\d{6}$")
ACTIVE = "active"


def _check_topics(topics: Any) -> list[str]:
    if not isinstance(topics, list) or not topics or not all(isinstance(x, str) for x in topics):
        raise InvalidRequest(f"topics must be a non-empty list of: {', '.join(t.TOPICS)}")
    unknown = [x for x in topics if x not in t.TOPICS]
    if unknown:
        raise InvalidRequest(f"unknown topics {unknown}; choose from {', '.join(t.TOPICS)}")
    return sorted(set(topics))


def _check_quiet_hours(value: Any) -> str | None:
    """None keeps the channel default; 'off' switches quiet hours off; '22:00-07:00' sets the window."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = f"{value.get('start', '')}-{value.get('end', '')}"
    if not isinstance(value, str):
        raise InvalidRequest("quiet_hours must be like '22:00-07:00', {start, end}, 'off' or null")
    try:
        window = parse_quiet_hours(value)
    except SettingsError as exc:
        raise InvalidRequest(str(exc)) from None
    return "off" if window is None else window.as_text()


def _check_language(value: Any) -> str:
    if value not in ("ko", "en"):
        raise InvalidRequest("language must be ko or en")
    return value


def _check_case_number(value: Any) -> str | None:
    if value in (None, ""):
        return None
    number = str(value).upper()
    if not CASE_NUMBER.match(number):
        raise InvalidRequest("case_number must look like AP-2026-000123")
    return number


def _who(body: dict[str, Any]) -> tuple[str, str, str]:
    """The citizen, the conversation and its channel a subscription or a follow is for (400 when malformed)."""
    citizen_id = body.get("citizen_id")
    conversation_id = body.get("conversation_id")
    if not isinstance(citizen_id, str) or not citizen_id:
        raise InvalidRequest("citizen_id is required")
    if not isinstance(conversation_id, str) or not (channel := channel_of(conversation_id)):
        raise InvalidRequest("conversation_id must look like tg:<id>, sms:<+82...> or web:<uuid>")
    return citizen_id, conversation_id, channel


async def subscribe(session: AsyncSession, now: dt.datetime, body: dict[str, Any]) -> tuple[Subscription, bool]:
    """Create a subscription, or widen/refresh the one this conversation already has for the same case.

    Subscribing again also re-activates one that was cancelled, opted out or blocked: the citizen asked anew.
    """
    citizen_id, conversation_id, channel = _who(body)
    topics = _check_topics(body.get("topics"))
    language = _check_language(body.get("language", "ko"))
    case_number = _check_case_number(body.get("case_number"))
    quiet = _check_quiet_hours(body.get("quiet_hours"))
    existing = await _same_case(session, citizen_id, conversation_id, case_number)
    if existing is not None:
        # An automatic follow of this case becomes the citizen's own subscription (listed, no end).
        previous = existing.topics if existing.state == ACTIVE and not existing.automatic else []
        existing.topics = sorted(set(previous) | set(topics))
        existing.language = language
        if "quiet_hours" in body:
            existing.quiet_hours = quiet
        existing.state = ACTIVE
        existing.automatic, existing.expires_at = False, None
        existing.updated_at = now
        return existing, False
    sub = Subscription(id=f"sub_{uuid.uuid4().hex[:20]}", citizen_id=citizen_id, conversation_id=conversation_id,
                       channel=channel, topics=topics, case_number=case_number, language=language,
                       quiet_hours=quiet, state=ACTIVE, created_at=now, updated_at=now)
    session.add(sub)
    return sub, True


async def _same_case(session: AsyncSession, citizen_id: str, conversation_id: str,
                     case_number: str | None) -> Subscription | None:
    return (await session.execute(select(Subscription).where(
        Subscription.citizen_id == citizen_id, Subscription.conversation_id == conversation_id,
        Subscription.case_number.is_(None) if case_number is None else Subscription.case_number == case_number,
    ))).scalars().first()


async def follow(session: AsyncSession, now: dt.datetime, settings: NotifierSettings,
                 body: dict[str, Any]) -> tuple[Subscription, bool]:
    """Follow one case for this conversation: the result of a change the citizen just made there (a payment, a
    move-in report, a complaint). Not listed to the citizen; ends at the case's final state or after
    settings.follow_days. The citizen's own active subscription of the case already covers it and is kept."""
    citizen_id, conversation_id, channel = _who(body)
    case_number = _check_case_number(body.get("case_number"))
    if case_number is None:
        raise InvalidRequest("case_number is required, like PY-2026-000123")
    language = _check_language(body.get("language", "ko"))
    topics = [t.TOPIC_OF_PREFIX[case_number[:2]]]
    expires_at = now + dt.timedelta(days=settings.follow_days)
    existing = await _same_case(session, citizen_id, conversation_id, case_number)
    if existing is not None and existing.state == ACTIVE and not existing.automatic:
        return existing, False
    if existing is not None:
        existing.topics, existing.language, existing.state = topics, language, ACTIVE
        existing.automatic, existing.expires_at, existing.updated_at = True, expires_at, now
        return existing, False
    sub = Subscription(id=f"fol_{uuid.uuid4().hex[:20]}", citizen_id=citizen_id, conversation_id=conversation_id,
                       channel=channel, topics=topics, case_number=case_number, language=language,
                       quiet_hours=None, state=ACTIVE, automatic=True, expires_at=expires_at,
                       created_at=now, updated_at=now)
    session.add(sub)
    return sub, True


async def end_follows(session: AsyncSession, now: dt.datetime, case_number: str) -> None:
    """The case reached its final state: its follows have nothing more to tell."""
    await session.execute(update(Subscription).where(
        Subscription.case_number == case_number, Subscription.automatic.is_(True), Subscription.state == ACTIVE,
    ).values(state="done", updated_at=now))


async def expire_follows(session: AsyncSession, now: dt.datetime) -> None:
    await session.execute(update(Subscription).where(
        Subscription.automatic.is_(True), Subscription.state == ACTIVE, Subscription.expires_at <= now,
    ).values(state="expired", updated_at=now))


async def list_subscriptions(session: AsyncSession, *, citizen_id: str | None, conversation_id: str | None,
                             include_inactive: bool = False, include_follows: bool = False) -> list[Subscription]:
    """The citizen's subscriptions; automatic follows only when asked (they are not the citizen's choice)."""
    if not citizen_id and not conversation_id:
        raise InvalidRequest("give citizen_id or conversation_id")
    query = select(Subscription).order_by(Subscription.created_at)
    if not include_follows:
        query = query.where(Subscription.automatic.is_(False))
    if citizen_id:
        query = query.where(Subscription.citizen_id == citizen_id)
    if conversation_id:
        query = query.where(Subscription.conversation_id == conversation_id)
    if not include_inactive:
        query = query.where(Subscription.state == ACTIVE)
    return list((await session.execute(query)).scalars())


async def get(session: AsyncSession, subscription_id: str, citizen_id: str | None = None) -> Subscription:
    sub = await session.get(Subscription, subscription_id)
    # Someone else's subscription answers exactly like an unknown one.
    if sub is None or (citizen_id and sub.citizen_id != citizen_id):
        raise NotFound("no such subscription")
    return sub


async def change(session: AsyncSession, now: dt.datetime, sub: Subscription, body: dict[str, Any]) -> Subscription:
    if "topics" in body:
        sub.topics = _check_topics(body["topics"])
    if "language" in body:
        sub.language = _check_language(body["language"])
    if "quiet_hours" in body:
        sub.quiet_hours = _check_quiet_hours(body["quiet_hours"])
    sub.updated_at = now
    return sub


async def cancel(session: AsyncSession, now: dt.datetime, sub: Subscription) -> Subscription:
    sub.state = "cancelled"
    sub.updated_at = now
    return sub


async def mark_conversation(session: AsyncSession, now: dt.datetime, conversation_id: str, state: str) -> None:
    """The channel refused this recipient (opted_out / blocked): no more deliveries there until they subscribe anew."""
    await session.execute(update(Subscription)
                          .where(Subscription.conversation_id == conversation_id, Subscription.state == ACTIVE)
                          .values(state=state, updated_at=now))


def as_json(sub: Subscription, settings: NotifierSettings) -> dict[str, Any]:
    from .quiet_hours import quiet_hours_for

    window = quiet_hours_for(sub.quiet_hours, sub.channel, settings)
    return {
        "id": sub.id, "citizen_id": sub.citizen_id, "conversation_id": sub.conversation_id,
        "channel": sub.channel, "topics": sub.topics, "case_number": sub.case_number,
        "language": sub.language, "state": sub.state, "automatic": bool(sub.automatic),
        "expires_at": sub.expires_at.isoformat() if sub.expires_at else None,
        "quiet_hours": ({"start": f"{window.start:%H:%M}", "end": f"{window.end:%H:%M}", "timezone": settings.timezone}
                        if window else None),
        "created_at": sub.created_at.isoformat(), "updated_at": sub.updated_at.isoformat(),
    }
