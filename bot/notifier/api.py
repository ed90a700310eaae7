"""The notifier's HTTP API: subscriptions per citizen and conversation, deliveries, channel status callbacks."""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import select, update

import minwon_logs

from . import ingest, reminders, subscription_store
from . import topics as t
from .clients import GovapiEvents
from .errors import InvalidRequest, NotFound, UpstreamError
from .keys import CLOCK, HTTP, SESSIONS, SETTINGS, WORKER
from .tables import Delivery

log = logging.getLogger("minwon.notifier")
routes = web.RouteTableDef()


MAX_DEPTH = 16  # the deepest body the API takes is fines: [{...}] inside the object, so 16 is plenty
# The longest each id may be (the columns of bot/notifier/tables.py): a longer one is a 400, not a database error.
LIMITS = {"citizen_id": 32, "conversation_id": 120, "case_number": 30, "notice_number": 30, "message_id": 64,
          "subscription_id": 40}


def _check(value: Any, depth: int = 1) -> None:
    """Nesting within MAX_DEPTH and every string storable (a lone surrogate, \\ud800 in JSON, is not)."""
    if depth > MAX_DEPTH:
        raise InvalidRequest(f"the body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _text(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest("text must be valid Unicode (no lone surrogates)") from None
    return value


def _ids(values: dict[str, Any]) -> None:
    """Ids longer than their column are refused here, whatever route or field (body or query) carries them."""
    for name, limit in LIMITS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise InvalidRequest(f"{name} is longer than {limit} characters")


async def _json_body(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object: UTF-8, at most MAX_DEPTH deep, storable strings, ids within their columns.
    Too large a body is aiohttp's 413 (client_max_size), answered as JSON by the app's error middleware."""
    raw = await request.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRequest("the body must be UTF-8 JSON") from None
    except RecursionError:
        raise InvalidRequest(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise InvalidRequest("the body must be JSON") from None
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    _check(body)
    _ids(body)
    fines = body.get("fines")
    for fine in fines if isinstance(fines, list) else []:
        if isinstance(fine, dict):
            _ids(fine)
    return body


def _query(request: web.Request) -> dict[str, str]:
    """The query as text with ids within their columns (bytes that are not UTF-8 are refused by the app first)."""
    query = dict(request.query)
    _ids(query)
    return query


@routes.get("/healthz")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@routes.post("/v1/subscriptions")
async def create_subscription(request: web.Request) -> web.Response:
    """Body: citizen_id, conversation_id, topics, language, case_number?, quiet_hours?,
    fines? ([{notice_number, due_date, amount_due?}] so a fine reminder can be kept)."""
    body = await _json_body(request)
    minwon_logs.bind(conversation_id=str(body.get("conversation_id") or "") or None)  # reset with the request
    now = request.app[CLOCK].now()
    settings = request.app[SETTINGS]
    async with request.app[SESSIONS]() as session, session.begin():
        sub, created = await subscription_store.subscribe(session, now, body)
        reminders_set = 0
        if t.FINE_DUE in sub.topics:
            fines = body.get("fines") or []
            if not isinstance(fines, list):
                raise InvalidRequest("fines must be a list of {notice_number, due_date, amount_due?}")
            for fine in fines:
                try:
                    due = dt.date.fromisoformat(str(fine["due_date"])[:10])
                    number = str(fine["notice_number"])
                except (KeyError, TypeError, ValueError):
                    raise InvalidRequest("each fine needs notice_number and due_date (YYYY-MM-DD)") from None
                amount = fine.get("amount_due")
                if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
                    raise InvalidRequest("amount_due must be a whole number of won")
                if len(number) > LIMITS["notice_number"]:
                    raise InvalidRequest("notice_number is longer than 30 characters")
                reminders_set += await reminders.schedule_fine(
                    session, now, settings, citizen_id=sub.citizen_id, notice_number=number, due_date=due,
                    amount_due=fine.get("amount_due"))
        answer = subscription_store.as_json(sub, settings) | {"reminders_set": reminders_set}
    request.app[WORKER].wake()
    return web.json_response(answer, status=201 if created else 200)


@routes.post("/v1/follows")
async def create_follow(request: web.Request) -> web.Response:
    """Body: citizen_id, conversation_id, case_number, language. The action server calls this when a change the
    citizen made went through (payment, move-in report, complaint): its result comes to this conversation."""
    body = await _json_body(request)
    minwon_logs.bind(conversation_id=str(body.get("conversation_id") or "") or None)
    now = request.app[CLOCK].now()
    settings = request.app[SETTINGS]
    async with request.app[SESSIONS]() as session, session.begin():
        sub, created = await subscription_store.follow(session, now, settings, body)
    if sub.automatic:
        await _catch_up(request, sub)
    async with request.app[SESSIONS]() as session:
        sub = await subscription_store.get(session, sub.id)
    request.app[WORKER].wake()
    return web.json_response(subscription_store.as_json(sub, settings), status=201 if created else 200)


async def _catch_up(request: web.Request, sub: Any) -> None:
    """The case may have moved before the follow arrived (a move-in report's agencies are told within seconds):
    deliver what the outbox already said about it. Best effort: the follow stands even if govapi is away."""
    async with request.app[SESSIONS]() as session:
        event_ids = await ingest.seen_for_case(session, sub.case_number)
    if not event_ids:
        return
    try:
        events = await GovapiEvents(request.app[HTTP], request.app[SETTINGS]).events(event_ids)
    except UpstreamError as exc:
        log.warning("follow catch-up skipped: %s", exc)
        return
    async with request.app[SESSIONS]() as session, session.begin():
        fresh = await subscription_store.get(session, sub.id)
        await ingest.deliver_to_follow(session, request.app[CLOCK].now(), fresh, events)


@routes.get("/v1/subscriptions")
async def list_subscriptions(request: web.Request) -> web.Response:
    """The citizen's subscriptions; `follows=1` adds the automatic follows (each with "automatic": true)."""
    q = _query(request)
    async with request.app[SESSIONS]() as session:
        subs = await subscription_store.list_subscriptions(
            session, citizen_id=q.get("citizen_id"), conversation_id=q.get("conversation_id"),
            include_inactive=q.get("all") == "1", include_follows=q.get("follows") == "1")
    settings = request.app[SETTINGS]
    return web.json_response({"subscriptions": [subscription_store.as_json(s, settings) for s in subs]})


def _subscription_id(request: web.Request) -> str:
    """An id that cannot be one of ours is simply not found (no lookup with arbitrary text)."""
    value = request.match_info["subscription_id"]
    if len(value) > LIMITS["subscription_id"] or not value.isascii():
        raise NotFound("no such subscription")
    return value


@routes.patch("/v1/subscriptions/{subscription_id}")
async def change_subscription(request: web.Request) -> web.Response:
    body = await _json_body(request)
    now = request.app[CLOCK].now()
    async with request.app[SESSIONS]() as session, session.begin():
        sub = await subscription_store.get(session, _subscription_id(request), _query(request).get("citizen_id"))
        await subscription_store.change(session, now, sub, body)
        if "quiet_hours" in body:  # a changed window applies to what waits now, not only to what comes
            await session.execute(update(Delivery).where(
                Delivery.subscription_id == sub.id, Delivery.status == "deferred").values(next_attempt_at=now))
        answer = subscription_store.as_json(sub, request.app[SETTINGS])
    request.app[WORKER].wake()
    return web.json_response(answer)


@routes.delete("/v1/subscriptions/{subscription_id}")
async def cancel_subscription(request: web.Request) -> web.Response:
    now = request.app[CLOCK].now()
    async with request.app[SESSIONS]() as session, session.begin():
        sub = await subscription_store.get(session, _subscription_id(request), _query(request).get("citizen_id"))
        await subscription_store.cancel(session, now, sub)
        answer = subscription_store.as_json(sub, request.app[SETTINGS])
    return web.json_response(answer)


def _delivery_json(d: Delivery) -> dict[str, Any]:
    return {"id": d.id, "event_id": d.event_id, "subscription_id": d.subscription_id,
            "conversation_id": d.conversation_id, "channel": d.channel, "topic": d.topic,
            "case_number": d.case_number, "status": d.status, "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at.isoformat(),
            "sent_at": d.sent_at.isoformat() if d.sent_at else None, "last_error": d.last_error,
            "tracker_status": d.tracker_status, "provider_status": d.provider_status}


@routes.get("/v1/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    """For operators and tests: what was (or will be) sent to one citizen or conversation. No message text."""
    q = _query(request)
    if not q.get("citizen_id") and not q.get("conversation_id"):
        raise InvalidRequest("give citizen_id or conversation_id")
    query = select(Delivery).order_by(Delivery.id).limit(500)
    if q.get("citizen_id"):
        query = query.where(Delivery.citizen_id == q["citizen_id"])
    if q.get("conversation_id"):
        query = query.where(Delivery.conversation_id == q["conversation_id"])
    async with request.app[SESSIONS]() as session:
        rows = list((await session.execute(query)).scalars())
    return web.json_response({"deliveries": [_delivery_json(d) for d in rows]})


@routes.post("/v1/deliveries/status")
async def provider_status(request: web.Request) -> web.Response:
    """A connector forwards a provider status callback (Twilio MessageStatus), already authenticated on its side.
    Body: {"message_id": "SM...", "status": "delivered|undelivered|failed|sent|queued", "error_code"?}."""
    body = await _json_body(request)
    message_id, status = body.get("message_id"), body.get("status")
    if not isinstance(message_id, str) or not isinstance(status, str) or not message_id:
        raise InvalidRequest("message_id and status are required")
    async with request.app[SESSIONS]() as session, session.begin():
        result = await session.execute(update(Delivery).where(Delivery.provider_message_id == message_id)
                                       .values(provider_status=status[:20]))
    return web.json_response({"updated": result.rowcount})


@routes.get("/v1/status")
async def status(request: web.Request) -> web.Response:
    """How far the outbox has been read, and what waits: for operators, health checks and tests."""
    from sqlalchemy import func

    from .ingest import load_cursor

    async with request.app[SESSIONS]() as session:
        cursor = await load_cursor(session)
        counts = dict((await session.execute(
            select(Delivery.status, func.count()).where(Delivery.status.in_(("pending", "deferred")))
            .group_by(Delivery.status))).all())
    return web.json_response({"cursor": cursor, "pending": counts.get("pending", 0),
                              "deferred": counts.get("deferred", 0)})
