"""'My applications' lists that are complete or say how many more, 'the rest', follow-ups about one case
("AP-2026-000002는요?", "그거 언제 끝나요?") and expected dates already past, against a real govapi."""
import re
from datetime import timedelta

import pytest

from actions.applications import ActionCheckStatus, ValidateStatusForm, application_lines, explain_case
from actions.conversation import now_local
from actions.status_followups import ActionShowMore
from actions.verification import ValidateVerifyForm
from actions.verified_requests import ActionVerifiedRequest
from actions_testkit import (DEMO_BIRTH, DEMO_BIRTH_EN, DEMO_PHONE_EN, FormRunner, make_tracker, run_action,
                             slot_updates, texts_of, verify)

pytestmark = pytest.mark.asyncio

KIM_APPLICATIONS = {f"AP-2026-00000{n}" for n in range(1, 8)}  # the demo citizen's seven (govapi/seed.py)
OPEN = {"AP-2026-000001", "AP-2026-000002", "AP-2026-000003", "AP-2026-000007"}


def numbers_in(answer: str) -> list:
    return re.findall(r"AP-\d{4}-\d{6}", answer)


async def my_applications(govapi, domain, sender=None, language="ko", phone=None, birth=None):
    """'내 신청' from the first message: verification, then the list. Returns (slots after, the answer)."""
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, sender=sender, language=language)
    await runner.say("내 신청 목록 보여줘" if language == "ko" else "show my applications", intent="list_applications")
    if runner.asking == "phone":
        await runner.say(phone or "010-1234-5678")
    await runner.say(birth or DEMO_BIRTH)
    e164 = runner.slots["phone"]
    await runner.say(await govapi.latest_code(e164))
    events, messages = await run_action(ActionVerifiedRequest(), runner.tracker("", intent="inform"), domain)
    runner.slots.update(slot_updates(events))
    return runner, texts_of(messages)


async def test_on_the_web_all_seven_applications_are_listed_open_ones_first(govapi, actions_on_govapi, domain):
    runner, answer = await my_applications(govapi, domain)
    shown = numbers_in(answer)
    assert answer.startswith("신청 7건:")
    assert set(shown) == KIM_APPLICATIONS and len(shown) == 7  # the approved and the rejected one too
    assert shown[0] == "AP-2026-000003"  # documents requested: the citizen must act
    assert set(shown[:4]) == OPEN  # then in progress; the closed ones last
    assert "반려 사유" in answer and "나머지" not in answer
    assert runner.slots["listed_cases"] == {"kind": "applications", "shown": shown}


async def test_on_sms_five_then_how_many_more_then_the_rest(govapi, actions_on_govapi, domain):
    sms = "sms:+821012345678"
    runner, first = await my_applications(govapi, domain, sender=sms)
    first_page = numbers_in(first)
    assert len(first_page) == 5 and set(first_page[:4]) == OPEN
    assert first.splitlines()[-1] == "외 2건: '나머지'라고 하시면 더 보여드려요."
    assert max(len(line) for line in first.splitlines()) <= 70  # each line within one Korean SMS segment

    events, messages = await run_action(ActionShowMore(), runner.tracker("나머지는요?", intent="show_more"), domain)
    rest = texts_of(messages)
    assert rest.startswith("신청 7건 중 6~7번째:")
    assert set(numbers_in(rest)) | set(first_page) == KIM_APPLICATIONS and len(numbers_in(rest)) == 2
    assert "나머지" not in rest
    runner.slots.update(slot_updates(events))
    assert set(runner.slots["listed_cases"]["shown"]) == KIM_APPLICATIONS

    _, messages = await run_action(ActionShowMore(), runner.tracker("더 보여줘", intent="show_more"), domain)
    assert texts_of(messages) == "목록은 모두 보여드렸어요."


async def test_the_rest_asked_as_a_list_request_continues_the_list(govapi, actions_on_govapi, domain):
    # If understanding hears "the rest" as "my applications", the list goes on instead of starting over.
    sms = "sms:+821012345678"
    runner, first = await my_applications(govapi, domain, sender=sms, language="en")
    assert first.splitlines()[-1] == "2 more: say 'the rest' to see them."
    runner.slots["verify_purpose"] = "list_applications"
    _, messages = await run_action(ActionVerifiedRequest(), runner.tracker("the rest", intent="list_applications"),
                                   domain)
    rest = texts_of(messages)
    assert rest.startswith("Applications 6-7 of 7:") and not set(numbers_in(rest)) & set(numbers_in(first))


async def test_the_rest_with_no_list_says_so(govapi, actions_on_govapi, domain):
    tracker = make_tracker({"language": "en"}, "more", intent="show_more")
    _, messages = await run_action(ActionShowMore(), tracker, domain)
    assert texts_of(messages) == "There is no list to go on with. Say 'my applications' for yours."


