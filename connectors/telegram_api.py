"""A small Telegram Bot API client on aiohttp.

Why not python-telegram-bot: we call six methods; aiohttp is already in Rasa's environment and
on its event loop; and here we control every log line (the token is part of each Bot API URL,
and PTB's httpx logs full request URLs at INFO). Retries follow 429 `retry_after`; 403 means the
citizen blocked the bot.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp

from connectors.errors import DeliveryError, RecipientBlocked
from connectors.throttle import SendThrottle

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 60.0


class BotApi:
    def __init__(self, api_base: str, token: str, throttle: Optional[SendThrottle] = None) -> None:
        self._method_base = f"{api_base}/bot{token}/"
        self._file_base = f"{api_base}/file/bot{token}/"
        self.throttle = throttle
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(self, method: str, payload: Dict[str, Any], chat: Optional[str] = None) -> Any:
        """Call a Bot API method; paced per chat when `chat` is given; raises DeliveryError."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if chat is not None and self.throttle is not None:
                await self.throttle.wait(chat)
            try:
                async with self.session.post(self._method_base + method, json=payload) as response:
                    body = await response.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                # Never log the exception text: it carries the URL, and so the token.
                logger.warning("telegram %s failed (%s), attempt %d", method, type(error).__name__, attempt)
                await asyncio.sleep(min(2**attempt, 10))
                continue
            if body.get("ok"):
                return body.get("result")
            code = body.get("error_code") or response.status
            if code == 429:
                wait = float((body.get("parameters") or {}).get("retry_after", 1))
                logger.info("telegram asked to retry %s after %.0fs", method, wait)
                if self.throttle is not None and chat is not None:
                    self.throttle.push_back(chat, min(wait, MAX_RETRY_AFTER))
                else:
                    await asyncio.sleep(min(wait, MAX_RETRY_AFTER))
                continue
            if code == 403:
                raise RecipientBlocked(f"telegram {method}: forbidden")
            if 500 <= int(code) < 600:
                await asyncio.sleep(min(2**attempt, 10))
                continue
            raise DeliveryError(f"telegram {method} refused with {code}")
        raise DeliveryError(f"telegram {method} failed after {MAX_ATTEMPTS} attempts")

    async def download(self, file_id: str, max_bytes: int) -> Optional[bytes]:
        """getFile + download; None when the file is missing or too big."""
        info = await self.call("getFile", {"file_id": file_id})
        path = (info or {}).get("file_path")
        if not path or int((info or {}).get("file_size") or 0) > max_bytes:
            return None
        try:
            async with self.session.get(self._file_base + path) as response:
                if response.status != 200:
                    return None
                data = await response.content.read(max_bytes + 1)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("telegram file download failed (%s)", type(error).__name__)
            return None
        return data if len(data) <= max_bytes else None
