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
from aiohttp.http_exceptions import HttpProcessingError

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


class _ParserErrorsWithoutBytes(logging.Filter):
    """aiohttp's HTTP parser logs a request it cannot read (a bad request line, header or query byte) with the
    exception, whose text quotes the raw line (tokens, phone numbers): keep that it happened and the kind, never the
    bytes."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg, record.args = "HTTP request refused by the parser (%s)", (type(exc).__name__,)
            record.exc_info, record.exc_text = None, None
        return True


def quiet_http_parser_errors() -> None:
    """Install the filter above on aiohttp's server log (once, whichever service calls it)."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, _ParserErrorsWithoutBytes) for f in server_log.filters):
        server_log.addFilter(_ParserErrorsWithoutBytes())


def readable_address(request: web.Request) -> bool:
    """Whether the path and query decode to text (not %ff, not an encoded lone surrogate)."""
    try:
        for part in (request.path, *request.query.keys(), *request.query.values()):
            part.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
