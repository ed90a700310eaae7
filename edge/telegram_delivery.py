"""Sending to Telegram through python-telegram-bot's `Bot` (its `base_url` points at the stand-in in tests):
inline keyboards, replies split under 4096 UTF-16 units, pacing, and the Bot API's errors mapped as the old
connector did (the removed connectors/telegram_api.py): `RetryAfter` waits (per chat when the chat is known), `Forbidden`
means the citizen blocked the bot (the chat is marked blocked and sending stops), `BadRequest` is not retried,
network errors and 5xx are retried with a back-off.

Pacing stays our own SendThrottle (edge/throttle.py: TELEGRAM_PER_CHAT_INTERVAL, TELEGRAM_GLOBAL_RATE), not PTB's
AIORateLimiter: that one needs the extra `rate-limiter` dependency (aiolimiter) and an ExtBot, and (read in PTB
22.5's telegram/ext/_aioratelimiter.py) it limits the overall rate and group chats only, so a private chat, which
every minwon conversation is, would not be paced at all; tests/edge/test_edge_telegram.py measures the per-chat
interval ours keeps (>= 0.25 s between four sends paced at 0.3 s).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from typing import Any, Awaitable, Callable, List, Optional, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from edge.errors import DeliveryError, RecipientBlocked
from edge.formatting import ReplyPart, split_for_telegram
from edge.store import ChannelStore
from edge.telegram_request import AiohttpRequest
from edge.throttle import SendThrottle

logger = logging.getLogger("minwon.edge.telegram")
# PTB 22 warns on every RetryAfter that its int form becomes a timedelta; opt in now (read when an error is made;
# _seconds reads both forms).
os.environ.setdefault("PTB_TIMEDELTA", "true")

T = TypeVar("T")
Progress = Callable[[int], Awaitable[Any]]
MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 60.0
REQUEST_CONTACT = "__request_contact__"
REQUEST_LOCATION = "__request_location__"
EMPTY_TEXT_WITH_BUTTONS = "⬇️"
SHORT_KEY_CHARS = 6
SHORT_KEYS_PER_ROW = 4
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def _seconds(error: RetryAfter) -> float:
    value = error.retry_after  # a timedelta (PTB_TIMEDELTA, set above), or seconds as an int
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class BotCalls:
    """Every Bot API call of the edge goes through `call`: pacing, retries and the error mapping."""

    def __init__(self, bot: Bot, throttle: Optional[SendThrottle] = None) -> None:
        self.bot = bot
        self.throttle = throttle

    async def call(self, method: str, send: Callable[[], Awaitable[T]], chat: Optional[str] = None) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if chat is not None and self.throttle is not None:
                await self.throttle.wait(chat)
            try:
                return await send()
            except RetryAfter as error:
                wait = min(_seconds(error), MAX_RETRY_AFTER)
                logger.info("telegram asked to retry %s after %.0fs", method, wait)
                if self.throttle is not None and chat is not None:
                    self.throttle.push_back(chat, wait)
                else:
                    await asyncio.sleep(wait)
            except Forbidden:
                raise RecipientBlocked(f"telegram {method}: forbidden") from None
            except (BadRequest, InvalidToken) as error:  # BadRequest is a NetworkError too: caught first
                raise DeliveryError(f"telegram {method} refused ({type(error).__name__})") from None
            except NetworkError as error:  # timeouts, connection errors, 5xx; the type only (texts hold URLs)
                logger.warning("telegram %s failed (%s), attempt %d", method, type(error).__name__, attempt)
                await asyncio.sleep(min(2**attempt, 10))
            except TelegramError as error:
                raise DeliveryError(f"telegram {method} failed ({type(error).__name__})") from None
        raise DeliveryError(f"telegram {method} failed after {MAX_ATTEMPTS} attempts")

    async def download(self, file_id: str, max_bytes: int) -> Optional[bytes]:
        """getFile + download; None when the file is missing, too big or cannot be fetched."""
        try:
            info = await self.call("getFile", lambda: self.bot.get_file(file_id))
            if not info.file_path or int(info.file_size or 0) > max_bytes:
                return None
            data = await info.download_as_bytearray()
        except (DeliveryError, TelegramError) as error:
            logger.warning("telegram file download failed (%s)", type(error).__name__)
            return None
        return bytes(data) if len(data) <= max_bytes else None


class TelegramDelivery:
    """Sends formatted replies to one chat, honouring blocks and pacing."""

    def __init__(self, calls: BotCalls, store: ChannelStore) -> None:
        self.calls = calls
        self.store = store

    async def keyboard(self, sender_id: str, part: ReplyPart) -> Optional[Markup]:
        special = [b for b in part.buttons if b.payload in (REQUEST_CONTACT, REQUEST_LOCATION)]
        if special:
            asks = [[KeyboardButton(b.title, request_contact=True) if b.payload == REQUEST_CONTACT
                     else KeyboardButton(b.title, request_location=True)] for b in special]
            return ReplyKeyboardMarkup(asks, one_time_keyboard=True, resize_keyboard=True)
        keys: List[InlineKeyboardButton] = []
        for button in part.buttons:
            if button.url:
                keys.append(InlineKeyboardButton(button.title, url=button.url))
            else:
                token = await self.store.issue_button(sender_id, button.payload or button.title)
                keys.append(InlineKeyboardButton(button.title, callback_data=token))
        # Short choices ("1", "2", "전부") sit side by side; longer ones get a row each.
        per_row = SHORT_KEYS_PER_ROW if all(len(k.text) <= SHORT_KEY_CHARS for k in keys) else 1
        rows = [keys[i:i + per_row] for i in range(0, len(keys), per_row)]
        return InlineKeyboardMarkup(rows) if rows else None

    async def deliver(self, chat_id: str, parts: List[ReplyPart], skip: int = 0,
                      progress: Optional[Progress] = None) -> int:
        """Send a turn's replies; returns the number of Bot API messages sent. The first `skip` messages went out
        before (an instance that died after sending them); `progress(n)` records each one that leaves."""
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
                sends: List[tuple[str, Callable[[], Awaitable[Any]]]] = []
                for i, chunk in enumerate(chunks):
                    keyboard = markup if i == len(chunks) - 1 else None
                    sends.append(("sendMessage", self._message(chat_id, chunk, keyboard)))
                if part.image:
                    sends.append(("sendPhoto", self._photo(chat_id, part.image)))
                for method, send in sends:
                    position += 1
                    if position <= skip:
                        continue
                    await self.calls.call(method, send, chat=chat_id)
                    sent += 1
                    if progress is not None:
                        await progress(position)
        except RecipientBlocked:
            logger.info("telegram chat blocked the bot; sending stopped")
            await self.store.mark_blocked(chat_id)
        except DeliveryError as error:
            logger.warning("telegram reply not delivered: %s", error)
        return sent

    def _photo(self, chat_id: str, image: str) -> Callable[[], Awaitable[Any]]:
        return lambda: self.calls.bot.send_photo(chat_id, photo=image)

    def _message(self, chat_id: str, text: str, markup: Optional[Markup]) -> Callable[[], Awaitable[Any]]:
        return lambda: self.calls.bot.send_message(chat_id, text, reply_markup=markup)


def bot_of(api_base: str, token: str) -> Bot:
    """PTB's Bot against TELEGRAM_API_BASE (https://api.telegram.org, or the stand-in's /telegram), on the aiohttp
    transport (edge/telegram_request.py says why). Not `initialize()`d (that calls getMe, which would tie the edge's
    start to Telegram's reachability), so close it with close_bot, not Bot.shutdown (which does nothing for a bot
    never initialised)."""
    request = AiohttpRequest(connection_pool_size=64, read_timeout=30, connect_timeout=5, pool_timeout=5)
    # One HTTP client for both of PTB's slots: the edge takes webhooks and never calls getUpdates.
    return Bot(token, base_url=f"{api_base}/bot", base_file_url=f"{api_base}/file/bot", request=request,
               get_updates_request=request)


async def close_bot(bot: Bot) -> None:
    await bot.request.shutdown()
