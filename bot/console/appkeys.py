"""Typed keys of everything the console app holds."""
from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.console.auth import PasswordChecks, StaffSession
from bot.console.settings import ConsoleSettings
from bot.desk.keys import DeskKeys
from bot.desk.queues import DeskQueues
from bot.desk.service import DeskService

SETTINGS = web.AppKey("settings", ConsoleSettings)
ENGINE = web.AppKey("engine", AsyncEngine)
DB = web.AppKey("db", async_sessionmaker)
REDIS = web.AppKey("redis", Redis)
KEYS = web.AppKey("keys", DeskKeys)
HTTP = web.AppKey("http", aiohttp.ClientSession)
QUEUES = web.AppKey("queues", DeskQueues)
DESK = web.AppKey("desk", DeskService)
SOCKETS = web.AppKey("sockets", set)
TASKS = web.AppKey("tasks", list[asyncio.Task])
PASSWORDS = web.AppKey("passwords", PasswordChecks)
STAFF = web.RequestKey("staff", StaffSession)
