"""Runs a channel's durable inbox (connectors/inbox.py): every accepted message once, in the order it was
accepted per conversation, also when the instance that accepted it died.

- A message is accepted (kept in Redis) before the webhook is answered, then drained in the background
  through the in-process per-conversation queue. A drain runs the conversation's first waiting message
  when this instance holds it, waits while an earlier one is held by a live instance, and takes over the
  first one when its holder's lease is gone.
- Every instance looks for messages of dead instances once a second and drains those conversations.
- Never twice: a taken-over message may already have been turned into a saved Rasa turn (the owner died
  after Rasa saved it, before it removed the entry). So the check "does the tracker hold a user event
  with this message_id" (minwon_rasa.saved_turns, the same check the internal turn channel makes) and the
  turn itself run under the conversation lock of Rasa's lock store, and a normal turn first checks, under
  the same lock, that this instance still holds the entry. A saved turn is not run again; its replies (the
  bot events of that turn) are sent again instead, since the dead owner may have died before sending them
  (at least once for replies, exactly once for turns).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Set

from rasa.core.channels.channel import UserMessage

from connectors.inbox import Entry, Inbox
from connectors.queues import ConversationQueues, QueueFull
# The "already applied?" check lives on the Rasa side now; imported from there until the edge calls the
# internal turn channel (minwon_rasa/internal_channel.py) instead of running turns in this process.
from minwon_rasa.saved_turns import saved_turn

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
RunEntry = Callable[[Entry, OnNewMessage], Awaitable[None]]
Progress = Callable[[int], Awaitable[Any]]  # progress(n): the first n replies of a turn reached the channel
DONE_MEMORY = 10000  # ids of entries this process finished (a later job for one of them does nothing)
RETRY_PAUSE_S = 1.0


class RetryLater(Exception):
    """A taken-over message cannot be checked against the tracker store now; hand it back."""


class InboxWorker:
    def __init__(self, inbox: Inbox, queues: ConversationQueues, run: RunEntry) -> None:
        self.inbox = inbox
        self.queues = queues
        self.run = run
        self.app: Any = None
        self.on_new_message: Optional[OnNewMessage] = None
        self._inflight: Dict[str, Dict[str, Any]] = {}  # accepted here, drain not finished: id -> payload
        self._done: "OrderedDict[str, None]" = OrderedDict()
        self._recovering: Set[str] = set()  # conversations with a recovery drain queued here
        self._scanner: Optional["asyncio.Task[None]"] = None
        self._starter: Optional["asyncio.Task[None]"] = None
        self._started = False

    # -- life cycle -----------------------------------------------------------------------------------
    def attach(self, app: Any, on_new_message: OnNewMessage) -> None:
        self.app = app
        self.on_new_message = on_new_message

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
        """Start now or, while Redis is down, as soon as it answers (Rasa itself must start anyway)."""

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
        if self._starter is not None:
            self._starter.cancel()
            await asyncio.gather(self._starter, return_exceptions=True)
        if self._scanner is not None:
            self._scanner.cancel()
            await asyncio.gather(self._scanner, return_exceptions=True)
        await asyncio.get_event_loop().run_in_executor(None, self.inbox.stop_heartbeat)

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
        """Records in the inbox how many replies of the entry's turn left, so a takeover sends only the rest.
        A failed write only risks a repeated reply: it never stops the sending."""

        async def record(count: int) -> None:
            try:
                await self.inbox.mark_sent(entry.id, count)
            except Exception as error:
                logger.warning("inbox: reply progress not recorded: %s", type(error).__name__)

        return record

    # -- draining -------------------------------------------------------------------------------------
    async def drain(self, conversation: str, target: Optional[str] = None) -> None:
        """Run the conversation's waiting messages in order, up to `target` (None: as far as possible)."""
        started = time.monotonic()
        delay = 0.005
        try:
            while target is None or target not in self._done:
                head = await self.inbox.head(conversation, target)
                if head.state == "mine" and head.entry is not None:
                    if head.entry.id in self._done:  # ran here, its removal failed: only remove it
                        await self.inbox.remove(head.entry.id, conversation)
                        continue
                    retry = await self._run(head.entry)
                    if retry and target is None:
                        return
                    if head.entry.id == target and not retry:
                        return
                    continue
                if head.state == "gone":
                    if target is not None and target in self._inflight:
                        # Not in Redis any more (Redis lost it, or another instance took it over and
                        # finished it): run it only if its turn is not in the tracker.
                        await self._run(Entry(target, conversation, self._inflight[target], True), vanished=True)
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
        """Run one entry's turn and forget the entry; True if it was handed back for a retry."""
        mode = "vanished" if vanished else ("recovered" if entry.recovered else "own")
        if mode != "own":  # an operator wants to know that an instance stopped with work in hand
            logger.warning("inbox: running a message %s", "taken over from a stopped instance"
                           if mode == "recovered" else "that left the inbox before it ran here")
        try:
            await self.run(entry, self._guarded(entry, mode))
        except RetryLater:
            logger.warning("inbox: a taken-over message could not be checked; retrying it later")
            await self.inbox.release(entry.id)
            await asyncio.sleep(RETRY_PAUSE_S)
            return True
        except asyncio.CancelledError:
            raise
        except Exception as error:  # one bad message must not block its conversation
            # Only the type: exception texts can carry citizen text or phone numbers.
            logger.error("channel turn failed: %s", type(error).__name__)
            logger.debug("channel turn failure", exc_info=True)
        self._done[entry.id] = None
        while len(self._done) > DONE_MEMORY:
            self._done.popitem(last=False)
        if not vanished:
            await self.inbox.remove(entry.id, entry.conversation)
        return False

    # -- the turn, under the conversation lock ----------------------------------------------------------
    def _agent(self) -> Any:
        ctx = getattr(self.app, "ctx", None)
        return getattr(ctx, "agent", None)

    def _guarded(self, entry: Entry, mode: str) -> OnNewMessage:
        async def handle(message: UserMessage) -> None:
            agent = self._agent()
            lock_store = getattr(agent, "lock_store", None)
            processor = getattr(agent, "processor", None)
            if agent is None or lock_store is None or processor is None:
                # Not a Rasa Agent (a test's stand-in): nothing to lock, the same checks.
                if await self._may_run(entry, mode, message, getattr(agent, "tracker_store", None)):
                    assert self.on_new_message is not None
                    await self.on_new_message(message)
                return
            if not agent.is_ready():
                logger.info("inbox: no model loaded; message ignored as Rasa would")
                return
            async with lock_store.lock(message.sender_id):
                if await self._may_run(entry, mode, message, agent.tracker_store):
                    await processor.handle_message(message)

        return handle

    async def _may_run(self, entry: Entry, mode: str, message: UserMessage, tracker_store: Any) -> bool:
        if mode != "vanished" and not await self.inbox.owns(entry.id):
            return False  # another instance took it over (this one looked dead): it runs it
        if mode == "own" or tracker_store is None or not message.message_id:
            return True
        try:
            saved = await saved_turn(tracker_store, message.sender_id, message.message_id)
        except Exception as error:
            raise RetryLater(type(error).__name__) from error
        if saved is None:
            return True
        if mode == "recovered":  # the owner may have died before sending them
            messages = getattr(message.output_channel, "messages", None)
            if isinstance(messages, list):
                messages.extend(saved.replies)
        logger.info("inbox: a taken-over message was already a saved turn; not run again")
        return False

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
        """Drain conversations holding messages of dead instances, and our own messages whose job was
        lost (Redis failed under it); finish removals that failed."""
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
