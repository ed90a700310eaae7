"""Real time: one Redis pub/sub subscription per console instance, fanned out to its WebSockets.

Every instance publishes its changes to the same channel, so an agent on instance A sees a claim made on B.
"""
from __future__ import annotations

import asyncio
import logging

from aiohttp import WSMsgType, web

from bot.console.appkeys import KEYS, REDIS, SOCKETS

log = logging.getLogger("minwon.console.ws")
routes = web.RouteTableDef()


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    sockets = request.app[SOCKETS]
    sockets.add(ws)
    try:
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break
    finally:
        sockets.discard(ws)
    return ws


CLOSE_TIMEOUT_S = 2.0


async def relay_events(app: web.Application) -> None:
    """Forward every desk event from Redis to this instance's open sockets; reconnect after outages."""
    while True:
        pubsub = app[REDIS].pubsub()
        try:
            await pubsub.subscribe(app[KEYS].events)
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                for ws in list(app[SOCKETS]):
                    if not ws.closed:
                        await ws.send_str(message["data"])
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event relay lost Redis; retrying in 2 s")
            await asyncio.sleep(2)
        finally:
            # Bounded: closing a subscription whose read was just cancelled can wait on the connection for ever
            # (seen once as a console that never stopped).
            try:
                await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT_S)
            except (asyncio.TimeoutError, Exception):
                pass
