"""Business days in Korea: weekends and public holidays (incl. substitute holidays) are not counted.

The legal processing deadline of a complaint counts business days from the day after filing
(민원 처리에 관한 법률: periods in days exclude public holidays and Saturdays).
Extend HOLIDAYS each year from the official calendar (관공서의 공휴일에 관한 규정).
"""
from __future__ import annotations

import datetime as dt

_D = dt.date
HOLIDAYS: frozenset[dt.date] = frozenset({
    # 2025
    _D(2025, 1, 1), _D(2025, 1, 27), _D(2025, 1, 28), _D(2025, 1, 29), _D(2025, 1, 30), _D(2025, 3, 1),
    _D(2025, 3, 3), _D(2025, 5, 5), _D(2025, 5, 6), _D(2025, 6, 3), _D(2025, 6, 6), _D(2025, 8, 15),
    _D(2025, 10, 3), _D(2025, 10, 5), _D(2025, 10, 6), _D(2025, 10, 7), _D(2025, 10, 8), _D(2025, 10, 9),
    _D(2025, 12, 25),
    # 2026
    _D(2026, 1, 1), _D(2026, 2, 16), _D(2026, 2, 17), _D(2026, 2, 18), _D(2026, 3, 1), _D(2026, 3, 2),
    _D(2026, 5, 5), _D(2026, 5, 24), _D(2026, 5, 25), _D(2026, 6, 3), _D(2026, 6, 6), _D(2026, 8, 15),
    _D(2026, 8, 17), _D(2026, 9, 24), _D(2026, 9, 25), _D(2026, 9, 26), _D(2026, 10, 3), _D(2026, 10, 5),
    _D(2026, 10, 9), _D(2026, 12, 25),
    # 2027
    _D(2027, 1, 1), _D(2027, 2, 6), _D(2027, 2, 7), _D(2027, 2, 8), _D(2027, 2, 9), _D(2027, 3, 1),
    _D(2027, 5, 5), _D(2027, 5, 13), _D(2027, 6, 6), _D(2027, 8, 15), _D(2027, 8, 16), _D(2027, 9, 14),
    _D(2027, 9, 15), _D(2027, 9, 16), _D(2027, 10, 3), _D(2027, 10, 4), _D(2027, 10, 9), _D(2027, 10, 11),
    _D(2027, 12, 25), _D(2027, 12, 27),
})


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The date `days` business days after `start` (start itself is not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day
