"""Telegram channel: authenticated webhook, de-duplicated updates kept in the durable inbox before they
are acknowledged, ordered background turns, inline keyboards, split and paced replies, blocked-bot
handling."""
from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, response
from sanic.request import Request

from connectors.base import MinwonChannel, OnNewMessage
from connectors.errors import DeliveryError, RecipientBlocked
from connectors.formatting import ReplyPart, callback_data_fits, neutralise_command, parts_from_rasa, split_for_telegram
from connectors.inbox import Entry, Inbox, InboxSettings
from connectors.inbox_worker import InboxWorker, Progress
from connectors.outbound import Outbound, Refusal, add_outbound_route
from connectors.queues import QueueFull
from connectors.settings import TelegramSettings
from connectors.store import ChannelStore
from connectors.telegram_api import BotApi
from connectors.throttle import SendThrottle

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
MAX_PHOTO_BYTES = 5 * 1024 * 1024
REQUEST_CONTACT = "__request_contact__"
REQUEST_LOCATION = "__request_location__"
EMPTY_TEXT_WITH_BUTTONS = "⬇️"
SHORT_KEY_CHARS = 6
SHORT_KEYS_PER_ROW = 4


@dataclass
class Incoming:
    chat_id: str
    text: str = ""
    metadata: Dict[str, Any] = field(default_factory=dict)
    callback_id: Optional[str] = None
    callback_token: Optional[str] = None
    callback_message_id: Optional[int] = None
    photo_file_id: Optional[str] = None
    update_id: Optional[int] = None


