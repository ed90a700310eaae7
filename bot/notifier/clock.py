"""The notifier's clock: real UTC time, or (development/tests only) a clock that starts at NOTIFIER_FAKE_NOW."""
from __future__ import annotations

import datetime as dt
import time

UTC = dt.timezone.utc


class Clock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self._start = start.astimezone(UTC) if start else None
        self._started_at = time.monotonic()

    def now(self) -> dt.datetime:
        if self._start is None:
            return dt.datetime.now(UTC)
        return self._start + dt.timedelta(seconds=time.monotonic() - self._started_at)
