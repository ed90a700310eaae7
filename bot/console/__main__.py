"""`python -m bot.console`: the staff console and the handoff desk on CONSOLE_PORT (default 8200)."""
from __future__ import annotations

import logging
import sys

from aiohttp import web

import minwon_logs
from bot.console.app import create_app
from bot.console.settings import console_settings

log = logging.getLogger("minwon.console")


def main() -> None:
    try:
        minwon_logs.setup("console")  # MINWON_LOG_FORMAT: json lines or text
    except minwon_logs.LogSettingsError as error:
        sys.exit(f"console: configuration error: {error}")
    settings = console_settings()
    log.info("minwon console on http://%s:%s/", settings.host, settings.port)
    # aiohttp's access log would write paths and query strings; minwon_logs' middleware logs route patterns.
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
