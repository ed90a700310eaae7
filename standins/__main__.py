"""`python -m standins`: serve the fake Telegram and Twilio APIs and the phone simulator."""
from __future__ import annotations

import logging

from aiohttp import web

from standins.app import create_app
from standins.settings import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiohttp's access log would print Bot API paths, and so the bot token: keep it off.
    settings = Settings.from_env()
    print(f"stand-ins on http://{settings.host}:{settings.port} (phone simulator: /simulator/)", flush=True)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
