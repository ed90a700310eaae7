"""SMS channel (Twilio): signed webhooks, MessageSid de-duplication, opt-out/help keywords,
numbered choices, compact replies with short links, TwiML for fast turns and REST for late ones,
delivery status callbacks. A message is kept in the durable inbox before the webhook answers (see
`SmsInput.blueprint` for why the TwiML path needs it too)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, response
from sanic.request import Request

from connectors import sms_keywords
from connectors.base import MinwonChannel, OnNewMessage
from connectors.delivery_reports import forward_status
from connectors.errors import DeliveryError, RecipientBlocked
from connectors.formatting import URL_RE, ReplyPart, neutralise_command, parts_from_rasa, sms_body, split_sms
from connectors.inbox import Entry, Inbox, InboxSettings
from connectors.inbox_worker import InboxWorker, Progress
from connectors.outbound import Outbound, Refusal, add_outbound_route
from connectors.queues import QueueFull
from connectors.settings import SmsSettings
from connectors.store import ChannelStore
from connectors.twilio_api import TwilioMessages, signature_valid

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twiml(bodies: Sequence[str]) -> str:
    messages = "".join(f"<Message>{escape(body)}</Message>" for body in bodies if body)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'


def twiml_response(bodies: Sequence[str] = ()) -> response.HTTPResponse:
    return response.text(twiml(bodies) if bodies else EMPTY_TWIML, content_type="application/xml")


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

    def __init__(self, settings: SmsSettings, store: ChannelStore) -> None:
        self.settings = settings
        self.store = store
        self.api = TwilioMessages(settings.api_base, settings.account_sid, settings.auth_token)

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
                result = await self.api.send(phone, self.settings.from_number, body, self.settings.status_callback_url)
            except RecipientBlocked:
                await self.store.opt_out(phone)
                break
            except DeliveryError as error:
                logger.warning("sms reply not delivered: %s", error)
                break
            sids.append(str(result.get("sid")))
            if progress is not None:
                await progress(position)
        return sids


class SmsOutput(OutputChannel):
    """Rasa's output channel for messages outside a webhook turn (reminders, triggers)."""

    def __init__(self, formatter: SmsFormatter, sender: SmsSender) -> None:
        self.formatter = formatter
        self.sender = sender

    @classmethod
    def name(cls) -> Text:
        return "sms"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        phone = recipient_id[4:] if recipient_id.startswith("sms:") else recipient_id
        if await self.sender.store.is_opted_out(phone):
            return
        await self.sender.send(phone, await self.formatter.bodies(phone, parts_from_rasa([message])))


@dataclass
class PendingReply:
    """A webhook waiting for its turn's reply; once `late`, the reply goes out by REST."""

    future: "asyncio.Future[List[str]]"
    late: bool = False


