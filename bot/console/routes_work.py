"""What agents do: queue, my conversations, history, the handoff packet, claim, reply, note, transfer, close."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.console.appkeys import DB, DESK, QUEUES, STAFF
from bot.console.audit import audit
from bot.console.canned import CANNED
from bot.console.tables import Agent, Callback, Handoff
from bot.desk.errors import InvalidRequest
from bot.desk.queues import utc
from bot.desk.service import Actor, aware

routes = web.RouteTableDef()


def actor(request: web.Request) -> Actor:
    staff = request[STAFF]
    return Actor(staff.username, staff.role)


async def body(request: web.Request) -> dict:
    try:
        data = await request.json()
    except ValueError:
        raise InvalidRequest("the body must be JSON") from None
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object")
    return data


def summary(h: Handoff) -> dict:
    return {"id": h.id, "conversation_id": h.conversation_id, "channel": h.channel, "language": h.language,
            "skill": h.skill, "reason": h.reason, "state": h.state, "agent": h.agent, "verified": h.verified,
            "created_at": aware(h.created_at).isoformat(),
            "closed_at": aware(h.closed_at).isoformat() if h.closed_at else None, "satisfaction": h.satisfaction}


@routes.get("/api/queue")
async def queue(request: web.Request) -> web.Response:
    queues = request.app[QUEUES]
    await queues.heartbeat(request[STAFF].username)
    waiting = []
    for record in await queues.waiting():
        position = int(record["position"])
        waiting.append({"id": record["id"], "conversation_id": record["conversation_id"], "channel": record["channel"],
                        "language": record["language"], "skill": record["skill"], "reason": record["reason"],
                        "queue": record["queue"], "position": position,
                        "waiting_since": utc(record["enqueued_at"]).isoformat(),
                        "estimated_wait_seconds": await queues.estimated_wait(position)})
    return web.json_response({"waiting": waiting, "lengths": await queues.queue_lengths(),
                              "agents_online": await queues.agents_online()})


@routes.get("/api/mine")
async def mine(request: web.Request) -> web.Response:
    async with request.app[DB]() as session:
        rows = (await session.execute(select(Handoff).where(Handoff.state == "claimed",
                                                            Handoff.agent == request[STAFF].username)
                                      .order_by(Handoff.claimed_at))).scalars().all()
    return web.json_response({"handoffs": [summary(h) for h in rows]})


@routes.get("/api/history")
async def history(request: web.Request) -> web.Response:
    staff = request[STAFF]
    query = select(Handoff).where(Handoff.state.in_(("closed", "callback"))).order_by(Handoff.created_at.desc()).limit(100)
    if not staff.supervisor:
        query = query.where(Handoff.agent == staff.username)
    async with request.app[DB]() as session:
        rows = (await session.execute(query)).scalars().all()
        audit(session, staff.username, "read_history")
        await session.commit()
    return web.json_response({"handoffs": [summary(h) for h in rows]})


@routes.get("/api/handoffs/{handoff_id}")
async def packet(request: web.Request) -> web.Response:
    return web.json_response(await request.app[DESK].packet(request.match_info["handoff_id"], actor(request)))


@routes.post("/api/handoffs/{handoff_id}/claim")
async def claim(request: web.Request) -> web.Response:
    record = await request.app[DESK].claim(request.match_info["handoff_id"], actor(request))
    return web.json_response({"claimed": True, "agent": record["agent"]})


@routes.post("/api/handoffs/{handoff_id}/reply")
async def reply(request: web.Request) -> web.Response:
    data = await body(request)
    return web.json_response(await request.app[DESK].reply(request.match_info["handoff_id"], actor(request),
                                                           str(data.get("text") or "")))


@routes.post("/api/handoffs/{handoff_id}/notes")
async def note(request: web.Request) -> web.Response:
    data = await body(request)
    await request.app[DESK].add_note(request.match_info["handoff_id"], actor(request), str(data.get("text") or ""))
    return web.json_response({"saved": True}, status=201)


@routes.post("/api/handoffs/{handoff_id}/transfer")
async def transfer(request: web.Request) -> web.Response:
    data = await body(request)
    record = await request.app[DESK].transfer(request.match_info["handoff_id"], actor(request),
                                              to_agent=data.get("agent"), language=data.get("language"),
                                              skill=data.get("skill"))
    return web.json_response({"state": record["state"], "agent": record["agent"], "queue": record["queue"]})


@routes.post("/api/handoffs/{handoff_id}/close")
async def close(request: web.Request) -> web.Response:
    data = await body(request)
    await request.app[DESK].close(request.match_info["handoff_id"], actor(request), survey=data.get("survey", True) is not False)
    return web.json_response({"closed": True})


@routes.post("/api/takeover")
async def takeover(request: web.Request) -> web.Response:
    data = await body(request)
    conversation_id = str(data.get("conversation_id") or "")
    if ":" not in conversation_id:
        raise InvalidRequest("a conversation id looks like tg:123, sms:+8210... or web:<uuid>")
    answer = await request.app[DESK].takeover(conversation_id, actor(request), language=data.get("language") or "ko")
    return web.json_response(answer, status=201)


@routes.get("/api/callbacks")
async def callbacks(request: web.Request) -> web.Response:
    async with request.app[DB]() as session:
        rows = (await session.execute(select(Callback).where(Callback.state == "open").order_by(Callback.due_at))).scalars().all()
    return web.json_response({"callbacks": [
        {"id": c.id, "handoff_id": c.handoff_id, "conversation_id": c.conversation_id, "language": c.language,
         "skill": c.skill, "why": c.why, "due_at": aware(c.due_at).isoformat()} for c in rows]})


@routes.post("/api/callbacks/{callback_id}/done")
async def callback_done(request: web.Request) -> web.Response:
    async with request.app[DB]() as session:
        ticket = await session.get(Callback, request.match_info["callback_id"])
        if ticket is None:
            raise InvalidRequest("no such callback ticket")
        ticket.state, ticket.done_by = "done", request[STAFF].username
        audit(session, request[STAFF].username, "callback_done", ticket.id)
        await session.commit()
    return web.json_response({"done": True})


@routes.get("/api/canned")
async def canned(request: web.Request) -> web.Response:
    return web.json_response({"replies": CANNED})


@routes.get("/api/agents")
async def agents(request: web.Request) -> web.Response:
    async with request.app[DB]() as session:
        rows = (await session.execute(select(Agent).where(Agent.active).order_by(Agent.username))).scalars().all()
    return web.json_response({"agents": [{"username": a.username, "display_name": a.display_name, "role": a.role}
                                         for a in rows]})
