"""SMS through Twilio (ported from the removed connectors/sms.py), the same routes and wire behaviour:

    POST /webhooks/twilio/webhook    X-Twilio-Signature over CONNECTORS_PUBLIC_URL + the path (403 otherwise);
                                     answers TwiML: the turn's reply when it is ready within SMS_TWIML_DEADLINE,
                                     else empty TwiML and the reply goes later by REST; 503 while Redis is down
    POST /webhooks/twilio/status     Twilio's StatusCallback (signed): kept in Redis, passed on to the notifier
                                     (edge/delivery_reports.py); 21610 marks the number opted out; 204
    GET  /webhooks/twilio/           {"status": "ok"}
    POST /webhooks/twilio/outbound   (edge/outbound.py)

MessageSid de-duplication (the inbox's `seen:sms:<sid>`). STOP/START/HELP and the Korean keywords
(edge/sms_keywords.py) are answered here and never reach Rasa; an opted-out number reaches nothing. A bare number
picks one of the last reply's numbered choices (its payload, metadata input=button). An MMS photo goes as metadata
photo {url, content_type} (its text, or /inform). A turn's replies become as few segments as possible
(edge/formatting.py), long links short ones (/s/<code>). The message is kept in the durable inbox before the
webhook answers, also on the TwiML path: Twilio takes any 200 as delivered, so a turn slower than the deadline, or
an instance killed in between, would otherwise lose it; the instance that takes it over answers by REST.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web
from redis.exceptions import RedisError

from minwon_core import sms_keywords
from edge.delivery_reports import forward_status
from edge.errors import DeliveryError, RecipientBlocked
from edge.formatting import URL_RE, ReplyPart, parts_from_rasa, sms_body, split_sms
from minwon_core.channel_text import neutralise_command
from edge.handoff import DeskPassThrough
from edge.inbox import Entry, Inbox
from edge.outbound import Outbound, Refusal
from edge.queues import ConversationQueues, QueueFull, QueueMetrics
from edge.rasa_client import RasaClient, TurnRequest, vouched
from edge.settings import EdgeSettings
from edge.store import ChannelStore
from edge.twilio_api import TwilioMessages, signature_valid
from edge.worker import InboxWorker, Progress

logger = logging.getLogger("minwon.edge.sms")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twiml(bodies: Sequence[str]) -> str:
    messages = "".join(f"<Message>{escape(body)}</Message>" for body in bodies if body)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'


def twiml_response(bodies: Sequence[str] = ()) -> web.Response:
    return web.Response(text=twiml(bodies) if bodies else EMPTY_TWIML, content_type="application/xml")


class SmsFormatter:
    """Turns a turn's replies into SMS bodies and remembers the numbered choices."""

    def __init__(self, store: ChannelStore, short_link_base: str) -> None:
        self.store = store
        self.short_link_base = short_link_base

    async def bodies(self, phone: str, parts: List[ReplyPart]) -> List[str]:
        urls = set()
        for part in parts:
            urls.update(URL_RE.findall(part.text))
            urls.update(b.url for b in part.buttons if b.url)
            if part.image:
                urls.add(part.image)
        short: Dict[str, str] = {}
        for url in urls:
            if len(url) > len(self.short_link_base) + 6:
                short[url] = self.short_link_base + await self.store.shorten(url)
        body, choices = sms_body(parts, shorten=lambda url: short.get(url, url))
        await self.store.set_choices(f"sms:{phone}", [c.payload or c.title for c in choices])
        return split_sms(body)


class SmsSender:
    """REST delivery that never writes to an opted-out number."""

    def __init__(self, settings: EdgeSettings, store: ChannelStore, api: TwilioMessages) -> None:
        self.settings = settings
        self.store = store
        self.api = api

    async def send(self, phone: str, bodies: Sequence[str], skip: int = 0,
                   progress: Optional[Progress] = None) -> List[str]:
        """Send by REST; the first `skip` bodies went out before (an instance that died after sending them),
        `progress(n)` records each one that leaves."""
        sids = []
        for position, body in enumerate(bodies, start=1):
            if position <= skip:
                continue
            if await self.store.is_opted_out(phone):
                break
            try:
                sid = await self.api.send(phone, self.settings.sms.from_number, body,
                                          self.settings.sms_status_callback_url)
            except RecipientBlocked:
                await self.store.opt_out(phone)
                break
            except DeliveryError as error:
                logger.warning("sms reply not delivered: %s", error)
                break
            sids.append(sid)
            if progress is not None:
                await progress(position)
        return sids


