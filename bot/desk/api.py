"""The handoff HTTP API of CONTRACTS.md, called by the action server (bearer HANDOFF_TOKEN)."""
from __future__ import annotations

import hmac

from aiohttp import web

from bot.console.appkeys import DESK, SETTINGS
from bot.desk.access import HANDOFF_ID, checked_id
from bot.desk.bodies import read_json
from bot.desk.errors import DeskError, InvalidRequest

routes = web.RouteTableDef()


class Unauthorized(DeskError):
    status = 401
    code = "unauthorized"


def _require_token(request: web.Request) -> None:
    expected = f"Bearer {request.app[SETTINGS].handoff_token}"
    given = request.headers.get("Authorization", "").encode("utf-8", "replace")  # a header may carry any byte
    if not hmac.compare_digest(given, expected.encode()):
        raise Unauthorized("a valid handoff token is required")


@routes.post("/v1/handoffs")
async def open_handoff(request: web.Request) -> web.Response:
    _require_token(request)
    answer, created = await request.app[DESK].open_handoff(await read_json(request))
    return web.json_response(answer, status=201 if created else 200)


@routes.post("/v1/handoffs/{handoff_id}/satisfaction")
async def satisfaction(request: web.Request) -> web.Response:
    _require_token(request)
    body = await read_json(request)
    handoff_id = checked_id(request.match_info["handoff_id"], HANDOFF_ID, "handoff")
    await request.app[DESK].record_satisfaction(handoff_id, body.get("score"))
    return web.json_response({"recorded": True})


@routes.post("/v1/handoffs/{handoff_id}/withdraw")
async def withdraw(request: web.Request) -> web.Response:
    """{"conversation_id"}: the citizen took the request back while queued. 200 {"withdrawn": true} (again for a
    retry); 409
    wrong_state once an agent has the conversation (or it is closed); 404 for another conversation's handoff."""
    _require_token(request)
    body = await read_json(request)
    handoff_id = checked_id(request.match_info["handoff_id"], HANDOFF_ID, "handoff")
    conversation_id = body.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id:
        raise InvalidRequest("conversation_id is required")
    return web.json_response(await request.app[DESK].withdraw(handoff_id, conversation_id))


@routes.get("/v1/handoffs/{handoff_id}")
async def handoff_status(request: web.Request) -> web.Response:
    """Where a handoff stands now (position, wait, open), for the action that tells the citizen."""
    _require_token(request)
    return web.json_response(await request.app[DESK].answer(checked_id(request.match_info["handoff_id"], HANDOFF_ID, "handoff")))
