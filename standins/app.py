"""The stand-ins' aiohttp application, built by one factory."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import AsyncIterator, Optional

import aiohttp
from aiohttp import web

from standins import control, simulator, telegram_api, twilio_api
from standins.keys import BACKGROUND, CLIENT, SETTINGS, TELEGRAM, TWILIO
from standins.settings import Settings
from standins.state import TelegramState, TwilioState

logger = logging.getLogger(__name__)


@web.middleware
async def json_errors(request: web.Request, handler):  # type: ignore[no-untyped-def]
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        return web.json_response({"code": "invalid", "message": f"bad request: {type(error).__name__}"}, status=400)
    except Exception:
        logger.exception("stand-in failed")
        return web.json_response({"code": "internal", "message": "stand-in error"}, status=500)


async def client_session(app: web.Application) -> AsyncIterator[None]:
    app[CLIENT] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
    app[BACKGROUND] = set()
    yield
    for task in list(app[BACKGROUND]):
        task.cancel()
    await asyncio.gather(*app[BACKGROUND], return_exceptions=True)
    await app[CLIENT].close()


async def to_simulator(_: web.Request) -> web.Response:
    raise web.HTTPFound("/simulator/")


def create_app(settings: Optional[Settings] = None) -> web.Application:
    app = web.Application(middlewares=[json_errors], client_max_size=8 * 1024 * 1024)
    app[SETTINGS] = settings or Settings.from_env()
    app[TELEGRAM] = TelegramState()
    app[TWILIO] = TwilioState()
    app.cleanup_ctx.append(client_session)
    app.add_routes(telegram_api.routes)
    app.add_routes(twilio_api.routes)
    app.add_routes(control.routes)
    app.add_routes(simulator.routes)
    app.router.add_get("/", to_simulator)
    return app
