"""Background jobs inside the govapi process: expire payments, deliver move-in reports."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from . import payments
from .deliveries import run_deliveries
from .keys import CLOCK, DB, HTTP, SETTINGS

log = logging.getLogger("govapi.worker")


async def run_forever(app: web.Application) -> None:
    interval = app[SETTINGS].worker_interval
    while True:
        try:
            async with app[DB].session() as session:
                expired = await payments.expire_due(session, app[CLOCK].now())
            counts = await run_deliveries(app[DB], app[CLOCK], app[SETTINGS], app[HTTP])
            if expired or any(counts.values()):
                log.info("jobs ran", extra={"expired_payments": expired, **counts})
        except asyncio.CancelledError:
            raise
        except Exception:  # keep the worker alive; the next round retries
            log.exception("background jobs failed")
        await asyncio.sleep(interval)