@dataclass
class PendingReply:
    """A webhook waiting for its turn's reply; once `late`, the reply goes out by REST."""

    future: "asyncio.Future[List[str]]"
    late: bool = False


class SmsChannel:
    def __init__(self, settings: EdgeSettings, store: ChannelStore, rasa: RasaClient, desk: DeskPassThrough,
                 api: TwilioMessages, http: aiohttp.ClientSession,
                 queue_metrics: Optional[QueueMetrics] = None) -> None:
        self.settings = settings
        self.store = store
        self.http = http
        self.formatter = SmsFormatter(store, settings.short_link_base)
        self.sender = SmsSender(settings, store, api)
        self.queues = ConversationQueues(metrics=queue_metrics)
        inbox = Inbox(store.redis, settings.redis_url, settings.redis_prefix, "sms", settings.inbox)
        self.worker = InboxWorker(inbox, self.queues, rasa, desk, self)
        self._waiting: Dict[str, PendingReply] = {}  # inbox entry id -> the webhook waiting for its TwiML
        self._reports: Set["asyncio.Task[None]"] = set()

    async def close(self) -> None:
        await self.worker.close()  # and the queues it runs turns in
        await asyncio.gather(*self._reports, return_exceptions=True)
        await self.sender.api.close()

    # -- webhooks ----------------------------------------------------------------------------------------------
    async def signed_form(self, request: web.Request) -> Optional[List[Tuple[str, str]]]:
        """The form fields (blank values kept) if the Twilio signature matches, else None."""
        form = parse_qsl((await request.read()).decode("utf-8", "replace"), keep_blank_values=True)
        url = self.settings.public_url + request.raw_path  # the path and query exactly as Twilio signed them
        signature = request.headers.get("X-Twilio-Signature", "")
        return form if signature_valid(self.settings.sms.auth_token, url, form, signature) else None

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def webhook(self, request: web.Request) -> web.Response:
        form = await self.signed_form(request)
        if form is None:
            return web.json_response({"code": "forbidden", "message": "signature or secret does not match"}, status=403)
        fields = dict(form)
        sid = fields.get("MessageSid") or fields.get("SmsSid") or ""
        phone, body = fields.get("From", ""), fields.get("Body", "")
        if not sid or not phone:
            return twiml_response()
        try:
            kind = sms_keywords.keyword(body)
            if kind is not None or await self.store.is_opted_out(phone):
                return await self.keyword_answer(kind, sid, phone, body)  # answered here, never by Rasa
            text, chosen = await self.citizen_text(phone, body)
        except (RedisError, OSError) as error:  # Redis down: Twilio retries on errors, so nothing is lost
            logger.error("sms webhook store unavailable: %s", type(error).__name__)
            return web.json_response({"code": "unavailable", "message": "try again later"}, status=503)
        metadata: Dict[str, Any] = {"channel": "sms"}
        if chosen:  # the payload of a numbered choice is no citizen's words: the language stays
            metadata["input"] = "button"
        media_type = fields.get("MediaContentType0", "")
        if fields.get("NumMedia", "0").isdigit() and int(fields.get("NumMedia") or 0) > 0 \
                and media_type.startswith("image/") and fields.get("MediaUrl0"):
            metadata["photo"] = {"url": fields["MediaUrl0"], "content_type": media_type}
            text = text or "/inform"
        if not text:
            return twiml_response()
        return await self.keep_and_answer(sid, phone, text, metadata)

    async def keyword_answer(self, kind: Optional[str], sid: str, phone: str, body: str) -> web.Response:
        if not await self.store.first_time("sms", sid):
            return twiml_response()
        if kind == "opt_out":
            newly = await self.store.opt_out(phone)
            return twiml_response([sms_keywords.text("opted_out", body)] if newly else [])
        if kind == "opt_in":
            await self.store.opt_in(phone)
            return twiml_response([sms_keywords.text("opted_in", body)])
        if kind == "help":
            return twiml_response([sms_keywords.text("help", body)])
        return twiml_response()  # opted out: nothing reaches Rasa

    async def keep_and_answer(self, sid: str, phone: str, text: str, metadata: Dict[str, Any]) -> web.Response:
        entry_id = self.worker.inbox.entry_id(sid)
        pending = PendingReply(asyncio.get_running_loop().create_future())
        self._waiting.setdefault(entry_id, pending)
        try:
            fresh = await self.worker.accept(sid, f"sms:{phone}",
                                             {"phone": phone, "text": text, "metadata": metadata, "sid": sid})
        except QueueFull:  # taken back: Twilio's retry (or the citizen) sends it again
            self._forget_waiting(entry_id, pending)
            return web.json_response({"code": "busy", "message": "too many messages at once; try again"}, status=503)
        except (RedisError, OSError) as error:
            self._forget_waiting(entry_id, pending)
            logger.error("sms inbox unavailable: %s", type(error).__name__)
            return web.json_response({"code": "unavailable", "message": "try again later"}, status=503)
        if not fresh:
            self._forget_waiting(entry_id, pending)
            return twiml_response()
        try:
            bodies = await asyncio.wait_for(asyncio.shield(pending.future), self.settings.sms.twiml_deadline)
        except asyncio.TimeoutError:
            pending.late = True
            bodies = pending.future.result() if pending.future.done() else []
        finally:
            self._forget_waiting(entry_id, pending)
        return twiml_response(bodies)

    async def status(self, request: web.Request) -> web.Response:
        form = await self.signed_form(request)
        if form is None:
            return web.json_response({"code": "forbidden", "message": "signature or secret does not match"}, status=403)
        fields = dict(form)
        sid = fields.get("MessageSid") or fields.get("SmsSid")
        state = fields.get("MessageStatus") or fields.get("SmsStatus")
        if sid and state:
            error_code = fields.get("ErrorCode", "")
            await self.store.record_status(sid, state, error_code)
            task = asyncio.ensure_future(forward_status(self.http, self.settings.sms.notifier_url,
                                                        self.settings.sms.notifier_token, sid, state, error_code))
            self._reports.add(task)
            task.add_done_callback(self._reports.discard)
            if error_code == "21610" and fields.get("To"):
                await self.store.opt_out(fields["To"])
        return web.Response(status=204)

    def _forget_waiting(self, entry_id: str, pending: PendingReply) -> None:
        if self._waiting.get(entry_id) is pending:
            del self._waiting[entry_id]

    async def citizen_text(self, phone: str, body: str) -> Tuple[str, bool]:
        """A bare number picks one of the last numbered choices (its payload, and True: a button press);
        other text is neutralised."""
        stripped = body.strip().rstrip(".")
        if stripped.isdigit() and len(stripped) <= 2:
            payload = await self.store.choice(f"sms:{phone}", int(stripped))
            if payload is not None:
                return payload, True
        return neutralise_command(body), False

    # -- the inbox's turn (edge/worker.py) ---------------------------------------------------------------------
    async def prepare(self, entry: Entry) -> Optional[TurnRequest]:
        p = entry.payload
        phone, text, sid = str(p.get("phone") or ""), str(p.get("text") or ""), str(p.get("sid") or "")
        if not phone or not text or not sid:
            return None
        kept = p.get("metadata")
        metadata: Dict[str, Any] = kept if isinstance(kept, dict) else {"channel": "sms"}
        # Citizen text was neutralised before it was kept: a leading / is a command the edge made (a numbered
        # choice's payload, /inform for a photo), the same entry layout as the old connector's.
        if text.startswith("/") or metadata.get("input") == "button":
            return vouched(f"sms:{phone}", sid, text, metadata)
        return TurnRequest(f"sms:{phone}", sid, text=text, metadata=metadata)

    async def deliver(self, entry: Entry, replies: List[Dict[str, Any]], progress: Progress) -> None:
        phone = entry.conversation[4:]
        bodies: List[str] = []
        if not await self.store.is_opted_out(phone):
            bodies = await self.formatter.bodies(phone, parts_from_rasa(replies))
        pending = self._waiting.get(entry.id)
        if pending is not None and not pending.late and not pending.future.done():
            pending.future.set_result(bodies)  # the webhook answers with TwiML
        elif bodies:
            await self.sender.send(phone, bodies, skip=entry.sent, progress=progress)

    # -- outside a turn ----------------------------------------------------------------------------------------
    async def send_outbound(self, message: Outbound) -> Dict[str, Any]:
        phone = message.address
        if await self.store.is_opted_out(phone):
            raise Refusal("opted_out")

        async def send() -> List[str]:
            return await self.sender.send(phone, await self.formatter.bodies(phone, message.parts))

        try:  # behind the conversation's own replies, so the order holds
            sids = await self.queues.run(f"sms:{phone}", send, timeout=60)
        except (asyncio.TimeoutError, QueueFull):
            raise Refusal("unavailable") from None
        if not sids:
            raise Refusal("opted_out" if await self.store.is_opted_out(phone) else "unavailable")
        return {"sid": sids[0], "message_id": sids[0]}
