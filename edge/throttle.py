"""Send pacing: at most one message per interval per chat and a global rate over all chats."""
from __future__ import annotations

import asyncio
import time
from typing import Dict


class SendThrottle:
    def __init__(self, per_chat_interval: float, global_rate: float) -> None:
        self.per_chat_interval = max(0.0, per_chat_interval)
        self.global_interval = 1.0 / global_rate if global_rate > 0 else 0.0
        self._next_chat: Dict[str, float] = {}
        self._next_global = 0.0
        self._lock = asyncio.Lock()

    async def wait(self, chat: str) -> None:
        # Reserve slots under the lock, sleep outside it so other chats are not held up.
        async with self._lock:
            now = time.monotonic()
            at = max(now, self._next_chat.get(chat, 0.0), self._next_global)
            self._next_global = at + self.global_interval
            self._next_chat[chat] = at + self.per_chat_interval
            if len(self._next_chat) > 10000:  # forget chats whose slot has passed
                self._next_chat = {k: v for k, v in self._next_chat.items() if v > now}
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def push_back(self, chat: str, seconds: float) -> None:
        """After a 429: nothing more to this chat (and overall) before `seconds` have passed."""
        until = time.monotonic() + seconds
        self._next_chat[chat] = max(self._next_chat.get(chat, 0.0), until)
        self._next_global = max(self._next_global, until)
