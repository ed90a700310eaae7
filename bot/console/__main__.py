"""`python -m bot.console`: the staff console and the handoff desk on CONSOLE_PORT (default 8200)."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.console.app import create_app
from bot.console.settings import console_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = console_settings()
    print(f"minwon console on http://{settings.host}:{settings.port}/", flush=True)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
