"""Twilio REST (messages) on aiohttp, and webhook signature checks.

twilio's own client is synchronous (it would block Rasa's event loop); its RequestValidator
is reused for the signature arithmetic.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import aiohttp
from twilio.request_validator import RequestValidator

from connectors.errors import DeliveryError, RecipientBlocked

logger = logging.getLogger(__name__)

UNSUBSCRIBED_RECIPIENT = 21610
MAX_ATTEMPTS = 4


def signature_valid(auth_token: str, url: str, form: Sequence[Tuple[str, str]], signature: str) -> bool:
    """X-Twilio-Signature over the public URL and every form field, blank ones included."""
    params: Dict[str, Any] = {}
    for name, value in form:
        params.setdefault(name, []).append(value)
    flat = {k: v[0] if len(v) == 1 else v for k, v in params.items()}
    return bool(signature) and RequestValidator(auth_token).validate(url, flat, signature)


class TwilioMessages:
    def __init__(self, api_base: str, account_sid: str, auth_token: str) -> None:
        self._url = f"{api_base}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = aiohttp.BasicAuth(account_sid, auth_token)
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30), auth=self._auth)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, to: str, from_: str, body: str, status_callback: Optional[str]) -> Mapping[str, Any]:
        form = {"To": to, "From": from_, "Body": body}
        if status_callback:
            form["StatusCallback"] = status_callback
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self.session.post(self._url, data=form) as response:
                    result = await response.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                logger.warning("twilio send failed (%s), attempt %d", type(error).__name__, attempt)
                await asyncio.sleep(min(2**attempt, 10))
                continue
            if response.status in (200, 201):
                return result
            code = (result or {}).get("code")
            if code == UNSUBSCRIBED_RECIPIENT:
                raise RecipientBlocked("twilio: recipient unsubscribed")
            if response.status == 429 or response.status >= 500:
                await asyncio.sleep(float(response.headers.get("Retry-After", 2**attempt)))
                continue
            raise DeliveryError(f"twilio refused the message ({response.status}, code {code})")
        raise DeliveryError(f"twilio send failed after {MAX_ATTEMPTS} attempts")