def _e164(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+{digits}" if digits else ""


def parse_update(update: Dict[str, Any]) -> Optional[Incoming]:
    """What a citizen did, or None for updates we acknowledge and ignore."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        message = callback.get("message") or {}
        chat = (message.get("chat") or {}).get("id")
        data = callback.get("data")
        if chat is None or not isinstance(data, str) or not callback_data_fits(data):
            return Incoming(chat_id=str(chat), callback_id=str(callback.get("id"))) if chat is not None else None
        return Incoming(
            chat_id=str(chat),
            callback_id=str(callback.get("id")),
            callback_token=data,
            callback_message_id=message.get("message_id"),
            metadata={"channel": "telegram"},
        )
    message = update.get("message") or update.get("edited_message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") or {}
    if chat.get("type", "private") != "private" or chat.get("id") is None:
        return None  # minwon talks to citizens one to one
    incoming = Incoming(chat_id=str(chat["id"]), metadata={"channel": "telegram"})
    sender = message.get("from") or {}
    if sender.get("language_code"):
        incoming.metadata["language_hint"] = "ko" if str(sender["language_code"]).startswith("ko") else "en"
    if "edited_message" in update:
        incoming.metadata["edited"] = True
    text = message.get("text")
    if isinstance(text, str):
        if text.strip().split(" ")[0].split("@")[0] == "/start":
            incoming.text = "/greet"  # our own intent, not citizen text
        else:
            incoming.text = neutralise_command(text)
        return incoming if incoming.text else None
    contact = message.get("contact")
    if isinstance(contact, dict) and contact.get("phone_number"):
        if contact.get("user_id") != sender.get("id"):
            return None  # someone else's card: it proves nothing about this citizen
        phone = _e164(str(contact["phone_number"]))
        incoming.metadata["contact_phone"] = phone
        incoming.text = "/inform" + json.dumps({"phone": phone})
        return incoming
    location = message.get("location")
    if isinstance(location, dict) and "latitude" in location and "longitude" in location:
        incoming.metadata["location"] = {"lat": float(location["latitude"]), "lon": float(location["longitude"])}
        incoming.text = "/inform"
        return incoming
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        fitting = [p for p in photos if int(p.get("file_size") or 0) <= MAX_PHOTO_BYTES] or photos[:1]
        best = max(fitting, key=lambda p: int(p.get("width") or 0) * int(p.get("height") or 0))
        incoming.photo_file_id = str(best.get("file_id"))
        incoming.text = neutralise_command(message.get("caption")) or "/inform"
        return incoming
    return None


class TelegramDelivery:
    """Sends formatted replies to one chat, honouring blocks and pacing."""

    def __init__(self, api: BotApi, store: ChannelStore) -> None:
        self.api = api
        self.store = store

    async def keyboard(self, sender_id: str, part: ReplyPart) -> Optional[Dict[str, Any]]:
        special = [b for b in part.buttons if b.payload in (REQUEST_CONTACT, REQUEST_LOCATION)]
        if special:
            rows = [
                [{"text": b.title, "request_contact": True} if b.payload == REQUEST_CONTACT
                 else {"text": b.title, "request_location": True}]
                for b in special
            ]
            return {"keyboard": rows, "one_time_keyboard": True, "resize_keyboard": True}
        keys: List[Dict[str, str]] = []
        for button in part.buttons:
            if button.url:
                keys.append({"text": button.title, "url": button.url})
            else:
                token = await self.store.issue_button(sender_id, button.payload or button.title)
                keys.append({"text": button.title, "callback_data": token})
        # Short choices ("1", "2", "전부") sit side by side; longer ones get a row each.
        per_row = SHORT_KEYS_PER_ROW if all(len(k["text"]) <= SHORT_KEY_CHARS for k in keys) else 1
        rows = [keys[i:i + per_row] for i in range(0, len(keys), per_row)]
        return {"inline_keyboard": rows} if rows else None

    async def deliver(self, chat_id: str, parts: List[ReplyPart], skip: int = 0,
                      progress: Optional[Progress] = None) -> int:
        """Send a turn's replies; returns the number of Bot API messages sent. The first `skip` messages went
        out before (an instance that died after sending them); `progress(n)` records each one that leaves."""
        sender_id = f"tg:{chat_id}"
        sent = position = 0
        try:
            for part in parts:
                if await self.store.is_blocked(chat_id):
                    return sent
                text_chunks = split_for_telegram(part.text)
                chunks = text_chunks or ([EMPTY_TEXT_WITH_BUTTONS] if part.buttons else [])
                count = len(chunks) + (1 if part.image else 0)
                if position + count <= skip:  # all of it went out before a takeover: no keyboard needed
                    position += count
                    continue
                markup = await self.keyboard(sender_id, part) if part.buttons else None
                if markup is None and not text_chunks:
                    chunks = []  # no keyboard after all: no placeholder text to carry it
                requests: List[Tuple[str, Dict[str, Any]]] = []
                for i, chunk in enumerate(chunks):
                    payload: Dict[str, Any] = {"chat_id": chat_id, "text": chunk}
                    if markup and i == len(chunks) - 1:
                        payload["reply_markup"] = markup
                    requests.append(("sendMessage", payload))
                if part.image:
                    requests.append(("sendPhoto", {"chat_id": chat_id, "photo": part.image}))
                for method, payload in requests:
                    position += 1
                    if position <= skip:
                        continue
                    await self.api.call(method, payload, chat=chat_id)
                    sent += 1
                    if progress is not None:
                        await progress(position)
        except RecipientBlocked:
            logger.info("telegram chat blocked the bot; sending stopped")
            await self.store.mark_blocked(chat_id)
        except DeliveryError as error:
            logger.warning("telegram reply not delivered: %s", error)
        return sent


class TelegramOutput(OutputChannel):
    """Rasa's output channel for messages outside a webhook turn (reminders, triggers)."""

    def __init__(self, delivery: TelegramDelivery) -> None:
        self.delivery = delivery

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        chat_id = recipient_id[3:] if recipient_id.startswith("tg:") else recipient_id
        await self.delivery.deliver(chat_id, parts_from_rasa([message]))


class TelegramInput(MinwonChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        return cls(TelegramSettings.load(credentials))

    def __init__(self, settings: TelegramSettings, store: Optional[ChannelStore] = None,
                 inbox_settings: Optional[InboxSettings] = None) -> None:
        super().__init__(settings.common, store)
        self.settings = settings
        self.api = BotApi(settings.api_base, settings.token, SendThrottle(settings.per_chat_interval, settings.global_rate))
        self.delivery = TelegramDelivery(self.api, self.store)
        inbox = Inbox(self.store.redis, settings.common.redis_url, settings.common.redis_prefix, "tg",
                      inbox_settings or InboxSettings.load())
        self.inbox = InboxWorker(inbox, self.queues, self.run_entry)

    async def close(self) -> None:
        await self.inbox.close()
        await self.api.close()
        await super().close()

    def get_output_channel(self) -> OutputChannel:
        return TelegramOutput(self.delivery)

    def authentic(self, request: Request) -> bool:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return hmac.compare_digest(given.encode("utf-8"), self.settings.secret_token.encode("utf-8"))

    async def process(self, on_new_message: OnNewMessage, incoming: Incoming, entry: Optional[Entry] = None) -> None:
        sender_id = f"tg:{incoming.chat_id}"
        await self.store.unblock(incoming.chat_id)  # writing to us means the bot is not blocked
        text = incoming.text
        if incoming.callback_id is not None:
            try:
                await self.api.call("answerCallbackQuery", {"callback_query_id": incoming.callback_id})
            except DeliveryError as error:
                logger.info("callback not answered: %s", error)
            payload = await self.store.resolve_button(sender_id, incoming.callback_token or "")
            if payload is None:
                return  # forged, foreign or expired button: nothing to do
            if incoming.callback_message_id is not None:
                try:  # one tap only: remove the keyboard the citizen used
                    await self.api.call(
                        "editMessageReplyMarkup",
                        {"chat_id": incoming.chat_id, "message_id": incoming.callback_message_id,
                         "reply_markup": {"inline_keyboard": []}},
                    )
                except DeliveryError:
                    pass
            text = payload
            incoming.metadata["input"] = "button"  # the payload is no citizen's words: the language stays
        if incoming.photo_file_id:
            try:
                data = await self.api.download(incoming.photo_file_id, MAX_PHOTO_BYTES)
            except DeliveryError:
                data = None
            if data:
                incoming.metadata["photo"] = {
                    "bytes_b64": base64.b64encode(data).decode("ascii"),
                    "content_type": "image/png" if data[:4] == b"\x89PNG" else "image/jpeg",
                }
        message_id = f"tg:{incoming.update_id}" if incoming.update_id is not None else None
        replies = await self.run_turn(on_new_message, sender_id, text, incoming.metadata, message_id)
        await self.delivery.deliver(incoming.chat_id, parts_from_rasa(replies), skip=entry.sent if entry else 0,
                                    progress=self.inbox.progress(entry) if entry else None)

    async def run_entry(self, entry: Entry, on_new_message: OnNewMessage) -> None:
        """One update from the inbox (accepted here, or taken over from an instance that died)."""
        update = entry.payload.get("update")
        incoming = parse_update(update) if isinstance(update, dict) else None
        if incoming is None:
            return
        incoming.update_id = update.get("update_id")
        await self.process(on_new_message, incoming, entry)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        telegram_webhook = Blueprint("minwon_telegram", __name__)
        self.add_lifecycle(telegram_webhook)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.listener("after_server_start")
        async def start_inbox(app: Any, loop: Any) -> None:
            self.inbox.attach(app, on_new_message)
            self.inbox.start_soon()

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> response.HTTPResponse:
            if not self.authentic(request):
                return response.json({"error": "forbidden"}, status=403)
            try:
                update = json.loads(request.body or b"null")
            except ValueError:
                return response.json({"ok": True})  # not JSON: acknowledge so it is not resent
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                return response.json({"ok": True})
            update_id = str(update["update_id"])
            incoming = parse_update(update)
            if self.inbox.app is None:
                self.inbox.attach(request.app, on_new_message)
            try:
                if incoming is not None:
                    # Kept in Redis (with its de-duplication key) before the 200: a turn acknowledged here
                    # survives this instance (connectors/inbox_worker.py).
                    await self.inbox.accept(update_id, f"tg:{incoming.chat_id}", {"update": update})
                    return response.json({"ok": True})
                if not await self.store.first_time("tg", update_id):
                    return response.json({"ok": True})
            except QueueFull:  # taken back: Telegram redelivers it later
                return response.json({"error": "busy"}, status=503)
            except Exception as error:  # Redis down: let Telegram redeliver later instead of losing it
                logger.error("telegram inbox unavailable: %s", type(error).__name__)
                return response.json({"error": "unavailable"}, status=503)
            membership = update.get("my_chat_member")
            if isinstance(membership, dict):
                await self.record_membership(membership)
            return response.json({"ok": True})

        add_outbound_route(telegram_webhook, "tg:", self.common.outbound_token, self.store, self.send_outbound)
        return telegram_webhook

    async def record_membership(self, membership: Dict[str, Any]) -> None:
        """Telegram tells us when a citizen blocks (kicked) or unblocks (member) the bot."""
        chat = (membership.get("chat") or {}).get("id")
        status = (membership.get("new_chat_member") or {}).get("status")
        if chat is None:
            return
        if status == "kicked":
            await self.store.mark_blocked(str(chat))
        elif status == "member":
            await self.store.unblock(str(chat))

    async def send_outbound(self, message: Outbound) -> Dict[str, Any]:
        chat_id = message.address
        if await self.store.is_blocked(chat_id):
            raise Refusal("blocked")

        async def deliver() -> int:
            return await self.delivery.deliver(chat_id, message.parts)

        try:  # behind the conversation's own replies, so the order holds
            sent = await self.queues.run(f"tg:{chat_id}", deliver, timeout=60)
        except (asyncio.TimeoutError, QueueFull):
            raise Refusal("unavailable") from None
        if await self.store.is_blocked(chat_id):
            raise Refusal("blocked")
        if not sent:
            raise Refusal("unavailable")
        return {"messages": sent}
