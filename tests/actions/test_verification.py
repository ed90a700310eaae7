"""Verification as a citizen goes through it, against a real govapi: code from the SMS outbox, resend,
wrong codes counted down, lockout handed to a person, prefilled phone on SMS, remembered afterwards."""
import re

import pytest

from actions.applications import ValidateStatusForm
from actions.common import early_end
from actions.verification import OUTCOME_LOCKED, ValidateVerifyForm
from actions_testkit import DEMO_BIRTH, DEMO_PHONE, FormRunner, texts_of, verify

pytestmark = pytest.mark.asyncio


async def test_code_from_the_sms_verifies_the_citizen(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await verify(runner, govapi)
    assert runner.slots["citizen_token"]
    assert "김민준" in texts_of(runner.messages)
    assert runner.asking is None  # verify_form has nothing else to ask: it completes


async def test_sms_sender_phone_is_used_without_asking(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, sender="sms:+821012345678")
    await runner.say("내 신청 보여줘", intent="list_applications")
    assert runner.slots["phone"] == "+821012345678"
    assert runner.asking == "birth_date"


async def test_unreadable_phone_is_asked_again_with_an_example(actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("verify me")
    await runner.say("my number is secret")
    assert runner.asking == "phone"
    assert "010-1234-5678" in texts_of(runner.messages)


async def test_wrong_codes_count_down_then_lock_and_hand_to_a_person(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("verify me")
    await runner.say("010-5550-1234")
    await runner.say("1952-11-08")
    assert runner.asking == "otp_code"
    real = await govapi.latest_code("+821055501234")
    wrong = "000000" if real != "000000" else "111111"
    await runner.say(wrong)
    assert "Tries left: 4" in texts_of(runner.messages)
    assert runner.asking == "otp_code"
    for _ in range(4):
        await runner.say(wrong)
    assert runner.slots["form_outcome"] == OUTCOME_LOCKED
    assert runner.asking is None
    assert "locked" in texts_of(runner.messages)
    # The form ended; the answering action hands off. No desk configured: the call-centre number.
    tracker = runner.tracker("")
    from rasa_sdk.executor import CollectingDispatcher
    dispatcher = CollectingDispatcher()
    events = await early_end(dispatcher, tracker)
    assert "110" in texts_of(dispatcher.messages)
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


async def test_resend_right_away_asks_to_use_the_code_just_sent(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await runner.say("본인인증")
    await runner.say("010-9876-5432")
    await runner.say("1990-07-02")
    code = await govapi.latest_code("+821098765432")
    await runner.say("인증번호가 안 왔어요 재전송해주세요")
    assert "방금 보낸 번호" in texts_of(runner.messages)
    assert re.search(r"새 번호는 \d+초 뒤에", texts_of(runner.messages))  # how long, as govapi says
    assert runner.asking == "otp_code"
    await runner.say(code)
    assert runner.slots.get("verified") is True


async def test_a_question_while_asked_for_the_code_is_not_taken_as_an_answer(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await runner.say("본인인증")
    await runner.say(DEMO_PHONE)
    await runner.say(DEMO_BIRTH)
    updates = await runner.say("이거 뭐 입력해야 돼요?", intent="help")
    assert updates == {"otp_code": None}  # nothing taken: answered in place, then the same question
    assert runner.asking == "otp_code"
    assert "6자리" in texts_of(runner.messages)


async def test_verification_is_remembered_for_the_next_request(govapi, actions_on_govapi, domain):
    first = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await verify(first, govapi)
    remembered = {k: first.slots[k] for k in ("verified", "citizen_token", "citizen_token_expires")}
    status = FormRunner(ValidateStatusForm(), "status_form", domain, sender=first.sender, slots=remembered)
    await status.say("AP-2026-000003 어떻게 됐나요", intent="check_application_status")
    assert status.slots["case_number"] == "AP-2026-000003"
    assert status.asking is None  # no phone, no code: straight to the answer
