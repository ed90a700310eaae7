"""A connection that comes back before the Retry-After it was given is not read again until that time.

The 429 itself always goes out at once, and a client that waits as told never notices any of this. One that
ignores its Retry-After and comes back on the same connection is told again, and its next request is left
unread in the socket until the wait is over (capped, so a browser tab is never stuck for long). Measured with
bench/desk.py --login-flood: 50 parallel bad logins answered as fast as they come kept both cores of this
machine busy (the flood's client on one, the console on the other) and the desk's handoffs waited behind them;
held back like this, the flood costs almost nothing."""
from __future__ import annotations

import asyncio
import weakref

from aiohttp import web

MAX_HOLD_SECONDS = 10.0
_told_until: weakref.WeakKeyDictionary[asyncio.BaseTransport, float] = weakref.WeakKeyDictionary()


def told_to_wait(request: web.Request, seconds: float, *, hold_now: bool = False) -> None:
    """Call with every 429 carrying Retry-After: `seconds`; `hold_now` holds the connection even the first time."""
    transport = request.transport
    if transport is None or transport.is_closing():
        return
    now = asyncio.get_running_loop().time()
    came_back_early = _told_until.get(transport, 0.0) > now
    _told_until[transport] = now + seconds
    if came_back_early or hold_now:
        _hold(transport, seconds)


def _hold(transport: asyncio.BaseTransport, seconds: float) -> None:
    if not isinstance(transport, asyncio.ReadTransport) or not transport.is_reading():
        return  # already held (or paused by aiohttp's own flow control, which resumes it)
    transport.pause_reading()

    def resume() -> None:
        if not transport.is_closing() and not transport.is_reading():
            transport.resume_reading()
    asyncio.get_running_loop().call_later(min(seconds, MAX_HOLD_SECONDS), resume)
