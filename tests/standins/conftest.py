"""Fixtures for the stand-in tests (run under .venv): the app from the real factory, test settings."""
from __future__ import annotations

import pytest
import pytest_asyncio

from standins.app import create_app
from standins.settings import Settings

TOKEN = "123456:standin-test-token"
SID = "ACstandintest0000000000000000000"
AUTH = "standin-test-auth"


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env(
        port=0, telegram_token=TOKEN, telegram_secret="standin-secret", twilio_account_sid=SID,
        twilio_auth_token=AUTH, status_callback_delay=0.01,
    )


@pytest_asyncio.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings))
