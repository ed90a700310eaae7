"""The edge's one application factory: Redis, the HTTP session to Rasa, the channels and their inbox workers.

    create_app(settings) -> web.Application      (python -m edge serves it; tests build it the same way)

One error middleware turns every error into a JSON answer: 4xx for whatever the client sent (not JSON, not UTF-8,
lone surrogates, deep nesting, wrong types), never a 5xx from input. Requests are logged by route pattern only
(paths, queries and bodies hold phone numbers, chat ids and citizen words).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import cast

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.typedefs import Middleware
from redis.exceptions import RedisError

from minwon_logs.aiohttp_context import log_requests, quiet_http_parser_errors, readable_address, route_pattern

from edge.errors import EdgeError
from edge.handoff import DeskPassThrough
from edge.keys import DESK, HTTP, METRICS, RASA, SETTINGS, SMS, STORE, TELEGRAM, WEBCHAT
from edge.metrics import EdgeMetrics
from edge.outbound import handle_outbound, handle_replies
from edge.shortlinks import follow
from edge.queues import ConversationQueues
from edge.rasa_client import RasaClient
from edge.settings import EdgeSettings, load_settings
from edge.sms import SmsChannel
from edge.store import ChannelStore
from edge.telegram import TelegramChannel
from edge.telegram_delivery import bot_of
from edge.twilio_api import TwilioMessages
from edge.webchat import WebChat

log = logging.getLogger("minwon.edge")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY = 10 * 1024 * 1024  # a Twilio or Telegram webhook is small; the outbound routes check their own limit


def quiet_libraries() -> None:
    """Keep tokens, phone numbers and message text out of the logs: python-telegram-bot's httpx logs every Bot API
    URL (the token is in it) at INFO and its Bot logs parameters at DEBUG; twilio logs each request's form (the
    phone number and body) at INFO."""
    for name in ("httpx", "httpcore", "telegram", "twilio", "aiohttp_retry"):
        logging.getLogger(name).setLevel(logging.WARNING)
    quiet_http_parser_errors()


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one place an error becomes an answer: {"code": code, "message"}, 4xx for the client's input."""
    try:
        return await handler(request)
    except EdgeError as exc:
        return web.json_response({"code": exc.code, "message": str(exc)}, status=exc.status)
    except RedisError as exc:  # the channel (Telegram, Twilio) sends it again later; the page says so
        log.error("redis unavailable on %s %s: %s", request.method, route_pattern(request), type(exc).__name__)
        return web.json_response({"code": "unavailable", "message": "try again later"}, status=503)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return web.json_response({"code": exc.reason.lower().replace(" ", "_"), "message": exc.reason},
                                 status=exc.status, headers={k: v for k, v in exc.headers.items() if k == "Allow"})
    except asyncio.CancelledError:
        raise
    except (UnicodeError, RecursionError):  # bytes or nesting no handler's own check caught: still the client's
        return web.json_response({"code": "invalid", "message": "the request cannot be read"}, status=400)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, route_pattern(request))
        return web.json_response({"code": "internal_error", "message": "something went wrong"}, status=500)


