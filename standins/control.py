"""Test and demo controls under /_control: read what was sent, make the fake APIs fail, reset."""
from __future__ import annotations

import asyncio

from aiohttp import web

from standins.keys import TELEGRAM, TWILIO
from standins.state import Failure, TelegramState, TwilioState

routes = web.RouteTableDef()


@routes.get("/_control/telegram/calls")
async def telegram_calls(request: web.Request) -> web.Response:
    """Recorded Bot API calls; with min_count and wait (seconds, at most 60) it long-polls."""
    state = request.app[TELEGRAM]
    method, chat = request.query.get("method"), request.query.get("chat_id")
    min_count = int(request.query.get("min_count", "0"))
    wait = min(float(request.query.get("wait", "0")), 60.0)

    def matching() -> list:
        return [c for c in state.calls_of(chat) if method is None or c["method"] == method]

    calls = matching()
    if len(calls) < min_count and wait > 0:
        async def enough() -> None:
            async with state.changed:
                await state.changed.wait_for(lambda: len(matching()) >= min_count)
        try:
            await asyncio.wait_for(enough(), wait)
        except asyncio.TimeoutError:
            pass
        calls = matching()
    return web.json_response({"calls": calls})


@routes.post("/_control/telegram/fail")
async def telegram_fail(request: web.Request) -> web.Response:
    data = await request.json()
    request.app[TELEGRAM].failures.append(Failure(
        method=str(data.get("method", "sendMessage")), error_code=int(data.get("error_code", 429)),
        description=str(data.get("description", "Too Many Requests: retry later")),
        retry_after=data.get("retry_after"), times=int(data.get("times", 1))))
    return web.json_response({"ok": True})


@routes.post("/_control/telegram/block")
async def telegram_block(request: web.Request) -> web.Response:
    data = await request.json()
    chats = request.app[TELEGRAM].blocked
    (chats.discard if data.get("unblock") else chats.add)(str(data["chat_id"]))
    return web.json_response({"ok": True})


@routes.post("/_control/twilio/undeliverable")
async def twilio_undeliverable(request: web.Request) -> web.Response:
    data = await request.json()
    request.app[TWILIO].undeliverable.add(str(data["to"]))
    return web.json_response({"ok": True})


@routes.get("/_control/twilio/messages")
async def twilio_messages(request: web.Request) -> web.Response:
    to = request.query.get("to")
    state = request.app[TWILIO]
    return web.json_response({
        "messages": state.sent_to("messages", to),
        "twiml": state.sent_to("twiml", to),
    })


@routes.post("/_control/reset")
async def reset(request: web.Request) -> web.Response:
    # The app is frozen once started: reset the state objects in place.
    fresh = TelegramState()
    fresh.changed = request.app[TELEGRAM].changed  # waiters keep their condition
    request.app[TELEGRAM].__dict__.update(fresh.__dict__)
    request.app[TWILIO].__dict__.update(TwilioState().__dict__)
    return web.json_response({"ok": True})
