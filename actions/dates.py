"""Natural-language dates in Korean and English, relative to a given day.

Understands: 오늘, 내일, 모레, 글피, 어제, 다음 주 월요일, 이번 주 금요일, 월요일, 3일 후, 12월 1일, 12/1, 2026-12-01,
2026년 12월 1일, today, tomorrow, day after tomorrow, yesterday, next Monday, this Friday, Monday, in 3 days,
Dec 1, 1 December, December 1st, 12.3, 금욜, 3일 전, 3 days ago, 지난 토요일, 지난주 금요일, last Saturday, last week's Friday, and a day of the month alone (15일, the 15th). A date without
a year (or without a month) means the closest such day, past or future.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from actions.korean_numbers import sino_numbers

_KO_WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_EN_WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
                "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
                "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
_EN_MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
              "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
              "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12}
_KO_RELATIVE = {"오늘": 0, "금일": 0, "내일": 1, "명일": 1, "모레": 2, "내일모레": 2, "글피": 3, "어제": -1, "그저께": -2}
_EN_RELATIVE = {"today": 0, "tomorrow": 1, "day after tomorrow": 2, "the day after tomorrow": 2, "yesterday": -1,
                # as typed on phones
                "tmrw": 1, "tmr": 1, "tmw": 1, "tomoz": 1, "2moro": 1, "2morrow": 1, "tomorow": 1, "tommorow": 1,
                "tommorrow": 1, "2day": 0, "tday": 0, "tdy": 0, "yday": -1, "yesterdy": -1}

_ISO = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*일?")
_KO_MONTH_DAY = re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_SLASH = re.compile(r"(?<![\d/.])(\d{1,2})\s*[/.]\s*(\d{1,2})(?![\d/.]|\s*(배|%|x\b|times))")  # "12/3", "12.3"
_EN_MONTH_FIRST = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_EN_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b")
_IN_DAYS = re.compile(r"(?:(?<![a-z])in\s+(\d{1,2})\s+days?|(\d{1,2})\s*일\s*(?:후|뒤))")
_NAEL = re.compile(r"^\s*낼\s*(이요|요|부터|로|로요|이에요|이예요)?\s*(이사\S*|들어\S*|입주\S*|옮\S*|가요|감|가)?\s*[.!~]*\s*$")
_DAYS_AGO = re.compile(r"(?:(\d{1,2})\s+days?\s+ago|(\d{1,2})\s*일\s*전)")
# A day of the month alone: "15일", "the 15th" (an English bare number is too often something else).
_KO_DAY = re.compile(r"(?<![\d월/.-])(\d{1,2})\s*일(?!\s*(?:후|뒤|전|이내|안에|동안|간))")
_EN_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_KO_WEEKDAY = re.compile(r"(다음\s*주|다다음\s*주|이번\s*주|금주|차주|지난\s*주|저번\s*주|전\s*주|지난|저번)?\s*([월화수목금토일])(?:요일|욜)")
_EN_WEEKDAY = re.compile(r"\b(next|this past|this coming|this|coming|last week'?s?|last|past|previous)?\s*("
                         + "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True)) + r")\b(\s+just gone)?")
PAST = -99  # a week offset that means the latest such day before today ("지난 토요일", "last Saturday")


# A day said only roughly ("이번 달 초쯤", "기억이 잘 안 나요", "sometime early this month"): no date, and the citizen
# should hear that the exact day is needed.
VAGUE_DATE = re.compile(r"(쯤|초순|중순|하순|월\s*초|월\s*말|달\s*초|달\s*말|언젠가|기억이?\s*(잘\s*)?안|기억\s*못|모르겠|"
                        r"정확히(는|\s*몰)|대략|\baround\b|\bsometime\b|\bearly (this|last|next)\b|\bmid[- ]|"
                        r"\bend of (the|this|last) month\b|\bbeginning of\b|\b(don'?t|can'?t|do not|cannot) remember\b|"
                        r"\bnot sure\b|\broughly\b|\bapproximately\b|\bidk\b|\bforgot\b)", re.IGNORECASE)


def _safe(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_day_month(today: date, month: int, day: int) -> Optional[date]:
    """The such day closest to today, last year, this year or next (a tie goes to the future): a move is
    reported within days after it happens ("12월 1일" said on 12월 4일) or planned ahead ("1월 5일" in
    November), never a year away."""
    candidates = [d for d in (_safe(today.year + k, month, day) for k in (-1, 0, 1)) if d is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - today).days), d < today))


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_date(text: str, today: date) -> Optional[date]:
    """Return the date the text names, or None when it names none."""
    if not text:
        return None
    raw = sino_numbers(text).strip()  # dictated: "십이월 오일"
    low = re.sub(r"\s+", " ", raw.lower())

    match = _ISO.search(low)
    if match:
        return _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _KO_MONTH_DAY.search(low)
    if match:
        return _nearest_day_month(today, int(match.group(1)), int(match.group(2)))

    if _NAEL.match(low):
        return today + timedelta(days=1)  # "낼" said for 내일 (not "낼게요", I'll pay)
    for word in sorted(_KO_RELATIVE, key=len, reverse=True):
        # 금일/명일 only as words of their own: "잔금일" (balance day), "입금일", "설명일" name no day
        if re.search(("(?<![가-힣])" if word in ("금일", "명일") else "") + word, low):
            return today + timedelta(days=_KO_RELATIVE[word])
    for phrase in sorted(_EN_RELATIVE, key=len, reverse=True):
        if re.search(r"\b" + phrase + r"\b", low):
            return today + timedelta(days=_EN_RELATIVE[phrase])

    match = _IN_DAYS.search(low)
    if match:
        return today + timedelta(days=int(match.group(1) or match.group(2)))

    match = _DAYS_AGO.search(low)
    if match:
        return today - timedelta(days=int(match.group(1) or match.group(2)))

    match = _KO_WEEKDAY.search(low)
    if match:
        offset = _ko_week_offset(match.group(1))
        if offset is None and _KO_PAST.search(low):
            offset = PAST  # "토요일에 이사했어요": the Saturday gone, not the one coming
        return _weekday(today, _KO_WEEKDAYS[match.group(2)], offset)
    match = _EN_WEEKDAY.search(low)
    if match:
        qualifier = (match.group(1) or "").replace("'", "")
        offset = {"next": 1, "this": 0, "last weeks": -1, "last week": -1}.get(qualifier)
        if qualifier in ("last", "past", "this past", "previous") or match.group(3):
            offset = PAST
        return _weekday(today, _EN_WEEKDAYS[match.group(2)], offset)

    match = _EN_MONTH_FIRST.search(low)
    if match and match.group(1) in _EN_MONTHS:
        return _nearest_day_month(today, _EN_MONTHS[match.group(1)], int(match.group(2)))
    match = _EN_DAY_FIRST.search(low)
    if match and match.group(2) in _EN_MONTHS:
        return _nearest_day_month(today, _EN_MONTHS[match.group(2)], int(match.group(1)))
    match = _SLASH.search(low)
    if match:
        return _nearest_day_month(today, int(match.group(1)), int(match.group(2)))
    match = _KO_DAY.search(low) or _EN_DAY.search(low)
    if match:
        return _nearest_day(today, int(match.group(1)))
    return None


# A move told as done: "이사했어요", "들어왔는데", "옮겼습니다".
_KO_PAST = re.compile(r"(했|왔|갔|옮겼|됐)(어요|어|는데|고|습니다|다|음|죠)")


def _nearest_day(today: date, day: int) -> Optional[date]:
    """The day of last, this or next month closest to today (a tie goes to the future)."""
    months = [(today.year + (today.month - 2 + k) // 12, (today.month - 2 + k) % 12 + 1) for k in (0, 1, 2)]
    candidates = [d for d in (_safe(y, m, day) for y, m in months) if d is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - today).days), d < today))


def _ko_week_offset(qualifier: Optional[str]) -> Optional[int]:
    if not qualifier:
        return None
    q = qualifier.replace(" ", "")
    if q == "다다음주":
        return 2
    if q in ("다음주", "차주"):
        return 1
    if q in ("지난주", "저번주", "전주"):
        return -1
    if q in ("지난", "저번"):
        return PAST
    return 0


def _weekday(today: date, weekday: int, week_offset: Optional[int]) -> date:
    """week_offset None: the next such day (today excluded); PAST: the latest one before today; -1, 0, 1: last,
    this or next week's (Monday-based)."""
    if week_offset == PAST:
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if week_offset is None:
        days = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=days)
    return _week_start(today) + timedelta(weeks=week_offset, days=weekday)
