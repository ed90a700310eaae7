"""Typed keys of the notifier's aiohttp application."""
from __future__ import annotations

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from .clock import Clock
from .settings import NotifierSettings
from .worker import Worker

SETTINGS = web.AppKey("settings", NotifierSettings)
CLOCK = web.AppKey("clock", Clock)
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
HTTP = web.AppKey("http", aiohttp.ClientSession)
WORKER = web.AppKey("worker", Worker)
METRICS = web.AppKey("notifier_metrics", object)  # bot.notifier.metrics.NotifierMetrics