class SmsInput(MinwonChannel):
    @classmethod
    def name(cls) -> Text:
        return "sms"

    def url_prefix(self) -> Text:
        return "twilio"  # /webhooks/twilio/webhook, /status, /outbound

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        return cls(SmsSettings.load(credentials))

    def __init__(self, settings: SmsSettings, store: Optional[ChannelStore] = None,
                 inbox_settings: Optional[InboxSettings] = None) -> None:
        super().__init__(settings.common, store)
        self.settings = settings
        self.formatter = SmsFormatter(self.store, settings.common.short_link_base)
        self.sender = SmsSender(settings, self.store)
        inbox = Inbox(self.store.redis, settings.common.redis_url, settings.common.redis_prefix, "sms",
                      inbox_settings or InboxSettings.load())
        self.inbox = InboxWorker(inbox, self.queues, self.run_entry)
        self._waiting: Dict[str, PendingReply] = {}  # inbox entry id -> the webhook waiting for its TwiML

    async def close(self) -> None:
        await self.inbox.close()
        await self.sender.api.close()
        await super().close()

    def get_output_channel(self) -> OutputChannel:
        return SmsOutput(self.formatter, self.sender)

    def signed_form(self, request: Request) -> Optional[List[Tuple[str, str]]]:
        """The form fields (blank values kept) if the Twilio signature matches, else None."""
        form = parse_qsl((request.body or b"").decode("utf-8", "replace"), keep_blank_values=True)
        url = self.settings.common.public_url + request.path
        if request.query_string:
            url += "?" + request.query_string
        signature = request.headers.get("X-Twilio-Signature", "")
        return form if signature_valid(self.settings.auth_token, url, form, signature) else None

    async def turn(self, on_new_message: OnNewMessage, phone: str, text: str, metadata: Dict[str, Any],
                   pending: Optional[PendingReply], message_sid: str, entry: Optional[Entry] = None) -> None:
        replies = await self.run_turn(on_new_message, f"sms:{phone}", text, metadata, message_sid)
        if await self.store.is_opted_out(phone):
            bodies: List[str] = []
        else:
            bodies = await self.formatter.bodies(phone, parts_from_rasa(replies))
        if pending is not None and not pending.late and not pending.future.done():
            pending.future.set_result(bodies)  # the webhook answers with TwiML
        elif bodies:
            await self.sender.send(phone, bodies, skip=entry.sent if entry else 0,
                                   progress=self.inbox.progress(entry) if entry else None)

    async def run_entry(self, entry: Entry, on_new_message: OnNewMessage) -> None:
        """One message from the inbox: its webhook may still wait here (TwiML), else the reply goes by REST
        (a late turn, or one taken over from an instance that died)."""
        p = entry.payload
        phone, text, sid = str(p.get("phone") or ""), str(p.get("text") or ""), str(p.get("sid") or "")
        if not phone or not text:
            return
        metadata = p.get("metadata") if isinstance(p.get("metadata"), dict) else {"channel": "sms"}
        await self.turn(on_new_message, phone, text, metadata, self._waiting.get(entry.id), sid, entry)

    async def citizen_text(self, phone: str, body: str) -> Tuple[str, bool]:
        """A bare number picks one of the last numbered choices (its payload, and True: a button press);
        other text is neutralised."""
        stripped = body.strip().rstrip(".")
        if stripped.isdigit() and len(stripped) <= 2:
            payload = await self.store.choice(f"sms:{phone}", int(stripped))
            if payload is not None:
                return payload, True
        return neutralise_command(body), False

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sms_webhook = Blueprint("minwon_sms", __name__)
        self.add_lifecycle(sms_webhook)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @sms_webhook.listener("after_server_start")
        async def start_inbox(app: Any, loop: Any) -> None:
            self.inbox.attach(app, on_new_message)
            self.inbox.start_soon()

        # Why the inbox on the TwiML path too: Twilio takes any 200 as delivered. A turn slower than
        # SMS_TWIML_DEADLINE is answered with empty TwiML and finished here; an instance killed then would
        # lose it. And a fast turn saved by Rasa whose TwiML never left (killed in between) is answered by
        # the instance that takes the message over, by REST, from the saved turn.
        @sms_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> response.HTTPResponse:
            form = self.signed_form(request)
            if form is None:
                return response.json({"error": "forbidden"}, status=403)
            fields = dict(form)
            sid = fields.get("MessageSid") or fields.get("SmsSid") or ""
            phone = fields.get("From", "")
            body = fields.get("Body", "")
            if not sid or not phone:
                return twiml_response()
            if self.inbox.app is None:
                self.inbox.attach(request.app, on_new_message)
            try:
                kind = sms_keywords.keyword(body)
                if kind is not None or await self.store.is_opted_out(phone):
                    # Answered here, never by Rasa: de-duplicated only.
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
                text, chosen = await self.citizen_text(phone, body)
            except Exception as error:  # Redis down: Twilio retries on errors, so nothing is lost
                logger.error("sms webhook store unavailable: %s", type(error).__name__)
                return response.json({"error": "unavailable"}, status=503)
            metadata: Dict[str, Any] = {"channel": "sms"}
            if chosen:  # the payload of a numbered choice is no citizen's words: the language stays
                metadata["input"] = "button"
            media_type = fields.get("MediaContentType0", "")
            if int(fields.get("NumMedia") or 0) > 0 and media_type.startswith("image/") and fields.get("MediaUrl0"):
                metadata["photo"] = {"url": fields["MediaUrl0"], "content_type": media_type}
                text = text or "/inform"
            if not text:
                return twiml_response()
            entry_id = self.inbox.inbox.entry_id(sid)
            pending = PendingReply(asyncio.get_event_loop().create_future())
            self._waiting.setdefault(entry_id, pending)
            try:
                fresh = await self.inbox.accept(sid, f"sms:{phone}",
                                                {"phone": phone, "text": text, "metadata": metadata, "sid": sid})
            except QueueFull:  # taken back: Twilio's retry (or the citizen) sends it again
                self._forget_waiting(entry_id, pending)
                return response.json({"error": "busy"}, status=503)
            except Exception as error:
                self._forget_waiting(entry_id, pending)
                logger.error("sms inbox unavailable: %s", type(error).__name__)
                return response.json({"error": "unavailable"}, status=503)
            if not fresh:
                self._forget_waiting(entry_id, pending)
                return twiml_response()
            try:
                bodies = await asyncio.wait_for(asyncio.shield(pending.future), self.settings.twiml_deadline)
            except asyncio.TimeoutError:
                pending.late = True
                bodies = pending.future.result() if pending.future.done() else []
            finally:
                self._forget_waiting(entry_id, pending)
            return twiml_response(bodies)

        @sms_webhook.route("/status", methods=["POST"])
        async def status(request: Request) -> response.HTTPResponse:
            form = self.signed_form(request)
            if form is None:
                return response.json({"error": "forbidden"}, status=403)
            fields = dict(form)
            sid = fields.get("MessageSid") or fields.get("SmsSid")
            state = fields.get("MessageStatus") or fields.get("SmsStatus")
            if sid and state:
                await self.store.record_status(sid, state, fields.get("ErrorCode", ""))
                asyncio.ensure_future(forward_status(self.settings.notifier_url, self.settings.notifier_token,
                                                     sid, state, fields.get("ErrorCode", "")))
                if fields.get("ErrorCode") == "21610" and fields.get("To"):
                    await self.store.opt_out(fields["To"])
            return response.text("", status=204)

        add_outbound_route(sms_webhook, "sms:", self.common.outbound_token, self.store, self.send_outbound)
        return sms_webhook

    def _forget_waiting(self, entry_id: str, pending: PendingReply) -> None:
        if self._waiting.get(entry_id) is pending:
            del self._waiting[entry_id]

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
