"""Typed keys for what the app holds (set up in app.create_app and its cleanup_ctx)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

from .clock import Clock
from .db import Database
from .guess_guard import GuessGuard
from .settings import Settings

if TYPE_CHECKING:
    from .sms import SmsSender  # noqa: F401  (SMS below names it as a string)

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
DB = web.AppKey("db", Database)
HTTP = web.AppKey("http", aiohttp.ClientSession)
SMS = web.AppKey("sms", "SmsSender")
CHECKOUT_GUARD = web.AppKey("checkout_guard", GuessGuard)

# per request: the verified citizen, for the access log
CITIZEN_ID = web.RequestKey("citizen_id", str)
