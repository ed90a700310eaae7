"""What agents do: queue, my conversations, history, the handoff packet, claim, reply, note, transfer, close.

Every route that reads or writes a case goes through the desk's access rule (bot/desk/access.py): an agent
only what waits in their queues or is assigned to them, a supervisor everything. Ids and texts are masked
(bot/desk/masking.py) unless an agent reveals them on purpose."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.console.appkeys import DB, DESK, QUEUES, STAFF
from bot.console.audit import audit
from bot.console.canned import CANNED
from bot.console.context_view import describe, language
from bot.console.tables import Agent, Callback, Handoff
from bot.desk.access import (
    CALLBACK_ID,
    CONVERSATION_ID,
    HANDOFF_ID,
    agent_queues,
    checked_id,
    may_touch,
    refuse,
)
from bot.desk.bodies import flag, optional_text, read_json, text
from bot.desk.errors import NotFound, UpstreamError
from bot.desk.masking import mask_conversation_id, reveal_fields
from bot.desk.queues import LANGUAGES, queue_name, utc
from bot.desk.service import Actor, aware

routes = web.RouteTableDef()
MAX_TEXT = 4000


async def actor(request: web.Request) -> Actor:
    staff = request[STAFF]
    queues = frozenset() if staff.supervisor else await agent_queues(request.app[DB], staff.username)
    return Actor(staff.username, staff.role, queues)


def handoff_id(request: web.Request) -> str:
    return checked_id(request.match_info["handoff_id"], HANDOFF_ID, "handoff")


def summary(h: Handoff) -> dict:
    return {"id": h.id, "conversation_id": mask_conversation_id(h.conversation_id), "channel": h.channel,
            "language": h.language, "skill": h.skill, "reason": h.reason, "state": h.state, "agent": h.agent,
            "verified": h.verified, "created_at": aware(h.created_at).isoformat(),
            "closed_at": aware(h.closed_at).isoformat() if h.closed_at else None, "satisfaction": h.satisfaction}


@routes.get("/api/queue")
async def queue(request: web.Request) -> web.Response:
    """What waits: an agent sees the handoffs in the queues they serve; the lengths of all queues are figures only."""
    queues, me = request.app[QUEUES], await actor(request)
    await queues.heartbeat(me.username)
    waiting = []
    for record in await queues.waiting():
        if not (me.supervisor or record["queue"] in me.queues):
            continue
        position = int(record["position"])
        waiting.append({"id": record["id"], "conversation_id": mask_conversation_id(record["conversation_id"]),
                        "channel": record["channel"], "language": record["language"], "skill": record["skill"],
                        "reason": record["reason"], "queue": record["queue"], "position": position,
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
    query = select(Handoff).where(Handoff.state.in_(("closed", "callback", "withdrawn"))).order_by(Handoff.created_at.desc()).limit(100)
    if not staff.supervisor:
        query = query.where(Handoff.agent == staff.username)
    async with request.app[DB]() as session:
        rows = (await session.execute(query)).scalars().all()
        audit(session, staff.username, "read_history")
        await session.commit()
    return web.json_response({"handoffs": [summary(h) for h in rows]})


def with_context(request: web.Request, packet: dict) -> dict:
    """The packet plus its context in words for the agent's language (`?lang=ko|en`): what the panel shows."""
    return {**packet, "context": describe(packet, language(request.query.get("lang")))}


@routes.get("/api/handoffs/{handoff_id}")
async def packet(request: web.Request) -> web.Response:
    return web.json_response(with_context(request, await request.app[DESK].packet(handoff_id(request), await actor(request))))


@routes.post("/api/handoffs/{handoff_id}/reveal")
async def reveal(request: web.Request) -> web.Response:
    """The packet with the phone number and/or birth dates shown, for this one view; audited (who, what, when)."""
    fields = reveal_fields((await read_json(request)).get("fields"))
    return web.json_response(with_context(request, await request.app[DESK].packet(handoff_id(request), await actor(request),
                                                                              reveal=fields)))


