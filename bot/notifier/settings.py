"""Notifier settings: environment first, typed, errors that name the key.

With MINWON_ENV=production placeholder secrets and the test clock are refused.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .errors import SettingsError

PLACEHOLDERS = {
    "NOTIFIER_TOKEN": "dev-notifier-token",
    "GOVAPI_ADMIN_TOKEN": "dev-admin-token",
    "CHANNEL_OUTBOUND_TOKEN": "dev-outbound-token",
    "RASA_TOKEN": "dev-rasa-token",
}


@dataclass(frozen=True)
class QuietHours:
    """A daily window (local time) in which nothing is sent; it may wrap midnight (21:00-08:00)."""

    start: dt.time
    end: dt.time

    def as_text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class NotifierSettings:
    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8400
    token: str = PLACEHOLDERS["NOTIFIER_TOKEN"]
    database_url: str = "sqlite+aiosqlite:///var/notifier.sqlite3"
    govapi_url: str = "http://127.0.0.1:8100"
    govapi_admin_token: str = PLACEHOLDERS["GOVAPI_ADMIN_TOKEN"]
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = PLACEHOLDERS["RASA_TOKEN"]
    outbound_token: str = PLACEHOLDERS["CHANNEL_OUTBOUND_TOKEN"]
    # Where each channel's outbound route lives (the channel edge: NOTIFIER_OUTBOUND_URL / CHANNEL_OUTBOUND_URL).
    outbound_base_url: str = "http://127.0.0.1:5005"
    timezone: str = "Asia/Seoul"
    sms_quiet_hours: QuietHours | None = QuietHours(dt.time(21), dt.time(8))
    poll_interval_s: float = 0.25
    poll_batch: int = 500
    dispatch_interval_s: float = 0.2
    send_concurrency: int = 32
    max_attempts: int = 8
    retry_base_s: float = 2.0
    retry_cap_s: float = 600.0
    http_timeout_s: float = 5.0
    fine_reminder_days: int = 3
    supplement_reminder_days: int = 3
    reminder_hour: int = 10  # local hour at which reminders go out
    # An automatic follow (the result of a change made in the conversation) ends at the case's final state or
    # after follow_days; its messages skip quiet hours while the citizen is likely still there (follow_live_s).
    follow_days: int = 30
    follow_live_s: float = 3600.0
    fake_now: dt.datetime | None = None  # development/tests only: the clock starts here

    @property
    def production(self) -> bool:
        return self.env == "production"

    def with_(self, **changes: object) -> NotifierSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from None


def parse_quiet_hours(text: str, key: str = "quiet_hours") -> QuietHours | None:
    """'21:00-08:00' -> QuietHours; 'off' or '' -> None."""
    text = text.strip()
    if text.lower() in ("", "off", "none"):
        return None
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise SettingsError(f"{key} must look like 21:00-08:00 or off, got {text!r}") from None
    if start == end:
        raise SettingsError(f"{key} must not start and end at the same time")
    return QuietHours(start, end)


def normalise_database_url(url: str) -> str:
    for plain, asynchronous in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return asynchronous + url[len(plain):]
    return url


def load_settings(env: Mapping[str, str] | None = None) -> NotifierSettings:
    env = os.environ if env is None else env
    d = NotifierSettings()
    fake_now = None
    if env.get("NOTIFIER_FAKE_NOW"):
        try:
            fake_now = dt.datetime.fromisoformat(env["NOTIFIER_FAKE_NOW"])
        except ValueError:
            raise SettingsError("NOTIFIER_FAKE_NOW must be an ISO date-time with offset") from None
        if fake_now.tzinfo is None:
            raise SettingsError("NOTIFIER_FAKE_NOW needs a UTC offset, e.g. 2026-11-25T23:00:00+09:00")
    settings = NotifierSettings(
        env=env.get("MINWON_ENV") or d.env,
        host=env.get("NOTIFIER_HOST") or d.host,
        port=_int(env, "NOTIFIER_PORT", d.port),
        token=env.get("NOTIFIER_TOKEN") or d.token,
        database_url=normalise_database_url(env.get("NOTIFIER_DATABASE_URL") or d.database_url),
        govapi_url=(env.get("GOVAPI_URL") or d.govapi_url).rstrip("/"),
        govapi_admin_token=env.get("GOVAPI_ADMIN_TOKEN") or d.govapi_admin_token,
        rasa_url=(env.get("RASA_URL") or d.rasa_url).rstrip("/"),
        rasa_token=env.get("RASA_TOKEN") or d.rasa_token,
        outbound_token=env.get("CHANNEL_OUTBOUND_TOKEN") or d.outbound_token,
        outbound_base_url=(env.get("NOTIFIER_OUTBOUND_URL") or env.get("CHANNEL_OUTBOUND_URL") or env.get("RASA_URL")
                           or d.outbound_base_url).rstrip("/"),
        timezone=env.get("MINWON_TIMEZONE") or d.timezone,
        sms_quiet_hours=(parse_quiet_hours(env["NOTIFIER_SMS_QUIET_HOURS"], "NOTIFIER_SMS_QUIET_HOURS")
                         if "NOTIFIER_SMS_QUIET_HOURS" in env else d.sms_quiet_hours),
        poll_interval_s=_float(env, "NOTIFIER_POLL_INTERVAL_S", d.poll_interval_s),
        poll_batch=_int(env, "NOTIFIER_POLL_BATCH", d.poll_batch),
        dispatch_interval_s=_float(env, "NOTIFIER_DISPATCH_INTERVAL_S", d.dispatch_interval_s),
        send_concurrency=_int(env, "NOTIFIER_SEND_CONCURRENCY", d.send_concurrency),
        max_attempts=_int(env, "NOTIFIER_MAX_ATTEMPTS", d.max_attempts),
        retry_base_s=_float(env, "NOTIFIER_RETRY_BASE_S", d.retry_base_s),
        retry_cap_s=_float(env, "NOTIFIER_RETRY_CAP_S", d.retry_cap_s),
        http_timeout_s=_float(env, "NOTIFIER_HTTP_TIMEOUT_S", d.http_timeout_s),
        fine_reminder_days=_int(env, "NOTIFIER_FINE_REMINDER_DAYS", d.fine_reminder_days),
        supplement_reminder_days=_int(env, "NOTIFIER_SUPPLEMENT_REMINDER_DAYS", d.supplement_reminder_days),
        reminder_hour=_int(env, "NOTIFIER_REMINDER_HOUR", d.reminder_hour),
        follow_days=_int(env, "NOTIFIER_FOLLOW_DAYS", d.follow_days),
        follow_live_s=_float(env, "NOTIFIER_FOLLOW_LIVE_S", d.follow_live_s),
        fake_now=fake_now,
    )
    validate(settings)
    return settings


def validate(settings: NotifierSettings) -> None:
    if not settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError("NOTIFIER_DATABASE_URL must be sqlite+aiosqlite:// or postgresql+asyncpg://")
    if not 0 <= settings.reminder_hour <= 23:
        raise SettingsError("NOTIFIER_REMINDER_HOUR must be between 0 and 23")
    if settings.send_concurrency < 1 or settings.poll_batch < 1 or settings.max_attempts < 1:
        raise SettingsError("NOTIFIER_SEND_CONCURRENCY, NOTIFIER_POLL_BATCH and NOTIFIER_MAX_ATTEMPTS must be >= 1")
    if settings.follow_days < 1 or settings.follow_live_s < 0:
        raise SettingsError("NOTIFIER_FOLLOW_DAYS must be >= 1 and NOTIFIER_FOLLOW_LIVE_S >= 0")
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(settings.timezone)
    except Exception:
        raise SettingsError(f"MINWON_TIMEZONE is not a known time zone: {settings.timezone!r}") from None
    if settings.production:
        for key, value in (
            ("NOTIFIER_TOKEN", settings.token),
            ("GOVAPI_ADMIN_TOKEN", settings.govapi_admin_token),
            ("CHANNEL_OUTBOUND_TOKEN", settings.outbound_token),
            ("RASA_TOKEN", settings.rasa_token),
        ):
            if value == PLACEHOLDERS[key] or len(value) < 16:
                raise SettingsError(f"{key} must be set to a real secret (16+ characters) in production")
        if settings.fake_now is not None:
            raise SettingsError("NOTIFIER_FAKE_NOW must not be set in production")
