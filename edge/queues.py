"""Per-conversation ordered work queues.

Ported from the removed connectors/queues.py; its figures go to edge/metrics.py.
Webhooks are acknowledged as soon as their message is kept in the durable inbox (edge/inbox.py);
the work runs in the background, one item at a time per conversation (so replies keep their order and
Rasa's lock store never has to poll), and conversations run concurrently with each other. The queue
itself is in-process and dies with the process: the inbox, not this queue, is what survives a crash.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Awaitable, Callable, Deque, Dict, Optional, Protocol, Set, Tuple, TypeVar

from edge.errors import Busy

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]
T = TypeVar("T")


class QueueMetrics(Protocol):
    def queued(self) -> None:
        """A job joined a conversation's queue."""

    def started(self, waited_s: float) -> None:
        """A job left its queue to run after waiting this long."""


class QueueFull(Busy):
    """Too many messages are waiting for one conversation."""


class ConversationQueues:
    def __init__(self, max_pending_per_conversation: int = 100, metrics: Optional[QueueMetrics] = None) -> None:
        self.max_pending = max_pending_per_conversation
        self.metrics = metrics
        self._pending: Dict[str, Deque[Tuple[Job, float]]] = {}
        self._workers: Dict[str, "asyncio.Task[None]"] = {}
        self._all_tasks: Set["asyncio.Task[None]"] = set()

    def submit(self, conversation: str, job: Job) -> bool:
        """Queue a job behind the conversation's earlier ones; False if the queue is full."""
        queue = self._pending.setdefault(conversation, deque())
        if len(queue) >= self.max_pending:
            logger.warning("conversation queue full, message dropped")
            return False
        queue.append((job, time.monotonic()))
        if self.metrics is not None:
            self.metrics.queued()
        if conversation not in self._workers:
            task = asyncio.get_running_loop().create_task(self._drain(conversation))
            self._workers[conversation] = task
            self._all_tasks.add(task)
            task.add_done_callback(self._all_tasks.discard)
        return True

    async def _drain(self, conversation: str) -> None:
        queue = self._pending[conversation]
        try:
            while queue:
                job, queued_at = queue.popleft()
                if self.metrics is not None:
                    self.metrics.started(time.monotonic() - queued_at)
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception as error:  # one bad message must not stop the conversation
                    # Only the type: exception texts can carry citizen text or phone numbers.
                    logger.error("channel job failed: %s", type(error).__name__)
                    logger.debug("channel job failure", exc_info=True)
        finally:
            self._workers.pop(conversation, None)
            if not queue:
                self._pending.pop(conversation, None)

    async def run(self, conversation: str, job: Callable[[], Awaitable["T"]], timeout: float) -> "T":
        """Queue a job behind the conversation's earlier ones and wait for its result."""
        result: "asyncio.Future[T]" = asyncio.get_running_loop().create_future()

        async def wrapped() -> None:
            try:
                value = await job()
            except Exception as error:
                if not result.done():
                    result.set_exception(error)
                return
            if not result.done():
                result.set_result(value)

        if not self.submit(conversation, wrapped):
            raise QueueFull(conversation)
        return await asyncio.wait_for(asyncio.shield(result), timeout)

    def busy(self) -> int:
        return len(self._workers)

    async def idle(self) -> None:
        """Wait until every queued job has run (tests, graceful shutdown)."""
        while self._all_tasks:
            await asyncio.gather(*list(self._all_tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._all_tasks):
            task.cancel()
        await asyncio.gather(*list(self._all_tasks), return_exceptions=True)
