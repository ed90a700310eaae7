"""What the edge keeps in Redis (ported from the removed connectors/store.py, the same keys): seen webhook ids, issued buttons, SMS opt-outs and
delivery statuses, blocked Telegram chats, short links, web chat outboxes.

Key layout (documented in docs/CONTRACTS.md, "Channels"); every key starts with the prefix.
"""
from __future__ import annotations

import json
import secrets
import time
from typing import Dict, List, Optional, cast

import redis.asyncio as aioredis

SEEN_TTL = 48 * 3600  # Telegram retries for about a day, Twilio for minutes
BUTTON_TTL = 7 * 24 * 3600
SHORT_LINK_TTL = 30 * 24 * 3600
SHORT_LINK_BYTES = 16  # a 22-character code
SHORT_LINK_MAX_CHARS = 32
RATE_WINDOW_S = 60
WEB_SESSION_TTL = 30 * 24 * 3600
STATUS_TTL = 7 * 24 * 3600
OUTBOX_TTL = 24 * 3600
TRANSCRIPT_LINES = 150  # a web chat session's last lines the page shows again after a reload
TRANSCRIPT_TTL = 24 * 3600  # from the session's last line


def _text(reply: bytes | str | None) -> Optional[str]:
    """A string reply as str: the client is made with decode_responses=True, but redis-py's annotations cannot
    tell a decoding client from a bytes one and say bytes | str."""
    return cast(Optional[str], reply)


def _text_hash(reply: Dict[bytes | str, bytes | str]) -> Dict[str, str]:
    """A hash reply (HGETALL) as str to str, for the same reason as `_text`."""
    return cast(Dict[str, str], reply)


