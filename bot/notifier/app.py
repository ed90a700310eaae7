"""The notifier's one application factory: API, storage, HTTP clients and background worker."""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot.metrics import attach_metrics
from minwon_logs.aiohttp_context import log_requests, quiet_http_parser_errors, readable_address, route_pattern

from . import metrics as notifier_metrics
from .api import routes
from .clients import ChannelSender, GovapiEvents
from .clock import Clock
from .db import create_tables, make_engine, make_sessionmaker
from .dispatcher import Dispatcher
from .errors import InvalidRequest, NotifierError, Unauthorized
from .keys import CLOCK, ENGINE, HTTP, METRICS, SESSIONS, SETTINGS, WORKER
from .settings import NotifierSettings, load_settings
from .worker import Worker

log = logging.getLogger("minwon.notifier")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OPEN_PATHS = {"/healthz", "/metrics"}
RUN_WORKER = web.AppKey("run_worker", bool)


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one place an error becomes an answer: JSON with a code and a message, 4xx for whatever the client sent.
    Logged by route pattern only: a path or query can hold ids and phone numbers."""
    try:
        return await handler(request)
    except NotifierError as exc:
        return web.json_response({"code": exc.code, "message": str(exc)}, status=exc.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = "The body is too large." if exc.status == 413 else exc.reason
        return web.json_response({"code": exc.reason.lower().replace(" ", "_"), "message": message},
                                 status=exc.status, headers={k: v for k, v in exc.headers.items() if k == "Allow"})
    except asyncio.CancelledError:
        raise
    except (UnicodeError, RecursionError):  # bytes or nesting no check above caught: still the client's input
        return web.json_response({"code": "invalid_request",
                                  "message": "The request holds bytes or nesting the notifier cannot read."}, status=400)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, route_pattern(request))
        return web.json_response({"code": "internal_error", "message": "Something went wrong."}, status=500)


@web.middleware
async def readable_request(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A path or query that does not decode to text (%ff, an encoded surrogate) is refused before any handler."""
    if not readable_address(request):
        raise InvalidRequest("the address is not valid UTF-8")
    return await handler(request)


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path not in OPEN_PATHS:
        expected = f"Bearer {request.app[SETTINGS].token}"
        # aiohttp keeps header bytes that are not UTF-8 as surrogates: compare the bytes as they came.
        given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected.encode()):
            raise Unauthorized("a valid bearer token is required")
    return await handler(request)


async def _storage(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[SETTINGS].database_url)
    await create_tables(engine)
    app[ENGINE] = engine
    app[SESSIONS] = make_sessionmaker(engine)
    yield
    await engine.dispose()


async def _http(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    timeout = aiohttp.ClientTimeout(total=settings.http_timeout_s, connect=min(2.0, settings.http_timeout_s))
    connector = aiohttp.TCPConnector(limit=settings.send_concurrency * 2 + 4)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        app[HTTP] = session
        yield


async def _worker(app: web.Application) -> AsyncIterator[None]:
    settings, clock, http = app[SETTINGS], app[CLOCK], app[HTTP]
    dispatcher = Dispatcher(app[SESSIONS], ChannelSender(http, settings), settings, clock, metrics=app.get(METRICS))
    worker = Worker(app[SESSIONS], GovapiEvents(http, settings), dispatcher, settings, clock, app[ENGINE])
    app[WORKER] = worker
    if app.get(RUN_WORKER, True):
        worker.start()
    yield
    await worker.stop()  # finishes the pass in flight, so nothing sent is left unrecorded


def create_app(settings: NotifierSettings | None = None, *, run_worker: bool = True) -> web.Application:
    settings = settings or load_settings()
    quiet_http_parser_errors()
    app = web.Application(middlewares=[log_requests, errors_as_json, readable_request, bearer_auth])
    app[SETTINGS] = settings
    app[CLOCK] = Clock(settings.fake_now)
    app[RUN_WORKER] = run_worker
    app.cleanup_ctx.extend([_storage, _http, _worker])
    app.add_routes(routes)
    attach_metrics(app, service="notifier")  # GET /metrics for Prometheus (not exposed by the ingress)
    app[METRICS] = notifier_metrics.attach(app)  # event lag, deliveries waiting
    return app
