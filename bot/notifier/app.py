"""The notifier's one application factory: API, storage, HTTP clients and background worker."""
from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot.metrics import attach_metrics
from minwon_logs.aiohttp_context import log_requests
from .api import routes
from .clients import ChannelSender, GovapiEvents
from .clock import Clock
from .db import create_tables, make_engine, make_sessionmaker
from .dispatcher import Dispatcher
from .errors import NotifierError, Unauthorized
from . import metrics as notifier_metrics
from .keys import CLOCK, ENGINE, HTTP, METRICS, SESSIONS, SETTINGS, WORKER
from .settings import NotifierSettings, load_settings
from .worker import Worker

log = logging.getLogger("minwon.notifier")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OPEN_PATHS = {"/healthz", "/metrics"}
RUN_WORKER = web.AppKey("run_worker", bool)


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except NotifierError as exc:
        return web.json_response({"code": exc.code, "message": str(exc)}, status=exc.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return web.json_response({"code": exc.reason.lower().replace(" ", "_"), "message": exc.reason},
                                 status=exc.status)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return web.json_response({"code": "internal_error", "message": "Something went wrong."}, status=500)


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path not in OPEN_PATHS:
        expected = f"Bearer {request.app[SETTINGS].token}"
        if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
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
    app = web.Application(middlewares=[log_requests, errors_as_json, bearer_auth])
    app[SETTINGS] = settings
    app[CLOCK] = Clock(settings.fake_now)
    app[RUN_WORKER] = run_worker
    app.cleanup_ctx.extend([_storage, _http, _worker])
    app.add_routes(routes)
    attach_metrics(app, service="notifier")  # GET /metrics for Prometheus (not exposed by the ingress)
    app[METRICS] = notifier_metrics.attach(app)  # event lag, deliveries waiting
    return app
