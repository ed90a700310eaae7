"""Typed application keys shared by the stand-in modules."""
from __future__ import annotations

import aiohttp
from aiohttp import web

from standins.settings import Settings
from standins.state import TelegramState, TwilioState

SETTINGS = web.AppKey("settings", Settings)
TELEGRAM = web.AppKey("telegram", TelegramState)
TWILIO = web.AppKey("twilio", TwilioState)
CLIENT = web.AppKey("client", aiohttp.ClientSession)
BACKGROUND = web.AppKey("background", set)
