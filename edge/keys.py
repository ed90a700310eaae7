"""Typed keys of the edge's aiohttp application."""
from __future__ import annotations

import aiohttp
from aiohttp import web

from edge.handoff import DeskPassThrough
from edge.metrics import EdgeMetrics
from edge.rasa_client import RasaClient
from edge.settings import EdgeSettings
from edge.sms import SmsChannel
from edge.store import ChannelStore
from edge.telegram import TelegramChannel
from edge.webchat import WebChat

SETTINGS = web.AppKey("settings", EdgeSettings)
STORE = web.AppKey("store", ChannelStore)  # the one Redis client (store.redis) of the process
HTTP = web.AppKey("http", aiohttp.ClientSession)  # to Rasa and the notifier
RASA = web.AppKey("rasa", RasaClient)
DESK = web.AppKey("desk", DeskPassThrough)
WEBCHAT = web.AppKey("webchat", WebChat)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
SMS = web.AppKey("sms", SmsChannel)
METRICS = web.AppKey("metrics", EdgeMetrics)
