"""`python -m actions.server`: the Rasa SDK action server for this package, on ACTION_PORT (default 5055).

GET /metrics: action-call and govapi-call latency (actions/metrics.py). Logs go through minwon_logs (MINWON_LOG_FORMAT): each action call runs with a request id (the caller's
X-Request-Id, else a new one) and the conversation reference (a keyed hash of the tracker's sender id),
which actions/govapi_client.py passes on to govapi, and ends with one `action` line (name, status, ms).
"""
from __future__ import annotations

import json
import logging
import os
import time
import zlib
from typing import TYPE_CHECKING, Any, Optional

import minwon_logs
from actions.metrics import ACTION_SECONDS
from actions.metrics import page as metrics_page
from actions.settings import load_settings

if TYPE_CHECKING:  # imported when the app is built, after logging is set up (their import warns)
    from sanic import Sanic
    from sanic.request import Request
    from sanic.response import HTTPResponse

log = logging.getLogger("actions.server")


def _action_call(request: Request) -> Optional[dict]:
    """The action call's body as the SDK's webhook reads it (Sanic caches the parsed JSON for it)."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            body: Any = json.loads(zlib.decompress(request.body))
        else:
            body = request.json
    except Exception:  # the webhook answers the malformed body itself
        return None
    return body if isinstance(body, dict) else None


def attach_log_context(app: Sanic) -> None:
    """Bind the request id and conversation reference for every request, and log each action call once."""

    @app.middleware("request")
    async def bind_context(request: Request) -> None:
        given = request.headers.get(minwon_logs.REQUEST_ID_HEADER, "")
        request_id = given if minwon_logs.valid_request_id(given) else minwon_logs.new_request_id()
        call = _action_call(request) if request.method == "POST" and request.path == "/webhook" else None
        # Both are set on every request: Sanic serves a kept-alive connection's requests in one task.
        minwon_logs.bind(request_id=request_id, conversation_id=str((call or {}).get("sender_id") or "") or None)
        request.ctx.action = str((call or {}).get("next_action") or "")
        request.ctx.started = time.perf_counter()

    @app.middleware("response")
    async def log_call(request: Request, response: HTTPResponse) -> None:
        request_id = minwon_logs.current_request_id()
        if request_id:
            response.headers[minwon_logs.REQUEST_ID_HEADER] = request_id
        action = getattr(request.ctx, "action", "")
        if action:
            seconds = time.perf_counter() - getattr(request.ctx, "started", time.perf_counter())
            ACTION_SECONDS.labels(action, str(response.status)).observe(seconds)
            log.info("action", extra={"action": action, "status": response.status, "ms": round(seconds * 1000, 1)})


def create_app() -> Sanic:
    from rasa_sdk import endpoint

    from actions.govapi_client import get_client

    app = endpoint.create_app("actions", cors_origins="*", auto_reload=False)  # as endpoint.run builds it
    attach_log_context(app)
    # One `action` line per call says more than Sanic's access line (and the balancer's health checks
    # would fill the log with those).
    app.config.ACCESS_LOG = False

    async def close_govapi_client(*_: Any) -> None:  # its connections, before the loop goes
        await get_client().close()

    app.register_listener(close_govapi_client, "after_server_stop")

    async def metrics(_: Request) -> HTTPResponse:  # Prometheus text format; the action server is private
        from sanic.response import raw

        return raw(metrics_page(), content_type="text/plain; version=0.0.4; charset=utf-8")

    app.add_route(metrics, "/metrics", methods=["GET"])
    return app


def main() -> None:
    settings = load_settings()  # fails fast, naming the key, on a bad setting
    minwon_logs.setup("actions")  # MINWON_LOG_FORMAT: json lines or text
    # The action server has no authentication: listen on loopback unless told otherwise (SANIC_HOST).
    host = os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    # endpoint.run() without its app factory, so the log context can be attached to the app.
    from rasa_sdk import utils
    from rasa_sdk.plugin import plugin_manager

    app = create_app()
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    log.info("action server listening", extra={"host": host, "port": settings.action_port})
    app.run(host, settings.action_port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
