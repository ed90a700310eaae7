"""Runs a channel's durable inbox (edge/inbox.py; ported from the removed connectors/inbox_worker.py): every accepted message
once, in the order it was accepted per conversation, also when the edge instance that accepted it died.

- A message is accepted (kept in Redis) before the webhook is answered, then drained in the background through the
  in-process per-conversation queue. A drain runs the conversation's first waiting message when this instance
  holds it, waits while an earlier one is held by a live instance, and takes over the first one when its holder's
  lease is gone. Every instance looks for messages of dead instances once a second and drains those conversations.
- Never twice: the "already applied?" check is Rasa's now. The message is sent to the internal turn channel with
  its channel id as message_id (`tg:<update_id>`, the MessageSid); a message whose turn was saved before (the dead
  owner ran it and died before removing the entry) answers `already_applied` with the replies that turn saved,
  which are sent again from the first one the dead owner had not recorded as sent (`sent` in the entry).
- Rasa unavailable (down, 503, timeout): the entry stays with this instance and is sent again, with the same
  message id, after a back-off (0.5 s doubling to 30 s), until Rasa answers or the entry's maximum age passes.
  Later messages of the conversation wait behind it, so the order holds. Two exceptions, so that one message
  cannot hold its conversation for a day: Rasa's 500 (the turn itself raised) is tried FAILED_TURN_ATTEMPTS
  times, then dropped with an error line; Redis failing under a turn leaves the entry for the scan to run again.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Set

from redis.exceptions import RedisError

from edge.handoff import DeskPassThrough
from edge.inbox import Entry, Inbox
from edge.queues import ConversationQueues, QueueFull
from edge.rasa_client import AlreadyApplied, Invalid, RasaClient, Replies, TurnRequest, Unavailable

logger = logging.getLogger("minwon.edge.inbox")

Progress = Callable[[int], Awaitable[Any]]  # progress(n): the first n replies of a turn reached the channel
DONE_MEMORY = 10000  # ids of entries this process finished (a later job for one of them does nothing)
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0
FAILED_TURN_ATTEMPTS = 5


class InboxChannel(Protocol):
    async def prepare(self, entry: Entry) -> Optional[TurnRequest]:
        """The turn of an entry, or None when there is nothing for Rasa (a forged button, an empty update)."""

    async def deliver(self, entry: Entry, replies: List[Dict[str, Any]], progress: Progress) -> None:
        """Send a turn's replies, skipping the first `entry.sent`; progress(n) after each one that left."""


