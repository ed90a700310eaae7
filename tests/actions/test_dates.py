"""The effective date of a move, typed in Korean or English, becomes the day the citizen meant."""
from datetime import date, timedelta

import pytest

from actions.dates import parse_date

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize("text, expected", [
    ("오늘", date(2026, 11, 25)),
    ("내일 이사해요", date(2026, 11, 26)),
    ("모레", date(2026, 11, 27)),
    ("다음 주 월요일", date(2026, 11, 30)),
    ("다음주 금요일에요", date(2026, 12, 4)),
    ("이번 주 금요일", date(2026, 11, 27)),
    ("토요일", date(2026, 11, 28)),
    ("12월 1일", date(2026, 12, 1)),
    ("1월 5일", date(2027, 1, 5)),          # already past this year: next year
    ("3일 후", date(2026, 11, 28)),
    ("2026년 12월 1일", date(2026, 12, 1)),
    ("12/1", date(2026, 12, 1)),
    ("2026-12-01", date(2026, 12, 1)),
    ("2026.12.01", date(2026, 12, 1)),
    ("낼 들어감", date(2026, 11, 26)),       # 낼 for 내일, in chat
    ("낼부터 들어가요", date(2026, 11, 26)),
])
def test_korean_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("today", date(2026, 11, 25)),
    ("Tomorrow", date(2026, 11, 26)),
    ("the day after tomorrow", date(2026, 11, 27)),
    ("next Monday", date(2026, 11, 30)),
    ("this Friday", date(2026, 11, 27)),
    ("on friday", date(2026, 11, 27)),
    ("Dec 1", date(2026, 12, 1)),
    ("December 1st", date(2026, 12, 1)),
    ("1 December", date(2026, 12, 1)),
    ("in 3 days", date(2026, 11, 28)),
    ("I move on 2026-12-01", date(2026, 12, 1)),
])
def test_english_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "언젠가", "soon", "2026-02-30", "13/45"])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_date(text, TODAY) is None


def test_next_weekday_on_that_weekday_means_next_week() -> None:
    monday = date(2026, 11, 30)
    assert parse_date("next Monday", monday) == date(2026, 12, 7)
    assert parse_date("월요일", monday) == date(2026, 12, 7)


def test_a_day_and_month_just_past_means_this_year_not_next() -> None:
    # A move is reported a few days after it happened: on 4 December, "1 December" is three days ago.
    december_4 = date(2026, 12, 4)
    for text in ("12월 1일", "Dec 1", "December 1", "1 December", "12/1"):
        assert parse_date(text, december_4) == date(2026, 12, 1), text
    assert parse_date("1월 5일", december_4) == date(2027, 1, 5)
    assert parse_date("Feb 29", date(2027, 3, 1)) == date(2028, 2, 29)  # the nearest leap day


@pytest.mark.parametrize("text,expected", [
    ("15일", date(2026, 12, 15)), ("the 15th", date(2026, 12, 15)), ("15일로 해주세요", date(2026, 12, 15)),
    ("3일", date(2026, 12, 3)), ("이사는 28일에 했어요", date(2026, 11, 28)), ("on the 1st", date(2026, 12, 1)),
    ("3일 전", date(2026, 12, 3)), ("2 days ago", date(2026, 12, 4)),
])
def test_a_day_of_the_month_alone_means_the_nearest_such_day(text: str, expected: date) -> None:
    # "make it the 15th" said on 6 December: this month's 15th; "28일" then: the one that just passed.
    assert parse_date(text, date(2026, 12, 6)) == expected


@pytest.mark.parametrize("text", ["14일 이내", "3일 동안", "15", "room 15"])
def test_a_number_of_days_or_a_bare_number_is_not_a_date(text: str) -> None:
    assert parse_date(text, date(2026, 12, 6)) is None


@pytest.mark.parametrize("text,days", [("tmrw", 1), ("2moro", 1), ("tommorow", 1), ("2day", 0), ("yday", -1)])
def test_days_as_typed_on_phones(text: str, days: int) -> None:
    assert parse_date(text, TODAY) == TODAY + timedelta(days=days)


def test_nael_alone_is_tomorrow_but_nael_gesseoyo_is_no_date() -> None:
    assert parse_date("낼", TODAY) == TODAY + timedelta(days=1)
    assert parse_date("낼게요", TODAY) is None  # "I'll pay"


def test_a_word_that_only_contains_a_day_word_is_no_date():
    # "잔금일" (the day the balance is paid) contains 금일 (today) but names no day
    assert parse_date("아 근데 잔금일이 아직 안 정해져서요.. 날짜 나오면 다시 올게요", date(2026, 12, 6)) is None
    assert parse_date("금일 이사했어요", date(2026, 12, 6)) == date(2026, 12, 6)


@pytest.mark.parametrize("text, expected", [
    # A move reported after it happened: the day already gone, never the one coming (TODAY is a Wednesday)
    ("지난 토요일에 이사했어요", date(2026, 11, 21)),
    ("저번주 토요일", date(2026, 11, 21)),
    ("지난주 수요일", date(2026, 11, 18)),
    ("지난 월요일", date(2026, 11, 23)),
    ("last saturday", date(2026, 11, 21)),
    ("last Saturday", date(2026, 11, 21)),
    ("last week's friday", date(2026, 11, 20)),
    ("this past monday", date(2026, 11, 23)),
    ("on sunday just gone", date(2026, 11, 22)),
    ("last wednesday", date(2026, 11, 18)),  # not today
])
def test_a_weekday_said_as_gone_is_the_latest_one_before_today(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("12.3", date(2026, 12, 3)),      # a month and day with a dot, as Koreans write them
    ("11.28일에 이사했어요", date(2026, 11, 28)),
    ("이번주 금욜", date(2026, 11, 27)),  # 금욜: 금요일 as typed on phones
    ("다음주 월욜", date(2026, 11, 30)),
])
def test_dotted_dates_and_short_weekdays(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_a_dotted_number_that_is_no_date_is_none() -> None:
    assert parse_date("1.5배", TODAY) is None
