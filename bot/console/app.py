"""The console app, built by one factory: staff pages and API, the handoff API for the actions, WebSockets."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import AsyncIterator

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot.metrics import attach_metrics
from minwon_logs.aiohttp_context import log_requests
from bot.console import routes_dashboard, routes_staff, routes_work, ws
from bot.console.appkeys import DB, DESK, ENGINE, HTTP, KEYS, PASSWORDS, QUEUES, REDIS, SETTINGS, SOCKETS, TASKS, STAFF
from bot.console.auth import CSRF_HEADER, SESSION_COOKIE, LoginBusy, PasswordChecks, csrf_ok, load_session
from bot.console.channels import ChannelSender
from bot.console.db import create_tables, make_engine, sessions
from bot.console.govapi_client import GovapiClient
from bot.console.rasa_client import RasaClient
from bot.console.seed import seed_demo_staff
from bot.console.settings import ConsoleSettings
from bot.console.throttle import TooManyAttempts
from bot.desk import api as desk_api
from bot.desk import metrics as desk_metrics
from bot.desk.bodies import MAX_BODY_BYTES
from bot.desk.errors import DeskError
from bot.desk.inbox import ensure_group, run_inbox
from bot.desk.keys import DeskKeys
from bot.desk.queues import DeskQueues
from bot.desk.service import DeskService

log = logging.getLogger("minwon.console")
STATIC = Path(__file__).with_name("static")
PUBLIC = {"/", "/dashboard", "/api/login-token", "/api/login", "/health", "/metrics"}
SUPERVISOR_ONLY = ("/api/dashboard", "/api/audit")


def _error(status: int, code: str, message: str, **extra: object) -> web.Response:
    return web.json_response({"code": code, "message": message, **extra}, status=status)


def _route(request: web.Request) -> str:
    """The route pattern, never the raw path (it may hold anything a client sent)."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "(no route)"


@web.middleware
async def errors_middleware(request: web.Request, handler):
    """The one place an error becomes an answer: a JSON body with a code and a message, 4xx for bad input."""
    try:
        return await handler(request)
    except (TooManyAttempts, LoginBusy) as exc:
        answer = _error(exc.status, exc.code, exc.message, retry_after_seconds=exc.retry_after)
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    except DeskError as exc:
        return _error(exc.status, exc.code, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    except asyncio.CancelledError:
        raise
    except (UnicodeError, RecursionError):  # bytes or nesting no parser above caught: still the client's input
        return _error(400, "invalid_request", "The request holds bytes or nesting the console cannot read.")
    except Exception:
        log.exception("unexpected error on %s %s", request.method, _route(request))
        return _error(500, "internal_error", "Something went wrong on the console; the error was logged.")


@web.middleware
async def staff_middleware(request: web.Request, handler):
    path = request.path
    if path in PUBLIC or path.startswith("/static/") or path.startswith("/v1/"):
        return await handler(request)
    settings = request.app[SETTINGS]
    staff = await load_session(request.app[REDIS], request.app[KEYS], request.cookies.get(SESSION_COOKIE),
                               settings.session_idle_seconds, settings.session_max_seconds)
    if staff is None:
        return _error(401, "login_required", "Please log in.")
    if request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_ok(staff.csrf, request.headers.get(CSRF_HEADER)):
        return _error(403, "csrf_failed", "The request lacked the page's security token; reload the page.")
    if path.startswith(SUPERVISOR_ONLY) and not staff.supervisor:
        return _error(403, "supervisors_only", "Only supervisors can see this.")
    request[STAFF] = staff
    return await handler(request)


def _csp(production: bool) -> dict[str, str]:
    # Scripts and styles come only from /static (no inline code in index.html); no page may frame the console.
    headers = {
        "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                   "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                   "frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if production:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(_csp(request.app[SETTINGS].production))


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def _health(request: web.Request) -> web.Response:
    await request.app[REDIS].ping()
    return web.json_response({"ok": True})


async def resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = make_engine(settings.database_url)
    await create_tables(engine)
    app[ENGINE] = engine
    app[DB] = sessions(engine)
    if settings.seed_demo:
        await seed_demo_staff(app[DB])
    app[REDIS] = Redis.from_url(settings.redis_url, decode_responses=True)
    app[HTTP] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=settings.http_timeout_seconds))
    app[PASSWORDS] = PasswordChecks(settings.password_checks)
    app[KEYS] = DeskKeys(settings.namespace)
    app[QUEUES] = DeskQueues(app[REDIS], app[KEYS], default_handle_seconds=settings.default_handle_seconds)
    app[DESK] = DeskService(
        redis=app[REDIS], keys=app[KEYS], queues=app[QUEUES], db=app[DB],
        rasa=RasaClient(app[HTTP], settings.rasa_url, settings.rasa_token, timeout_seconds=settings.http_timeout_seconds,
                        handback_timeout_seconds=settings.handback_timeout_seconds),
        channels=ChannelSender(app[HTTP], settings.outbound_base, settings.outbound_token),
        govapi=GovapiClient(app[HTTP], settings.govapi_url, settings.govapi_admin_token),
        hours=settings.hours, max_wait_seconds=settings.max_wait_seconds,
        position_notice_step=settings.position_notice_step, takeover_idle_seconds=settings.takeover_idle_seconds,
    )
    yield
    app[PASSWORDS].close()
    await app[HTTP].close()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(app[REDIS].aclose(), STOP_TIMEOUT_S)
    await engine.dispose()