@routes.post("/api/handoffs/{handoff_id}/claim")
async def claim(request: web.Request) -> web.Response:
    record = await request.app[DESK].claim(handoff_id(request), await actor(request))
    return web.json_response({"claimed": True, "agent": record["agent"]})


@routes.post("/api/handoffs/{handoff_id}/reply")
async def reply(request: web.Request) -> web.Response:
    data = await read_json(request)
    return web.json_response(await request.app[DESK].reply(handoff_id(request), await actor(request),
                                                           text(data, "text", max_len=MAX_TEXT)))


@routes.post("/api/handoffs/{handoff_id}/notes")
async def note(request: web.Request) -> web.Response:
    data = await read_json(request)
    await request.app[DESK].add_note(handoff_id(request), await actor(request), text(data, "text", max_len=MAX_TEXT))
    return web.json_response({"saved": True}, status=201)


@routes.post("/api/handoffs/{handoff_id}/transfer")
async def transfer(request: web.Request) -> web.Response:
    data = await read_json(request)
    record = await request.app[DESK].transfer(handoff_id(request), await actor(request),
                                              to_agent=optional_text(data, "agent", max_len=64),
                                              language=optional_text(data, "language", max_len=8),
                                              skill=optional_text(data, "skill", max_len=16))
    return web.json_response({"state": record["state"], "agent": record["agent"], "queue": record["queue"]})


@routes.post("/api/handoffs/{handoff_id}/close")
async def close(request: web.Request) -> web.Response:
    data = await read_json(request)
    await request.app[DESK].close(handoff_id(request), await actor(request), survey=flag(data, "survey", True))
    return web.json_response({"closed": True})


async def citizen_language(request: web.Request, conversation_id: str) -> str:
    """The conversation's own language (Rasa's `language` slot), so a takeover's notices and queue follow the
    citizen, not a default; Korean when Rasa cannot say (the takeover itself then reports what is wrong)."""
    if not CONVERSATION_ID.fullmatch(conversation_id):
        return "ko"
    try:
        slots = (await request.app[DESK].rasa.tracker(conversation_id)).get("slots") or {}
    except UpstreamError:
        return "ko"
    return slots.get("language") if slots.get("language") in LANGUAGES else "ko"


@routes.post("/api/takeover")
async def takeover(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation_id = text(data, "conversation_id", max_len=128, required=True)
    language = optional_text(data, "language", max_len=8) or await citizen_language(request, conversation_id)
    answer = await request.app[DESK].takeover(conversation_id, await actor(request), language=language,
                                              reason=text(data, "reason", max_len=500))
    return web.json_response(answer, status=201)


def _may_see_ticket(me: Actor, ticket: Callback) -> bool:
    return may_touch(me.username, me.supervisor, me.queues, state="callback", agent=None,
                     queue=queue_name(ticket.language, ticket.skill))


@routes.get("/api/callbacks")
async def callbacks(request: web.Request) -> web.Response:
    me = await actor(request)
    async with request.app[DB]() as session:
        rows = (await session.execute(select(Callback).where(Callback.state == "open").order_by(Callback.due_at))).scalars().all()
    return web.json_response({"callbacks": [
        {"id": c.id, "handoff_id": c.handoff_id, "conversation_id": mask_conversation_id(c.conversation_id),
         "language": c.language, "skill": c.skill, "why": c.why, "due_at": aware(c.due_at).isoformat()}
        for c in rows if _may_see_ticket(me, c)]})


@routes.post("/api/callbacks/{callback_id}/done")
async def callback_done(request: web.Request) -> web.Response:
    me = await actor(request)
    callback_id = checked_id(request.match_info["callback_id"], CALLBACK_ID, "callback ticket")
    async with request.app[DB]() as session:
        ticket = await session.get(Callback, callback_id)
        if ticket is None:
            raise NotFound("no such callback ticket")
        if not _may_see_ticket(me, ticket):
            raise refuse(ticket.handoff_id)
        ticket.state, ticket.done_by = "done", me.username
        audit(session, me.username, "callback_done", ticket.id)
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
