"""The internal `POST /webhooks/<channel>/outbound` route (CONTRACTS.md, "Sending to a citizen from
outside a turn"): the console and the notifier send on the citizen's own channel through it."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from sanic import Blueprint, response
from sanic.request import Request

from connectors.formatting import Button, ReplyPart
from connectors.store import ChannelStore

MAX_TEXT = 4000


class Refusal(Exception):
    """The channel will not send: `code` goes back to the caller (opted_out 409, blocked 410)."""

    STATUS = {"opted_out": 409, "blocked": 410, "unavailable": 502}

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Outbound:
    conversation_id: str
    address: str  # the part after the channel prefix: chat id, phone, web session
    parts: List[ReplyPart]
    kind: str
    idempotency_key: Optional[str]


def parse(data: Any, prefix: str) -> Optional[Outbound]:
    if not isinstance(data, dict):
        return None
    conversation = data.get("conversation_id")
    text = data.get("text")
    if not isinstance(conversation, str) or not conversation.startswith(prefix) or len(conversation) <= len(prefix):
        return None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return None
    buttons = []
    for raw in data.get("buttons") or []:
        if isinstance(raw, dict) and raw.get("title"):
            if raw.get("url"):
                buttons.append(Button(str(raw["title"]), url=str(raw["url"])))
            else:
                buttons.append(Button(str(raw["title"]), payload=str(raw.get("payload") or raw["title"])))
    key = data.get("idempotency_key")
    return Outbound(conversation, conversation[len(prefix):], [ReplyPart(text=text, buttons=buttons)],
                    str(data.get("kind") or "agent"), str(key)[:200] if key else None)


Sender = Callable[[Outbound], Awaitable[Dict[str, Any]]]


def add_outbound_route(blueprint: Blueprint, prefix: str, token: str, store: ChannelStore, send: Sender) -> None:
    @blueprint.route("/outbound", methods=["POST"])
    async def outbound(request: Request) -> response.HTTPResponse:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode("utf-8"), f"Bearer {token}".encode("utf-8")):
            return response.json({"code": "unauthorized", "message": "bearer token required"}, status=401)
        try:
            data = request.json
        except Exception:
            data = None
        message = parse(data, prefix)
        if message is None:
            return response.json(
                {"code": "invalid", "message": f"need conversation_id {prefix}... and a text of 1-{MAX_TEXT} characters"},
                status=400,
            )
        key = f"{message.conversation_id}:{message.idempotency_key}" if message.idempotency_key else None
        if key and await store.redis.exists(store.key("outbound", key)):
            return response.json({"sent": True, "duplicate": True}, status=202)
        try:
            answer = await send(message)
        except Refusal as refusal:
            return response.json({"code": refusal.code, "message": f"not sent: {refusal.code}"},
                                 status=Refusal.STATUS.get(refusal.code, 409))
        if key:
            await store.redis.set(store.key("outbound", key), "1", ex=7 * 24 * 3600)
        return response.json({"sent": True, **answer}, status=202)
