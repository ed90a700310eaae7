"""Settings of the channel connectors: environment first, then credentials.yml overrides.

Rasa hands each channel its credentials.yml block; every key there may also come from the
environment (credentials.yml values win, so `${VAR}` placeholders in it work as usual).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from connectors.errors import SettingsError

PLACEHOLDER_SECRETS = {
    "dev-telegram-secret",
    "dev-twilio-auth-token",
    "123456:dev-telegram-token",
    "dev-outbound-token",
    "dev-internal-channel-token",
    "",
}


def _pick(key: str, credentials: Mapping[str, Any], default: Optional[str]) -> Optional[str]:
    # credentials.yml keys are lower case, environment keys upper case.
    value = credentials.get(key.lower())
    if value is None or value == "":
        value = os.environ.get(key, default)
    return None if value is None else str(value)


def _float(key: str, raw: Optional[str]) -> float:
    try:
        return float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SettingsError(f"{key} must be a number, got {raw!r}") from None


def _secret(key: str, value: Optional[str], production: bool) -> str:
    if production and (value is None or value in PLACEHOLDER_SECRETS):
        raise SettingsError(f"{key} must be set to a real secret when MINWON_ENV=production")
    return value or ""


@dataclass(frozen=True)
class CommonSettings:
    production: bool
    redis_url: str
    redis_prefix: str
    public_url: str  # the address the internet reaches Rasa at (signatures, short links)
    outbound_token: str = "dev-outbound-token"  # bearer token of the /outbound routes (console, notifier)
    handoff_prefix: str = "minwon:handoff:"  # the desk's keys: <prefix>active:<conversation>, <prefix>inbox
    stats_prefix: str = "minwon:stats:"  # <prefix>conversations:<UTC date> HyperLogLog (dashboard)

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]] = None) -> "CommonSettings":
        c = credentials or {}
        production = os.environ.get("MINWON_ENV", "development") == "production"
        return cls(
            production=production,
            redis_url=_pick("REDIS_URL", c, "redis://127.0.0.1:6379/0") or "",
            redis_prefix=_pick("CONNECTORS_REDIS_PREFIX", c, "minwon:ch:") or "",
            # Where Telegram/Twilio reach Rasa; by default Rasa's own URL (RASA_URL), as in development.
            public_url=(_pick("CONNECTORS_PUBLIC_URL", c, os.environ.get("RASA_URL") or "http://127.0.0.1:5005") or "").rstrip("/"),
            outbound_token=_secret(
                "CHANNEL_OUTBOUND_TOKEN", _pick("CHANNEL_OUTBOUND_TOKEN", c, "dev-outbound-token"), production
            ),
            handoff_prefix=_pick("HANDOFF_REDIS_PREFIX", c, "minwon:handoff:") or "",
            stats_prefix=_pick("STATS_REDIS_PREFIX", c, "minwon:stats:") or "",
        )

    @property
    def short_link_base(self) -> str:
        return f"{self.public_url}/s/"


@dataclass(frozen=True)
class TelegramSettings:
    common: CommonSettings
    token: str
    secret_token: str
    api_base: str
    per_chat_interval: float  # seconds between two messages to one chat
    global_rate: float  # messages per second over all chats

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]] = None) -> "TelegramSettings":
        c = credentials or {}
        common = CommonSettings.load(c)
        token = _secret("TELEGRAM_TOKEN", _pick("TELEGRAM_TOKEN", c, "123456:dev-telegram-token"), common.production)
        secret = _secret(
            "TELEGRAM_SECRET_TOKEN", _pick("TELEGRAM_SECRET_TOKEN", c, "dev-telegram-secret"), common.production
        )
        return cls(
            common=common,
            token=token,
            secret_token=secret,
            api_base=(_pick("TELEGRAM_API_BASE", c, "https://api.telegram.org") or "").rstrip("/"),
            per_chat_interval=_float("TELEGRAM_PER_CHAT_INTERVAL", _pick("TELEGRAM_PER_CHAT_INTERVAL", c, "1.0")),
            global_rate=_float("TELEGRAM_GLOBAL_RATE", _pick("TELEGRAM_GLOBAL_RATE", c, "30")),
        )

    @property
    def webhook_url(self) -> str:
        return f"{self.common.public_url}/webhooks/telegram/webhook"


@dataclass(frozen=True)
class SmsSettings:
    common: CommonSettings
    account_sid: str
    auth_token: str
    from_number: str
    api_base: str
    twiml_deadline: float  # seconds a webhook waits for the reply before falling back to REST
    notifier_url: str = ""  # where delivery reports go on (bot/notifier); empty: kept here only
    notifier_token: str = "dev-notifier-token"

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]] = None) -> "SmsSettings":
        c = credentials or {}
        common = CommonSettings.load(c)
        return cls(
            common=common,
            account_sid=_pick("TWILIO_ACCOUNT_SID", c, "ACdev00000000000000000000000000000") or "",
            auth_token=_secret(
                "TWILIO_AUTH_TOKEN", _pick("TWILIO_AUTH_TOKEN", c, "dev-twilio-auth-token"), common.production
            ),
            from_number=_pick("TWILIO_FROM_NUMBER", c, "+15005550006") or "",
            api_base=(_pick("TWILIO_API_BASE", c, "https://api.twilio.com") or "").rstrip("/"),
            twiml_deadline=_float("SMS_TWIML_DEADLINE", _pick("SMS_TWIML_DEADLINE", c, "4.0")),
            notifier_url=(_pick("NOTIFIER_URL", c, "") or "").rstrip("/"),
            notifier_token=_secret("NOTIFIER_TOKEN", _pick("NOTIFIER_TOKEN", c, "dev-notifier-token"), common.production),
        )

    @property
    def webhook_url(self) -> str:
        return f"{self.common.public_url}/webhooks/twilio/webhook"

    @property
    def status_callback_url(self) -> str:
        return f"{self.common.public_url}/webhooks/twilio/status"


@dataclass(frozen=True)
class InternalChannelSettings:
    """The internal turn channel (minwon_rasa/internal_channel.py): the bearer token its callers (the channel
    edge, tests, benchmarks) send. A token of its own, not RASA_TOKEN: running a turn must not also open
    Rasa's whole HTTP API (tracker rewrites, model replacement) to the edge."""

    token: str

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]] = None) -> "InternalChannelSettings":
        c = credentials or {}
        production = os.environ.get("MINWON_ENV", "development") == "production"
        return cls(token=_secret(
            "INTERNAL_CHANNEL_TOKEN", _pick("INTERNAL_CHANNEL_TOKEN", c, "dev-internal-channel-token"), production
        ))
