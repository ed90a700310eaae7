"""Rules without a server: late fees, business days, case numbers, settings."""
from __future__ import annotations

import datetime as dt

import pytest

from govapi.calendar_kr import add_business_days, is_business_day
from govapi.errors import SettingsError
from govapi.fees import amount_owed
from govapi.numbers import normalise_number
from govapi.settings import load_settings

D = dt.date


@pytest.mark.parametrize("as_of,late_fee", [
    (D(2026, 10, 1), 0),          # on the due date
    (D(2026, 10, 2), 1200),       # the day after: 3%
    (D(2026, 10, 31), 1200),      # not yet a full month
    (D(2026, 11, 1), 1680),       # one month: 3% + 1.2%
    (D(2027, 10, 1), 6960),       # twelve months: 3% + 14.4%
    (D(2040, 1, 1), 30000),       # capped at 60 months: 3% + 72% = 75%
])
def test_late_fee_rule(as_of: dt.date, late_fee: int) -> None:
    owed = amount_owed(40000, D(2026, 10, 1), as_of)
    assert owed.late_fee == late_fee and owed.amount_due == 40000 + late_fee
    assert owed.overdue == (as_of > D(2026, 10, 1))


def test_late_fee_is_rounded_down_to_ten_won() -> None:
    assert amount_owed(33333, D(2026, 1, 1), D(2026, 1, 2)).late_fee == 990  # 999.99 -> 990


def test_business_days_skip_weekends_and_chuseok() -> None:
    assert not is_business_day(D(2026, 9, 25))  # Chuseok
    assert not is_business_day(D(2026, 11, 28))  # Saturday
    # Tue 2026-09-22 + 3 business days: Wed 23, (Chuseok Thu 24 - Sat 26, Sun 27), Mon 28, Tue 29
    assert add_business_days(D(2026, 9, 22), 3) == D(2026, 9, 29)


@pytest.mark.parametrize("typed,number", [
    ("AP-2026-000123", "AP-2026-000123"), ("ap2026000123", "AP-2026-000123"), (" cp-2026-000001 ", "CP-2026-000001"),
    ("AP-26-000123", None), ("XX-2026-000123", None), ("AP-2026-0001234", None),
])
def test_case_numbers_are_recognised(typed: str, number: str | None) -> None:
    assert normalise_number(typed) == number


def test_settings_errors_name_the_key() -> None:
    with pytest.raises(SettingsError, match="GOVAPI_PORT"):
        load_settings({"GOVAPI_PORT": "eighty"})
    with pytest.raises(SettingsError, match="GOVAPI_TODAY"):
        load_settings({"GOVAPI_TODAY": "2026-02-30"})
    with pytest.raises(SettingsError, match="TWILIO_ACCOUNT_SID"):
        load_settings({"GOVAPI_SMS_BACKEND": "twilio"})


def test_production_refuses_placeholder_secrets() -> None:
    with pytest.raises(SettingsError, match="GOVAPI_SERVICE_TOKEN"):
        load_settings({"MINWON_ENV": "production"})
    real = {"MINWON_ENV": "production", "GOVAPI_SERVICE_TOKEN": "s" * 32, "GOVAPI_ADMIN_TOKEN": "a" * 32,
            "PAYMENT_PROVIDER_SECRET": "p" * 32, "GOVAPI_SECRET_KEY": "k" * 32, "GOVAPI_SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM_NUMBER": "+15005550006"}
    assert load_settings(real).is_production


def test_environment_comes_first_and_urls_are_made_async() -> None:
    settings = load_settings({"GOVAPI_DATABASE_URL": "postgresql://u@h/db", "GOVAPI_TODAY": "2026-01-02"})
    assert settings.database_url == "postgresql+asyncpg://u@h/db" and settings.today == D(2026, 1, 2)
