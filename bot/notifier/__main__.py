"""`python -m bot.notifier`: the subscriptions API and the delivery worker in one process."""
from __future__ import annotations

import sys

from aiohttp import web

import minwon_logs

from .app import create_app
from .settings import load_settings


def main() -> None:
    try:
        minwon_logs.setup("notifier")  # MINWON_LOG_FORMAT: json lines or text
    except minwon_logs.LogSettingsError as error:
        sys.exit(f"notifier: configuration error: {error}")
    settings = load_settings()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log=None)  # access lines would carry citizen and conversation ids; ours log route patterns


if __name__ == "__main__":
    main()
