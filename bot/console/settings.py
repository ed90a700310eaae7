"""Settings of the console and its handoff desk: environment first, typed, errors that name the key."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.desk.hours import DEFAULT_HOLIDAYS_FILE, BusinessHours, load_holidays, parse_days, parse_span
from bot.desk.keys import DEFAULT_NAMESPACE

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER_PREFIX = "dev-"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment key."""


def _str(env: dict[str, str], key: str, default: str) -> str:
    return env.get(key) or default


def _int(env: dict[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def default_password_checks() -> int:
    """argon2 checks at once; a login beyond them gets a 429 at once, not a queue. Each check spreads its 4 lanes
    over ~1.5 cores for ~0.12 s, so half the cores: on 2 cores one check at a time kept handoff p95 during a login
    flood at 50-60 ms against 85-96 ms with two (bench/desk.py --login-flood)."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


@dataclass(frozen=True)
class ConsoleSettings:
    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8200
    instance: str = "console-1"  # consumer name in the inbox stream group; unique per running instance
    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'var' / 'console.sqlite3'}"
    redis_url: str = "redis://127.0.0.1:6379/0"
    namespace: str = DEFAULT_NAMESPACE
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = "dev-rasa-token"
    outbound_url: str = ""  # base of the edge's outbound routes (CHANNEL_OUTBOUND_URL); empty = RASA_URL
    outbound_token: str = "dev-outbound-token"
    govapi_url: str = "http://127.0.0.1:8100"
    govapi_admin_token: str = "dev-admin-token"
    handoff_token: str = "dev-handoff-token"
    session_idle_seconds: int = 1800
    session_max_seconds: int = 12 * 3600
    max_wait_seconds: int = 900  # queued longer than this: a callback ticket, the bot takes over again
    default_handle_seconds: int = 300
    position_notice_step: int = 3  # tell the citizen again when the position moved by this much
    hours: BusinessHours = field(default_factory=BusinessHours)
    seed_demo: bool = True
    secure_cookies: bool = False
    http_timeout_seconds: float = 5.0
    # The hand-back's two calls wait this long (a close is retried safely only once Rasa no longer runs the earlier
    # try: longer than the load balancer waits for Rasa, HAProxy's `timeout server` 65 s; bot/desk/service.py close)
    handback_timeout_seconds: float = 70.0
    takeover_idle_seconds: int = 24 * 3600  # a conversation silent longer than this is not live: no takeover
    password_checks: int = field(default_factory=default_password_checks)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def outbound_base(self) -> str:
        return (self.outbound_url or self.rasa_url).rstrip("/")


def console_settings(env: dict[str, str] | None = None) -> ConsoleSettings:
    env = dict(os.environ if env is None else env)
    mode = _str(env, "MINWON_ENV", "development")
    try:
        hours_span = parse_span(_str(env, "DESK_HOURS", "09:00-18:00"))
    except ValueError:
        raise SettingsError("DESK_HOURS must look like 09:00-18:00") from None
    try:
        days = parse_days(_str(env, "DESK_DAYS", "mon-fri"))
    except ValueError:
        raise SettingsError("DESK_DAYS must look like mon-fri or mon,wed,fri") from None
    holidays_file = Path(_str(env, "DESK_HOLIDAYS_FILE", str(DEFAULT_HOLIDAYS_FILE)))
    if not holidays_file.exists():
        raise SettingsError(f"DESK_HOLIDAYS_FILE: no such file {holidays_file}")
    hours = BusinessHours(
        opens=hours_span[0],
        closes=hours_span[1],
        days=days,
        timezone=_str(env, "DESK_TIMEZONE", "Asia/Seoul"),
        holidays=load_holidays(holidays_file),
        always_open=_str(env, "DESK_ALWAYS_OPEN", "0") == "1",
    )
    port = _int(env, "CONSOLE_PORT", 8200)
    settings = ConsoleSettings(
        env=mode,
        host=_str(env, "CONSOLE_HOST", "127.0.0.1"),
        port=port,
        instance=_str(env, "CONSOLE_INSTANCE", f"{os.uname().nodename}-{port}"),
        database_url=_str(env, "CONSOLE_DATABASE_URL", ConsoleSettings.database_url),
        redis_url=_str(env, "REDIS_URL", ConsoleSettings.redis_url),
        namespace=_str(env, "HANDOFF_REDIS_PREFIX", DEFAULT_NAMESPACE),
        rasa_url=_str(env, "RASA_URL", ConsoleSettings.rasa_url).rstrip("/"),
        rasa_token=_str(env, "RASA_TOKEN", ConsoleSettings.rasa_token),
        outbound_url=_str(env, "CHANNEL_OUTBOUND_URL", ""),
        outbound_token=_str(env, "CHANNEL_OUTBOUND_TOKEN", ConsoleSettings.outbound_token),
        govapi_url=_str(env, "GOVAPI_URL", ConsoleSettings.govapi_url).rstrip("/"),
        govapi_admin_token=_str(env, "GOVAPI_ADMIN_TOKEN", ConsoleSettings.govapi_admin_token),
        handoff_token=_str(env, "HANDOFF_TOKEN", ConsoleSettings.handoff_token),
        session_idle_seconds=_int(env, "CONSOLE_SESSION_IDLE_SECONDS", 1800),
        session_max_seconds=_int(env, "CONSOLE_SESSION_MAX_SECONDS", 12 * 3600),
        max_wait_seconds=_int(env, "DESK_MAX_WAIT_SECONDS", 900),
        default_handle_seconds=_int(env, "DESK_DEFAULT_HANDLE_SECONDS", 300),
        hours=hours,
        seed_demo=mode != "production" and _str(env, "CONSOLE_SEED_DEMO", "1") == "1",
        # Production always: a session cookie must never travel over plain HTTP there.
        secure_cookies=mode == "production" or _str(env, "CONSOLE_SECURE_COOKIES", "0") == "1",
        takeover_idle_seconds=_int(env, "DESK_TAKEOVER_IDLE_SECONDS", 24 * 3600),
    )
    if settings.production:
        for key, value in (("RASA_TOKEN", settings.rasa_token), ("CHANNEL_OUTBOUND_TOKEN", settings.outbound_token),
                           ("GOVAPI_ADMIN_TOKEN", settings.govapi_admin_token), ("HANDOFF_TOKEN", settings.handoff_token)):
            if value.startswith(PLACEHOLDER_PREFIX):
                raise SettingsError(f"{key} still holds the development placeholder; set a real secret in production")
        if settings.database_url.startswith("sqlite"):
            raise SettingsError("CONSOLE_DATABASE_URL must point at PostgreSQL in production")
    return settings
