"""Business hours of the call centre: weekdays, opening times, Korean public holidays, in one time zone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.desk.errors import InvalidRequest

DEFAULT_HOLIDAYS_FILE = Path(__file__).with_name("holidays_kr.txt")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def load_holidays(path: Path) -> frozenset[dt.date]:
    days = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            days.add(dt.date.fromisoformat(text))
        except ValueError:
            raise InvalidRequest(f"{path}:{number}: not an ISO date: {text!r}") from None
    return frozenset(days)


def parse_days(spec: str) -> frozenset[int]:
    """'mon-fri' or 'mon,wed,sat' -> weekday numbers (Monday = 0)."""
    days: set[int] = set()
    for part in spec.lower().replace(" ", "").split(","):
        if "-" in part:
            start, end = (WEEKDAYS.index(p) for p in part.split("-", 1))
            days.update(range(start, end + 1))
        elif part:
            days.add(WEEKDAYS.index(part))
    return frozenset(days)


def parse_span(spec: str) -> tuple[dt.time, dt.time]:
    """'09:00-18:00' -> (09:00, 18:00)."""
    start, end = spec.split("-", 1)
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


@dataclass(frozen=True)
class BusinessHours:
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(18, 0)
    days: frozenset[int] = frozenset(range(5))
    timezone: str = "Asia/Seoul"
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    always_open: bool = False  # a 24/7 centre (or a demo) ignores all of the above

    def local(self, now: dt.datetime) -> dt.datetime:
        return now.astimezone(ZoneInfo(self.timezone))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def is_open(self, now: dt.datetime) -> bool:
        if self.always_open:
            return True
        local = self.local(now)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """When the next shift starts (now itself when open), as an aware datetime in the desk's zone."""
        local = self.local(now)
        if self.is_open(now):
            return local
        day = local.date()
        if self.is_working_day(day) and local.time() < self.opens:
            return dt.datetime.combine(day, self.opens, ZoneInfo(self.timezone))
        for _ in range(400):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                return dt.datetime.combine(day, self.opens, ZoneInfo(self.timezone))
        raise InvalidRequest("no working day within a year: check DESK_DAYS and the holiday list")
