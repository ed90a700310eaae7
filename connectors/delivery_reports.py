"""Pass Twilio delivery reports on to the notifier, which records them against its own deliveries.

Best effort by design: the report is already kept in Redis by the SMS channel, and Twilio must get its
answer at once, so a notifier that is down costs a log line, never a retried webhook.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=3)


async def forward_status(notifier_url: str, token: str, message_sid: str, status: str, error_code: str) -> None:
    if not notifier_url:
        return
    body = {"message_id": message_sid, "status": status}
    if error_code:
        body["error_code"] = error_code
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.post(f"{notifier_url}/v1/deliveries/status", json=body,
                                    headers={"Authorization": f"Bearer {token}"}) as resp:
                if resp.status >= 300:
                    logger.warning("notifier refused a delivery report: HTTP %s", resp.status)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("notifier unreachable for a delivery report: %s", type(error).__name__)