class ChannelStore:
    def __init__(self, client: "aioredis.Redis", prefix: str) -> None:
        self.redis = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str) -> "ChannelStore":
        return cls(aioredis.from_url(url, decode_responses=True), prefix)

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def close(self) -> None:
        await self.redis.aclose()

    # --- de-duplication ---------------------------------------------------------------------------
    async def first_time(self, kind: str, ident: str) -> bool:
        """True only for the first delivery of this webhook id (atomic SET NX with expiry).

        For messages that reach Rasa the inbox sets the same key together with the kept message
        (edge/inbox.py, `Inbox.accept`); this is for what the connector answers itself."""
        return bool(await self.redis.set(self.key("seen", kind, ident), "1", nx=True, ex=SEEN_TTL))

    # --- buttons: payloads stay on the server, channels carry short tokens ------------------------
    async def issue_button(self, sender_id: str, payload: str) -> str:
        token = secrets.token_urlsafe(9)  # 12 characters, fits Telegram's 64-byte callback_data
        await self.redis.set(self.key("btn", sender_id, token), payload, ex=BUTTON_TTL)
        return token

    async def resolve_button(self, sender_id: str, token: str) -> Optional[str]:
        if not token or len(token) > 32:
            return None
        return _text(await self.redis.get(self.key("btn", sender_id, token)))

    async def set_choices(self, sender_id: str, payloads: List[str]) -> None:
        """The numbered choices of the latest SMS reply ("1" picks the first)."""
        key = self.key("choices", sender_id)
        if payloads:
            await self.redis.set(key, json.dumps(payloads, ensure_ascii=False), ex=BUTTON_TTL)
        else:
            await self.redis.delete(key)

    async def choice(self, sender_id: str, number: int) -> Optional[str]:
        raw = await self.redis.get(self.key("choices", sender_id))
        if not raw:
            return None
        payloads = json.loads(raw)
        return payloads[number - 1] if 1 <= number <= len(payloads) else None

    # --- SMS opt-out (hash phone -> unix time; read by the staff console too) ---------------------
    async def opt_out(self, phone: str) -> bool:
        """Record the opt-out; True if the number was not opted out before."""
        return bool(await self.redis.hsetnx(self.key("sms", "optout"), phone, str(int(time.time()))))

    async def opt_in(self, phone: str) -> bool:
        return bool(await self.redis.hdel(self.key("sms", "optout"), phone))

    async def is_opted_out(self, phone: str) -> bool:
        return bool(await self.redis.hexists(self.key("sms", "optout"), phone))

    async def opted_out(self) -> Dict[str, int]:
        raw = _text_hash(await self.redis.hgetall(self.key("sms", "optout")))
        return {phone: int(at) for phone, at in raw.items()}

    # --- SMS delivery statuses from Twilio's status callbacks ------------------------------------
    async def record_status(self, message_sid: str, status: str, error_code: str = "") -> None:
        pipe = self.redis.pipeline()
        pipe.set(self.key("sms", "status", message_sid), f"{status}:{error_code}".rstrip(":"), ex=STATUS_TTL)
        pipe.hincrby(self.key("sms", "status_counts"), status, 1)
        await pipe.execute()

    async def status(self, message_sid: str) -> Optional[str]:
        return _text(await self.redis.get(self.key("sms", "status", message_sid)))

    async def status_counts(self) -> Dict[str, int]:
        counts = _text_hash(await self.redis.hgetall(self.key("sms", "status_counts")))
        return {k: int(v) for k, v in counts.items()}

    # --- Telegram chats that blocked the bot (hash chat id -> unix time) ------------------------
    async def mark_blocked(self, chat_id: str) -> None:
        await self.redis.hset(self.key("tg", "blocked"), chat_id, str(int(time.time())))

    async def unblock(self, chat_id: str) -> None:
        await self.redis.hdel(self.key("tg", "blocked"), chat_id)

    async def is_blocked(self, chat_id: str) -> bool:
        return bool(await self.redis.hexists(self.key("tg", "blocked"), chat_id))

    # --- short links ------------------------------------------------------------------------------
    async def shorten(self, url: str) -> str:
        existing = _text(await self.redis.get(self.key("link", "by_url", url)))
        if existing:
            return existing
        code = secrets.token_urlsafe(SHORT_LINK_BYTES)  # 128 bits: unguessable, whatever the rate
        pipe = self.redis.pipeline()
        pipe.set(self.key("link", code), url, ex=SHORT_LINK_TTL)
        pipe.set(self.key("link", "by_url", url), code, ex=SHORT_LINK_TTL)
        await pipe.execute()
        return code

    async def expand(self, code: str) -> Optional[str]:
        if not code or len(code) > SHORT_LINK_MAX_CHARS:
            return None
        return _text(await self.redis.get(self.key("link", code)))

    async def over_rate(self, kind: str, client: str, limit: int) -> int:
        """Counts one request of `client` in this minute's window; the seconds to wait when over `limit`, else 0."""
        window = int(time.time()) // RATE_WINDOW_S
        key = self.key("rate", kind, str(window), client)
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, RATE_WINDOW_S * 2)
        count, _ = await pipe.execute()
        if int(count) <= limit:
            return 0
        return RATE_WINDOW_S - int(time.time()) % RATE_WINDOW_S

    # --- web chat sessions: the browser that started one (a hash of its cookie), 30 days from the last use ----------
    async def claim_session(self, sender_id: str, owner: str) -> bool:
        """True when `owner` started this session (or starts it now); False when another browser did."""
        key = self.key("web", "owner", sender_id)
        if await self.redis.set(key, owner, nx=True, ex=WEB_SESSION_TTL):
            return True
        if _text(await self.redis.get(key)) != owner:
            return False
        await self.redis.expire(key, WEB_SESSION_TTL)
        return True

    # --- web chat outbox: replies that arrive outside a request (reminders, staff) ------------------
    async def push_outbox(self, sender_id: str, message: dict) -> None:
        key = self.key("web", "outbox", sender_id)
        pipe = self.redis.pipeline()
        pipe.rpush(key, json.dumps(message, ensure_ascii=False))
        pipe.expire(key, OUTBOX_TTL)
        await pipe.execute()

    async def drain_outbox(self, sender_id: str) -> List[dict]:
        key = self.key("web", "outbox", sender_id)
        pipe = self.redis.pipeline()
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        items, _ = await pipe.execute()
        return [json.loads(item) for item in items]

    # --- web chat transcript: the session's last lines, for the page to show again after a reload ---------------
    async def add_lines(self, sender_id: str, lines: List[dict]) -> List[dict]:
        """Numbers the lines (1, 2, ... per session) and keeps the last TRANSCRIPT_LINES of them for TRANSCRIPT_TTL
        after the newest; returns them with their numbers (`n`), which let the page skip a line it shows already."""
        if not lines:
            return []
        seq_key, key = self.key("web", "seq", sender_id), self.key("web", "lines", sender_id)
        last = int(await self.redis.incrby(seq_key, len(lines)))
        numbered = [{**line, "n": last - len(lines) + i + 1} for i, line in enumerate(lines)]
        pipe = self.redis.pipeline()
        pipe.rpush(key, *(json.dumps(line, ensure_ascii=False) for line in numbered))
        pipe.ltrim(key, -TRANSCRIPT_LINES, -1)
        pipe.expire(key, TRANSCRIPT_TTL)
        pipe.expire(seq_key, TRANSCRIPT_TTL)
        await pipe.execute()
        return numbered

    async def lines(self, sender_id: str, last: int = TRANSCRIPT_LINES) -> List[dict]:
        items = await self.redis.lrange(self.key("web", "lines", sender_id), -last, -1)
        return [json.loads(item) for item in items]
