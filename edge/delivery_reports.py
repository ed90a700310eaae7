"""Pass Twilio delivery reports on to the notifier (ported from the removed connectors/delivery_reports.py), which records them
against its own deliveries: `POST {NOTIFIER_URL}/v1/deliveries/status` with `Authorization: Bearer <NOTIFIER_TOKEN>`
and `{"message_id": <MessageSid>, "status", "error_code"?}`.

Best effort by design: the report is already kept in Redis by the SMS channel, and Twilio must get its answer at
once, so a notifier that is down costs a log line, never a retried webhook.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp

logger = logging.getLogger("minwon.edge.sms")
TIMEOUT = aiohttp.ClientTimeout(total=3)


async def forward_status(http: aiohttp.ClientSession, notifier_url: str, token: str, message_sid: str, status: str,
                         error_code: str) -> None:
    if not notifier_url:
        return
    body = {"message_id": message_sid, "status": status}
    if error_code:
        body["error_code"] = error_code
    try:
        async with http.post(f"{notifier_url}/v1/deliveries/status", json=body, timeout=TIMEOUT,
                             headers={"Authorization": f"Bearer {token}"}) as response:
            if response.status >= 300:
                logger.warning("notifier refused a delivery report: HTTP %s", response.status)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("notifier unreachable for a delivery report: %s", type(error).__name__)
