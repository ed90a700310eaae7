"""The pure parts of the load benchmark's whole journeys (bench/journeys.py): the assistant's real question texts
are read as the questions they ask (so a reworded question fails here, not in the middle of a benchmark), the
answers fit the questions, the mix is the one the README gives, citizens are lent so no journey meets another's
writes, and the record check finds a missing, doubled or unreported record. No stack is started."""
from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import journeys  # noqa: E402 (after the path)
from journeys import (  # noqa: E402
    Citizen,
    Msg,
    Plan,
    Pool,
    Reading,
    answer,
    check_records,
    finished,
    read,
)

VALUES = {"masked": "010-****-5678", "count": "2", "total": "90,000", "label": "가로등", "number": "AP-2026-000002",
          "fines": "과속 단속 과태료 FN-2026-000002", "method": "카드 결제 링크", "address": "서울특별시 마포구 양화로 10",
          "date": "2026-12-07", "members": "본인만", "text": "가로등이 꺼졌어요", "category": "가로등",
          "place": "선릉로 28 앞", "photo": "없음", "topics": "신청 진행 (AP-2026-000002)", "quiet": "",
          "agencies": "국세청", "department": "도로과", "deadline": "2026-12-16", "kind": "사업자등록",
          "status": "검토 중", "left": "4", "seconds": "30초", "expires": "12월 7일 18:46", "payment_id": "PY-2026-000061",
          "name": "김민준", "fields": "주소, 전입일", "field": "주소", "call_centre": "110"}


def catalogue(prefix: str = "") -> dict[str, dict[str, str]]:
    """The bot's texts from its compiled gettext catalogue (locale/, read with the standard library: actions/ runs on
    the Rasa side, whose packages this environment does not have); plural entries give their "other" form. With a
    prefix, only the keys that start with it, without it."""
    from minwon_core import catalogue as messages
    keys = {k for k in messages.keys("actions", "ko") if k.startswith(prefix)}
    return {k[len(prefix):]: {lang: messages.message("actions", k, lang, count=2) for lang in ("ko", "en")} for k in keys}


def render(template: str) -> str:
    text = template.replace("[", "").replace("]", "")
    return re.sub(r"\{(\w+)(\|[^}]*)?\}", lambda m: VALUES.get(m.group(1), "x") + ("로" if m.group(2) else ""), text)


TEXTS = catalogue()
RETURN = catalogue("handback_")

QUESTION_OF = {
    "ask_phone": "phone", "bad_phone": "phone", "ask_birth_date": "birth_date", "bad_birth_date": "birth_date",
    "ask_otp": "otp", "wrong_code": "otp", "ask_case_number": "case_number", "ask_fine_ids": "fine_ids",
    "ask_payment_method": "payment_method", "payment_summary": "confirm", "ask_new_address": "new_address",
    "ask_address_id": "address_id", "ask_address_near": "address_id", "ask_effective_date": "effective_date",
    "ask_member_ids": "member_ids", "address_summary": "confirm", "ask_complaint_text": "complaint_text",
    "ask_complaint_category": "complaint_category", "ask_complaint_category_open": "complaint_category",
    "ask_complaint_place": "complaint_place", "ask_photo_id": "photo", "complaint_summary": "confirm",
    "subscription_offer_AP": "subscription_offer", "subscription_offer_PY": "subscription_offer",
}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("key", sorted(QUESTION_OF))
def test_every_question_the_forms_ask_is_read_as_that_question(key: str, lang: str) -> None:
    reading = read([Msg(render(TEXTS[key][lang]))])
    assert reading.asked == QUESTION_OF[key], render(TEXTS[key][lang])
    assert reading.problem is None


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("key", ["fallback", "did_you_mean", "not_an_answer", "unavailable_read", "verify_unavailable",
                                 "verify_rate_limited", "handoff_callback", "fine_not_payable", "subscription_unavailable"])
def test_a_reply_that_derails_the_journey_is_named(key: str, lang: str) -> None:
    assert read([Msg(render(TEXTS[key][lang]))]).problem is not None


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_replies_that_carry_on_are_not_problems(lang: str) -> None:
    for key in ("verified", "status_line", "applications_header", "payment_link", "payment_ref", "follow_PY",
                "address_done", "complaint_done", "subscribed", "subscription_declined", "handoff_queued",
                "wait_ok", "cancelled"):
        assert read([Msg(render(TEXTS[key][lang]))]).problem is None, key
    for key in ("returned", "resume_form"):
        assert read([Msg(RETURN[key][lang])]).problem is None, key


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_last_question_of_a_turn_is_the_one_open(lang: str) -> None:
    turn = [Msg(render(TEXTS["verified"][lang])), Msg(render(TEXTS["ask_new_address"][lang]))]
    assert read(turn).asked == "new_address"
    after_handoff = [Msg(render(RETURN["returned"][lang])), Msg(RETURN["resume_form"][lang]),
                     Msg(render(TEXTS["ask_complaint_text"][lang]))]
    assert journeys.RESUMED.search("\n".join(m.text for m in after_handoff))
    assert read(after_handoff).asked == "complaint_text"


