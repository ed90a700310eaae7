"""Web chat channel: serves the page in webchat/ (same origin as Rasa, so no CORS) and a small
JSON API. Buttons travel as server-issued tokens, so a page cannot send a forged payload."""
from __future__ import annotations

import asyncio
import logging
import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, response
from sanic.request import Request

from connectors.base import MinwonChannel, OnNewMessage
from connectors.formatting import ReplyPart, neutralise_command, parts_from_rasa
from connectors.outbound import Outbound, Refusal, add_outbound_route
from connectors.settings import CommonSettings
from connectors.store import ChannelStore

logger = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).resolve().parent.parent / "webchat"
STATIC_FILES = {"index.html": "text/html; charset=utf-8", "chat.js": "text/javascript; charset=utf-8",
                "chat.css": "text/css; charset=utf-8"}
SESSION_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MAX_TEXT = 2000
TURN_TIMEOUT = 30.0
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: https: http:; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def to_json(store: ChannelStore, sender_id: str, parts: List[ReplyPart]) -> List[Dict[str, Any]]:
    out = []
    for part in parts:
        buttons = []
        for button in part.buttons:
            if button.url:
                buttons.append({"title": button.title, "url": button.url})
            elif button.payload not in ("__request_contact__", "__request_location__"):
                buttons.append({"title": button.title, "token": await store.issue_button(sender_id, button.payload or button.title)})
        item: Dict[str, Any] = {"text": part.text}
        if buttons:
            item["buttons"] = buttons
        if part.image:
            item["image"] = part.image
        out.append(item)
    return out


class WebChatOutput(OutputChannel):
    """Replies outside a request (reminders, staff) wait in the session's outbox for the page's poll."""

    def __init__(self, store: ChannelStore) -> None:
        self.store = store

    @classmethod
    def name(cls) -> Text:
        return "web"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        for item in await to_json(self.store, recipient_id, parts_from_rasa([message])):
            await self.store.push_outbox(recipient_id, item)


class WebChatInput(MinwonChannel):
    @classmethod
    def name(cls) -> Text:
        return "web"

    def url_prefix(self) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        return cls(CommonSettings.load(credentials))

    def get_output_channel(self) -> OutputChannel:
        return WebChatOutput(self.store)

    async def turn(self, on_new_message: OnNewMessage, sender_id: str, text: str,
                   result: "asyncio.Future[List[Dict[str, Any]]]", button: bool = False) -> None:
        # A pressed button's text is its payload, not the citizen's words: marked so the language stays.
        metadata = {"channel": "web", **({"input": "button"} if button else {})}
        try:
            replies = await self.run_turn(on_new_message, sender_id, text, metadata, uuid.uuid4().hex)
            items = await to_json(self.store, sender_id, parts_from_rasa(replies))
        except Exception as error:
            if not result.done():
                result.set_exception(error)
            raise
        if result.done():  # the page gave up waiting: keep the reply for its next poll
            for item in items:
                await self.store.push_outbox(sender_id, item)
        else:
            result.set_result(items)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        web = Blueprint("minwon_webchat", __name__)
        self.add_lifecycle(web)

        def page_file(name: str) -> response.HTTPResponse:
            body = (PAGE_DIR / name).read_bytes()
            return response.raw(body, content_type=STATIC_FILES[name], headers=SECURITY_HEADERS)

        @web.route("/", methods=["GET"])
        async def index(_: Request) -> response.HTTPResponse:
            return page_file("index.html")

        @web.route("/static/<name>", methods=["GET"])
        async def static(_: Request, name: str) -> response.HTTPResponse:
            if name not in STATIC_FILES or name == "index.html":
                return response.json({"error": "not_found"}, status=404)
            return page_file(name)

        def session_of(data: Any) -> Optional[str]:
            session = data.get("session") if isinstance(data, dict) else None
            return f"web:{session}" if isinstance(session, str) and SESSION_RE.match(session) else None

        @web.route("/messages", methods=["POST"])
        async def send(request: Request) -> response.HTTPResponse:
            try:
                data = request.json
            except Exception:
                data = None
            sender_id = session_of(data)
            if sender_id is None:
                return response.json({"error": "bad_session", "message": "session must be a random UUID"}, status=400)
            if data.get("token"):
                text = await self.store.resolve_button(sender_id, str(data["token"]))
                if text is None:
                    return response.json({"error": "unknown_button", "message": "this choice has expired"}, status=400)
            else:
                text = neutralise_command(str(data.get("text") or "")[:MAX_TEXT])
                if not text:
                    return response.json({"error": "empty", "message": "type a message"}, status=400)
            result: "asyncio.Future[List[Dict[str, Any]]]" = asyncio.get_event_loop().create_future()
            button = bool(data.get("token"))
            if not self.queues.submit(sender_id, lambda: self.turn(on_new_message, sender_id, text, result, button)):
                return response.json({"error": "busy", "message": "too many messages at once"}, status=429)
            try:
                items = await asyncio.wait_for(asyncio.shield(result), TURN_TIMEOUT)
            except asyncio.TimeoutError:
                items = []
                if not result.done():
                    result.cancel()
            except Exception:
                return response.json({"error": "unavailable", "message": "the assistant is not available"}, status=503)
            items += await self.store.drain_outbox(sender_id)
            return response.json({"messages": items})

        @web.route("/poll", methods=["POST"])
        async def poll(request: Request) -> response.HTTPResponse:
            sender_id = session_of(request.json if request.body else None)
            if sender_id is None:
                return response.json({"error": "bad_session", "message": "session must be a random UUID"}, status=400)
            return response.json({"messages": await self.store.drain_outbox(sender_id)})

        add_outbound_route(web, "web:", self.common.outbound_token, self.store, self.send_outbound)
        return web

    async def send_outbound(self, message: Outbound) -> Dict[str, Any]:
        """Kept in the session's outbox; the page fetches it with its next poll."""
        if not SESSION_RE.match(message.address):
            raise Refusal("unavailable")
        for item in await to_json(self.store, message.conversation_id, message.parts):
            await self.store.push_outbox(message.conversation_id, item)
        return {"queued": True}
