"""Loopback stand-in for the edge's outbound route and Rasa's tracker-events route, speaking exactly the
contract of docs/CONTRACTS.md ("Sending to a citizen from outside a turn"). It records what arrives."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

OUTBOUND_TOKEN = "test-outbound-token-0123456789"
RASA_TOKEN = "test-rasa-token-0123456789"
CHANNEL_PREFIX = {"telegram": "tg:", "twilio": "sms:", "webchat": "web:"}


@dataclass
class Sent:
    channel: str
    conversation_id: str
    text: str
    kind: str
    idempotency_key: str | None
    at: float
    message_id: str | None = None


@dataclass
class Loopback:
    sent: list[Sent] = field(default_factory=list)
    tracker: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    opted_out: set[str] = field(default_factory=set)  # conversation ids that sent STOP
    blocked: set[str] = field(default_factory=set)  # Telegram chats whose user blocked the bot
    fail_next: int = 0  # answer 503 this many times (a connector or provider outage)
    delay_s: float = 0.0
    refused: list[str] = field(default_factory=list)
    unauthorised: int = 0

    def texts_for(self, conversation_id: str) -> list[str]:
        return [s.text for s in self.sent if s.conversation_id == conversation_id]

    async def wait_for(self, predicate, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s; sent so far: {len(self.sent)}")
            await asyncio.sleep(0.05)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/{channel}/outbound", self._outbound)
        app.router.add_post("/conversations/{conversation_id}/tracker/events", self._tracker)
        return app

    async def _outbound(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {OUTBOUND_TOKEN}":
            self.unauthorised += 1
            return web.json_response({"code": "unauthorized"}, status=401)
        channel = request.match_info["channel"]
        body = await request.json()
        conversation_id = body["conversation_id"]
        if channel not in CHANNEL_PREFIX or not conversation_id.startswith(CHANNEL_PREFIX[channel]):
            return web.json_response({"code": "wrong_channel"}, status=400)
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response({"code": "unavailable"}, status=503)
        if channel == "twilio" and conversation_id in self.opted_out:
            self.refused.append(conversation_id)
            return web.json_response({"code": "opted_out"}, status=409)
        if channel == "telegram" and conversation_id in self.blocked:
            self.refused.append(conversation_id)
            return web.json_response({"code": "blocked"}, status=410)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        # An SMS connector can hand back Twilio's MessageSid, so status callbacks find the delivery.
        message_id = f"SM{len(self.sent):032d}" if channel == "twilio" else None
        self.sent.append(Sent(channel, conversation_id, body["text"], body.get("kind", ""),
                              body.get("idempotency_key"), time.time(), message_id))
        answer: dict[str, Any] = {"sent": True}
        if message_id:
            answer["message_id"] = message_id
        return web.json_response(answer, status=202)

    async def _tracker(self, request: web.Request) -> web.Response:
        if "%3A" in request.raw_path.upper():  # Rasa's Sanic would file this under another conversation id
            return web.json_response({"status": "failure", "reason": "encoded conversation id"}, status=400)
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        self.tracker.append((request.match_info["conversation_id"], await request.json()))
        return web.json_response({"sender_id": request.match_info["conversation_id"], "events": []})
