"""Twilio through its own library: `RequestValidator` for X-Twilio-Signature and the REST client on
`AsyncTwilioHttpClient` (aiohttp) for sending. `TWILIO_API_BASE` replaces the API's base URL (the stand-in in tests
and demos), as the old connector's setting did. Errors are mapped as before (the removed connectors/twilio_api.py): 21610
(the recipient replied STOP) is RecipientBlocked, 429 / 5xx / connection errors are retried with a back-off,
anything else is a DeliveryError. twilio logs each request's form (phone number, body) at INFO: edge.app keeps
its logger at WARNING.

The retry loop is ours, not the client's `max_retries`: that wraps the session in aiohttp_retry's ExponentialRetry
with no status list, which (read in aiohttp-retry 2.9.1's code) retries 5xx and connection errors but not 429,
Twilio's answer when an account sends too fast; and 21610 must stop the sending and mark the number opted out.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Sequence, Tuple

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from edge.errors import DeliveryError, RecipientBlocked

logger = logging.getLogger("minwon.edge.sms")

UNSUBSCRIBED_RECIPIENT = 21610
MAX_ATTEMPTS = 4
TIMEOUT_S = 30.0


def signature_valid(auth_token: str, url: str, form: Sequence[Tuple[str, str]], signature: str) -> bool:
    """X-Twilio-Signature over the public URL and every form field, blank ones included."""
    params: Dict[str, Any] = {}
    for name, value in form:
        params.setdefault(name, []).append(value)
    flat = {k: v[0] if len(v) == 1 else v for k, v in params.items()}
    return bool(signature) and RequestValidator(auth_token).validate(url, flat, signature)


class TwilioMessages:
    """Twilio's REST client on its async HTTP client (made inside the running loop: it opens an aiohttp session)."""

    def __init__(self, api_base: str, account_sid: str, auth_token: str) -> None:
        self.http = AsyncTwilioHttpClient(timeout=TIMEOUT_S)  # no max_retries: the loop below retries what may be
        self.client = Client(account_sid, auth_token, http_client=self.http)
        self.client.api.base_url = api_base  # https://api.twilio.com, or the stand-in's /twilio

    async def close(self) -> None:
        await self.http.close()

    async def send(self, to: str, from_: str, body: str, status_callback: Optional[str]) -> str:
        """The new message's sid; raises RecipientBlocked or DeliveryError."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                message = await self.client.messages.create_async(
                    to=to, from_=from_, body=body, status_callback=status_callback or None)
                return str(message.sid)
            except TwilioRestException as error:
                if error.code == UNSUBSCRIBED_RECIPIENT:
                    raise RecipientBlocked("twilio: recipient unsubscribed") from None
                if error.status != 429 and error.status < 500:
                    raise DeliveryError(f"twilio refused the message ({error.status}, code {error.code})") from None
                logger.warning("twilio answered %s, attempt %d", error.status, attempt)
            except (aiohttp.ClientError, asyncio.TimeoutError, TwilioException, ValueError) as error:
                logger.warning("twilio send failed (%s), attempt %d", type(error).__name__, attempt)
            await asyncio.sleep(min(2**attempt, 10))
        raise DeliveryError(f"twilio send failed after {MAX_ATTEMPTS} attempts")
