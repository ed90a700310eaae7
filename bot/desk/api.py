"""The handoff HTTP API of CONTRACTS.md, called by the action server (bearer HANDOFF_TOKEN)."""
from __future__ import annotations

import hmac

from aiohttp import web

from bot.console.appkeys import DESK, SETTINGS
from bot.desk.errors import DeskError, InvalidRequest

routes = web.RouteTableDef()


class Unauthorized(DeskError):
    status = 401
    code = "unauthorized"


async def _json(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        raise InvalidRequest("the body must be JSON") from None
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    return body


def _require_token(request: web.Request) -> None:
    expected = f"Bearer {request.app[SETTINGS].handoff_token}"
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
        raise Unauthorized("a valid handoff token is required")


@routes.post("/v1/handoffs")
async def open_handoff(request: web.Request) -> web.Response:
    _require_token(request)
    answer, created = await request.app[DESK].open_handoff(await _json(request))
    return web.json_response(answer, status=201 if created else 200)


@routes.post("/v1/handoffs/{handoff_id}/satisfaction")
async def satisfaction(request: web.Request) -> web.Response:
    _require_token(request)
    body = await _json(request)
    await request.app[DESK].record_satisfaction(request.match_info["handoff_id"], body.get("score"))
    return web.json_response({"recorded": True})


@routes.get("/v1/handoffs/{handoff_id}")
async def handoff_status(request: web.Request) -> web.Response:
    """Where a handoff stands now (position, wait, open), for the action that tells the citizen."""
    _require_token(request)
    return web.json_response(await request.app[DESK].answer(request.match_info["handoff_id"]))
