"""Sending to a citizen from outside a turn (ported from the removed connectors/outbound.py; CONTRACTS.md "Sending to a citizen
from outside a turn"). Internal routes: keep them off the public ingress.

    POST /webhooks/telegram/outbound | /webhooks/twilio/outbound | /webhooks/webchat/outbound
    Authorization: Bearer <CHANNEL_OUTBOUND_TOKEN>
    {"conversation_id": "tg:123", "text": "...", "buttons": [{"title", "payload"} | {"title", "url"}]?,
     "kind": "agent"|"notification", "idempotency_key": "..."?}
    → 202 {"sent": true, ...} (Telegram {"messages": n}, SMS {"sid", "message_id"}, web {"queued": true}),
      with "duplicate": true when the key was sent before for that conversation; 400 {"code": "invalid"} (a
      conversation of another channel, an empty text); 401; 409 opted_out; 410 blocked; 502 unavailable.

Replies Rasa produces outside a turn (a reminder's retry of a kept request, `trigger_intent` with
`output_channel=latest`) come in through one more route, for phase 2 to point Rasa's internal channel at:

    POST /internal/replies
    Authorization: Bearer <CHANNEL_OUTBOUND_TOKEN>
    {"conversation_id": "tg:<chat id>"|"sms:<E.164>"|"web:<uuid4>",
     "replies": [{"text", "buttons"?, "quick_replies"?, "image"?, "custom"?}, ...],  (Rasa's reply dicts, 1-20)
     "idempotency_key": "..."?}                        (e.g. the reminder's name: sent at most once)
    → the same answers as above; the channel is chosen from the conversation id, the replies are formatted as a
      turn's replies are (Telegram keyboards, one SMS body with numbered choices, the web chat's outbox).
"""
from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

from aiohttp import web

from edge.errors import EdgeError
from edge.formatting import Button, ReplyPart, parts_from_rasa
from edge.store import ChannelStore
from minwon_core.channel_text import conversation_prefix, is_sendable

MAX_TEXT = 4000
MAX_REPLIES = 20
MAX_BODY = 256 * 1024
IDEMPOTENCY_TTL = 7 * 24 * 3600


class Refusal(EdgeError):
    """The channel will not send: `code` goes back to the caller (opted_out 409, blocked 410)."""

    STATUS = {"opted_out": 409, "blocked": 410, "unavailable": 502}

    def __init__(self, code: str) -> None:
        super().__init__(f"not sent: {code}")
        self.code = code
        self.status = self.STATUS.get(code, 409)


@dataclass
class Outbound:
    conversation_id: str
    address: str  # the part after the channel prefix: chat id, phone, web session
    parts: List[ReplyPart]
    kind: str
    idempotency_key: Optional[str]


Sender = Callable[[Outbound], Awaitable[Dict[str, Any]]]


def _conversation(data: Dict[str, Any], prefix: str) -> Optional[str]:
    """The conversation id when it has `prefix`'s form (the forms Rasa's internal channel accepts), else None."""
    conversation = data.get("conversation_id")
    return conversation if conversation_prefix(conversation) == prefix else None


def _key(data: Dict[str, Any]) -> Optional[str]:
    key = data.get("idempotency_key")
    return str(key)[:200] if key not in (None, "") else None


def parse(data: Any, prefix: str) -> Optional[Outbound]:
    if not isinstance(data, dict) or not is_sendable(data):
        return None
    conversation = _conversation(data, prefix)
    text = data.get("text")
    if conversation is None or not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return None
    raw_buttons = data.get("buttons") or []
    if not isinstance(raw_buttons, list):
        return None
    buttons = []
    for raw in raw_buttons[:20]:
        if isinstance(raw, dict) and isinstance(raw.get("title"), str) and raw["title"]:
            if raw.get("url"):
                buttons.append(Button(raw["title"], url=str(raw["url"])))
            else:
                buttons.append(Button(raw["title"], payload=str(raw.get("payload") or raw["title"])))
    return Outbound(conversation, conversation[len(prefix):], [ReplyPart(text=text, buttons=buttons)],
                    str(data.get("kind") or "agent")[:40], _key(data))


def parse_replies(data: Any, prefixes: Mapping[str, Any]) -> Optional[Outbound]:
    if not isinstance(data, dict) or not is_sendable(data):
        return None
    conversation = data.get("conversation_id")
    prefix = next((p for p in prefixes if isinstance(conversation, str) and conversation.startswith(p)), None)
    replies = data.get("replies")
    if (prefix is None or not isinstance(conversation, str) or _conversation(data, prefix) is None
            or not isinstance(replies, list)):
        return None
    if not 1 <= len(replies) <= MAX_REPLIES or not all(isinstance(r, dict) for r in replies):
        return None
    parts = parts_from_rasa(replies)
    if not parts or sum(len(p.text) for p in parts) > MAX_TEXT * 4:
        return None
    return Outbound(conversation, conversation[len(prefix):], parts, "reply", _key(data))


async def _json(request: web.Request) -> Any:
    body = await request.read()
    if len(body) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(body))
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _authorised(request: web.Request, token: str) -> bool:
    given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, f"Bearer {token}".encode("utf-8"))


async def send_once(store: ChannelStore, message: Outbound, send: Sender) -> web.Response:
    key = store.key("outbound", f"{message.conversation_id}:{message.idempotency_key}") if message.idempotency_key else None
    if key and await store.redis.exists(key):
        return web.json_response({"sent": True, "duplicate": True}, status=202)
    try:
        answer = await send(message)
    except Refusal as refusal:
        return web.json_response({"code": refusal.code, "message": str(refusal)}, status=refusal.status)
    if key:
        await store.redis.set(key, "1", ex=IDEMPOTENCY_TTL)
    return web.json_response({"sent": True, **answer}, status=202)


async def handle_outbound(request: web.Request, token: str, store: ChannelStore, prefix: str,
                          send: Sender) -> web.Response:
    if not _authorised(request, token):
        return web.json_response({"code": "unauthorized", "message": "bearer token required"}, status=401)
    message = parse(await _json(request), prefix)
    if message is None:
        return web.json_response(
            {"code": "invalid", "message": f"need conversation_id {prefix}... and a text of 1-{MAX_TEXT} characters"},
            status=400)
    return await send_once(store, message, send)


async def handle_replies(request: web.Request, token: str, store: ChannelStore,
                         senders: Mapping[str, Sender]) -> web.Response:
    if not _authorised(request, token):
        return web.json_response({"code": "unauthorized", "message": "bearer token required"}, status=401)
    message = parse_replies(await _json(request), senders)
    if message is None:
        return web.json_response(
            {"code": "invalid", "message": f"need conversation_id tg:/sms:/web:... and 1-{MAX_REPLIES} replies"},
            status=400)
    prefix = message.conversation_id.split(":", 1)[0] + ":"
    return await send_once(store, message, senders[prefix])