def rendered(lang: str, *keys: str, **values: str) -> Reading:
    old = dict(VALUES)
    VALUES.update(values)
    try:
        return read([Msg(render(TEXTS[k][lang])) for k in keys])
    finally:
        VALUES.clear()
        VALUES.update(old)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_each_task_is_done_when_its_result_is_shown(lang: str) -> None:
    assert finished("move", rendered(lang, "address_done", "follow_MV", number="MV-2026-000001"), {})
    assert finished("complaint", rendered(lang, "complaint_done", "follow_CP", number="CP-2026-000042"), {})
    assert not finished("complaint", rendered(lang, "complaint_summary"), {})
    assert finished("list", rendered(lang, "applications_header"), {})
    assert finished("list", rendered(lang, "no_applications"), {})
    link = Msg(render(TEXTS["payment_link"][lang]), [journeys.Button("Pay", url="http://gov/checkout/PY-2026-000061?t=ab")])
    paying = read([link, Msg(render(TEXTS["payment_ref"][lang]))])
    assert finished("pay", paying, {}) and paying.link and "PY-2026-000061" in paying.cases
    sms = read([Msg(render(TEXTS["payment_link"][lang]) + " http://127.0.0.1:7080/s/tvSlvBrp2YR_z43Ct4EAnQ")])
    assert sms.link == "http://127.0.0.1:7080/s/tvSlvBrp2YR_z43Ct4EAnQ"
    seen: dict = {}
    shown = rendered(lang, "status_line", "subscription_offer_AP")
    assert not finished("status", shown, seen) and not finished("subscribe", shown, seen)
    assert finished("status", rendered(lang, "subscription_declined"), seen)
    assert finished("subscribe", rendered(lang, "subscribed"), seen)


def test_answers_fit_the_question() -> None:
    rng = random.Random(1)
    citizen = Citizen(id="ct_000001", phone="+821012345678", birth="1985-03-14", address_id="ad_000001",
                      cases=["AP-2026-000002"])
    facts = {"case": "AP-2026-000002", "target": "마포구 양화로", "complaint": ("가로등이 꺼졌어요", "가로등"),
             "place": "선릉로 28 앞"}
    plan = Plan("complaint", "web", "ko", handoff=False, press=False)
    nothing = Reading(None, None, [], None, "")
    assert answer("phone", nothing, plan, citizen, rng, facts).text == "010-1234-5678"
    assert answer("birth_date", nothing, plan, citizen, rng, facts).kind == "verify"
    assert answer("confirm", nothing, plan, citizen, rng, facts).kind == "record"
    suggested = rendered("ko", "ask_complaint_category", label="가로등")
    assert answer("complaint_category", suggested, plan, citizen, rng, facts).text == "네"
    listed = read([Msg("'소음' 민원이 맞나요? 아니면 번호를 골라주세요.\n1. 도로\n2. 가로등\n3. 소음")])
    assert answer("complaint_category", listed, plan, citizen, rng, facts).text == "2"
    addresses = read([Msg("주소가 여러 개예요. 번호를 골라주세요.\n1. 양화로 10\n2. 양화로 102\n3. 양화로 146")])
    assert {answer("address_id", addresses, plan, citizen, rng, facts).text for _ in range(30)} == {"1", "2", "3"}
    offer = rendered("en", "subscription_offer_AP")
    assert answer("subscription_offer", offer, Plan("subscribe", "sms", "en", False, False), citizen, rng,
                  facts).kind == "subscribe"
    assert answer("subscription_offer", offer, Plan("status", "sms", "en", False, False), citizen, rng,
                  facts).kind == "none"
    assert answer("some new question", nothing, plan, citizen, rng, facts) is None


def test_the_mix_is_the_one_the_readme_gives() -> None:
    assert abs(sum(journeys.MIX.values()) - 1) < 1e-9
    rng = random.Random(7)
    plans = [journeys.choose_plan(rng) for _ in range(20000)]
    tasks = Counter(p.task for p in plans)
    for task, share in journeys.MIX.items():
        assert abs(tasks[task] / len(plans) - share) < 0.015, task
    assert not any(p.handoff for p in plans if p.task == "list")
    assert not any(p.press for p in plans if p.channel == "sms")
    handoffs = sum(p.handoff for p in plans if p.task in journeys.FORM_TASKS) / sum(
        p.task in journeys.FORM_TASKS for p in plans)
    assert abs(handoffs - journeys.HANDOFF_SHARE) < 0.01
    assert abs(sum(p.lang == "ko" for p in plans) / len(plans) - 2 / 3) < 0.015


