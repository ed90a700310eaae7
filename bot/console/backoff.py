"""A connection that keeps guessing while it was told to wait is not read again until the wait is over.

The 429 itself goes out at once. Only a client that ignores its Retry-After and comes back on the same
connection finds its next request left unread in the socket (capped, so a browser tab is never stuck for long).
Measured with bench/desk.py --login-flood: 50 parallel bad logins answered as fast as they come keep both cores
of this machine busy (the flood's client on one, the console on the other) and the desk's handoffs wait behind
them; held back like this, the flood costs almost nothing."""
from __future__ import annotations

import asyncio

from aiohttp import web

MAX_HOLD_SECONDS = 10.0


def hold_connection(request: web.Request, seconds: float) -> None:
    transport = request.transport
    if transport is None or transport.is_closing() or not hasattr(transport, "pause_reading"):
        return
    if not transport.is_reading():
        return  # already held (or paused by aiohttp's own flow control, which resumes it)
    transport.pause_reading()

    def resume() -> None:
        if not transport.is_closing() and not transport.is_reading():
            transport.resume_reading()
    asyncio.get_running_loop().call_later(min(seconds, MAX_HOLD_SECONDS), resume)
