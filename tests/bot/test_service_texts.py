"""What the desk and the notifier tell a citizen: both languages, 해요체, no staff login, no "None" or "곧에",
a next step after a rejection, the right word for a tax's late charge, one SMS in Korean."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from bot.desk.texts import TEXTS as DESK
from bot.desk.texts import say
from bot.notifier import topics
from bot.notifier.messages import render_event, render_reminder
from minwon_core.segments import count_segments, to_gsm7_if_possible

SEOUL = ZoneInfo("Asia/Seoul")
DESK_VALUES = {"position": 3, "minutes": 12, "ticket": "CB-1A2B3C4D", "agent": "agent1",
               "when": dt.datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL)}
BROKEN = re.compile(r"None|\{|\}|곧에|\(\s*\)|\s[,.:]|^\s*[,.:]|,\s*[.,]|:\s*$")


def segments(message: str) -> int:
    return count_segments(to_gsm7_if_possible(message))  # as the SMS connector sends it


def haeyo_only(korean: str) -> None:
    assert not re.search(r"(니다|니까|십시오)", korean), korean
    for match in re.finditer(r"([가-힣])[.?!]+(?=\s|$)", korean):
        assert match.group(1) == "요", (korean, match.group(0))


def check(message: str, lang: str) -> None:
    assert not BROKEN.search(message), message
    if lang == "ko":
        haeyo_only(message)
        assert segments(message) == 1, (len(message), message)
    else:
        assert not re.search(r"[가-힣]", message), message  # Hangul would make the SMS UCS-2
        assert segments(message) == 1, message


# --- desk ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("key", sorted(DESK))
def test_every_desk_text_reads_cleanly_in_both_languages(key, lang):
    assert set(DESK[key]) == {"ko", "en"}
    assert set(re.findall(r"{(\w+)}", DESK[key]["ko"])) == set(re.findall(r"{(\w+)}", DESK[key]["en"]))
    check(say(key, lang, **DESK_VALUES), lang)


def test_the_agent_is_announced_without_their_login_name():
    for lang in ("ko", "en"):
        assert "agent1" not in say("claimed", lang, agent="agent1")
    assert say("claimed", "ko", agent="agent1").startswith("상담원이 연결됐어요")


@pytest.mark.parametrize("when, ko, en", [
    (dt.datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL), "12월 7일 09:00에 연락드릴게요", "contact you on 7 Dec at 09:00"),
    ("12/07 09:00", "12월 7일 09:00에 연락드릴게요", "contact you on 7 Dec at 09:00"),  # the desk's sweep today
    ("곧", "곧 연락드릴게요", "contact you soon"),
    ("soon", "곧 연락드릴게요", "contact you soon"),
    (None, "곧 연락드릴게요", "contact you soon"),
])
def test_a_callback_says_when_with_the_right_particle(when, ko, en):
    assert ko in say("no_answer", "ko", ticket="CB-1", when=when)
    assert en in say("no_answer", "en", ticket="CB-1", when=when)
    assert "CB-1" in say("no_answer", "ko", ticket="CB-1", when=when)


# --- notifier ------------------------------------------------------------------------------------------------
def event(type_: str, number: str, **data):
    return {"type": type_, "case_number": number, "data": data}


EVENTS = [(topics.APPLICATION_STATUS, event("application.status_changed", "AP-2026-000123", status=s))
          for s in ("received", "under_review", "supplement_requested", "approved", "rejected", "completed")] + [
    (topics.COMPLAINT_ANSWERED, event("complaint.answered", "CP-2026-000123")),
    (topics.PAYMENT_RECEIPT, event("payment.paid", "PY-2026-000123", total=1234000, receipt_number="RC-2026-000123")),
    (topics.PAYMENT_RECEIPT, event("payment.paid", "PY-2026-000123", total=None, receipt_number=None)),
    (topics.ADDRESS_DELIVERIES, event("address_change.delivery_updated", "MV-2026-000123", agency="tax_office",
                                      status="delivered")),
    (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000006", due_date="2026-11-30", amount_due=131840)),
    (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000006", kind="vehicle_tax_arrears", amount_due=131840)),
    (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000001", kind="illegal_parking", amount_due=None)),
    (topics.FINE_DUE, event("fine.issued", "FN-2026-000001", kind="illegal_parking", amount_due=40000,
                            due_date=None)),
]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("topic, given", EVENTS)
def test_every_notification_reads_cleanly_even_with_missing_data(topic, given, lang):
    check(render_event(topic, given, lang), lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("kind, number, data", [
    ("fine_due", "FN-2026-000123", {"due_date": "2026-12-31"}),
    ("fine_due", "FN-2026-000006", {"due_date": "2026-12-31", "kind": "vehicle_tax_arrears"}),
    ("fine_due", "FN-2026-000123", {"due_date": None}),
    ("supplement", "AP-2026-000123", {}),
])
def test_every_reminder_reads_cleanly(kind, number, data, lang):
    check(render_reminder(kind, number, data, lang), lang)


def test_a_rejection_says_where_to_read_the_reason_and_the_appeal():
    ko = render_event(topics.APPLICATION_STATUS, event("x", "AP-1", status="rejected"), "ko")
    en = render_event(topics.APPLICATION_STATUS, event("x", "AP-1", status="rejected"), "en")
    assert "'처리 현황'" in ko and "불복" in ko
    assert "appeal" in en and "status" in en


def test_a_tax_in_arrears_gains_a_late_payment_charge_not_a_fine_late_fee():
    tax = render_event(topics.FINE_DUE, event("fine.late_fee_added", "FN-6", kind="vehicle_tax_arrears"), "ko")
    fine = render_event(topics.FINE_DUE, event("fine.late_fee_added", "FN-1", kind="speed_camera"), "ko")
    unknown = render_event(topics.FINE_DUE, event("fine.late_fee_added", "FN-1"), "ko")
    assert "납부지연가산세가" in tax and "과태료" not in tax and "가산금" not in tax.replace("가산세", "")
    assert "과태료" in fine and "가산금이" in fine
    assert "과태료" not in unknown and "가산" not in unknown  # govapi's event names no kind: no term is guessed
