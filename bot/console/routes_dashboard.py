"""The supervisor's dashboard figures: queue now, waits, handoff and containment rates, satisfaction, per service."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from aiohttp import web
from sqlalchemy import func, select

from bot.console.appkeys import DB, KEYS, QUEUES, REDIS, STAFF
from bot.console.audit import audit
from bot.console.tables import AuditEntry, Handoff
from bot.desk.bodies import query_int
from bot.desk.errors import InvalidRequest
from bot.desk.service import aware

routes = web.RouteTableDef()


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


async def figures(request: web.Request, days: int) -> dict:
    today = dt.datetime.now(dt.timezone.utc).date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time(), dt.timezone.utc)
    async with request.app[DB]() as session:
        rows = (await session.execute(select(Handoff).where(Handoff.created_at >= since))).scalars().all()
    per_day: dict[str, dict] = {}
    for n in range(days):
        day = (first + dt.timedelta(days=n)).isoformat()
        per_day[day] = {"day": day, "handoffs": 0, "waits": [], "scores": [], "callbacks": 0}
    per_skill: dict[str, dict] = defaultdict(lambda: {"handoffs": 0, "waits": [], "scores": []})
    for h in rows:
        created = aware(h.created_at)
        bucket = per_day.get(created.date().isoformat())
        if bucket is None:
            continue
        skill = per_skill[h.skill]
        for target in (bucket, skill):
            target["handoffs"] += 1
            if h.claimed_at:
                target["waits"].append((aware(h.claimed_at) - created).total_seconds())
            if h.satisfaction:
                target["scores"].append(h.satisfaction)
        if h.state == "callback":
            bucket["callbacks"] += 1
    redis = request.app[REDIS]
    prefix = request.app[KEYS].conversations_prefix
    series = []
    for day, bucket in per_day.items():
        conversations = await redis.pfcount(prefix + day)
        handoff_rate = round(bucket["handoffs"] / conversations, 3) if conversations else None
        series.append({"day": day, "handoffs": bucket["handoffs"], "callbacks": bucket["callbacks"],
                       "conversations": conversations or None,
                       "handoff_rate": handoff_rate,
                       "containment_rate": round(1 - handoff_rate, 3) if handoff_rate is not None else None,
                       "mean_wait_seconds": _mean(bucket["waits"]), "satisfaction": _mean(bucket["scores"])})
    queues = request.app[QUEUES]
    waiting = await queues.waiting()
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    return {
        "now": {"queue_lengths": await queues.queue_lengths(), "agents_online": await queues.agents_online(),
                "longest_wait_seconds": max((now - float(r["enqueued_at"]) for r in waiting), default=0)},
        "days": series,
        "per_service": {k: {"handoffs": v["handoffs"], "mean_wait_seconds": _mean(v["waits"]),
                            "satisfaction": _mean(v["scores"])} for k, v in sorted(per_skill.items())},
    }


@routes.get("/api/dashboard")
async def dashboard(request: web.Request) -> web.Response:
    days = query_int(request, "days", 14, 1, 90)
    data = await figures(request, days)
    async with request.app[DB]() as session:
        audit(session, request[STAFF].username, "read_dashboard")
        await session.commit()
    return web.json_response(data)


# The audit log's kinds, by action. Reads are many (every refresh of an open case is one): the page shows them
# aggregated, one row per who read which target, with how often and when first and last.
AUDIT_KINDS: dict[str, tuple[str, ...]] = {
    "changes": ("claim", "reply", "note", "transfer", "close", "takeover", "callback_done"),
    "reveals": ("reveal",),
    "logins": ("login", "login_failed"),
    "system": ("open_handoff", "satisfaction", "to_callback"),
}
READ_PREFIX = "read_"
AUDIT_LIMIT = 200


def kind_of(action: str) -> str:
    if action.startswith(READ_PREFIX):
        return "reads"
    return next((kind for kind, actions in AUDIT_KINDS.items() if action in actions), "other")


def _entry(e: AuditEntry) -> dict:
    at = aware(e.at).isoformat()
    return {"kind": kind_of(e.action), "at": at, "first_at": at, "count": 1, "actor": e.actor, "action": e.action,
            "target": e.target, "detail": e.detail}


async def _reads(session, since: dt.datetime) -> list[dict]:
    rows = (await session.execute(
        select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, func.count(), func.min(AuditEntry.at),
               func.max(AuditEntry.at))
        .where(AuditEntry.action.like(READ_PREFIX + "%"), AuditEntry.at >= since)
        .group_by(AuditEntry.actor, AuditEntry.action, AuditEntry.target)
        .order_by(func.max(AuditEntry.at).desc()).limit(AUDIT_LIMIT))).all()
    return [{"kind": "reads", "at": aware(last).isoformat(), "first_at": aware(first).isoformat(), "count": count,
             "actor": actor, "action": action, "target": target, "detail": None}
            for actor, action, target, count, first, last in rows]


@routes.get("/api/audit")
async def audit_log(request: web.Request) -> web.Response:
    """`?kind=all|reads|changes|reveals|logins|system|other` (default all) over the last `?days=` (default 7)."""
    kind = request.query.get("kind", "all")
    if kind not in ("all", "reads", "other", *AUDIT_KINDS):
        raise InvalidRequest("kind must be one of all, reads, other, " + ", ".join(AUDIT_KINDS))
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=query_int(request, "days", 7, 1, 90))
    entries: list[dict] = []
    async with request.app[DB]() as session:
        if kind in ("all", "reads"):
            entries += await _reads(session, since)
        if kind != "reads":
            query = select(AuditEntry).where(AuditEntry.at >= since, AuditEntry.action.not_like(READ_PREFIX + "%"))
            if kind in AUDIT_KINDS:
                query = query.where(AuditEntry.action.in_(AUDIT_KINDS[kind]))
            elif kind == "other":
                query = query.where(AuditEntry.action.not_in([a for actions in AUDIT_KINDS.values() for a in actions]))
            rows = (await session.execute(query.order_by(AuditEntry.id.desc()).limit(AUDIT_LIMIT))).scalars().all()
            entries += [_entry(e) for e in rows]
        audit(session, request[STAFF].username, "read_audit", kind=kind)
        await session.commit()
    entries.sort(key=lambda e: e["at"], reverse=True)
    return web.json_response({"kind": kind, "kinds": ["all", "reads", *AUDIT_KINDS, "other"],
                              "entries": entries[:AUDIT_LIMIT]})
