"""The desk's figures on the console's /metrics: how long citizens wait for a person, and how many wait now.

- `minwon_desk_queue_wait_seconds{queue}` (histogram): from a handoff entering its queue to an agent claiming
  it, observed by the instance that served the claim (a handoff sent back to a queue keeps its first
  enqueue time, as it keeps its place in line).
- `minwon_desk_waiting{queue}` (gauge): handoffs queued now, read from Redis at each scrape, so every console
  instance reports the same shared figure (aggregate with max, not sum).
Queues are `<language>:<skill>` (8 at most): never a conversation id, phone or handoff id.
"""
from __future__ import annotations

from aiohttp import web

from bot.console.appkeys import DESK, QUEUES
from bot.desk.queues import LANGUAGES, SKILLS, queue_name
from bot.metrics import gauge, histogram, on_scrape

# From "a moment" to past DESK_MAX_WAIT_SECONDS (900 s), when a handoff becomes a callback.
WAIT_BUCKETS = (5, 15, 30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800)


class DeskMetrics:
    def __init__(self, app: web.Application) -> None:
        self.queue_wait = histogram(app, "minwon_desk_queue_wait_seconds",
                                    "Time from a handoff entering its queue to an agent claiming it.", ("queue",),
                                    buckets=WAIT_BUCKETS)
        self.waiting = gauge(app, "minwon_desk_waiting", "Handoffs waiting in each queue now.", ("queue",))
        for language in LANGUAGES:  # every queue shows, at 0, before its first handoff
            for skill in SKILLS:
                self.waiting.labels(queue_name(language, skill)).set(0)

    def claimed(self, record: dict[str, str]) -> None:
        """A claim succeeded: `record` is the handoff as the claim left it (enqueued_at, claimed_at, queue)."""
        try:
            waited = float(record["claimed_at"]) - float(record["enqueued_at"])
        except (KeyError, ValueError):
            return
        self.queue_wait.labels(record.get("queue") or "unknown").observe(max(waited, 0.0))

    async def refresh(self, app: web.Application) -> None:
        if QUEUES not in app:  # not started yet
            return
        for queue, length in (await app[QUEUES].queue_lengths()).items():
            self.waiting.labels(queue).set(length)


def attach(app: web.Application) -> DeskMetrics:
    """Register the desk's metrics on the console app (after attach_metrics) and hand them to its desk."""
    desk_metrics = DeskMetrics(app)
    on_scrape(app, desk_metrics.refresh)

    async def give_to_desk(app: web.Application) -> None:
        # on_startup handlers run after the cleanup contexts' start, so the desk exists by now
        app[DESK].metrics = desk_metrics

    app.on_startup.append(give_to_desk)
    return desk_metrics