STOP_TIMEOUT_S = 5.0  # each step of stopping: a stuck connection must not keep the process (or a test) alive


async def _sweeper(app: web.Application) -> None:
    """Once every few seconds, on one instance at a time (a short Redis lock), turn overdue handoffs into callbacks."""
    redis, keys = app[REDIS], app[KEYS]
    while True:
        await asyncio.sleep(5)
        try:
            if await redis.set(f"{keys.ns}sweeper", app[SETTINGS].instance, nx=True, ex=4):
                await app[DESK].sweep()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweeper failed; next round in 5 s")


async def background(app: web.Application) -> AsyncIterator[None]:
    app[SOCKETS] = set()
    await ensure_group(app[REDIS], app[KEYS].inbox)
    app[TASKS] = [
        asyncio.create_task(run_inbox(app[REDIS], app[DESK], app[KEYS].inbox, app[SETTINGS].instance)),
        asyncio.create_task(ws.relay_events(app)),
        asyncio.create_task(_sweeper(app)),
    ]
    yield
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(app[DESK].drain_notices(), STOP_TIMEOUT_S)
    for task in app[TASKS]:
        task.cancel()
    # A task stuck in a Redis call that ignores its cancellation must not keep the console from stopping.
    _, stuck = await asyncio.wait(app[TASKS], timeout=STOP_TIMEOUT_S)
    if stuck:
        log.warning("%d background task(s) did not stop within %.0f s; leaving them", len(stuck), STOP_TIMEOUT_S)
    for socket in list(app[SOCKETS]):
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(socket.close(), STOP_TIMEOUT_S)


def create_app(settings: ConsoleSettings) -> web.Application:
    # log_requests: request id and conversation reference in every line, one `request` line per request
    app = web.Application(middlewares=[log_requests, errors_middleware, staff_middleware], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app.on_response_prepare.append(_security_headers)
    app.cleanup_ctx.append(resources)
    app.cleanup_ctx.append(background)
    app.router.add_get("/", _index)
    app.router.add_get("/dashboard", _index)
    app.router.add_get("/health", _health)
    app.router.add_static("/static/", STATIC)
    for table in (desk_api.routes, routes_staff.routes, routes_work.routes, routes_dashboard.routes, ws.routes):
        app.add_routes(table)
    attach_metrics(app, service="console")  # GET /metrics for Prometheus (not exposed by the ingress)
    desk_metrics.attach(app)  # queue waits and citizens waiting, per queue
    return app
