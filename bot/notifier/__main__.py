"""`python -m bot.notifier`: the subscriptions API and the delivery worker in one process."""
from __future__ import annotations

import logging

from aiohttp import web

from .app import create_app
from .settings import load_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log=None)  # access lines would carry citizen and conversation ids


if __name__ == "__main__":
    main()
