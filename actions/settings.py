"""Settings of the action server: environment first, typed, errors that name the key."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

PLACEHOLDER_PREFIX = "dev-"
CALL_CENTRE_NUMBER = "110"  # 정부민원안내콜센터


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment key."""


def _str(key: str, default: str) -> str:
    return os.environ.get(key) or default


def _float(key: str, default: float) -> float:
    raw = os.environ.get(key)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from None


def _int(key: str, default: int) -> int:
    raw = os.environ.get(key)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def _seconds_list(key: str, default: str) -> tuple:
    raw = os.environ.get(key)
    raw = default if raw is None else raw
    try:
        values = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{key} must be comma-separated seconds (e.g. 60,180,600), got {raw!r}") from None
    if any(value <= 0 for value in values):
        raise SettingsError(f"{key} must hold positive seconds, got {raw!r}")
    return values


@dataclass(frozen=True)
class ActionSettings:
    env: str
    govapi_url: str
    govapi_service_token: str
    govapi_timeout_s: float      # whole request, so a slow govapi never holds a turn
    govapi_connect_timeout_s: float
    govapi_get_retries: int      # only safe GETs are retried
    handoff_url: Optional[str]
    handoff_token: str
    handoff_timeout_s: float
    action_port: int
    timezone: str
    # A kept request (govapi down) is retried by itself after each of these pauses while the citizen is
    # silent; empty: only with the citizen's next message.
    pending_retry_delays_s: tuple = ()

    @property
    def production(self) -> bool:
        return self.env == "production"


def load_settings() -> ActionSettings:
    settings = ActionSettings(
        env=_str("MINWON_ENV", "development"),
        govapi_url=_str("GOVAPI_URL", "http://127.0.0.1:8100").rstrip("/"),
        govapi_service_token=_str("GOVAPI_SERVICE_TOKEN", "dev-service-token"),
        govapi_timeout_s=_float("GOVAPI_TIMEOUT_S", 4.0),
        govapi_connect_timeout_s=_float("GOVAPI_CONNECT_TIMEOUT_S", 1.0),
        govapi_get_retries=_int("GOVAPI_GET_RETRIES", 2),
        handoff_url=(os.environ.get("HANDOFF_URL") or "").rstrip("/") or None,
        handoff_token=_str("HANDOFF_TOKEN", "dev-handoff-token"),
        handoff_timeout_s=_float("HANDOFF_TIMEOUT_S", 3.0),
        action_port=_int("ACTION_PORT", 5055),
        timezone=_str("MINWON_TIMEZONE", "Asia/Seoul"),
        pending_retry_delays_s=_seconds_list("PENDING_RETRY_DELAYS_S", "60,180,600,1800"),
    )
    if settings.production:
        for key, value in (("GOVAPI_SERVICE_TOKEN", settings.govapi_service_token),
                           ("HANDOFF_TOKEN", settings.handoff_token)):
            if value.startswith(PLACEHOLDER_PREFIX):
                raise SettingsError(f"{key} still holds the development placeholder; set a real secret in production")
    return settings