@web.middleware
async def readable_request(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A path or query that does not decode to text (%ff, an encoded surrogate) is refused before any handler."""
    if not readable_address(request):
        return web.json_response({"code": "invalid", "message": "the address is not valid UTF-8"}, status=400)
    return await handler(request)


async def _redis(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    client = aioredis.from_url(settings.redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=2)
    app[STORE] = ChannelStore(client, settings.redis_prefix)
    app[DESK] = DeskPassThrough(client, settings.handoff_prefix, settings.stats_prefix)
    yield
    await client.aclose()


async def _http(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
        app[HTTP] = session
        app[RASA] = RasaClient(session, settings.rasa_url, settings.internal_channel_token, settings.rasa_timeout_s,
                               observe=app[METRICS].turn)
        yield


async def _webchat(app: web.Application) -> AsyncIterator[None]:
    queues = ConversationQueues(metrics=app[METRICS].queue("web"))
    app[WEBCHAT] = WebChat(app[STORE], app[RASA], app[DESK], queues,
                           secure_cookie=app[SETTINGS].public_url.startswith("https://"))
    yield
    await queues.close()


async def _telegram(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    bot = bot_of(settings.telegram.api_base, settings.telegram.token)
    channel = TelegramChannel(settings, app[STORE], app[RASA], app[DESK], bot, app[METRICS].queue("telegram"))
    app[TELEGRAM] = channel
    channel.worker.start_soon()
    yield
    await channel.close()


async def _sms(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    api = TwilioMessages(settings.sms.api_base, settings.sms.account_sid, settings.sms.auth_token)
    channel = SmsChannel(settings, app[STORE], app[RASA], app[DESK], api, app[HTTP], app[METRICS].queue("sms"))
    app[SMS] = channel
    channel.worker.start_soon()
    yield
    await channel.close()


def _via(key: web.AppKey, method: str) -> Handler:
    """A route whose handler lives on an object made at start-up (cleanup_ctx)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return await getattr(request.app[key], method)(request)

    return handler


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when Redis answers and Rasa's server is reachable (its root route; the turn route needs a body)."""
    settings, problems = request.app[SETTINGS], []
    try:
        await request.app[STORE].redis.ping()
    except Exception as error:
        problems.append(f"redis: {type(error).__name__}")
    try:
        async with request.app[HTTP].get(settings.rasa_url + "/", timeout=aiohttp.ClientTimeout(total=2)) as response:
            if response.status >= 500:
                problems.append(f"rasa: HTTP {response.status}")
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        problems.append(f"rasa: {type(error).__name__}")
    if problems:
        return web.json_response({"status": "unavailable", "problems": problems}, status=503)
    return web.json_response({"status": "ok"})


def create_app(settings: EdgeSettings | None = None) -> web.Application:
    settings = settings or load_settings()
    quiet_libraries()
    # minwon_logs annotates its @web.middleware as a plain Callable, which promises positional calls only; aiohttp's
    # Middleware protocol also needs keyword calls, which the function (request, handler) takes: a static view only.
    logged = cast(Middleware, log_requests)
    app = web.Application(middlewares=[logged, errors_as_json, readable_request], client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[METRICS] = EdgeMetrics(app)  # GET /metrics (keep it off the public ingress)
    app.cleanup_ctx.extend([_redis, _http, _webchat, _telegram, _sms])
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    for path, method in (("/webhooks/webchat", "to_page"), ("/webhooks/webchat/", "index"),
                         ("/webhooks/webchat/static/{name}", "static")):
        app.router.add_get(path, _via(WEBCHAT, method))
    app.router.add_post("/webhooks/webchat/messages", _via(WEBCHAT, "messages"))
    app.router.add_post("/webhooks/webchat/poll", _via(WEBCHAT, "poll"))
    app.router.add_post("/webhooks/webchat/history", _via(WEBCHAT, "history"))
    app.router.add_get("/webhooks/telegram/", _via(TELEGRAM, "health"))
    app.router.add_post("/webhooks/telegram/webhook", _via(TELEGRAM, "webhook"))
    app.router.add_get("/webhooks/twilio/", _via(SMS, "health"))
    app.router.add_post("/webhooks/twilio/webhook", _via(SMS, "webhook"))
    app.router.add_post("/webhooks/twilio/status", _via(SMS, "status"))
    for route, key, prefix in (("telegram", TELEGRAM, "tg:"), ("twilio", SMS, "sms:"), ("webchat", WEBCHAT, "web:")):
        app.router.add_post(f"/webhooks/{route}/outbound", _outbound(key, prefix))
    app.router.add_post("/internal/replies", replies)
    app.router.add_get("/s/{code}", short_link)
    return app


async def short_link(request: web.Request) -> web.Response:
    return await follow(request, request.app[STORE], request.app[SETTINGS])


async def replies(request: web.Request) -> web.Response:
    """Replies Rasa makes outside a turn (edge/outbound.py): formatted for the conversation's channel."""
    app = request.app
    senders = {"tg:": app[TELEGRAM].send_outbound, "sms:": app[SMS].send_outbound, "web:": app[WEBCHAT].send_outbound}
    return await handle_replies(request, app[SETTINGS].outbound_token, app[STORE], senders)


def _outbound(key: web.AppKey, prefix: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        app = request.app
        return await handle_outbound(request, app[SETTINGS].outbound_token, app[STORE], prefix,
                                     app[key].send_outbound)

    return handler
