"""Telegram (ported from the removed connectors/telegram.py), the same routes and wire behaviour:

    POST /webhooks/telegram/webhook     X-Telegram-Bot-Api-Secret-Token checked in constant time (403 otherwise);
                                        200 {"ok": true} once the update is kept in the inbox (or ignored);
                                        503 while Redis cannot keep it (Telegram redelivers)
    GET  /webhooks/telegram/            {"status": "ok"}
    POST /webhooks/telegram/outbound    (edge/outbound.py)

Updates are parsed by python-telegram-bot (`Update.de_json`); an update it cannot read is acknowledged and
ignored, as is anything that is not a private chat's message, edit or button tap. De-duplication by update_id
(the inbox's `seen:tg:<update_id>`). What reaches Rasa, with message id `tg:<update_id>`: citizen text (a leading
`/` removed); `/start` as the command /greet; a shared location as /inform (metadata location); the citizen's own
contact as /inform{"phone"} (metadata contact_phone; someone else's card is ignored); a photo as /inform or its
caption, with the bytes fetched by getFile (metadata photo, at most 5 MB: the file URL holds the token, so it is
never passed on); a tapped button's payload (metadata input=button), after answering the callback and removing
the keyboard. Replies: edge/telegram_delivery.py.
"""
from __future__ import annotations

import base64
import copy
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from aiohttp import web
from redis.exceptions import RedisError
from telegram import Bot, Update
from telegram.constants import ChatType

from edge.formatting import callback_data_fits, parts_from_rasa
from minwon_core.channel_text import neutralise_command
from edge.handoff import DeskPassThrough
from edge.inbox import Entry, Inbox
from edge.outbound import Outbound, Refusal
from edge.queues import ConversationQueues, QueueFull, QueueMetrics
from edge.rasa_client import RasaClient, TurnRequest, vouched
from edge.settings import EdgeSettings
from edge.store import ChannelStore
from edge.telegram_delivery import BotCalls, Progress, TelegramDelivery, close_bot
from edge.throttle import SendThrottle
from edge.worker import InboxWorker

logger = logging.getLogger("minwon.edge.telegram")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
MAX_PHOTO_BYTES = 5 * 1024 * 1024


@dataclass
class Incoming:
    chat_id: str
    text: str = ""  # the citizen's words
    command: str = ""  # or a command the edge vouches for (/greet, /inform...)
    metadata: Dict[str, Any] = field(default_factory=dict)
    callback_id: Optional[str] = None
    callback_token: Optional[str] = None
    callback_message_id: Optional[int] = None
    photo_file_id: Optional[str] = None