class InboxWorker:
    def __init__(self, inbox: Inbox, queues: ConversationQueues, rasa: RasaClient, desk: DeskPassThrough,
                 channel: InboxChannel) -> None:
        self.inbox = inbox
        self.queues = queues
        self.rasa = rasa
        self.desk = desk
        self.channel = channel
        self._inflight: Dict[str, Dict[str, Any]] = {}  # accepted here, drain not finished: id -> payload
        self._done: "OrderedDict[str, None]" = OrderedDict()
        self._prepared: Dict[str, Optional[TurnRequest]] = {}  # kept across retries (a callback is answered once)
        self._failed_turns: Dict[str, int] = {}  # entry id -> Rasa 500s so far
        self._recovering: Set[str] = set()
        self._scanner: Optional["asyncio.Task[None]"] = None
        self._starter: Optional["asyncio.Task[None]"] = None
        self._started = False
        self.backoff_first_s = BACKOFF_FIRST_S

    # -- life cycle -----------------------------------------------------------------------------------
    async def start(self) -> None:
        """Take the lease, then keep it (thread) and look for dead instances' messages (task)."""
        if self._started:
            return
        await self.inbox.beat()  # raises while Redis is down: the webhook answers 503
        if self._started:
            return
        self._started = True
        self.inbox.start_heartbeat()
        self._scanner = asyncio.ensure_future(self._scan_forever())

    def start_soon(self) -> None:
        """Start now or, while Redis is down, as soon as it answers."""

        async def keep_trying() -> None:
            warned = False
            while not self._started:
                try:
                    await self.start()
                except Exception as error:
                    if not warned:
                        logger.warning("inbox not started yet (Redis: %s); retrying", type(error).__name__)
                        warned = True
                    await asyncio.sleep(1.0)

        self._starter = asyncio.ensure_future(keep_trying())

    async def close(self) -> None:
        """Stop looking for work, stop the turns in flight (their entries stay in Redis, still ours), then give up
        the lease, so another instance takes what is left over at once instead of after the lease."""
        for task in (self._starter, self._scanner):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        await self.queues.close()
        await asyncio.get_running_loop().run_in_executor(None, self.inbox.stop_heartbeat)

    # -- the webhook side -----------------------------------------------------------------------------
    async def accept(self, ident: str, conversation: str, payload: Dict[str, Any]) -> bool:
        """Keep the message, then queue its turn. False: seen before. Raises if Redis fails (answer 503)
        or QueueFull (the entry is taken back, answer 503 so the channel redelivers later)."""
        await self.start()
        entry_id = self.inbox.entry_id(ident)
        ours = entry_id not in self._inflight
        if ours:  # before the write: the scan must never see our fresh entry as one without a job
            self._inflight[entry_id] = payload
        try:
            fresh = await self.inbox.accept(ident, conversation, payload)
        except BaseException:
            if ours:
                self._inflight.pop(entry_id, None)
            raise
        if not fresh:
            if ours:
                self._inflight.pop(entry_id, None)
            return False
        if not self.queues.submit(conversation, lambda: self.drain(conversation, entry_id)):
            self._inflight.pop(entry_id, None)
            await self.inbox.reject(ident, conversation)
            raise QueueFull(conversation)
        return True

    def progress(self, entry: Entry) -> Progress:
        async def record(count: int) -> None:
            try:
                await self.inbox.mark_sent(entry.id, count)
            except Exception as error:  # only risks a repeated reply after a takeover
                logger.warning("inbox: reply progress not recorded: %s", type(error).__name__)

        return record

    # -- draining -------------------------------------------------------------------------------------
    async def drain(self, conversation: str, target: Optional[str] = None) -> None:
        """Run the conversation's waiting messages in order, up to `target` (None: as far as possible)."""
        started = time.monotonic()
        delay = 0.005
        backoff = self.backoff_first_s
        try:
            while target is None or target not in self._done:
                head = await self.inbox.head(conversation, target)
                if head.state == "mine" and head.entry is not None:
                    if head.entry.id in self._done:  # ran here, its removal failed: only remove it
                        await self.inbox.remove(head.entry.id, conversation)
                        continue
                    if await self._run(head.entry):
                        backoff = self.backoff_first_s
                        if head.entry.id == target:
                            return
                    else:  # Rasa unavailable: keep it, try again later (the order holds behind it)
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, BACKOFF_MAX_S)
                    continue
                if head.state == "gone":
                    if target is not None and target in self._inflight:
                        # Not in Redis any more (Redis lost it, or another instance took it over and finished
                        # it): sent to Rasa all the same; an already-applied answer is not delivered again.
                        while not await self._run(Entry(target, conversation, self._inflight[target], True),
                                                  vanished=True):
                            await asyncio.sleep(backoff)
                            backoff = min(backoff * 2, BACKOFF_MAX_S)
                    return
                if head.state == "empty" or target is None:
                    return
                if time.monotonic() - started > self.inbox.settings.max_wait_s:
                    logger.warning("inbox: earlier message of the conversation still held after %.0f s; "
                                   "running the next one", self.inbox.settings.max_wait_s)
                    await self._run(Entry(target, conversation, self._inflight.get(target, {}), False))
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.1)
        finally:
            if target is not None:
                self._inflight.pop(target, None)

    async def _run(self, entry: Entry, vanished: bool = False) -> bool:
        """Send one entry to Rasa and deliver its replies; True when the entry is finished (False: retry later)."""
        if entry.recovered and not vanished:  # an operator wants to know that an instance stopped with work in hand
            logger.warning("inbox: running a message taken over from a stopped instance")
        try:
            done = await self._turn(entry, vanished)
        except asyncio.CancelledError:
            raise
        except (RedisError, OSError) as error:  # not run, or not delivered: kept for a later attempt (the scan)
            logger.warning("inbox: redis failed under a turn (%s); the message is kept", type(error).__name__)
            return False
        except Exception as error:  # one bad message must not block its conversation
            logger.error("channel turn failed: %s", type(error).__name__)  # the type only: texts carry citizen words
            logger.debug("channel turn failure", exc_info=True)
            done = True
        if not done:
            return False
        self._prepared.pop(entry.id, None)
        self._failed_turns.pop(entry.id, None)
        self._done[entry.id] = None
        while len(self._done) > DONE_MEMORY:
            self._done.popitem(last=False)
        if not vanished:
            await self.inbox.remove(entry.id, entry.conversation)
        return True

    async def _turn(self, entry: Entry, vanished: bool) -> bool:
        if not vanished and not await self.inbox.owns(entry.id):
            return True  # another instance took it over (this one looked dead): it runs it
        first_attempt = entry.id not in self._prepared
        if first_attempt:
            self._prepared[entry.id] = await self.channel.prepare(entry)
        request = self._prepared[entry.id]
        if request is None:
            return True
        if first_attempt:
            await self.desk.before_turn(request.conversation_id, request.text or request.payload or "",
                                        request.metadata)
        outcome = await self.rasa.turn(request)
        if isinstance(outcome, Unavailable):
            if outcome.turn_failed:
                failures = self._failed_turns[entry.id] = self._failed_turns.get(entry.id, 0) + 1
                if failures >= FAILED_TURN_ATTEMPTS:
                    logger.error("inbox: rasa failed the turn %d times; the message is dropped", failures)
                    return True
            logger.warning("inbox: rasa unavailable (%s); the message is kept and sent again later", outcome.reason)
            return False
        if isinstance(outcome, Invalid):
            logger.error("inbox: rasa refused a message as invalid (%s); dropped", outcome.message)
            return True
        if isinstance(outcome, AlreadyApplied):
            logger.info("inbox: a message was already a saved turn; not run again")
            if vanished:
                return True  # whoever ran it delivered it
        assert isinstance(outcome, (Replies, AlreadyApplied))
        if not vanished and not await self.inbox.owns(entry.id):
            return True  # taken over meanwhile: the new owner delivers (Rasa gives it the saved replies)
        await self.channel.deliver(entry, outcome.replies, self.progress(entry))
        return True

    # -- finding messages without a job ---------------------------------------------------------------
    async def _scan_forever(self) -> None:
        interval = min(1.0, self.inbox.settings.lease_s / 5)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.scan()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("inbox scan failed: %s", type(error).__name__)

    async def scan(self) -> None:
        """Drain conversations holding messages of dead instances, and our own messages whose job was lost
        (Redis failed under it); finish removals that failed."""
        for conversation in await self.inbox.orphaned_conversations():
            self._recover(conversation)
        for entry_id, conversation in (await self.inbox.mine()).items():
            if entry_id in self._inflight:
                continue
            if entry_id in self._done:
                await self.inbox.remove(entry_id, conversation)
            else:
                self._recover(conversation)

    def _recover(self, conversation: str) -> None:
        if conversation in self._recovering:
            return
        self._recovering.add(conversation)

        async def job() -> None:
            try:
                await self.drain(conversation)
            finally:
                self._recovering.discard(conversation)

        if not self.queues.submit(conversation, job):
            self._recovering.discard(conversation)
