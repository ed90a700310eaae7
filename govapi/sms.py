"""Sending SMS from govapi (one-time codes).

`outbox`: kept in the database and readable through the admin route (development, tests).
`twilio`: the Twilio REST API (or its loopback stand-in via TWILIO_API_BASE), sent in the
background so the answer to the citizen takes the same time whether or not a text went out.
Message bodies are never logged.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

from .clock import Clock
from .settings import Settings
from .tables import SmsMessage

log = logging.getLogger("govapi.sms")


class SmsSender(Protocol):
    async def send(self, session: AsyncSession, to: str, body: str) -> None: ...

    async def close(self) -> None: ...


class OutboxSender:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def send(self, session: AsyncSession, to: str, body: str) -> None:
        session.add(SmsMessage(to_phone=to, body=body, backend="outbox", status="stored",
                               created_at=self.clock.now()))

    async def close(self) -> None:
        return None


class TwilioSender:
    def __init__(self, settings: Settings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        s = self.settings
        return f"{s.twilio_api_base}/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json"

    async def send(self, session: AsyncSession, to: str, body: str) -> None:
        task = asyncio.create_task(self._post(to, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, to: str, body: str) -> None:
        s = self.settings
        form = {"To": to, "From": s.twilio_from_number, "Body": body}
        headers = {"Authorization": aiohttp.encode_basic_auth(s.twilio_account_sid, s.twilio_auth_token)}
        try:
            async with self.http.post(self.url, data=form, headers=headers,
                                      timeout=aiohttp.ClientTimeout(total=15)) as resp:
                if resp.status >= 300:
                    log.warning("sms send refused", extra={"status": resp.status})
                else:
                    log.info("sms sent", extra={"status": resp.status})
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("sms send failed", extra={"error": type(exc).__name__})

    async def close(self) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
