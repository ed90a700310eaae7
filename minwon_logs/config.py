"""`setup(service)`: one handler on the root logger, JSON or text as MINWON_LOG_FORMAT says."""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from typing import IO, Mapping, Optional, Sequence

from minwon_logs.context import DEV_SALT, SALT_KEY, use_salt
from minwon_logs.formatting import JsonFormatter, TextFormatter

FORMAT_KEY = "MINWON_LOG_FORMAT"
FORMATS = ("json", "text")


class LogSettingsError(ValueError):
    """A log setting is missing or wrong; the message names the environment key."""


@dataclass(frozen=True)
class LogSettings:
    format: str  # MINWON_LOG_FORMAT: json | text (default json in production, text elsewhere)
    salt: str    # MINWON_LOG_SALT: HMAC key of conversation references, the same in every process

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "LogSettings":
        env = os.environ if env is None else env
        production = env.get("MINWON_ENV", "development") == "production"
        fmt = (env.get(FORMAT_KEY) or ("json" if production else "text")).strip().lower()
        if fmt not in FORMATS:
            raise LogSettingsError(f"{FORMAT_KEY} must be json or text, got {fmt!r}")
        salt = env.get(SALT_KEY) or DEV_SALT
        if production and (salt == DEV_SALT or salt.startswith("dev-") or len(salt) < 16):
            # With a known key, a phone number's reference could be found by trying every number.
            raise LogSettingsError(f"{SALT_KEY} must be a secret of 16 characters or more in production")
        return cls(format=fmt, salt=salt)


def formatter(service: Optional[str] = None, fmt: Optional[str] = None) -> logging.Formatter:
    """The formatter a process of `service` uses (also usable from a logging dictConfig: `()`)."""
    chosen = fmt or LogSettings.from_env().format
    return JsonFormatter(service) if chosen == "json" else TextFormatter(service)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (test runners swap it while a process runs)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:
        pass


def _is_console_handler(handler: logging.Handler) -> bool:
    if isinstance(handler, _StderrHandler):
        return True
    return (isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
            and getattr(handler, "stream", None) in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__))


def setup(service: str, *, level: Optional[str] = "INFO", settings: Optional[LogSettings] = None,
          stream: Optional[IO[str]] = None, adopt: Sequence[str] = ()) -> logging.Handler:
    """Log every record of this process through one handler in the chosen format (stderr by default).

    Console handlers already on the root logger (basicConfig's, Rasa's coloured one) are replaced; other
    handlers (files, a test's capture) stay. `adopt` names loggers that do not propagate and keep their
    own handlers (Sanic's): they get this handler instead. `level=None` keeps the root level as it is.
    """
    settings = settings or LogSettings.from_env()
    use_salt(settings.salt)
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(formatter(service, settings.format))
    root = logging.getLogger()
    for old in [h for h in root.handlers if _is_console_handler(h)]:
        root.removeHandler(old)
    root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    logging.captureWarnings(True)  # Python's warnings become lines of the same format ("py.warnings")
    for name in adopt:
        named = logging.getLogger(name)
        for old in [h for h in named.handlers if _is_console_handler(h)]:
            named.removeHandler(old)
        named.addHandler(handler)
    return handler
