"""The stand-ins' aiohttp application, built by one factory."""
from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, Optional

import aiohttp
from aiohttp import web

from minwon_logs.aiohttp_context import quiet_http_parser_errors, route_pattern
from standins import control, simulator, telegram_api, twilio_api
from standins.keys import BACKGROUND, CLIENT, SETTINGS, TELEGRAM, TWILIO
from standins.settings import Settings
from standins.state import TelegramState, TwilioState

logger = logging.getLogger(__name__)


def _error(request: web.Request, status: int, code: str, message: str) -> web.Response:
    """The fake Bot API answers in the Bot API's own error shape; everything else in ours."""
    if request.path.startswith("/telegram/"):
        return telegram_api.error(status, f"{'Bad Request' if status == 400 else code}: {message}")
    return web.json_response({"code": code, "message": message}, status=status)


@web.middleware
async def json_errors(request: web.Request, handler):  # type: ignore[no-untyped-def]
    """The one place an error becomes an answer: JSON, 4xx for whatever the client sent (a malformed or wrongly
    typed body, nesting, bytes that are not text), 500 only for a fault of the stand-in itself."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        message = "the body is too large" if error.status == 413 else error.reason
        return _error(request, error.status, error.reason.lower().replace(" ", "_"), message)
    except asyncio.CancelledError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError, UnicodeError) as error:
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; AttributeError is a list where an object belongs.
        return _error(request, 400, "invalid", f"malformed request ({type(error).__name__})")
    except Exception:
        logger.exception("stand-in failed on %s", route_pattern(request))
        return _error(request, 500, "internal", "stand-in error")


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
    quiet_http_parser_errors()
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
