"""Settings of bot/ (launcher, console, notifier): environment first, typed, errors that name the key."""
from __future__ import annotations

import os
from dataclasses import dataclass

PLACEHOLDER_PREFIX = "dev-"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment key."""


def _int(key: str, default: int) -> int:
    raw = os.environ.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def _str(key: str, default: str) -> str:
    return os.environ.get(key) or default


@dataclass(frozen=True)
class LauncherSettings:
    env: str
    govapi_port: int
    rasa_port: int
    edge_port: int
    action_port: int
    console_port: int
    standins_port: int
    local_redis_port: int
    redis_url: str | None  # None: the launcher starts a project-local Redis
    rasa_token: str
    demo: bool

    @property
    def production(self) -> bool:
        return self.env == "production"


def launcher_settings() -> LauncherSettings:
    env = _str("MINWON_ENV", "development")
    settings = LauncherSettings(
        env=env,
        govapi_port=_int("GOVAPI_PORT", 8100),
        rasa_port=_int("RASA_PORT", 5005),
        edge_port=_int("EDGE_PORT", 5006),
        action_port=_int("ACTION_PORT", 5055),
        console_port=_int("CONSOLE_PORT", 8200),
        standins_port=_int("STANDINS_PORT", 8300),
        local_redis_port=_int("LOCAL_REDIS_PORT", 6380),
        redis_url=os.environ.get("REDIS_URL") or None,
        rasa_token=_str("RASA_TOKEN", "dev-rasa-token"),
        demo=_str("MINWON_DEMO", "1" if env != "production" else "0") == "1",
    )
    if settings.production and settings.rasa_token.startswith(PLACEHOLDER_PREFIX):
        raise SettingsError("RASA_TOKEN still holds the development placeholder; set a real secret in production")
    return settings
