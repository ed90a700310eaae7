"""The govapi application factory."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.metrics import attach_metrics

from .clock import Clock
from .db import Database
from .guess_guard import GuessGuard
from .keys import CHECKOUT_GUARD, CLOCK, DB, HTTP, SETTINGS, SMS
from .middleware import bearer_auth, errors_as_json, readable_request, request_context
from .openapi import build_document
from .responses import ok
from .routes import (addresses, admin, applications, cases, checkout, citizens, complaints, events, fines, health,
                     payments, verification)
from .settings import Settings
from .sms import OutboxSender, TwilioSender
from .worker import run_forever

MAX_BODY = 5 * 1024 * 1024 + 1024  # photo uploads; JSON routes have their own, smaller limit
ROUTE_MODULES = (health, verification, citizens, applications, fines, payments, checkout, addresses, complaints,
                 cases, events, admin)


def create_app(settings: Settings, *, clock: Clock | None = None, background_jobs: bool = True) -> web.Application:
    # aiohttp's access log writes paths and query strings (phones, case numbers); ours logs route patterns
    logging.getLogger("aiohttp.access").disabled = True
    app = web.Application(middlewares=[request_context, errors_as_json, readable_request, bearer_auth], client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[CLOCK] = clock or Clock(settings.today)
    app[CHECKOUT_GUARD] = GuessGuard()
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_http_and_sms)
    if background_jobs:
        app.cleanup_ctx.append(_background_jobs)
    for module in ROUTE_MODULES:
        app.router.add_routes(module.routes)
    document = build_document()

    async def openapi(request: web.Request) -> web.Response:
        return ok(document)

    app.router.add_get("/openapi.json", openapi)
    # GET /metrics for Prometheus (route templates only, never paths); the ingress does not expose it.
    attach_metrics(app, service="govapi")
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    app[DB] = Database(app[SETTINGS].database_url)
    yield
    await app[DB].close()


async def _http_and_sms(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession()
    settings = app[SETTINGS]
    app[SMS] = TwilioSender(settings, app[HTTP]) if settings.sms_backend == "twilio" else OutboxSender(app[CLOCK])
    yield
    await app[SMS].close()
    await app[HTTP].close()


async def _background_jobs(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(run_forever(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
