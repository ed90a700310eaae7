"""Settings of bot/ (launcher, console, notifier): environment first, typed, errors that name the key."""
from __future__ import annotations

import os
from dataclasses import dataclass

PLACEHOLDER_PREFIX = "dev-"

# The environment every Rasa server starts with, whoever starts it (bot/launcher.py for `make run`,
# bot/launch_prod.py; deploy/docker/rasa.Dockerfile holds the same for Compose and Kubernetes, and
# tests/bot/deploy/test_rasa_runtime_env.py checks every topology). A value already in the environment wins,
# so a benchmark can measure another (`bench/load.py --env OPENBLAS_NUM_THREADS=0`: OpenBLAS's own default).
RASA_RUNTIME_ENV = {
    # numpy's and scipy's OpenBLAS start a worker thread per core that spins between the sentence encoder's small
    # matrix products: 30% of a Rasa process's CPU at saturation (py-spy, issue 14). One thread gives the same
    # parses (1,500 held-out and training sentences: at most 1.1e-15 apart) and 22.5 -> 25.8 turns/s at saturation.
    # Not OMP_NUM_THREADS: scikit-learn's OpenMP (libgomp) is loaded but starts no thread while Rasa parses (the
    # same 3 threads with and without it), and OpenBLAS falls back to it when OPENBLAS_NUM_THREADS is 0 or unset.
    # Not MKL_NUM_THREADS: no MKL in the Rasa environment (threadpoolctl lists two OpenBLAS and one libgomp).
    "OPENBLAS_NUM_THREADS": "1",
}


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
