"""Sends due deliveries: quiet hours defer, refusals stop, failures retry with backoff, order kept per conversation."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import minwon_logs

from . import subscription_store
from .clients import ChannelSender
from .clock import Clock
from .errors import RecipientGone, UpstreamError
from .quiet_hours import follow_sends_now, quiet_hours_for, quiet_until
from .settings import NotifierSettings
from .tables import Delivery, Subscription

log = logging.getLogger("minwon.notifier")
TRACKER_MAX_ATTEMPTS = 6
RECORD_EVERY_S = 0.1


def _take(items: list) -> list:
    """Empty the shared list and return what it held (single-threaded asyncio: no lock needed)."""
    taken = items[:]
    items.clear()
    return taken


@dataclass
class Outcome:
    delivery_id: int
    status: str  # sent | retry | opted_out | blocked | failed | skipped (never tried: shutting down)
    message_id: str | None = None
    error: str | None = None
    tracker_ok: bool = False


def backoff(attempts: int, settings: NotifierSettings) -> dt.timedelta:
    base = min(settings.retry_cap_s, settings.retry_base_s * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=base * random.uniform(0.8, 1.2))


class Dispatcher:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], sender: ChannelSender,
                 settings: NotifierSettings, clock: Clock, batch: int = 500, metrics: Any = None) -> None:
        self._sessions = sessions
        self._metrics = metrics  # bot.notifier.metrics.NotifierMetrics (event lag), None in bare tests
        self._sender = sender
        self._settings = settings
        self._clock = clock
        self._batch = batch
        self._limit = asyncio.Semaphore(settings.send_concurrency)
        self.stopping = asyncio.Event()  # set on shutdown: finish the sends in flight, start no new ones

    async def run_once(self) -> int:
        """One pass over what is due; returns how many deliveries it acted on."""
        now = self._clock.now()
        async with self._sessions() as session:
            rows = (await session.execute(
                select(Delivery, Subscription).join(Subscription, Delivery.subscription_id == Subscription.id)
                .where(Delivery.status.in_(("pending", "deferred")), Delivery.next_attempt_at <= now)
                .order_by(Delivery.id).limit(self._batch))).all()
            tracker_rows = list((await session.execute(
                select(Delivery).where(Delivery.status == "sent", Delivery.tracker_status == "pending",
                                       Delivery.next_attempt_at <= now)
                .order_by(Delivery.id).limit(self._batch))).scalars())
        if not rows and not tracker_rows:
            return 0
        held: dict[int, dict] = {}
        groups: OrderedDict[str, list[Delivery]] = OrderedDict()
        for delivery, sub in rows:
            if sub.state == "cancelled":
                held[delivery.id] = {"status": "cancelled"}
            elif sub.state in ("opted_out", "blocked"):
                held[delivery.id] = {"status": sub.state}
            else:
                loud = sub.automatic and follow_sends_now(delivery.topic, delivery.event_created_at, sub.created_at,
                                                         self._settings)
                window = None if loud else quiet_hours_for(sub.quiet_hours, delivery.channel, self._settings)
                until = quiet_until(now, window, self._settings.timezone)
                if until is not None:  # deferred, never dropped
                    held[delivery.id] = {"status": "deferred", "next_attempt_at": until}
                else:
                    groups.setdefault(delivery.conversation_id, []).append(delivery)
        by_id = {d.id: d for ds in groups.values() for d in ds}
        # Outcomes are written while the pass goes on (every RECORD_EVERY_S), so a crash can repeat only the
        # last fraction of a second of messages (each with the same idempotency key), not a whole pass.
        finished: list[Outcome] = []
        sending_done = asyncio.Event()
        await self._record(held, [], by_id, [])
        recorder = asyncio.create_task(self._record_while_sending(finished, by_id, sending_done))
        try:
            await asyncio.gather(*(self._send_group(g, finished) for g in groups.values()))
            tracker_results = await asyncio.gather(*(self._retry_tracker(d) for d in tracker_rows))
        finally:
            sending_done.set()  # never cancelled mid-write: the recorder flushes what is left and ends
            await recorder
        await self._record({}, [], by_id, list(zip(tracker_rows, tracker_results)))
        return len(rows) + len(tracker_rows)

    async def _record_while_sending(self, finished: list[Outcome], by_id: dict[int, Delivery],
                                    sending_done: asyncio.Event) -> None:
        while not sending_done.is_set():
            try:
                await asyncio.wait_for(sending_done.wait(), timeout=RECORD_EVERY_S)
            except TimeoutError:
                pass
            if finished:
                await self._record({}, _take(finished), by_id, [])
        if finished:  # what finished after the last flush (or before this task first ran)
            await self._record({}, _take(finished), by_id, [])

    async def _send_group(self, deliveries: list[Delivery], outcomes: list[Outcome]) -> None:
        """One conversation's messages go out one after another, in event order."""
        for i, delivery in enumerate(deliveries):
            if self.stopping.is_set():  # the rest stays pending, untouched, for the next start
                break
            outcome = await self._send_one(delivery)
            if outcome.status == "skipped":
                break
            outcomes.append(outcome)
            if outcome.status != "sent":
                # Keep the order: what follows waits for this one (or stops with it).
                follow = "retry" if outcome.status == "retry" else outcome.status
                outcomes.extend(Outcome(d.id, follow, error="waiting for an earlier message")
                                for d in deliveries[i + 1:])
                break

    async def _send_one(self, delivery: Delivery) -> Outcome:
        # This delivery's lines name its conversation by the keyed hash, never by the id.
        with minwon_logs.bind(conversation_id=delivery.conversation_id):
            return await self._send_one_in_context(delivery)

    async def _send_one_in_context(self, delivery: Delivery) -> Outcome:
        key = f"notification-{delivery.id}"
        async with self._limit:
            if self.stopping.is_set():  # waited for a free slot while shutting down: leave it for the next start
                return Outcome(delivery.id, "skipped")
            try:
                message_id = await self._sender.send(channel=delivery.channel, conversation_id=delivery.conversation_id,
                                                      text=delivery.text, delivery_key=key)
            except RecipientGone as gone:
                return Outcome(delivery.id, gone.reason if gone.reason in ("opted_out", "blocked") else "failed",
                               error=str(gone))
            except UpstreamError as exc:
                return Outcome(delivery.id, "retry", error=str(exc))
            outcome = Outcome(delivery.id, "sent", message_id=message_id)
            if self._metrics is not None:
                self._metrics.sent(delivery.channel, delivery.event_id, delivery.event_created_at, self._clock.now())
            try:
                await self._sender.append_to_tracker(conversation_id=delivery.conversation_id, text=delivery.text,
                                                     delivery_key=key)
                outcome.tracker_ok = True
            except UpstreamError as exc:
                log.warning("notification %s sent but not yet in the transcript: %s", delivery.id, exc)
            return outcome

    async def _retry_tracker(self, delivery: Delivery) -> bool:
        async with self._limit:
            try:
                await self._sender.append_to_tracker(conversation_id=delivery.conversation_id, text=delivery.text,
                                                     delivery_key=f"notification-{delivery.id}")
                return True
            except UpstreamError:
                return False

    async def _record(self, held: dict[int, dict], outcomes: list[Outcome],
                      by_id: dict[int, Delivery], tracker: list[tuple[Delivery, bool]]) -> None:
        if not (held or outcomes or tracker):
            return
        now = self._clock.now()
        rows: list[dict] = [{"id": delivery_id, **values} for delivery_id, values in held.items()]
        refused: dict[str, str] = {}
        for o in outcomes:
            d = by_id[o.delivery_id]
            if o.status == "sent":
                values = {"status": "sent", "sent_at": now, "attempts": d.attempts + 1,
                          "provider_message_id": o.message_id, "last_error": None,
                          "tracker_status": "appended" if o.tracker_ok else "pending",
                          "tracker_attempts": 1, "next_attempt_at": now + backoff(1, self._settings)}
            elif o.status in ("opted_out", "blocked", "failed"):
                values = {"status": o.status, "last_error": (o.error or "")[:200]}
                if o.status != "failed":
                    refused[d.conversation_id] = o.status
            else:
                attempts = d.attempts + (0 if o.error == "waiting for an earlier message" else 1)
                gave_up = attempts >= self._settings.max_attempts
                values = {"status": "failed" if gave_up else "pending", "attempts": attempts,
                          "last_error": (o.error or "")[:200],
                          "next_attempt_at": now + backoff(max(attempts, 1), self._settings)}
                if gave_up:
                    log.warning("notification %s failed after %s attempts", d.id, attempts)
            rows.append({"id": o.delivery_id, **values})
        for d, ok in tracker:
            attempts = d.tracker_attempts + 1
            values = ({"tracker_status": "appended", "tracker_attempts": attempts} if ok else
                      {"tracker_status": "failed" if attempts >= TRACKER_MAX_ATTEMPTS else "pending",
                       "tracker_attempts": attempts, "next_attempt_at": now + backoff(attempts, self._settings)})
            rows.append({"id": d.id, **values})
        # One executemany per shape of row: a few statements per flush instead of one per delivery.
        shapes: dict[tuple[str, ...], list[dict]] = {}
        for row in rows:
            shapes.setdefault(tuple(sorted(row)), []).append(row)
        async with self._sessions() as session, session.begin():
            for same_shape in shapes.values():
                await session.execute(update(Delivery), same_shape)
            for conversation_id, state in refused.items():
                await subscription_store.mark_conversation(session, now, conversation_id, state)
