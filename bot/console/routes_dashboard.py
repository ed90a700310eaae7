"""The supervisor's dashboard figures: queue now, waits, handoff and containment rates, satisfaction, per service."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from aiohttp import web
from sqlalchemy import select

from bot.console.appkeys import DB, KEYS, QUEUES, REDIS, STAFF
from bot.console.audit import audit
from bot.console.tables import AuditEntry, Handoff
from bot.desk.bodies import query_int
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


@routes.get("/api/audit")
async def audit_log(request: web.Request) -> web.Response:
    async with request.app[DB]() as session:
        rows = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200))).scalars().all()
        audit(session, request[STAFF].username, "read_audit")
        await session.commit()
    return web.json_response({"entries": [{"at": aware(e.at).isoformat(), "actor": e.actor, "action": e.action,
                                           "target": e.target, "detail": e.detail} for e in rows]})
