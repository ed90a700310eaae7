"""Background jobs inside the govapi process: expire payments, deliver move-in reports."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from . import payments
from .deliveries import run_deliveries
from .keys import CLOCK, DB, HTTP, SETTINGS

log = logging.getLogger("govapi.worker")


async def run_jobs_once(app: web.Application) -> dict[str, int]:
    clock = app[CLOCK]
    async with app[DB].session() as session:
        expired = await payments.expire_due(session, clock.now())
    async with app[DB].session() as session:
        late_fees = await payments.announce_late_fees(session, clock.today(), clock.now())
    deliveries = await run_deliveries(app[DB], clock, app[SETTINGS], app[HTTP])
    return {"expired_payments": expired, "late_fees_announced": late_fees, **deliveries}


async def run_forever(app: web.Application) -> None:
    interval = app[SETTINGS].worker_interval
    while True:
        try:
            result = await run_jobs_once(app)
            if any(result.values()):
                log.info("jobs ran", extra=result)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep the worker alive; the next round retries
            log.exception("background jobs failed")
        await asyncio.sleep(interval)
