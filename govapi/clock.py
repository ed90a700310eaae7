"""Time for govapi. Everything asks the clock, so tests can fix "today" and move time forward.

Dates that citizens see (due dates, deadlines, "as of") are Korean dates (Asia/Seoul);
instants are stored in UTC.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.timezone.utc


class Clock:
    """Real time; with `fixed_today` the day starts pinned (at the real time of day) and time runs on."""

    def __init__(self, fixed_today: dt.date | None = None) -> None:
        self._real_start = dt.datetime.now(UTC)
        if fixed_today is None:
            self._start = self._real_start
        else:
            local_time = self._real_start.astimezone(SEOUL).timetz()
            self._start = dt.datetime.combine(fixed_today, local_time).astimezone(UTC)
        self._offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return self._start + (dt.datetime.now(UTC) - self._real_start) + self._offset

    def today(self) -> dt.date:
        return self.now().astimezone(SEOUL).date()

    def advance(self, delta: dt.timedelta) -> None:
        """Move time forward (tests: code expiry, payment expiry, late fees)."""
        self._offset += delta


def to_seoul_iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(SEOUL).isoformat(timespec="seconds")
