"""Wrong checkout links per client address: after MISSES_ALLOWED in WINDOW_S, that address waits (429).

A checkout link's token is 128 bits (routes/payments.checkout_token), so guessing one is hopeless; the limit
keeps a guesser from costing the database a lookup per try. Kept in the process: each govapi instance counts
its own misses (the sandbox page is served by one instance in development; a real provider's page replaces it).
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Callable, Deque, Optional

MISSES_ALLOWED = 30
WINDOW_S = 60.0
ADDRESSES_KEPT = 10_000  # the oldest address is forgotten beyond this: memory stays bounded under a spread flood


class GuessGuard:
    def __init__(self, allowed: int = MISSES_ALLOWED, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.allowed, self.window_s, self.clock = allowed, window_s, clock
        self._misses: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def _recent(self, address: str) -> Deque[float]:
        misses = self._misses.get(address)
        if misses is None:
            return deque()
        cutoff = self.clock() - self.window_s
        while misses and misses[0] <= cutoff:
            misses.popleft()
        return misses

    def wait_s(self, address: str) -> Optional[int]:
        """Seconds this address must wait before its next try, or None."""
        misses = self._recent(address)
        if len(misses) < self.allowed:
            return None
        return max(1, int(misses[0] + self.window_s - self.clock()) + 1)

    def miss(self, address: str) -> None:
        misses = self._recent(address)
        misses.append(self.clock())
        self._misses[address] = misses
        self._misses.move_to_end(address)
        while len(self._misses) > ADDRESSES_KEPT:
            self._misses.popitem(last=False)
