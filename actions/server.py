"""`python -m actions.server`: the Rasa SDK action server for this package, on ACTION_PORT (default 5055).

GET /metrics: action-call and govapi-call latency (actions/metrics.py). Logs go through minwon_logs (MINWON_LOG_FORMAT): each action call runs with a request id (the caller's
X-Request-Id, else a new one) and the conversation reference (a keyed hash of the tracker's sender id),
which actions/govapi_client.py passes on to govapi, and ends with one `action` line (name, status, ms).
"""
from __future__ import annotations

import json
import logging
import os
import re
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


# What rasa_sdk's webhook reads of a call without checking its type: a wrong type was a 500 that echoed the body
# (message text, slots) back. Checked here first: a 400 that names the field and shows nothing of the body.
_ACTION_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TRACKER_FIELDS = {"slots": dict, "latest_message": dict, "events": list}


def call_problem(call: Any) -> Optional[str]:
    """What is wrong with an action call's shape, or None."""
    if not isinstance(call, dict):
        return "the body must be a JSON object"
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        return "next_action must be a non-empty string"
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        return "tracker must be an object"
    if not isinstance(tracker.get("sender_id"), (str, type(None))):
        return "tracker.sender_id must be a string"
    for name, kind in _TRACKER_FIELDS.items():
        if not isinstance(tracker.get(name), kind):
            return f"tracker.{name} must be {'an object' if kind is dict else 'a list'}"
    if not all(isinstance(event, dict) for event in tracker["events"]):
        return "tracker.events must hold objects"
    if not isinstance(tracker.get("active_loop") or {}, dict):
        return "tracker.active_loop must be an object"
    if not isinstance(call.get("domain") or {}, dict):
        return "domain must be an object"
    return None


def _parsed_body(request: Request) -> tuple[bool, Any]:
    """(readable, body): the call as the SDK's webhook reads it; unreadable JSON is left to the SDK's own 400."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            return True, json.loads(zlib.decompress(request.body))
        return True, request.json
    except Exception:
        return False, None


def attach_log_context(app: Sanic) -> None:
    """Bind the request id and conversation reference for every request, and log each action call once."""

    @app.middleware("request")
    async def bind_context(request: Request) -> Optional[HTTPResponse]:
        given = request.headers.get(minwon_logs.REQUEST_ID_HEADER, "")
        request_id = given if minwon_logs.valid_request_id(given) else minwon_logs.new_request_id()
        is_call = request.method == "POST" and request.path == "/webhook"
        readable, body = _parsed_body(request) if is_call else (False, None)
        call = body if readable and isinstance(body, dict) else None
        # Both are set on every request: Sanic serves a kept-alive connection's requests in one task.
        minwon_logs.bind(request_id=request_id, conversation_id=str((call or {}).get("sender_id") or "") or None)
        name = (call or {}).get("next_action")
        # a metric label and a log field: an action's name, never whatever a caller put there
        request.ctx.action = name if isinstance(name, str) and _ACTION_NAME.fullmatch(name) else ("other" if call else "")
        request.ctx.started = time.perf_counter()
        problem = call_problem(body) if readable else None
        if problem:
            from sanic.response import json as json_response

            return json_response({"code": "invalid", "message": problem}, status=400)
        return None

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
