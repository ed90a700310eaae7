"""Web chat (ported from the removed connectors/webchat.py): serves the page in webchat/ (same origin as its API, so no CORS)
and its small JSON API:

    GET  /webhooks/webchat/                 the page; /webhooks/webchat/static/{chat.js,chat.css}
    POST /webhooks/webchat/messages         {"session": "<uuid4>", "text": "..."} or {"session", "token"} (a button)
                                            or {"session", "photo": {"data": base64, "content_type"}} (a JPEG or PNG
                                            up to 5 MB: edge/web_photo.py; 413 photo_too_large, 400 bad_photo)
                                            → 200 {"messages": [line, ...]}; 400 bad_session / unknown_button / empty /
                                            too_long (over MAX_TEXT characters: {"limit"}; never cut silently);
                                            429 busy; 503 unavailable (Rasa did not answer within the page's wait)
    POST /webhooks/webchat/poll             {"session"} → {"messages": [line, ...]} (outbox: late replies, staff)
    POST /webhooks/webchat/history         {"session"} → {"messages": [line, ...]} (the session's last lines)

A line is {"n": its number in the session, "who": "citizen"|"bot"|"agent"|"system", "text", "lang"?: "ko"|"en",
"buttons"?: [{"title", "token"|"url"}], "image"?}. "agent" is a person at the call centre (outbound kind "agent"),
"system" the desk's own notices (kind "desk": the queue position, an agent joined); Rasa's replies and the notifier's
messages are "bot". The page shows each kind differently and names its sender for screen readers.

A session belongs to the browser that started it: its first request sets an HttpOnly, SameSite=Strict cookie
(`minwon_webchat`, a random token; Secure when the public URL is https) and the session's owner is kept in Redis as
the token's hash; a request for that session without the cookie answers 403 `not_your_session`. So the session id,
which staff see in the queue, is no credential (the page starts a new session when told so). The transcript the
page restores after a reload is kept by the edge (`web:lines:<conversation>`: the last TRANSCRIPT_LINES lines, 24 h
after the newest) and given only to that browser.

Buttons travel as server-issued tokens, so a page cannot send a forged payload. The web chat has no durable inbox
(as before): the page waits for the answer, so a lost message is visible to the citizen, who sends it again. A turn
whose Rasa is unavailable is sent again (same message id, so run once) until the page's wait is over.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

from aiohttp import web

from edge.errors import InvalidRequest, Unavailable
from edge.formatting import ReplyPart, parts_from_rasa
from minwon_core.channel_text import neutralise_command
from edge.handoff import DeskPassThrough
from edge.outbound import Outbound, Refusal
from edge.queues import ConversationQueues
from edge.rasa_client import Invalid, RasaClient, TurnRequest, vouched
from edge.rasa_client import Unavailable as RasaUnavailable
from edge.store import WEB_SESSION_TTL, ChannelStore
from edge.web_photo import checked_photo

logger = logging.getLogger("minwon.edge.webchat")

PAGE_DIR = Path(__file__).resolve().parent.parent / "webchat"
STATIC_FILES = {"index.html": "text/html", "chat.js": "text/javascript", "chat.css": "text/css"}
MAX_TEXT_MARK = b"__MAX_TEXT__"  # in index.html: the page's counter shows the server's own limit
SESSION_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MAX_TEXT = 2000  # characters of one message (code points, as the page counts them)
PHOTO_SHOWN = "📷"  # a photo's line in the conversation's history (the page shows its own words for it)
TURN_TIMEOUT = 30.0
RETRY_FIRST_S = 0.25
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: https: http:; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN = re.compile(r"[A-Za-z]")
# The outbound route's kinds, as the page shows them.
SPEAKERS = {"agent": "agent", "desk": "system", "system": "system"}


def language_of(text: str) -> Optional[str]:
    """The language a line is written in, for the page's lang attribute (a screen reader's voice): any Hangul is
    Korean, else Latin letters English, else unknown."""
    if HANGUL.search(text):
        return "ko"
    return "en" if LATIN.search(text) else None


async def to_json(store: ChannelStore, sender_id: str, parts: List[ReplyPart], who: str = "bot",
                  language: Optional[str] = None) -> List[Dict[str, Any]]:
    out = []
    for part in parts:
        buttons = []
        for button in part.buttons:
            if button.url:
                buttons.append({"title": button.title, "url": button.url})
            elif button.payload not in ("__request_contact__", "__request_location__"):
                token = await store.issue_button(sender_id, button.payload or button.title)
                buttons.append({"title": button.title, "token": token})
        item: Dict[str, Any] = {"who": who, "text": part.text}
        lang = language if language in ("ko", "en") else language_of(part.text)
        if lang:
            item["lang"] = lang
        if buttons:
            item["buttons"] = buttons
        if part.image:
            item["image"] = part.image
        out.append(item)
    return out


def readable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def session_of(data: Any) -> Optional[str]:
    session = data.get("session") if isinstance(data, dict) else None
    return f"web:{session}" if isinstance(session, str) and SESSION_RE.match(session) else None


OWNER_COOKIE = "minwon_webchat"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
NOT_YOURS = {"code": "not_your_session", "message": "this conversation belongs to another browser; start a new one"}


class WebChat:
    def __init__(self, store: ChannelStore, rasa: RasaClient, desk: DeskPassThrough, queues: ConversationQueues,
                 secure_cookie: bool = False) -> None:
        self.store = store
        self.rasa = rasa
        self.desk = desk
        self.queues = queues
        self.secure_cookie = secure_cookie

    async def owned(self, request: web.Request, sender_id: str) -> Optional[str]:
        """The browser's token when this request may use the session (a new token to set as its cookie, or the
        one it sent), else None."""
        sent = request.cookies.get(OWNER_COOKIE, "")
        token = sent if _TOKEN_RE.match(sent) else secrets.token_urlsafe(32)
        owner = hashlib.sha256(token.encode("ascii")).hexdigest()
        return token if await self.store.claim_session(sender_id, owner) else None

    def with_cookie(self, request: web.Request, response: web.Response, token: str) -> web.Response:
        if request.cookies.get(OWNER_COOKIE) != token:
            response.set_cookie(OWNER_COOKIE, token, httponly=True, samesite="Strict", secure=self.secure_cookie,
                                path="/webhooks/webchat", max_age=WEB_SESSION_TTL)
        return response

    # -- routes (registered by edge/app.py) ------------------------------------------------------------
    async def to_page(self, _: web.Request) -> web.Response:
        raise web.HTTPFound("/webhooks/webchat/")  # the page's own links are relative to the directory

    def page_file(self, name: str) -> web.Response:
        body = (PAGE_DIR / name).read_bytes().replace(MAX_TEXT_MARK, str(MAX_TEXT).encode())
        return web.Response(body=body, content_type=STATIC_FILES[name], charset="utf-8", headers=SECURITY_HEADERS)

    async def index(self, _: web.Request) -> web.Response:
        return self.page_file("index.html")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC_FILES or name == "index.html":
            return web.json_response({"code": "not_found", "message": "not found"}, status=404)
        return self.page_file(name)

    async def messages(self, request: web.Request) -> web.Response:
        data = await read_json(request)
        sender_id = session_of(data)
        if sender_id is None:
            return web.json_response({"code": "bad_session", "message": "session must be a random UUID"}, status=400)
        owner = await self.owned(request, sender_id)
        if owner is None:
            return web.json_response(NOT_YOURS, status=403)
        return self.with_cookie(request, await self._messages(data, sender_id), owner)

    async def _messages(self, data: Dict[str, Any], sender_id: str) -> web.Response:
        message_id = "web:" + uuid.uuid4().hex
        token = data.get("token")
        if token:
            payload = await self.store.resolve_button(sender_id, str(token))
            if payload is None:
                return web.json_response({"code": "unknown_button", "message": "this choice has expired"}, status=400)
            # A pressed button's payload is not the citizen's words: marked so the language stays.
            turn = vouched(sender_id, message_id, payload, {"channel": "web", "input": "button"})
            shown = await self.button_title(sender_id, str(token)) or ("" if payload.startswith("/") else payload)
        elif "photo" in data:
            photo = checked_photo(data["photo"])
            if isinstance(photo, tuple):
                return web.json_response(photo[1], status=photo[0])
            # No words with it: the edge's own /inform, as for a Telegram photo without a caption (the language stays)
            turn = vouched(sender_id, message_id, "/inform", {"channel": "web", "photo": photo})
            shown = PHOTO_SHOWN
        else:
            raw = data.get("text")
            if isinstance(raw, str) and not readable(raw):  # a lone surrogate: no text to answer (or to keep)
                return web.json_response({"code": "invalid", "message": "the text is not valid Unicode"}, status=400)
            if isinstance(raw, str) and len(raw) > MAX_TEXT:  # said, never cut: the page shows the limit too
                return web.json_response({"code": "too_long", "limit": MAX_TEXT, "message":
                                          f"a message may have up to {MAX_TEXT} characters; this one has {len(raw)}"},
                                         status=400)
            text = neutralise_command(raw if isinstance(raw, str) else "")
            if not text:
                return web.json_response({"code": "empty", "message": "type a message"}, status=400)
            turn = TurnRequest(sender_id, message_id, text=text, metadata={"channel": "web"})
            shown = raw
        result: "asyncio.Future[List[Dict[str, Any]]]" = asyncio.get_running_loop().create_future()
        if not self.queues.submit(sender_id, lambda: self.run_turn(turn, shown, result)):
            return web.json_response({"code": "busy", "message": "too many messages at once"}, status=429)
        try:
            items = await asyncio.wait_for(asyncio.shield(result), TURN_TIMEOUT)
        except asyncio.TimeoutError:
            items = []
            if not result.done():
                result.cancel()  # the reply, when it comes, waits in the outbox for the next poll
        except InvalidRequest as error:
            return web.json_response({"code": "invalid", "message": str(error)}, status=400)
        except Unavailable:
            return web.json_response({"code": "unavailable", "message": "the assistant is not available"}, status=503)
        items += await self.store.drain_outbox(sender_id)
        return web.json_response({"messages": items})

    async def poll(self, request: web.Request) -> web.Response:
        sender_id = session_of(await read_json(request))
        if sender_id is None:
            return web.json_response({"code": "bad_session", "message": "session must be a random UUID"}, status=400)
        owner = await self.owned(request, sender_id)
        if owner is None:
            return web.json_response(NOT_YOURS, status=403)
        return self.with_cookie(request, web.json_response({"messages": await self.store.drain_outbox(sender_id)}),
                                owner)

    async def history(self, request: web.Request) -> web.Response:
        """The session's last lines, to the browser that owns it (the page shows them again after a reload)."""
        sender_id = session_of(await read_json(request))
        if sender_id is None:
            return web.json_response({"code": "bad_session", "message": "session must be a random UUID"}, status=400)
        owner = await self.owned(request, sender_id)
        if owner is None:
            return web.json_response(NOT_YOURS, status=403)
        return self.with_cookie(request, web.json_response({"messages": await self.store.lines(sender_id)}), owner)

    async def button_title(self, sender_id: str, token: str) -> Optional[str]:
        """What the pressed button said (shown as the citizen's line), from the session's recent lines."""
        for line in reversed(await self.store.lines(sender_id)):
            for button in line.get("buttons") or ():
                if button.get("token") == token:
                    return str(button.get("title") or "")
        return None

    # -- the turn ------------------------------------------------------------------------------------------
    async def run_turn(self, turn: TurnRequest, shown: str, result: "asyncio.Future[List[Dict[str, Any]]]") -> None:
        try:
            await self.store.add_lines(turn.conversation_id, [{"who": "citizen", "text": shown,
                                                               **({"lang": lang} if (lang := language_of(shown)) else {})}])
            await self._run_turn(turn, result)
        except Exception:  # Redis failed under the turn: the page hears so now, not after its whole wait
            if not result.done():
                result.set_exception(Unavailable("the assistant is not available"))
            raise

    async def _run_turn(self, turn: TurnRequest, result: "asyncio.Future[List[Dict[str, Any]]]") -> None:
        await self.desk.before_turn(turn.conversation_id, turn.text or turn.payload or "", turn.metadata)
        deadline = time.monotonic() + TURN_TIMEOUT
        pause = RETRY_FIRST_S
        while True:
            outcome = await self.rasa.turn(turn)
            if not isinstance(outcome, RasaUnavailable):
                break
            if time.monotonic() + pause > deadline or result.done():
                logger.warning("web chat: rasa unavailable (%s); the page is told so", outcome.reason)
                if not result.done():
                    result.set_exception(Unavailable("the assistant is not available"))
                return
            await asyncio.sleep(pause)  # the same message id again: Rasa runs it once
            pause = min(pause * 2, 4.0)
        if isinstance(outcome, Invalid):
            if not result.done():
                result.set_exception(InvalidRequest(outcome.message))
            return
        items = await to_json(self.store, turn.conversation_id, parts_from_rasa(outcome.replies),
                              language=outcome.language)
        items = await self.store.add_lines(turn.conversation_id, items)
        if result.done():  # the page gave up waiting: keep the reply for its next poll
            for item in items:
                await self.store.push_outbox(turn.conversation_id, item)
        else:
            result.set_result(items)

    # -- outside a turn ------------------------------------------------------------------------------------
    async def send_outbound(self, message: Outbound) -> Dict[str, Any]:
        """Kept in the session's outbox; the page fetches it with its next poll."""
        if not SESSION_RE.match(message.address):
            raise Refusal("unavailable")
        items = await to_json(self.store, message.conversation_id, message.parts, who=SPEAKERS.get(message.kind, "bot"))
        for item in await self.store.add_lines(message.conversation_id, items):
            await self.store.push_outbox(message.conversation_id, item)
        return {"queued": True}


async def read_json(request: web.Request) -> Any:
    """The body as JSON, or None for anything else (not UTF-8, not JSON, too deep)."""
    body = await request.read()
    try:
        return json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