async def test_a_short_list_fits_whole_on_sms_in_english(govapi, actions_on_govapi, domain):
    runner, answer = await my_applications(govapi, domain, sender="sms:+821098765432", language="en",
                                           birth=DEMO_BIRTH_EN)
    assert answer.startswith("Your 2 applications:")
    assert set(numbers_in(answer)) == {"AP-2026-000008", "AP-2026-000009"}
    assert "more" not in answer and "Missing:" in answer


async def status_of(runner, domain, text, intent="check_application_status"):
    """One status question in the same conversation: the form run, then the answer; slots carried on."""
    runner.slots["requested_slot"] = None
    await runner.say(text, intent=intent)
    asked = runner.asking
    if asked:
        return asked, ""
    events, messages = await run_action(ActionCheckStatus(), runner.tracker(text, intent=intent), domain)
    updates = slot_updates(events)
    runner.slots.update(updates)
    return None, texts_of(messages)


async def test_follow_ups_by_number_and_by_it_need_no_new_questions(govapi, actions_on_govapi, domain):
    runner, _ = await my_applications(govapi, domain)
    runner.validator, runner.form = ValidateStatusForm(), "status_form"

    asked, answer = await status_of(runner, domain, "AP-2026-000002는요?")
    assert asked is None and answer.startswith("AP-2026-000002 ")
    assert runner.slots["last_case"] == "AP-2026-000002" and runner.slots["case_number"] is None

    asked, answer = await status_of(runner, domain, "그거 언제 끝나요?")
    assert asked is None and answer.startswith("AP-2026-000002 ")

    asked, answer = await status_of(runner, domain, "그럼 AP-2026-000005은요?")
    assert asked is None and "반려 사유" in answer and runner.slots["last_case"] == "AP-2026-000005"

    # when its result comes, asked right after: the case just handled
    asked, answer = await status_of(runner, domain, "감사합니다. 그럼 처리 결과는 언제쯤 알 수 있을까요?")
    assert asked is None and answer.startswith("AP-2026-000005 ")

    # when it will be done, or what to do next, asked without "it": still the case just handled
    for question in ("언제까지 고쳐줘요?", "ok so do I need to do anything now or go to the office?"):
        asked, answer = await status_of(runner, domain, question)
        assert asked is None and answer.startswith("AP-2026-000005 "), question


async def test_when_will_it_be_done_in_english_and_nothing_to_refer_to(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await verify(runner, govapi, DEMO_PHONE_EN, DEMO_BIRTH_EN)
    runner.validator, runner.form = ValidateStatusForm(), "status_form"

    asked, _ = await status_of(runner, domain, "when will it be done?")
    assert asked == "case_number"  # nothing talked about yet: the number is asked for
    runner.slots["case_number"] = None

    asked, answer = await status_of(runner, domain, "what about AP-2026-000009?")
    assert asked is None and answer.startswith("AP-2026-000009 ")
    asked, answer = await status_of(runner, domain, "when will it be done?")
    assert asked is None and answer.startswith("AP-2026-000009 ")

    # Asked for a number, "what is that?" is a question, not a reference to the last case.
    runner.slots["requested_slot"] = "case_number"
    await runner.say("what is that?", intent="help")
    assert runner.slots.get("case_number") is None


async def test_an_expected_date_already_past_is_said_to_be_late(govapi, actions_on_govapi, domain):
    runner, _ = await my_applications(govapi, domain)
    token = runner.slots["citizen_token"]
    case = await govapi.citizen_get(token, "/v1/applications/AP-2026-000002")  # under review
    ahead = case["expected_completion"]
    assert ahead >= now_local().date().isoformat()  # the seed's date is not past: shown as expected
    assert "예상 완료일: " + ahead in explain_case("application", case, "ko")
    assert "(예정 " + ahead + ")" in application_lines(case, "ko", short=True)[0]

    gone = (now_local().date() - timedelta(days=3)).isoformat()
    late = {**case, "expected_completion": gone}
    office = case["office"]["ko"]
    assert f"예정일({gone})이 지났어요. 늦어지고 있으니 {office}에 문의해 보세요." in explain_case("application", late, "ko")
    assert not any("예상 완료일" in line for line in explain_case("application", late, "ko"))
    assert f"It was expected by {gone} and is late." in " ".join(explain_case("application", late, "en"))
    assert application_lines(late, "ko", short=True)[0].endswith(f"(예정일 {gone} 지남)")
    assert application_lines(late, "en", short=True)[0].endswith(f"(late: expected {gone})")
    # Once decided, a past date is no news.
    done = {**late, "status": "approved"}
    assert not any(gone in line for line in explain_case("application", done, "ko") + application_lines(done, "ko", True))

    complaint = await govapi.citizen_get(token, "/v1/complaints/CP-2026-000002")  # not answered yet
    overdue = explain_case("complaint", {**complaint, "deadline": gone}, "en")
    assert any(line.startswith(f"The office's deadline ({gone}) has passed.") for line in overdue)
