"""govapi settings: environment first, typed, with development defaults.

Errors name the environment key. With MINWON_ENV=production placeholder secrets are refused.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping

from .errors import SettingsError

PLACEHOLDER_SECRETS = {
    "GOVAPI_SERVICE_TOKEN": "dev-service-token",
    "GOVAPI_ADMIN_TOKEN": "dev-admin-token",
    "PAYMENT_PROVIDER_SECRET": "dev-provider-secret",
    "GOVAPI_SECRET_KEY": "dev-govapi-secret-key",
}
SMS_BACKENDS = ("outbox", "twilio")


@dataclasses.dataclass(frozen=True)
class Settings:
    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8100
    database_url: str = "sqlite+aiosqlite:///var/govapi.sqlite3"
    service_token: str = PLACEHOLDER_SECRETS["GOVAPI_SERVICE_TOKEN"]
    admin_token: str = PLACEHOLDER_SECRETS["GOVAPI_ADMIN_TOKEN"]
    public_url: str = "http://127.0.0.1:8100"
    provider_callback_url: str | None = None
    provider_secret: str = PLACEHOLDER_SECRETS["PAYMENT_PROVIDER_SECRET"]
    secret_key: str = PLACEHOLDER_SECRETS["GOVAPI_SECRET_KEY"]
    sms_backend: str = "outbox"
    twilio_api_base: str = "https://api.twilio.com"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    agency_webhook_url: str | None = None
    today: dt.date | None = None
    auto_migrate: bool = False
    worker_interval: float = 2.0
    log_level: str = "INFO"
    citizen_token_ttl_minutes: int = 30
    verify_limit_per_phone: int = 5  # verifications started per phone per hour
    verify_limit_per_conversation: int = 10  # per conversation id per hour

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from None


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{key} must be 1/0/true/false, got {raw!r}")


def _date(env: Mapping[str, str], key: str) -> dt.date | None:
    raw = env.get(key)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a date like 2026-11-25, got {raw!r}") from None


def normalise_database_url(url: str) -> str:
    """Accept plain driver-less URLs too; govapi always talks async (asyncpg / aiosqlite)."""
    for plain, asynchronous in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return asynchronous + url[len(plain):]
    return url


def load_settings(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    env = os.environ if env is None else env
    d = Settings()
    values = dict(
        env=env.get("MINWON_ENV", d.env),
        host=env.get("GOVAPI_HOST", d.host),
        port=_int(env, "GOVAPI_PORT", d.port),
        database_url=normalise_database_url(env.get("GOVAPI_DATABASE_URL", d.database_url)),
        service_token=env.get("GOVAPI_SERVICE_TOKEN", d.service_token),
        admin_token=env.get("GOVAPI_ADMIN_TOKEN", d.admin_token),
        public_url=env.get("GOVAPI_PUBLIC_URL", d.public_url).rstrip("/"),
        provider_callback_url=env.get("GOVAPI_PROVIDER_CALLBACK_URL") or None,
        provider_secret=env.get("PAYMENT_PROVIDER_SECRET", d.provider_secret),
        secret_key=env.get("GOVAPI_SECRET_KEY", d.secret_key),
        sms_backend=env.get("GOVAPI_SMS_BACKEND", d.sms_backend),
        twilio_api_base=env.get("TWILIO_API_BASE", d.twilio_api_base).rstrip("/"),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        twilio_from_number=env.get("TWILIO_FROM_NUMBER", ""),
        agency_webhook_url=(env.get("GOVAPI_AGENCY_WEBHOOK_URL") or "").rstrip("/") or None,
        today=_date(env, "GOVAPI_TODAY"),
        auto_migrate=_bool(env, "GOVAPI_AUTO_MIGRATE", d.auto_migrate),
        worker_interval=_float(env, "GOVAPI_WORKER_INTERVAL", d.worker_interval),
        log_level=env.get("GOVAPI_LOG_LEVEL", d.log_level).upper(),
        citizen_token_ttl_minutes=_int(env, "GOVAPI_CITIZEN_TOKEN_TTL_MINUTES", d.citizen_token_ttl_minutes),
        verify_limit_per_phone=_int(env, "GOVAPI_VERIFY_LIMIT_PER_PHONE", d.verify_limit_per_phone),
        verify_limit_per_conversation=_int(env, "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION",
                                           d.verify_limit_per_conversation),
    )
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    if settings.sms_backend not in SMS_BACKENDS:
        raise SettingsError(f"GOVAPI_SMS_BACKEND must be one of {SMS_BACKENDS}, got {settings.sms_backend!r}")
    if settings.sms_backend == "twilio":
        for key, value in (
            ("TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
            ("TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
            ("TWILIO_FROM_NUMBER", settings.twilio_from_number),
        ):
            if not value:
                raise SettingsError(f"{key} is required when GOVAPI_SMS_BACKEND=twilio")
    if not settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError("GOVAPI_DATABASE_URL must be sqlite+aiosqlite:// or postgresql+asyncpg://")
    if settings.is_production:
        for key, attr in (
            ("GOVAPI_SERVICE_TOKEN", "service_token"),
            ("GOVAPI_ADMIN_TOKEN", "admin_token"),
            ("PAYMENT_PROVIDER_SECRET", "provider_secret"),
            ("GOVAPI_SECRET_KEY", "secret_key"),
        ):
            value = getattr(settings, attr)
            if value == PLACEHOLDER_SECRETS[key] or len(value) < 16:
                raise SettingsError(f"{key} must be set to a real secret (16+ characters) in production")
        if settings.sms_backend == "outbox":
            raise SettingsError("GOVAPI_SMS_BACKEND=outbox is for development; use twilio in production")
        if settings.today is not None:
            raise SettingsError("GOVAPI_TODAY must not be set in production")
    if settings.service_token == settings.admin_token:
        raise SettingsError("GOVAPI_SERVICE_TOKEN and GOVAPI_ADMIN_TOKEN must differ")
