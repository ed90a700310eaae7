"""The notifier's background loops: read the outbox, fire reminders, dispatch. Stopped gracefully between passes."""
from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from . import reminders, subscription_store
from .clients import GovapiEvents
from .clock import Clock
from .dispatcher import Dispatcher
from .errors import UpstreamError
from .ingest import ingest_page, load_cursor
from .settings import NotifierSettings

log = logging.getLogger("minwon.notifier")
LEADER_LOCK = 0x6E6F7466  # "notf": on PostgreSQL only one notifier instance reads and sends at a time
STANDBY_RETRY_S = 5.0
EXPIRE_EVERY_S = 60.0  # follows past their bound are closed this often (ingest already ignores them)


class Worker:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], events: GovapiEvents, dispatcher: Dispatcher,
                 settings: NotifierSettings, clock: Clock, engine: AsyncEngine | None = None) -> None:
        self._sessions = sessions
        self._engine = engine
        self._leader: AsyncConnection | None = None
        self._events = events
        self._dispatcher = dispatcher
        self._settings = settings
        self._clock = clock
        self._stopping = asyncio.Event()
        self._work = asyncio.Event()  # set when new deliveries exist, so dispatch need not wait for its tick
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._run(), name="notifier")]

    async def _run(self) -> None:
        if not await self._become_leader():
            return
        await asyncio.gather(self._poll_loop(), self._dispatch_loop())

    async def _become_leader(self) -> bool:
        """Several instances may run against one PostgreSQL database (replicas): a session advisory lock lets
        exactly one read and send; the others wait as hot standbys and take over when its connection ends."""
        if self._engine is None or self._engine.dialect.name != "postgresql":
            return True  # SQLite: one process owns the file
        while not self._stopping.is_set():
            try:
                if self._leader is None:
                    self._leader = await self._engine.connect()
                got = (await self._leader.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK})).scalar()
                await self._leader.commit()
                if got:
                    log.info("notifier is the active instance")
                    return True
            except Exception as exc:  # database away: try again, never two leaders
                log.warning("leader lock unavailable (%s); retrying", type(exc).__name__)
                if self._leader is not None:
                    await self._leader.close()
                    self._leader = None
            await self._sleep(STANDBY_RETRY_S)
        return False

    async def stop(self) -> None:
        log.info("notifier stopping: finishing the pass in flight")
        self._stopping.set()
        self._dispatcher.stopping.set()
        self._work.set()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.error("a notifier loop ended with %s", type(result).__name__)
        if self._leader is not None:
            await self._leader.close()  # releases the leader lock for a standby
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
        expired_at = 0.0
        while not self._stopping.is_set():
            self._work.clear()
            try:
                async with self._sessions() as session, session.begin():
                    if await reminders.fire_due(session, self._clock.now()):
                        self._work.set()
                    if asyncio.get_running_loop().time() - expired_at >= EXPIRE_EVERY_S:
                        await subscription_store.expire_follows(session, self._clock.now())
                        expired_at = asyncio.get_running_loop().time()
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
