"""Register the Telegram webhook once: `python -m edge.telegram_setup` (phase 2: `make telegram-webhook`).

Uses TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN, TELEGRAM_API_BASE and CONNECTORS_PUBLIC_URL (or TELEGRAM_WEBHOOK_URL for
a different public address), through python-telegram-bot's `Bot.set_webhook`. Prints the result without the token.
"""
from __future__ import annotations

import asyncio
import os
import sys

from edge.app import quiet_libraries
from edge.errors import DeliveryError, EdgeError
from edge.settings import EdgeSettings, load_settings
from edge.telegram import ALLOWED_UPDATES
from edge.telegram_delivery import BotCalls, bot_of, close_bot


async def register(settings: EdgeSettings, url: str) -> tuple[str, list[str]]:
    bot = bot_of(settings.telegram.api_base, settings.telegram.token)
    calls = BotCalls(bot)
    try:
        await calls.call("setWebhook", lambda: bot.set_webhook(
            url, secret_token=settings.telegram.secret_token, allowed_updates=ALLOWED_UPDATES, max_connections=40))
        info = await calls.call("getWebhookInfo", bot.get_webhook_info)
        return info.url, list(info.allowed_updates or ALLOWED_UPDATES)
    finally:
        await close_bot(bot)


def main() -> int:
    quiet_libraries()
    try:
        settings = load_settings()
        url = os.environ.get("TELEGRAM_WEBHOOK_URL") or settings.telegram_webhook_url
        if not url.startswith("https://") and settings.production:
            print("TELEGRAM_WEBHOOK_URL must be https:// in production", file=sys.stderr)
            return 2
        registered, updates = asyncio.run(register(settings, url))
    except (EdgeError, DeliveryError) as error:
        print(f"webhook not registered: {error}", file=sys.stderr)
        return 1
    print(f"webhook registered: {registered} (allowed updates: {', '.join(updates)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
