"""Identifiers typed in free text: case numbers, phones, dates, one-time codes (pure functions).

Values come out normalised so the actions can pass them straight to govapi:
``ap2026000123`` -> ``AP-2026-000123``, ``010 1234 5678`` -> ``+821012345678``,
``1985년 3월 14일`` -> ``1985-03-14``. A numeric date whose year is at least ten years back is a
``birth_date``; a recent or future one is a ``date`` (e.g. the effective date of a move).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional

IDENTIFIER_ENTITIES = ("case_number", "phone", "birth_date", "otp_code", "date")


@dataclass(frozen=True)
class Found:
    entity: str
    value: str
    start: int
    end: int


_CASE = re.compile(
    r"(?<![A-Za-z0-9])(AP|CP|MV|FN|PY|RC)[-\s]?(\d{4})[-\s]?(\d{6})(?!\d)", re.IGNORECASE
)
_PHONE = re.compile(
    r"(?<![\d+])(?:\+\s?82[-\s.]?(?:\(0\))?0?|0)(1[016789])[-\s.)]?(\d{3,4})[-\s.]?(\d{4})(?!\d)"
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
    for m in [names]
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_YMD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-./]|년)\s*(\d{1,2})\s*(?:[-./]|월)\s*(\d{1,2})(?:\s*일)?(?!\d)"
)
_DATE_COMPACT = re.compile(r"(?<![\d-])((?:19|20)\d{2})(\d{2})(\d{2})(?![\d-])")
_DATE_MDY = re.compile(
    _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?!\d)", re.IGNORECASE
)
_DATE_DMY = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
_OTP = re.compile(r"(?<![\d-])\d{6}(?![\d-])")


def _case(m: re.Match) -> Optional[str]:
    return f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}"


def _phone(m: re.Match) -> Optional[str]:
    return f"+82{m.group(1)}{m.group(2)}{m.group(3)}"


def _iso(year: str, month: int, day: str) -> Optional[str]:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _ymd(m: re.Match) -> Optional[str]:
    return _iso(m.group(1), int(m.group(2)), m.group(3))


def _mdy(m: re.Match) -> Optional[str]:
    return _iso(m.group(3), _MONTHS[m.group(1).lower()[:3]], m.group(2))


def _dmy(m: re.Match) -> Optional[str]:
    return _iso(m.group(3), _MONTHS[m.group(2).lower()[:3]], m.group(1))


def _otp(m: re.Match) -> Optional[str]:
    return m.group(0)


# Order matters: earlier kinds win where matches overlap.
_KINDS: List[tuple] = [
    ("case_number", _CASE, _case),
    ("phone", _PHONE, _phone),
    ("date", _DATE_YMD, _ymd),
    ("date", _DATE_MDY, _mdy),
    ("date", _DATE_DMY, _dmy),
    ("date", _DATE_COMPACT, _ymd),
    ("otp_code", _OTP, _otp),
]


def find_identifiers(text: str, today: Optional[dt.date] = None) -> List[Found]:
    """All non-overlapping identifiers in ``text``, in reading order."""
    today = today or dt.date.today()
    found: List[Found] = []
    for entity, pattern, normalise in _KINDS:
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            value = normalise(m)
            if value is None:
                continue
            if entity == "date" and int(value[:4]) <= today.year - 10:
                entity_name = "birth_date"
            else:
                entity_name = entity
            found.append(Found(entity_name, value, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)
