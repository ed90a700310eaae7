"""The notifier's figures on its /metrics: how late notifications reach citizens, and how many wait.

- `minwon_notifier_event_lag_seconds{channel, source}` (histogram): from the govapi event (or the reminder's
  due instant) to the channel accepting the message; quiet-hours deferrals and retries count, as the
  citizen feels them. `source` is `event` or `reminder`.
- `minwon_notifier_deliveries_waiting{status}` (gauge): deliveries `pending` or `deferred` now, read from the
  database at each scrape.
Labels are channel names and fixed words, never a conversation, citizen or case.
"""
from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import func, select

from bot.metrics import gauge, histogram, on_scrape
from .keys import SESSIONS
from .tables import Delivery

# Seconds after the event up to a night of quiet hours (21:00-08:00) and a day of retries.
LAG_BUCKETS = (1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600)
WAITING_STATUSES = ("pending", "deferred")


class NotifierMetrics:
    def __init__(self, app: web.Application) -> None:
        self.event_lag = histogram(app, "minwon_notifier_event_lag_seconds",
                                   "Time from a govapi event (or a reminder's due time) to its message being sent.",
                                   ("channel", "source"), buckets=LAG_BUCKETS)
        self.waiting = gauge(app, "minwon_notifier_deliveries_waiting", "Deliveries waiting to be sent.",
                             ("status",))

    def sent(self, channel: str, event_id: str, event_created_at: dt.datetime, now: dt.datetime) -> None:
        source = "reminder" if event_id.startswith("reminder:") else "event"
        lag = (now - event_created_at).total_seconds()
        self.event_lag.labels(channel, source).observe(max(lag, 0.0))

    async def refresh(self, app: web.Application) -> None:
        if SESSIONS not in app:  # not started yet
            return
        async with app[SESSIONS]() as session:
            counts = dict((await session.execute(
                select(Delivery.status, func.count()).where(Delivery.status.in_(WAITING_STATUSES))
                .group_by(Delivery.status))).tuples().all())
        for status in WAITING_STATUSES:
            self.waiting.labels(status).set(counts.get(status, 0))


def attach(app: web.Application) -> NotifierMetrics:
    notifier_metrics = NotifierMetrics(app)
    on_scrape(app, notifier_metrics.refresh)
    return notifier_metrics
