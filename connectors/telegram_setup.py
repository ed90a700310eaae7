"""Register the Telegram webhook once: `python -m connectors.telegram_setup` (make telegram-webhook).

Uses TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN, TELEGRAM_API_BASE and CONNECTORS_PUBLIC_URL (or
TELEGRAM_WEBHOOK_URL for a different public address). Prints the result without the token.
"""
from __future__ import annotations

import asyncio
import os
import sys

from connectors.errors import ConnectorError
from connectors.settings import TelegramSettings
from connectors.telegram import ALLOWED_UPDATES
from connectors.telegram_api import BotApi


async def register(settings: TelegramSettings, url: str) -> dict:
    api = BotApi(settings.api_base, settings.token)
    try:
        await api.call(
            "setWebhook",
            {"url": url, "secret_token": settings.secret_token, "allowed_updates": ALLOWED_UPDATES,
             "max_connections": 40},
        )
        return await api.call("getWebhookInfo", {})
    finally:
        await api.close()


def main() -> int:
    try:
        settings = TelegramSettings.load()
        url = os.environ.get("TELEGRAM_WEBHOOK_URL") or settings.webhook_url
        if not url.startswith("https://") and settings.common.production:
            print("TELEGRAM_WEBHOOK_URL must be https:// in production", file=sys.stderr)
            return 2
        info = asyncio.run(register(settings, url))
    except ConnectorError as error:
        print(f"webhook not registered: {error}", file=sys.stderr)
        return 1
    print(f"webhook registered: {info.get('url')} (allowed updates: {', '.join(info.get('allowed_updates') or ALLOWED_UPDATES)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
