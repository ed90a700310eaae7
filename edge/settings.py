"""The edge's one settings parser: the environment, with the same names (and development defaults) as
the removed connectors/settings.py, so the launchers pass the same variables. `MINWON_ENV=production` refuses the
development secrets.

New here (the edge is its own process): `EDGE_HOST` (127.0.0.1), `EDGE_PORT` (5006), `RASA_URL`
(http://127.0.0.1:5005: where the internal turn channel is), `EDGE_RASA_TIMEOUT_S` (60: one turn's answer).
`CONNECTORS_PUBLIC_URL` now defaults to the edge's own address (it was Rasa's, when Rasa served the channels).
There is no credentials.yml any more: the environment is the only source.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Mapping, Optional

from edge.errors import SettingsError

PLACEHOLDER_SECRETS = frozenset({
    "dev-telegram-secret", "dev-twilio-auth-token", "123456:dev-telegram-token", "dev-outbound-token",
    "dev-internal-channel-token", "dev-notifier-token", "",
})


def _env(environ: Mapping[str, str], key: str, default: str) -> str:
    value = environ.get(key)
    return default if value is None or value == "" else value


def env_float(key: str, default: str, environ: Optional[Mapping[str, str]] = None) -> float:
    raw = _env(os.environ if environ is None else environ, key, default)
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from None


def _int(environ: Mapping[str, str], key: str, default: str) -> int:
    raw = _env(environ, key, default)
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def _secret(environ: Mapping[str, str], key: str, default: str, production: bool) -> str:
    value = _env(environ, key, default)
    if production and value in PLACEHOLDER_SECRETS:
        raise SettingsError(f"{key} must be set to a real secret when MINWON_ENV=production")
    return value


@dataclass(frozen=True)
class InboxSettings:
    lease_s: float = 5.0  # CONNECTORS_INBOX_LEASE_S: an instance silent this long is dead; its messages move
    max_age_s: float = 86400.0  # CONNECTORS_INBOX_MAX_AGE_S: a message not run by then is dropped (Telegram: ~1 day)
    max_wait_s: float = 600.0  # CONNECTORS_INBOX_MAX_WAIT_S: longest wait for earlier messages of the conversation

    @classmethod
    def load(cls, environ: Optional[Mapping[str, str]] = None) -> "InboxSettings":
        settings = cls(
            lease_s=env_float("CONNECTORS_INBOX_LEASE_S", "5", environ),
            max_age_s=env_float("CONNECTORS_INBOX_MAX_AGE_S", "86400", environ),
            max_wait_s=env_float("CONNECTORS_INBOX_MAX_WAIT_S", "600", environ),
        )
        if settings.lease_s < 1:
            raise SettingsError("CONNECTORS_INBOX_LEASE_S must be at least 1 (seconds)")
        return settings


@dataclass(frozen=True)
class TelegramSettings:
    token: str = "123456:dev-telegram-token"
    secret_token: str = "dev-telegram-secret"
    api_base: str = "https://api.telegram.org"
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    global_rate: float = 30.0  # messages per second over all chats


@dataclass(frozen=True)
class SmsSettings:
    account_sid: str = "ACdev00000000000000000000000000000"
    auth_token: str = "dev-twilio-auth-token"
    from_number: str = "+15005550006"
    api_base: str = "https://api.twilio.com"
    twiml_deadline: float = 4.0  # seconds a webhook waits for the reply before falling back to REST
    notifier_url: str = ""  # where delivery reports go on (bot/notifier); empty: kept here only
    notifier_token: str = "dev-notifier-token"


@dataclass(frozen=True)
class EdgeSettings:
    production: bool = False
    host: str = "127.0.0.1"
    port: int = 5006
    public_url: str = "http://127.0.0.1:5006"  # where Telegram/Twilio reach the edge (signatures, short links)
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "minwon:ch:"
    outbound_token: str = "dev-outbound-token"  # bearer token of the /outbound routes (console, notifier, Rasa)
    handoff_prefix: str = "minwon:handoff:"  # the desk's keys: <prefix>active:<conversation>, <prefix>inbox
    stats_prefix: str = "minwon:stats:"  # <prefix>conversations:<UTC date> HyperLogLog (dashboard)
    rasa_url: str = "http://127.0.0.1:5005"
    internal_channel_token: str = "dev-internal-channel-token"
    rasa_timeout_s: float = 60.0
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    inbox: InboxSettings = field(default_factory=InboxSettings)
    # EDGE_TRUSTED_PROXIES: addresses or networks whose X-Forwarded-For is believed (the load balancer); a client
    # elsewhere is its own address. Default: loopback, where the local HAProxy runs.
    trusted_proxies: tuple = ("127.0.0.1/32", "::1/128")
    short_link_rate: int = 30  # EDGE_SHORT_LINK_RATE: /s/ requests per client address per minute (then 429)

    @property
    def short_link_base(self) -> str:
        return f"{self.public_url}/s/"

    @property
    def telegram_webhook_url(self) -> str:
        return f"{self.public_url}/webhooks/telegram/webhook"

    @property
    def sms_webhook_url(self) -> str:
        return f"{self.public_url}/webhooks/twilio/webhook"

    @property
    def sms_status_callback_url(self) -> str:
        return f"{self.public_url}/webhooks/twilio/status"


def load_settings(environ: Optional[Mapping[str, str]] = None) -> EdgeSettings:
    env = os.environ if environ is None else environ
    production = env.get("MINWON_ENV", "development") == "production"
    port = _int(env, "EDGE_PORT", "5006")
    if not 0 < port < 65536:
        raise SettingsError(f"EDGE_PORT must be a TCP port, got {port}")
    telegram = TelegramSettings(
        token=_secret(env, "TELEGRAM_TOKEN", "123456:dev-telegram-token", production),
        secret_token=_secret(env, "TELEGRAM_SECRET_TOKEN", "dev-telegram-secret", production),
        api_base=_env(env, "TELEGRAM_API_BASE", "https://api.telegram.org").rstrip("/"),
        per_chat_interval=env_float("TELEGRAM_PER_CHAT_INTERVAL", "1.0", env),
        global_rate=env_float("TELEGRAM_GLOBAL_RATE", "30", env),
    )
    sms = SmsSettings(
        account_sid=_env(env, "TWILIO_ACCOUNT_SID", "ACdev00000000000000000000000000000"),
        auth_token=_secret(env, "TWILIO_AUTH_TOKEN", "dev-twilio-auth-token", production),
        from_number=_env(env, "TWILIO_FROM_NUMBER", "+15005550006"),
        api_base=_env(env, "TWILIO_API_BASE", "https://api.twilio.com").rstrip("/"),
        twiml_deadline=env_float("SMS_TWIML_DEADLINE", "4.0", env),
        notifier_url=_env(env, "NOTIFIER_URL", "").rstrip("/"),
        notifier_token=_secret(env, "NOTIFIER_TOKEN", "dev-notifier-token", production),
    )
    host = _env(env, "EDGE_HOST", "127.0.0.1")
    return EdgeSettings(
        production=production,
        host=host,
        port=port,
        public_url=_env(env, "CONNECTORS_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        redis_url=_env(env, "REDIS_URL", "redis://127.0.0.1:6379/0"),
        redis_prefix=_env(env, "CONNECTORS_REDIS_PREFIX", "minwon:ch:"),
        outbound_token=_secret(env, "CHANNEL_OUTBOUND_TOKEN", "dev-outbound-token", production),
        handoff_prefix=_env(env, "HANDOFF_REDIS_PREFIX", "minwon:handoff:"),
        stats_prefix=_env(env, "STATS_REDIS_PREFIX", "minwon:stats:"),
        rasa_url=_env(env, "RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        internal_channel_token=_secret(env, "INTERNAL_CHANNEL_TOKEN", "dev-internal-channel-token", production),
        rasa_timeout_s=env_float("EDGE_RASA_TIMEOUT_S", "60", env),
        telegram=telegram,
        sms=sms,
        inbox=InboxSettings.load(env),
        trusted_proxies=_networks(env, "EDGE_TRUSTED_PROXIES", "127.0.0.1/32,::1/128"),
        short_link_rate=_positive(env, "EDGE_SHORT_LINK_RATE", "30"),
    )


def _networks(environ: Mapping[str, str], key: str, default: str) -> tuple:
    """A comma-separated list of addresses or networks ("10.0.0.0/8, 127.0.0.1"), checked and kept as text."""
    raw = environ.get(key, default)
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise SettingsError(f"{key} must list addresses or networks, got {item!r}") from None
    return tuple(networks)


def _positive(environ: Mapping[str, str], key: str, default: str) -> int:
    value = _int(environ, key, default)
    if value < 1:
        raise SettingsError(f"{key} must be at least 1, got {value}")
    return value