def make_pool() -> Pool:
    return Pool([Citizen(id="ct_1", phone="+821011112222", birth="1980-01-01", address_id="ad_home", fines=1),
                 Citizen(id="ct_2", phone="+821033334444", birth="1981-01-01", address_id="ad_target",
                         cases=["AP-1"], fines=0)], avoid_for_move={"ad_target"}, verify_limit=2)


def test_citizens_are_lent_one_journey_at_a_time_and_used_up_as_govapi_requires() -> None:
    rng = random.Random(3)
    pool = make_pool()
    pay = Plan("pay", "web", "ko", False, False)
    payer = pool.lease(pay, rng)
    assert payer is not None and payer.id == "ct_1"  # the only one with an unpaid fine
    assert pool.lease(pay, rng) is None  # busy
    pool.release(payer, pay, paid=True)
    assert payer.fines == 0 and pool.lease(pay, rng) is None  # paid: nothing left to pay
    move = Plan("move", "sms", "en", False, False)
    mover = pool.lease(move, rng)
    assert mover is not None and mover.id == "ct_1"  # ct_2 lives where people move to
    pool.release(mover, move, paid=False)
    assert pool.lease(Plan("move", "web", "en", False, False), rng) is None  # one move per citizen per run
    assert pool.lease(Plan("list", "sms", "ko", False, False), rng).id == "ct_2"  # ct_1's phone had its SMS journey
    status = Plan("status", "web", "ko", False, False)
    assert pool.lease(status, rng) is None  # ct_2 is busy, ct_1 has no open application
    assert pool.refused["status/web"] == 1


def test_no_citizen_verifies_more_often_than_govapi_allows() -> None:
    rng = random.Random(4)
    pool = make_pool()
    plan = Plan("complaint", "web", "ko", False, False)
    for _ in range(4):
        c = pool.lease(plan, rng)
        assert c is not None
        pool.release(c, plan, paid=False)
    assert pool.lease(plan, rng) is None
    assert all(c.verifications == 2 for c in pool.citizens)


def event(kind: str, number: str, citizen: str = "ct_1") -> dict:
    return {"type": kind, "case_number": number, "citizen_id": citizen}


def test_the_record_check_finds_what_is_missing_doubled_unpaid_or_never_told() -> None:
    expected = [("payment", "PY-1", "ct_1"), ("complaint", "CP-1", "ct_1"), ("address_change", "MV-1", "ct_2")]
    events = [event("payment.created", "PY-1"), event("payment.paid", "PY-1"), event("complaint.received", "CP-1"),
              event("address_change.received", "MV-1", "ct_2"), event("fine.status_changed", "FN-1")]
    clean = check_records(expected, ["PY-1"], events, {"ct_1", "ct_2"})
    assert not any(clean.values())
    problems = check_records(expected + [("complaint", "CP-2", "ct_1")], ["PY-1"],
                             events + [event("complaint.received", "CP-1"), event("payment.paid", "PY-1"),
                                       event("complaint.received", "CP-9"), event("complaint.received", "CP-8", "ct_x")],
                             {"ct_1", "ct_2"})
    assert problems["missing"] == ["complaint CP-2"]
    assert problems["duplicated"] == ["complaint CP-1 x2"]
    assert problems["not paid once"] == ["PY-1 paid 2 times"]
    assert problems["written but never told"] == ["complaint CP-9"]  # CP-8 is another citizen's (not the run's)
    wrong = check_records([("complaint", "CP-1", "ct_2")], [], [event("complaint.received", "CP-1")], {"ct_2"})
    assert wrong["wrong citizen"] == ["complaint CP-1"]


def test_a_profile_is_split_by_phase_of_a_turn_without_idle_samples() -> None:
    import cpu_profile

    turn = "main (rasa:8);handle_message (minwon_rasa/tracker_guard.py:390)"
    raw = (f"{turn};saved_turn (minwon_rasa/saved_turns.py:97) 3\n"
           f"{turn};parse_message (rasa/core/processor.py:724);embed (minwon_nlu/use_featurizer.py:121) 1\n"
           "main (rasa:8);append_events (rasa/server.py:747);check_schema (jsonschema/validators.py:230) 4\n"
           "_bootstrap (threading.py:973);_worker (concurrent/futures/thread.py:81) 50\n\n")
    phases = dict(cpu_profile.by_phase(raw, cpu_profile.RASA_PHASES))
    assert phases == {"notifier's POST /tracker/events (Rasa validates the body with jsonschema)": 0.5,
                      "once-only check: is this message a saved turn? (SQL)": 0.375, "NLU: sentence encoder": 0.125}
    assert cpu_profile.by_function(raw, 1) == [("check_schema (jsonschema/validators.py:230)", 0.5)]
    lines = cpu_profile.report("prod2", "rasa:7005", raw, 40.0, phases=True)
    assert "~20.0 ms" in lines[1]
