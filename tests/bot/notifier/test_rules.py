"""Rules a citizen notices without any process running: quiet hours, message length, settings checks."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bot.notifier import topics
from bot.notifier.errors import SettingsError
from bot.notifier.messages import render_event, render_reminder
from bot.notifier.quiet_hours import quiet_hours_for, quiet_until
from bot.notifier.settings import NotifierSettings, QuietHours, load_settings

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NIGHT = QuietHours(dt.time(21), dt.time(8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SEOUL)


@pytest.mark.parametrize("now, until", [
    (at(25, 23), at(26, 8)),   # late evening waits for the next morning
    (at(26, 2), at(26, 8)),    # after midnight waits for the same morning
    (at(26, 7, 59), at(26, 8)),
    (at(26, 8), None),         # the window ends at 08:00 sharp
    (at(26, 20, 59), None),
    (at(26, 21), at(27, 8)),
])
def test_night_window_wraps_midnight(now, until):
    assert quiet_until(now, NIGHT, "Asia/Seoul") == until


def test_same_day_window():
    lunch = QuietHours(dt.time(12), dt.time(13))
    assert quiet_until(at(26, 12, 30), lunch, "Asia/Seoul") == at(26, 13)
    assert quiet_until(at(26, 13, 30), lunch, "Asia/Seoul") is None


def test_sms_keeps_the_night_default_and_chat_apps_do_not_unless_the_citizen_sets_one():
    settings = NotifierSettings()
    assert quiet_hours_for(None, "sms", settings) == NIGHT
    assert quiet_hours_for(None, "telegram", settings) is None
    assert quiet_hours_for("off", "sms", settings) is None
    assert quiet_hours_for("22:30-07:00", "telegram", settings) == QuietHours(dt.time(22, 30), dt.time(7))


EVENTS = [
    (topics.APPLICATION_STATUS, {"type": "application.status_changed", "case_type": "application",
                                 "case_number": "AP-2026-000123", "data": {"status": s}})
    for s in ("received", "under_review", "supplement_requested", "approved", "rejected", "completed")
] + [
    (topics.COMPLAINT_ANSWERED, {"type": "complaint.answered", "case_type": "complaint",
                                 "case_number": "CP-2026-000123", "data": {}}),
    (topics.PAYMENT_RECEIPT, {"type": "payment.paid", "case_type": "payment", "case_number": "PY-2026-000123",
                              "data": {"status": "paid", "total": 1234000, "receipt_number": "RC-2026-000123"}}),
    (topics.ADDRESS_DELIVERIES, {"type": "address_change.delivery_updated", "case_type": "address_change",
                                 "case_number": "MV-2026-000123", "data": {"agency": "election_register",
                                                                           "status": "failed"}}),
    (topics.ADDRESS_DELIVERIES, {"type": "address_change.status_changed", "case_type": "address_change",
                                 "case_number": "MV-2026-000123", "data": {"status": "partially_failed"}}),
]


@pytest.mark.parametrize("topic, event", EVENTS)
def test_korean_notifications_fit_one_sms(topic, event):
    assert topics.topic_of_event(event) == topic
    text = render_event(topic, event, "ko")
    assert len(text) <= 70, text
    assert event["case_number"] in text or "RC-2026-000123" in text
    assert render_event(topic, event, "en") != text


def test_reminders_fit_one_sms_in_korean():
    assert len(render_reminder("fine_due", "FN-2026-000123", {"due_date": "2026-12-31"}, "ko")) <= 70
    assert len(render_reminder("supplement", "AP-2026-000123", {}, "ko")) <= 70


@pytest.mark.parametrize("event", [
    {"type": "payment.created", "case_type": "payment"},
    {"type": "fine.status_changed", "case_type": "fine", "data": {"status": "paid"}},
    {"type": "address_change.delivery_updated", "case_type": "address_change", "data": {"status": "delivered"}},
    {"type": "complaint.received", "case_type": "complaint"},
])
def test_events_that_are_no_news_send_nothing(event):
    assert topics.topic_of_event(event) is None


def test_production_refuses_placeholder_secrets():
    with pytest.raises(SettingsError, match="NOTIFIER_TOKEN"):
        load_settings({"MINWON_ENV": "production"})


def test_production_refuses_the_test_clock():
    secrets = {k: "s" * 20 + k for k in ("NOTIFIER_TOKEN", "GOVAPI_ADMIN_TOKEN", "CHANNEL_OUTBOUND_TOKEN", "RASA_TOKEN")}
    load_settings({"MINWON_ENV": "production"} | secrets)
    with pytest.raises(SettingsError, match="NOTIFIER_FAKE_NOW"):
        load_settings({"MINWON_ENV": "production", "NOTIFIER_FAKE_NOW": "2026-11-25T23:00:00+09:00"} | secrets)


@pytest.mark.parametrize("env, key", [
    ({"NOTIFIER_PORT": "eighty"}, "NOTIFIER_PORT"),
    ({"NOTIFIER_SMS_QUIET_HOURS": "late"}, "NOTIFIER_SMS_QUIET_HOURS"),
    ({"NOTIFIER_DATABASE_URL": "mysql://x"}, "NOTIFIER_DATABASE_URL"),
    ({"NOTIFIER_FAKE_NOW": "2026-11-25T23:00:00"}, "NOTIFIER_FAKE_NOW"),
])
def test_malformed_settings_name_their_key(env, key):
    with pytest.raises(SettingsError, match=key):
        load_settings(env)


def test_defaults_follow_the_contract():
    s = load_settings({})
    assert (s.port, s.token, s.database_url) == (8400, "dev-notifier-token", "sqlite+aiosqlite:///var/notifier.sqlite3")
    assert s.sms_quiet_hours == NIGHT and s.timezone == "Asia/Seoul"
    assert load_settings({"NOTIFIER_DATABASE_URL": "postgresql://u@h/db"}).database_url == "postgresql+asyncpg://u@h/db"


def test_a_follow_skips_quiet_hours_for_a_receipt_and_for_news_within_the_hour():
    from bot.notifier.quiet_hours import follow_sends_now

    settings = NotifierSettings()
    followed = at(25, 22)
    assert follow_sends_now(topics.PAYMENT_RECEIPT, at(27, 23), followed, settings), "a transfer days later"
    assert follow_sends_now(topics.ADDRESS_DELIVERIES, at(25, 22, 5), followed, settings)
    assert not follow_sends_now(topics.COMPLAINT_ANSWERED, at(25, 23, 30), followed, settings)


@pytest.mark.parametrize("event, final", [
    ({"type": "payment.paid", "case_type": "payment", "data": {"status": "paid"}}, True),
    ({"type": "payment.expired", "case_type": "payment", "data": {"status": "expired"}}, True),
    ({"type": "complaint.answered", "case_type": "complaint", "data": {"status": "answered"}}, True),
    ({"type": "complaint.status_changed", "case_type": "complaint", "data": {"status": "in_progress"}}, False),
    ({"type": "address_change.status_changed", "case_type": "address_change", "data": {"status": "completed"}}, True),
    ({"type": "address_change.status_changed", "case_type": "address_change",
      "data": {"status": "partially_failed"}}, False),  # the office may still reach the last agency
    ({"type": "address_change.delivery_updated", "case_type": "address_change",
      "data": {"agency": "tax_office", "status": "completed"}}, False),
    ({"type": "application.status_changed", "case_type": "application", "data": {"status": "approved"}}, False),
    ({"type": "application.status_changed", "case_type": "application", "data": {"status": "completed"}}, True),
])
def test_a_follow_ends_only_when_its_case_can_move_no_more(event, final):
    assert topics.is_final(event) is final


def test_follow_settings_are_checked():
    assert load_settings({"NOTIFIER_FOLLOW_DAYS": "7"}).follow_days == 7
    with pytest.raises(SettingsError, match="NOTIFIER_FOLLOW_DAYS"):
        load_settings({"NOTIFIER_FOLLOW_DAYS": "0"})
