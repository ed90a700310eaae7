"""Middlewares: request ids and access logs, errors as JSON, bearer-token access."""
from __future__ import annotations

import logging
import re
import time
import uuid

from aiohttp import web
from sqlalchemy.exc import InterfaceError, OperationalError
from aiohttp.typedefs import Handler

from .errors import ApiError, BadRequest, Forbidden, Unauthorized
from .keys import CITIZEN_ID, SETTINGS
import minwon_logs
from .responses import dumps
from .security import same
from .validation import is_valid_text

log = logging.getLogger("govapi.http")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
PUBLIC_PREFIXES = ("/healthz", "/readyz", "/openapi.json", "/checkout/", "/v1/provider/")
ADMIN_PREFIXES = ("/v1/admin/", "/v1/events")

HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 413: "body_too_large",
    415: "unsupported_media_type", 422: "validation_error",
}


QUIET_ROUTES = frozenset({"/v1/events", "/healthz", "/readyz"})


def _route_pattern(request: web.Request) -> str:
    info = request.match_info.route.resource
    return info.canonical if info is not None else "unmatched"


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    given = request.headers.get("X-Request-Id", "")
    request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    # X-Conversation-Ref (sent by the actions) is kept only in its hashed form: a raw id is dropped.
    context = minwon_logs.bind(request_id=request_id,
                               conversation=request.headers.get(minwon_logs.CONVERSATION_HEADER))
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-Id"] = request_id
        return response
    finally:
        # the route pattern, never the path: paths and queries can hold numbers and phones
        entry = {"method": request.method, "route": _route_pattern(request), "status": status,
                 "ms": round((time.perf_counter() - started) * 1000, 1)}
        if CITIZEN_ID in request:
            entry["citizen_id"] = request[CITIZEN_ID]
        # Polls (the notifier reads the outbox several times a second) and probes would drown every other
        # line at info; they are logged at debug unless they fail.
        quiet = entry["route"] in QUIET_ROUTES and status < 400
        log.log(logging.DEBUG if quiet else logging.INFO, "request", extra=entry)
        context.reset()


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return web.json_response(error.body(), status=error.status, dumps=dumps)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, "http_error")
        message = exc.reason if exc.status != 413 else "The body is too large."
        return web.json_response({"code": code, "message": message}, status=exc.status,
                                 headers={k: v for k, v in exc.headers.items() if k == "Allow"}, dumps=dumps)
    except (OperationalError, InterfaceError, ConnectionError, TimeoutError) as exc:
        # the database is down or unreachable: say so, so callers keep the request and retry
        log.warning("database unavailable", extra={"route": _route_pattern(request), "error": type(exc).__name__})
        return web.json_response({"code": "unavailable", "message": "The service is temporarily unavailable."},
                                 status=503, headers={"Retry-After": "30"}, dumps=dumps)
    except Exception:
        log.exception("unhandled error", extra={"route": _route_pattern(request)})
        return web.json_response({"code": "internal_error", "message": "Something went wrong on our side."},
                                 status=500, dumps=dumps)


@web.middleware
async def readable_request(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Paths and queries that do not decode to valid text are refused before any handler sees them."""
    parts = [request.path, *request.query.keys(), *request.query.values()]
    if not all(is_valid_text(part) for part in parts):
        raise BadRequest("The address is not valid UTF-8.", code="invalid_encoding")
    return await handler(request)


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if not path.startswith("/v1/") or path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    settings = request.app[SETTINGS]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    is_admin = same(token, settings.admin_token)
    if not is_admin and not same(token, settings.service_token):
        raise Unauthorized("The bearer token is not valid.")
    if path.startswith(ADMIN_PREFIXES) and not is_admin:
        raise Forbidden("This route needs the admin token.")
    return await handler(request)
