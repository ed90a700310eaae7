"""`python -m standins`: serve the fake Telegram and Twilio APIs and the phone simulator."""
from __future__ import annotations

import logging
import sys

from aiohttp import web

import minwon_logs
from minwon_logs.aiohttp_context import request_logger
from standins.app import create_app
from standins.settings import Settings

log = logging.getLogger("standins")


def main() -> None:
    try:
        minwon_logs.setup("standins")  # MINWON_LOG_FORMAT: json lines or text
    except minwon_logs.LogSettingsError as error:
        sys.exit(f"standins: configuration error: {error}")
    settings = Settings.from_env()
    log.info("stand-ins on http://%s:%s (phone simulator: /simulator/)", settings.host, settings.port)
    app = create_app(settings)
    # Request lines with ids and route patterns. aiohttp's access log stays off: it would print Bot API
    # paths, and so the bot token.
    app.middlewares.insert(0, request_logger(quiet={"/simulator/feed"}))  # the simulator page polls it
    web.run_app(app, host=settings.host, port=settings.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