def _e164(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+{digits}" if digits else ""


def parse_update(update: Update) -> Optional[Incoming]:
    """What a citizen did, or None for updates we acknowledge and ignore."""
    callback = update.callback_query
    if callback is not None:
        message = callback.message
        if message is None:
            return None
        chat = str(message.chat.id)
        data = callback.data
        if not isinstance(data, str) or not callback_data_fits(data):
            return Incoming(chat_id=chat, callback_id=str(callback.id))  # answered, nothing reaches Rasa
        return Incoming(chat_id=chat, callback_id=str(callback.id), callback_token=data,
                        callback_message_id=message.message_id, metadata={"channel": "telegram"})
    message = update.message or update.edited_message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None  # minwon talks to citizens one to one
    incoming = Incoming(chat_id=str(message.chat.id), metadata={"channel": "telegram"})
    sender = message.from_user
    if sender is not None and sender.language_code:
        incoming.metadata["language_hint"] = "ko" if sender.language_code.startswith("ko") else "en"
    if update.edited_message is not None:
        incoming.metadata["edited"] = True
    if message.text is not None:
        if message.text.strip().split(" ")[0].split("@")[0] == "/start":
            incoming.command = "/greet"  # our own intent, not citizen text
        else:
            incoming.text = neutralise_command(message.text)
        return incoming if incoming.text or incoming.command else None
    contact = message.contact
    if contact is not None and contact.phone_number:
        if sender is None or contact.user_id != sender.id:
            return None  # someone else's card: it proves nothing about this citizen
        phone = _e164(contact.phone_number)
        incoming.metadata["contact_phone"] = phone
        incoming.command = "/inform" + json.dumps({"phone": phone})
        return incoming
    if message.location is not None:
        incoming.metadata["location"] = {"lat": float(message.location.latitude),
                                         "lon": float(message.location.longitude)}
        incoming.command = "/inform"
        return incoming
    if message.photo:
        photos = list(message.photo)
        fitting = [p for p in photos if int(p.file_size or 0) <= MAX_PHOTO_BYTES] or photos[:1]
        best = max(fitting, key=lambda p: int(p.width or 0) * int(p.height or 0))
        incoming.photo_file_id = best.file_id
        incoming.text = neutralise_command(message.caption)
        if not incoming.text:
            incoming.command = "/inform"
        return incoming
    return None


def read_update(data: Dict[str, Any], bot: Bot) -> Optional[Update]:
    """PTB's typed update, or None for a body it cannot read (acknowledged and ignored)."""
    try:
        return Update.de_json(copy.deepcopy(data), bot)  # the raw update is kept in the inbox as it came
    except Exception as error:  # de_json raises whatever a malformed field makes it raise
        logger.info("telegram update not readable (%s); ignored", type(error).__name__)
        return None


def incoming_of(update: Optional[Update]) -> Optional[Incoming]:
    """parse_update, for an update whose fields may have the wrong types: de_json does not check them (a text
    that is a number, a latitude that is a word), so such an update is acknowledged and ignored too."""
    if update is None:
        return None
    try:
        return parse_update(update)
    except (AttributeError, TypeError, ValueError) as error:
        logger.info("telegram update with fields of the wrong type (%s); ignored", type(error).__name__)
        return None


class TelegramChannel:
    def __init__(self, settings: EdgeSettings, store: ChannelStore, rasa: RasaClient, desk: DeskPassThrough,
                 bot: Bot,
                 queue_metrics: Optional[QueueMetrics] = None) -> None:
        self.settings = settings
        self.store = store
        self.bot = bot
        self.calls = BotCalls(bot, SendThrottle(settings.telegram.per_chat_interval, settings.telegram.global_rate))
        self.delivery = TelegramDelivery(self.calls, store)
        self.queues = ConversationQueues(metrics=queue_metrics)
        inbox = Inbox(store.redis, settings.redis_url, settings.redis_prefix, "tg", settings.inbox)
        self.worker = InboxWorker(inbox, self.queues, rasa, desk, self)
        self._secret = settings.telegram.secret_token.encode("utf-8")

    async def close(self) -> None:
        await self.worker.close()  # and the queues it runs turns in
        await close_bot(self.bot)

    # -- the webhook -------------------------------------------------------------------------------------------
    def authentic(self, request: web.Request) -> bool:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._secret)

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def webhook(self, request: web.Request) -> web.Response:
        if not self.authentic(request):
            return web.json_response({"code": "forbidden", "message": "signature or secret does not match"}, status=403)
        try:
            data = json.loads((await request.read()).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return web.json_response({"ok": True})  # not JSON: acknowledge so it is not resent
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.json_response({"ok": True})
        update_id = str(data["update_id"])
        update = read_update(data, self.bot)
        incoming = incoming_of(update)
        try:
            if incoming is not None:
                # Kept in Redis (with its de-duplication key) before the 200: survives this instance.
                await self.worker.accept(update_id, f"tg:{incoming.chat_id}", {"update": data})
                return web.json_response({"ok": True})
            if not await self.store.first_time("tg", update_id):
                return web.json_response({"ok": True})
            if update is not None and update.my_chat_member is not None:
                await self.record_membership(update)
        except QueueFull:  # taken back: Telegram redelivers it later
            return web.json_response({"code": "busy", "message": "too many messages at once; try again"}, status=503)
        except (RedisError, OSError) as error:  # Redis down: let Telegram redeliver later instead of losing it
            logger.error("telegram inbox unavailable: %s", type(error).__name__)
            return web.json_response({"code": "unavailable", "message": "try again later"}, status=503)
        return web.json_response({"ok": True})

    async def record_membership(self, update: Update) -> None:
        """Telegram tells us when a citizen blocks (kicked) or unblocks (member) the bot."""
        membership = update.my_chat_member
        assert membership is not None
        chat, status = str(membership.chat.id), membership.new_chat_member.status
        if status == "kicked":
            await self.store.mark_blocked(chat)
        elif status == "member":
            await self.store.unblock(chat)

    # -- the inbox's turn (edge/worker.py) ---------------------------------------------------------------------
    async def prepare(self, entry: Entry) -> Optional[TurnRequest]:
        data = entry.payload.get("update")
        if not isinstance(data, dict):
            return None
        incoming = incoming_of(read_update(data, self.bot))
        if incoming is None:
            return None
        sender_id, message_id = f"tg:{incoming.chat_id}", f"tg:{data['update_id']}"
        await self.store.unblock(incoming.chat_id)  # writing to us means the bot is not blocked
        callback_id = incoming.callback_id
        if callback_id is not None:
            try:
                await self.calls.call("answerCallbackQuery", lambda: self.bot.answer_callback_query(callback_id))
            except Exception as error:  # best effort: the tap still counts
                logger.info("callback not answered: %s", type(error).__name__)
            payload = await self.store.resolve_button(sender_id, incoming.callback_token or "")
            if payload is None:
                return None  # forged, foreign or expired button: nothing to do
            if incoming.callback_message_id is not None:
                try:  # one tap only: remove the keyboard the citizen used (no reply_markup: none is left)
                    await self.calls.call("editMessageReplyMarkup", lambda: self.bot.edit_message_reply_markup(
                        chat_id=incoming.chat_id, message_id=incoming.callback_message_id))
                except Exception as error:  # best effort, as answering the callback
                    logger.info("keyboard not removed: %s", type(error).__name__)
            # The payload is no citizen's words: the language stays.
            return vouched(sender_id, message_id, payload, {**incoming.metadata, "input": "button"})
        if incoming.photo_file_id:
            data_bytes = await self.calls.download(incoming.photo_file_id, MAX_PHOTO_BYTES)
            if data_bytes:
                incoming.metadata["photo"] = {
                    "bytes_b64": base64.b64encode(data_bytes).decode("ascii"),
                    "content_type": "image/png" if data_bytes[:4] == b"\x89PNG" else "image/jpeg",
                }
        if incoming.command:
            return vouched(sender_id, message_id, incoming.command, incoming.metadata)
        return TurnRequest(sender_id, message_id, text=incoming.text, metadata=incoming.metadata)

    async def deliver(self, entry: Entry, replies: List[Dict[str, Any]], progress: Progress) -> None:
        chat_id = entry.conversation[3:]
        await self.delivery.deliver(chat_id, parts_from_rasa(replies), skip=entry.sent, progress=progress)

    # -- outside a turn ----------------------------------------------------------------------------------------
    async def send_outbound(self, message: Outbound) -> Dict[str, Any]:
        chat_id = message.address
        if not chat_id.lstrip("-").isdigit():
            raise Refusal("unavailable")
        if await self.store.is_blocked(chat_id):
            raise Refusal("blocked")

        async def deliver() -> int:
            return await self.delivery.deliver(chat_id, message.parts)

        try:  # behind the conversation's own replies, so the order holds
            sent = await self.queues.run(f"tg:{chat_id}", deliver, timeout=60)
        except (TimeoutError, QueueFull):
            raise Refusal("unavailable") from None
        if await self.store.is_blocked(chat_id):
            raise Refusal("blocked")
        if not sent:
            raise Refusal("unavailable")
        return {"messages": sent}
