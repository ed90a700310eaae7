"""The request middleware of the aiohttp services (console, notifier, stand-ins); needs aiohttp, unlike the rest.

    app = web.Application(middlewares=[log_requests, ...])   # outermost but for metrics
    app.middlewares.insert(0, request_logger(quiet={"/simulator/feed"}))   # more routes logged at debug

It takes the caller's X-Request-Id (or makes one) and X-Conversation-Ref (only in its hashed form), keeps
them in the log context while the request runs, answers with X-Request-Id, and logs one `request` line per
request with the route pattern, never the path (paths and queries can hold ids and phone numbers).
"""
from __future__ import annotations

import logging
import time
from typing import Awaitable, Callable, Iterable

from aiohttp import web

from minwon_logs.context import CONVERSATION_HEADER, REQUEST_ID_HEADER, bind, new_request_id, valid_request_id

log = logging.getLogger("minwon.http")
# Probes and scrapes would drown every other line at info; logged at debug unless they fail.
QUIET_ROUTES = frozenset({"/health", "/healthz", "/readyz", "/metrics"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def route_pattern(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def request_logger(quiet: Iterable[str] = ()) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """The middleware, with more route patterns (polled ones) logged at debug unless they fail."""
    quiet_routes = QUIET_ROUTES | frozenset(quiet)

    @web.middleware
    async def log_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
        return await _handle(request, handler, quiet_routes)

    return log_requests


async def _handle(request: web.Request, handler: Handler, quiet_routes: frozenset) -> web.StreamResponse:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = given if valid_request_id(given) else new_request_id()
    context = bind(request_id=request_id, conversation=request.headers.get(CONVERSATION_HEADER))
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        if not response.prepared:  # a WebSocket is already answered
            response.headers[REQUEST_ID_HEADER] = request_id
        return response
    except web.HTTPException as exc:
        status = exc.status
        exc.headers[REQUEST_ID_HEADER] = request_id
        raise
    finally:
        route = route_pattern(request)
        quiet = route in quiet_routes and status < 400
        log.log(logging.DEBUG if quiet else logging.INFO, "request",
                extra={"method": request.method, "route": route, "status": status,
                       "ms": round((time.perf_counter() - started) * 1000, 1)})
        context.reset()


log_requests = request_logger()
