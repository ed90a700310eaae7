"""Stand-in settings, environment first. Defaults match edge/settings.py's development ones."""
from __future__ import annotations

import os
from dataclasses import dataclass


class SettingsError(Exception):
    """A configuration key is missing or invalid; the message names the key."""


def _int(key: str, default: str) -> int:
    raw = os.environ.get(key, default)
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    public_url: str  # where the edge reaches the stand-ins (media and file URLs)
    telegram_token: str
    telegram_secret: str  # used by the simulator to sign webhooks when no setWebhook was made
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_from_number: str
    rasa_public_url: str  # the URL Twilio would sign (CONNECTORS_PUBLIC_URL on the edge)
    rasa_url: str  # where webhooks are actually posted: the channel edge (EDGE_URL)
    status_callback_delay: float
    # Development only: the SMS phone also shows what govapi's development SMS outbox holds for its number (the
    # one-time codes a real phone would receive). GOVAPI_URL set (the launcher sets it) and MINWON_ENV development.
    govapi_url: str | None = None
    govapi_admin_token: str = "dev-admin-token"

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        if os.environ.get("MINWON_ENV") == "production":
            raise SettingsError("MINWON_ENV=production: the stand-ins are for development and tests only")
        port = _int("STANDINS_PORT", "8300")
        # The edge serves the webhooks; RASA_URL is still read where no EDGE_URL is set (older test stacks).
        rasa_url = (os.environ.get("EDGE_URL") or os.environ.get("RASA_URL") or "http://127.0.0.1:5006").rstrip("/")
        values = dict(
            host=os.environ.get("STANDINS_HOST", "127.0.0.1"),
            port=port,
            public_url=os.environ.get("STANDINS_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
            telegram_token=os.environ.get("TELEGRAM_TOKEN", "123456:dev-telegram-token"),
            telegram_secret=os.environ.get("TELEGRAM_SECRET_TOKEN", "dev-telegram-secret"),
            twilio_account_sid=os.environ.get("TWILIO_ACCOUNT_SID", "ACdev00000000000000000000000000000"),
            twilio_auth_token=os.environ.get("TWILIO_AUTH_TOKEN", "dev-twilio-auth-token"),
            twilio_from_number=os.environ.get("TWILIO_FROM_NUMBER", "+15005550006"),
            rasa_public_url=os.environ.get("CONNECTORS_PUBLIC_URL", rasa_url).rstrip("/"),
            rasa_url=rasa_url,
            status_callback_delay=float(os.environ.get("STANDINS_STATUS_DELAY", "0.05")),
            govapi_url=(os.environ.get("GOVAPI_URL", "").rstrip("/") or None)
            if os.environ.get("MINWON_ENV", "development") == "development" else None,
            govapi_admin_token=os.environ.get("GOVAPI_ADMIN_TOKEN", "dev-admin-token"),
        )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
