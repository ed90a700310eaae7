"""A loopback stand-in for what the desk calls on the Rasa side, speaking exactly CONTRACTS.md:
the Rasa HTTP API (tracker, tracker events, trigger_intent; `?token=`) and the edge's outbound routes
(`POST /webhooks/<channel>/outbound`, bearer token, 202 / 409 opted_out / 410 blocked / 401).
Used when the real Rasa + connector stack is not running; tests/e2e/test_handoff_e2e.py uses the real one."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from aiohttp import web

RASA_TOKEN = "test-rasa-token"
OUTBOUND_TOKEN = "test-outbound-token"


@dataclass
class Upstream:
    trackers: dict[str, dict] = field(default_factory=dict)
    sent: list[dict] = field(default_factory=list)  # what reached a citizen's channel
    appended: list[tuple[str, dict]] = field(default_factory=list)  # events appended to trackers
    triggered: list[tuple[str, dict, str]] = field(default_factory=list)  # (conversation, body, output_channel)
    opted_out: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    rasa_down: bool = False
    raw_paths: list[str] = field(default_factory=list)  # as sent: Rasa's Sanic does not decode %2B
    # A slow or lossy Rasa's trigger_intent: `answer_delay` runs it at once and answers that much later; `trigger_status`
    # answers that status after running it (a load balancer's 504 while Rasa went on); `drop_triggers` lose the
    # next n triggers on the way (the balancer answers 504, Rasa never runs them); `refuse_triggers` answer the
    # next n with Rasa's own 500 without running them.
    answer_delay: float = 0.0
    trigger_status: int | None = None
    drop_triggers: int = 0
    refuse_triggers: int = 0

    def tracker(self, conversation_id: str) -> dict:
        return self.trackers.setdefault(conversation_id, {"sender_id": conversation_id, "events": [], "slots": {},
                                                          "latest_message": {}, "active_loop": {}, "paused": False})

    def say(self, conversation_id: str, who: str, text: str, intent: str | None = None, at: float | None = None) -> None:
        event = {"event": who, "text": text, "timestamp": at or time.time()}
        if who == "user":
            event["parse_data"] = {"intent": {"name": intent, "confidence": 0.9}}
            self.tracker(conversation_id)["latest_message"] = {"text": text, "intent": {"name": intent}}
        self.tracker(conversation_id)["events"].append(event)


def build(upstream: Upstream) -> web.Application:
    app = web.Application()

    def rasa_auth(request: web.Request) -> None:
        upstream.raw_paths.append(request.raw_path.split("?", 1)[0])
        if upstream.rasa_down:
            raise web.HTTPServiceUnavailable()
        if request.query.get("token") != RASA_TOKEN:
            raise web.HTTPUnauthorized()

    async def get_tracker(request: web.Request) -> web.Response:
        rasa_auth(request)
        return web.json_response(upstream.tracker(request.match_info["cid"]))

    async def post_events(request: web.Request) -> web.Response:
        rasa_auth(request)
        cid = request.match_info["cid"]
        body = await request.json()
        for event in body if isinstance(body, list) else [body]:
            upstream.appended.append((cid, event))
            tracker = upstream.tracker(cid)
            if event["event"] == "pause":
                tracker["paused"] = True
            elif event["event"] == "resume":
                tracker["paused"] = False
            else:
                tracker["events"].append({**event, "timestamp": time.time()})
        return web.json_response(upstream.tracker(cid))

    async def trigger(request: web.Request) -> web.Response:
        rasa_auth(request)
        cid = request.match_info["cid"]
        body = await request.json()
        if upstream.drop_triggers:
            upstream.drop_triggers -= 1
            return web.json_response({"error": "gateway timeout"}, status=504)
        if upstream.refuse_triggers:
            upstream.refuse_triggers -= 1
            return web.json_response({"error": "Server Error"}, status=500)
        upstream.triggered.append((cid, body, request.query.get("output_channel", "")))
        # what Rasa stores for a trigger (UserUttered.create_external): a user event naming intent and entities
        text = f"EXTERNAL: {body['name']}"
        upstream.tracker(cid)["events"].append({
            "event": "user", "text": text, "timestamp": time.time(), "metadata": {"is_external": True},
            "parse_data": {"intent": {"name": body["name"]}, "text": text, "metadata": {"is_external": True},
                           "entities": [{"entity": k, "value": v} for k, v in (body.get("entities") or {}).items()]}})
        if upstream.answer_delay:
            await asyncio.sleep(upstream.answer_delay)
        if upstream.trigger_status:
            return web.json_response({"error": "gateway timeout"}, status=upstream.trigger_status)
        return web.json_response({"tracker": upstream.tracker(cid), "messages": []})

    async def outbound(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {OUTBOUND_TOKEN}":
            return web.json_response({"code": "unauthorized"}, status=401)
        body = await request.json()
        cid = body["conversation_id"]
        if request.match_info["channel"] == "twilio" and cid in upstream.opted_out:
            return web.json_response({"code": "opted_out"}, status=409)
        if request.match_info["channel"] == "telegram" and cid in upstream.blocked:
            return web.json_response({"code": "blocked"}, status=410)
        upstream.sent.append({**body, "channel": request.match_info["channel"]})
        return web.json_response({"sent": True}, status=202)

    app.router.add_get("/conversations/{cid}/tracker", get_tracker)
    app.router.add_post("/conversations/{cid}/tracker/events", post_events)
    app.router.add_post("/conversations/{cid}/trigger_intent", trigger)
    app.router.add_post("/webhooks/{channel}/outbound", outbound)
    return app
