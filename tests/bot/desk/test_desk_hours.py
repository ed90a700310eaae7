"""Business hours and Korean public holidays decide whether a person can answer now."""
import datetime as dt
from zoneinfo import ZoneInfo

from bot.desk.hours import DEFAULT_HOLIDAYS_FILE, BusinessHours, load_holidays, parse_days, parse_span

SEOUL = ZoneInfo("Asia/Seoul")
HOURS = BusinessHours(*parse_span("09:00-18:00"), parse_days("mon-fri"), "Asia/Seoul", load_holidays(DEFAULT_HOLIDAYS_FILE))


def seoul(*args):
    return dt.datetime(*args, tzinfo=SEOUL)


def test_a_weekday_afternoon_in_seoul_is_open_even_when_utc_is_still_morning():
    assert HOURS.is_open(seoul(2026, 11, 25, 14, 0))
    assert HOURS.is_open(dt.datetime(2026, 11, 25, 0, 30, tzinfo=dt.timezone.utc))  # 09:30 in Seoul


def test_evenings_and_weekends_are_closed():
    assert not HOURS.is_open(seoul(2026, 11, 25, 18, 0))
    assert not HOURS.is_open(seoul(2026, 11, 28, 11, 0))  # Saturday


def test_public_and_substitute_holidays_are_closed():
    assert not HOURS.is_open(seoul(2026, 9, 24, 10, 0))  # Chuseok (Thursday)
    assert not HOURS.is_open(seoul(2026, 10, 5, 10, 0))  # substitute for National Foundation Day
    assert not HOURS.is_open(seoul(2027, 2, 9, 10, 0))  # substitute for Seollal on a Sunday


def test_next_opening_skips_the_weekend_and_a_holiday_block():
    # Friday 2026-09-18 evening -> Monday 21st, 09:00
    assert HOURS.next_opening(seoul(2026, 9, 18, 19, 0)) == seoul(2026, 9, 21, 9, 0)
    # Wednesday 2026-09-23 evening -> Chuseok Thu/Fri/Sat, Sunday -> Monday 28th
    assert HOURS.next_opening(seoul(2026, 9, 23, 19, 0)) == seoul(2026, 9, 28, 9, 0)
    # early morning on a working day -> the same day
    assert HOURS.next_opening(seoul(2026, 11, 25, 7, 0)) == seoul(2026, 11, 25, 9, 0)


def test_the_built_in_list_covers_2026_and_2027():
    days = load_holidays(DEFAULT_HOLIDAYS_FILE)
    assert {d.year for d in days} == {2026, 2027}
    assert dt.date(2026, 2, 17) in days and dt.date(2027, 9, 15) in days


def test_a_configured_holiday_file_replaces_the_default(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2026-11-25  # centre closed for training\n")
    hours = BusinessHours(holidays=load_holidays(path))
    assert not hours.is_open(seoul(2026, 11, 25, 10, 0))
    assert hours.is_open(seoul(2026, 9, 24, 10, 0))


def test_always_open_ignores_hours():
    assert BusinessHours(always_open=True).is_open(seoul(2026, 12, 25, 3, 0))
