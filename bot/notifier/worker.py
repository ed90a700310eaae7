"""The notifier's background loops: read the outbox, fire reminders, dispatch. Stopped gracefully between passes."""
from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import reminders
from .clients import GovapiEvents
from .clock import Clock
from .dispatcher import Dispatcher
from .errors import UpstreamError
from .ingest import ingest_page, load_cursor
from .settings import NotifierSettings

log = logging.getLogger("minwon.notifier")


class Worker:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], events: GovapiEvents, dispatcher: Dispatcher,
                 settings: NotifierSettings, clock: Clock) -> None:
        self._sessions = sessions
        self._events = events
        self._dispatcher = dispatcher
        self._settings = settings
        self._clock = clock
        self._stopping = asyncio.Event()
        self._work = asyncio.Event()  # set when new deliveries exist, so dispatch need not wait for its tick
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._poll_loop(), name="notifier-poll"),
                       asyncio.create_task(self._dispatch_loop(), name="notifier-dispatch")]

    async def stop(self) -> None:
        log.info("notifier stopping: finishing the pass in flight")
        self._stopping.set()
        self._work.set()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.error("a notifier loop ended with %s", type(result).__name__)
        log.info("notifier stopped")

    def wake(self) -> None:
        self._work.set()

    async def poll_once(self) -> tuple[int, bool]:
        """Read and record one page; returns (deliveries created, whether more pages wait)."""
        async with self._sessions() as session:
            cursor = await load_cursor(session)
        page = await self._events.page(cursor)
        if not page.events and (page.next_cursor is None or page.next_cursor == cursor):
            return 0, False
        async with self._sessions() as session, session.begin():
            created = await ingest_page(session, self._clock.now(), self._settings, page.events, page.next_cursor)
        return created, len(page.events) >= self._settings.poll_batch

    async def _poll_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                created, more = await self.poll_once()
                failures = 0
            except UpstreamError as exc:
                failures += 1
                log.warning("reading govapi events failed (%s); retrying", exc)
                created, more = 0, False
            except Exception:  # keep the loop alive; the page is re-read next time
                failures += 1
                log.exception("reading govapi events failed")
                created, more = 0, False
            if created:
                self._work.set()
            if more:
                continue
            delay = min(self._settings.poll_interval_s * 2 ** min(failures, 5), 60.0)
            await self._sleep(delay)

    async def _dispatch_loop(self) -> None:
        while not self._stopping.is_set():
            self._work.clear()
            try:
                async with self._sessions() as session, session.begin():
                    if await reminders.fire_due(session, self._clock.now()):
                        self._work.set()
                acted = await self._dispatcher.run_once()
            except Exception:
                log.exception("dispatch pass failed")
                acted = 0
            if acted:
                continue
            try:
                await asyncio.wait_for(self._work.wait(), timeout=self._settings.dispatch_interval_s)
            except TimeoutError:
                pass

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass
