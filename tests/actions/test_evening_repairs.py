"""Repairs found by held-out sets 65-67 (a Tuesday afternoon, first-time users, shift workers late at night): each
test is one thing a citizen saw go wrong, checked through the form's own validation where a form is involved."""
from __future__ import annotations

import pytest

from actions.address import ValidateChangeAddressForm
from actions.complaints import ValidateFileComplaintForm
from actions.fines import ValidatePayFineForm
from actions.common import ActionCancel
from actions.interpret import Kind, person_not_needed, read_message, value_words
from actions_testkit import FormRunner, make_tracker, run_action, texts_of
from test_everyday_repairs import at_payment_method
from test_form_repair import verified_runner


@pytest.mark.asyncio
@pytest.mark.parametrize("language, first, said, intent", [
    ("ko", "1", "앗 1번 말고 2번 낼게요 잘못 눌렀어요", "choose"),
    ("en", "2", "no wait, I meant the first one not the second", "choose"),
])
async def test_the_fine_put_right_at_the_payment_method_is_the_one_said_not_the_one_turned_down(
        govapi, actions_on_govapi, domain, language, first, said, intent):
    runner = await at_payment_method(govapi, domain, "과태료 낼게요" if language == "ko" else "pay my fine",
                                     choice=first, language=language)
    options = runner.slots["fine_options"]
    assert runner.slots["fine_ids"] == [options[int(first) - 1]["id"]]
    await runner.say(said, intent=intent)
    wanted = options[1] if first == "1" else options[0]
    assert runner.slots["fine_ids"] == [wanted["id"]]  # was: "changed" said, the first fine kept and paid
    assert runner.asking == "payment_method"


@pytest.mark.asyncio
async def test_a_way_changed_to_at_the_summary_is_taken_though_the_reason_names_the_other(
        govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "pay fine pls", language="en")
    await runner.say("bank transfer")
    assert runner.asking == "payment_confirm" and runner.slots["payment_method"] == "virtual_account"
    await runner.say("actually change it to card, the bank app is down at night", intent="out_of_scope",
                     confidence=0.76)
    assert runner.slots["payment_method"] == "card"  # was: "I'll keep it as it was", then a virtual account
    assert runner.asking == "payment_confirm"


def test_fines_turned_down_by_number_are_not_chosen():
    from actions.fines import pick_fines
    options = [{"id": "a", "number": "FN-2026-000001", "kind_label": {"ko": "주정차", "en": "Parking"}},
               {"id": "b", "number": "FN-2026-000002", "kind_label": {"ko": "주정차", "en": "Parking"}}]
    assert pick_fines("1번 말고 2번이요", options) == [1]
    assert pick_fines("the second one, not the first", options) == [1]


KO_MOVE_ANSWERS = {"new_address": "역삼로 12", "address_id": "1", "effective_date": "오늘", "member_ids": "다 같이요"}


@pytest.mark.asyncio
async def test_a_member_put_off_at_the_move_summary_leaves_the_report_not_the_task(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "ko")
    await runner.say("이사해서 전입신고요", intent="change_address")
    while runner.asking != "address_confirm":
        await runner.say(KO_MOVE_ANSWERS[runner.asking])
    first = runner.slots["household_options"][0]["name"]
    assert runner.slots["member_ids"]
    await runner.say(f"아 {first}은 나중에 따로 할게요 저만 해주세요", intent="cancel", confidence=0.95)
    assert runner.slots["member_ids"] == [] and runner.asking == "address_confirm"  # was: cancelled
    assert runner.slots["new_address"]  # the rest of the report kept


async def complaint_at_category(govapi, domain, opening: str):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say(opening, intent="file_complaint")
    assert runner.asking == "complaint_category"
    return runner


@pytest.mark.asyncio
async def test_what_happened_told_at_the_category_question_suggests_its_own_category(govapi, actions_on_govapi, domain):
    runner = await complaint_at_category(govapi, domain, "wanna report a problem on my road")
    assert runner.slots["complaint_category_guess"] == "roads"
    await runner.say("car parked in front of the fire hydrant every single night", intent="file_complaint")
    # was: Roads taken, and the complaint filed with the roads division
    assert runner.asking == "complaint_category" and runner.slots.get("complaint_category") is None
    assert runner.slots["complaint_category_guess"] == "illegal_parking"
    assert "hydrant" in runner.slots["complaint_text"]
    await runner.say("yes", intent="affirm")
    assert runner.slots["complaint_category"] == "illegal_parking"


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["illegal parking", "Illegal parking."])
async def test_a_category_name_alone_where_the_place_is_asked_puts_the_category_right(
        govapi, actions_on_govapi, domain, said):
    runner = await complaint_at_category(govapi, domain, "there's a big pothole on my road")
    await runner.say("yes", intent="affirm")
    assert runner.slots["complaint_category"] == "roads" and runner.asking == "complaint_place"
    await runner.say(said, intent="inform", entities=[{"entity": "complaint_category", "value": "illegal_parking"}])
    assert runner.slots["complaint_category"] == "illegal_parking"  # was: "illegal parking" kept as the place
    assert runner.slots.get("complaint_place") is None and runner.asking == "complaint_place"


def test_asking_to_pay_a_ticket_now_while_the_photo_is_asked_switches_to_the_payment():
    said = "oh also i got a parking ticket, can i pay that now?"
    slots = ["complaint_text", "complaint_category", "complaint_place", "photo_id", "complaint_confirm"]
    filled = {"complaint_text": "broken street light", "complaint_category": "street_lighting",
              "complaint_place": {"address": "28 Seolleung-ro"}}
    reading = read_message(said, "pay_fine", 1.0, [], "photo_id", slots, filled, ["file_complaint"], False)
    assert reading.kind == Kind.SWITCH and reading.switch_to == "pay_fine"  # was: "A photo is optional", again and again
    later = read_message("can i pay the ticket later?", "pay_fine", 0.95, [], "photo_id", slots, filled,
                         ["file_complaint"], False)
    assert later.kind != Kind.SWITCH


@pytest.mark.asyncio
@pytest.mark.parametrize("said, form", [("ok back to the move", "change_address_form"),
                                        ("ok back to the fine", "pay_fine_form"),
                                        ("ㅇㅋ 다시 아까 신고하던거요", "file_complaint_form")])
async def test_going_back_after_a_detour_that_nlu_hears_as_cancel_resumes_the_task_left(domain, said, form):
    tracker = make_tracker({"paused_task": [{"form": form, "slots": {"complaint_text": "x"}}]}, said, "cancel",
                           confidence=0.9)
    events, messages = await run_action(ActionCancel(), tracker, domain)
    assert events == [{"event": "followup", "name": form, "timestamp": None}]  # was: "nothing to cancel"
    assert not messages


@pytest.mark.asyncio
async def test_cancel_with_nothing_left_still_says_there_is_nothing_to_cancel(domain):
    events, messages = await run_action(ActionCancel(), make_tracker({}, "ok back to the move", "cancel"), domain)
    assert "nothing in progress" in texts_of(messages).lower() or "없어요" in texts_of(messages)


def test_going_on_here_myself_takes_back_a_request_for_a_person():
    assert person_not_needed("아 아니에요 대기 길거같네 그냥 여기서 마저 할게요")


def test_a_birth_date_put_right_with_a_comma_inside_the_date_is_read_whole():
    assert value_words("ugh typo, my dob is June 3, 1954", "birth_date") == "June 3 1954"
    slots = ["phone", "birth_date", "otp_code", "fine_ids"]
    reading = read_message("ugh typo, my dob is June 3, 1954", "inform", 0.54, [], "otp_code", slots,
                           {"phone": "+821012342535", "birth_date": "1955-06-03"}, ["pay_fine"], False)
    assert reading.kind == Kind.CORRECTION and reading.slot == "birth_date"


@pytest.mark.asyncio
async def test_a_birth_date_typo_put_right_at_the_code_question_sends_a_code_that_verifies(govapi, actions_on_govapi,
                                                                                           domain):
    from actions_testkit import DEMO_BIRTH_EN, DEMO_PHONE_EN
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, language="en")
    await runner.say("pay my fine pls", intent="pay_fine")
    await runner.say(DEMO_PHONE_EN)
    await runner.say("1990-07-03")  # one day off
    assert runner.asking == "otp_code"
    await runner.say("ugh typo, my dob is July 2, 1990", intent="inform", confidence=0.54)
    assert runner.slots["birth_date"] == DEMO_BIRTH_EN and runner.asking == "otp_code"
    await runner.say(await govapi.latest_code("+82" + DEMO_PHONE_EN.replace("-", "")[1:]))
    assert runner.slots.get("verified") is True  # was: "The code has 6 digits", and no code could ever match


def test_something_to_report_and_whether_it_can_be_done_here_starts_a_complaint():
    from actions.plain_requests import plain_request
    tracker = make_tracker({"language": "ko"}, "신고할게 있는데 여기서 할수 있나요", "nlu_fallback", confidence=0.5)
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.5},
                                                {"name": "file_complaint", "confidence": 0.45}]
    assert plain_request(tracker) == "file_complaint"  # was: "did you mean …?"


@pytest.mark.parametrize("said, intent, confidence, asked, own", [
    ("아 접수번호를 모르겠네요 그건 나중에 찾아볼게요. 그냥 과태료 납부나 할게요", "pay_fine", 0.73, "case_number",
     "check_application_status"),
    ("actually lets do the address another day, i need to pay my parking fine today before the late fee kicks in",
     "pay_fine", 0.99, "member_ids", "change_address"),
])
def test_this_task_put_off_for_another_asked_now_switches(said, intent, confidence, asked, own):
    slots = ["new_address", "address_id", "effective_date", "member_ids", "case_number"]
    filled = {"new_address": "180 Yeoksam-ro", "address_id": "ad_1", "effective_date": "2026-12-08"}
    reading = read_message(said, intent, confidence, [], asked, slots, filled, [own], False)
    # was: a cancel, and "another day … today" changed the move-in date
    assert reading.kind == Kind.SWITCH and reading.switch_to == "pay_fine"


@pytest.mark.asyncio
async def test_the_words_that_leave_a_payment_for_a_complaint_are_not_its_description(govapi, actions_on_govapi,
                                                                                       domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "ko")
    await runner.say("아 돈은 월급날 낼게요 그거보다 신고할게 있어요 민원 접수 먼저 해주세요", intent="file_complaint")
    assert runner.asking == "complaint_text" and not runner.slots.get("complaint_text")


@pytest.mark.asyncio
@pytest.mark.parametrize("language, said, intent", [
    ("ko", "사진 꼭 있어야 돼요? 지금 밖이 아니라서", "deny"),
    ("en", "I have an old mobile telephone without a camera. Is a photograph strictly required?", "out_of_scope"),
])
async def test_asking_whether_a_photo_is_needed_is_answered_and_the_photo_asked_again(
        govapi, actions_on_govapi, domain, language, said, intent):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", language)
    opening = "역삼로 25 앞 가로등이 꺼져 있어요" if language == "ko" else "the street light outside 25 Yeoksam-ro is out"
    await runner.say(opening, intent="file_complaint")
    for _ in range(3):
        if runner.asking == "photo_id":
            break
        await runner.say("네" if language == "ko" else "yes", intent="affirm")
    assert runner.asking == "photo_id"
    await runner.say(said, intent=intent, confidence=0.69)
    assert runner.asking == "photo_id" and runner.slots.get("photo_id") is None  # was: "no photo" taken / out of scope
    assert ("없음" if language == "ko" else "skip") in texts_of(runner.messages)


@pytest.mark.parametrize("opening", [
    "Good morning. I wish to report a hazard in my neighbourhood to the district office.",
    "Hello. I should like to lodge a complaint, if this is the proper place to do so.",
    "Hello. I should like to report a problem in the park near my home.",
    "국민신문고 같은거 여기서 돼요? 신고할게 있어서",
])
@pytest.mark.asyncio
async def test_an_opening_that_tells_no_problem_yet_is_not_filed_as_the_description(govapi, actions_on_govapi, domain,
                                                                                    opening):
    language = "ko" if "신고" in opening else "en"
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", language)
    await runner.say(opening, intent="file_complaint")
    assert runner.asking == "complaint_text" and not runner.slots.get("complaint_text")


@pytest.mark.asyncio
async def test_a_suggestion_announced_first_stays_the_suggested_category_of_what_follows(govapi, actions_on_govapi,
                                                                                         domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("Hello, I'd like to make a suggestion to the district office", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("Could you put a sunshade at the crosswalk in front of the elementary school? The kids wait in "
                     "the sun every afternoon")
    assert "sunshade" in runner.slots["complaint_text"] and "district office" not in runner.slots["complaint_text"]
    assert runner.asking == "complaint_category" and runner.slots["complaint_category_guess"] == "proposal"


async def complaint_at_summary(govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("the street lamp outside 12 Yeoksam-ro has been flickering for a week", intent="file_complaint")
    answers = {"complaint_category": "yes", "complaint_place": "Outside 12 Yeoksam-ro.", "photo_id": "No photograph."}
    while runner.asking != "complaint_confirm":
        await runner.say(answers[runner.asking], intent="affirm" if runner.asking == "complaint_category" else "inform")
    return runner


@pytest.mark.asyncio
async def test_a_place_amended_to_somewhere_unnamed_at_the_summary_is_asked_for_not_written(govapi, actions_on_govapi,
                                                                                             domain):
    runner = await complaint_at_summary(govapi, domain)
    await runner.say("Ah, one moment. I should like to amend the location, please; it is further along the road.")
    # was: "Changed: place", and "further along the road" filed as the place
    assert runner.asking == "complaint_place" and runner.slots.get("complaint_place") is None
    await runner.say("Outside 180 Yeoksam-ro, Gangnam-gu.")
    assert "180 Yeoksam-ro" in runner.slots["complaint_place"]["address"]


@pytest.mark.asyncio
async def test_a_whole_place_said_alone_at_the_summary_puts_the_place_right(govapi, actions_on_govapi, domain):
    runner = await complaint_at_summary(govapi, domain)
    await runner.say("Outside 180 Yeoksam-ro, Gangnam-gu.")
    assert "180 Yeoksam-ro" in runner.slots["complaint_place"]["address"]  # was: "Say 'yes' if it's right"
    assert runner.asking == "complaint_confirm" and runner.slots.get("complaint_confirm") is None


@pytest.mark.asyncio
async def test_whether_a_birth_date_is_safe_to_text_is_answered_as_a_privacy_question(actions_on_govapi, domain):
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, language="ko")
    await runner.say("과태료 내려고요", intent="pay_fine")
    await runner.say("010-1234-5678")
    assert runner.asking == "birth_date"
    await runner.say("그런데 문자로 생년월일을 보내도 괜찮은 겁니까? 누가 중간에 보는 건 아닌지 걱정이 되어서 그럽니다.",
                     intent="inform", confidence=0.5)
    assert "가려져" in texts_of(runner.messages)  # the privacy answer, not the date format again
    assert runner.asking == "birth_date"


@pytest.mark.asyncio
async def test_a_change_of_way_wanted_with_the_present_way_in_the_reason_asks_the_way_again(
        govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "과태료 내려고요")
    await runner.say("가상계좌로 할게요")
    assert runner.asking == "payment_confirm" and runner.slots["payment_method"] == "virtual_account"
    await runner.say("아 잠깐만요, 결제 방법을 바꿔야겠어요. 계좌로 하면 은행에 가야 해서 번거롭네요.")
    assert runner.asking == "payment_method" and runner.slots.get("payment_method") is None  # was: "원래대로 둘게요"


@pytest.mark.asyncio
@pytest.mark.parametrize("language, words", [("en", "Your one unpaid fine: Parking FN-2026-000212"),
                                             ("ko", "주정차 FN-2026-000212 40,000원")])
async def test_the_only_fine_chosen_without_a_list_is_named_when_the_way_to_pay_is_asked(domain, language, words):
    from actions.fines import ActionAskPaymentMethod
    option = {"id": "fn_1", "number": "FN-2026-000212", "kind_label": {"ko": "주정차", "en": "Parking"},
              "amount_due": 40000, "due_date": "2026-12-28"}
    tracker = make_tracker({"language": language, "fine_options": [option], "fine_ids": ["fn_1"]}, "", "pay_fine")
    _, messages = await run_action(ActionAskPaymentMethod(), tracker, domain)
    assert words in texts_of(messages) and "2026-12-28" in texts_of(messages)  # was: "1 item, total ₩40,000"


def test_a_building_number_put_right_in_one_sentence_keeps_its_road():
    from actions.interpret import correction_of
    slots = ["new_address", "address_id", "effective_date", "member_ids"]
    filled = {"new_address": "180 yeoksam-ro", "address_id": "ad_1", "effective_date": "2026-12-08"}
    reading = correction_of("oops the building is 25 not 180. 25 Yeoksam-ro", "member_ids", slots, filled, False)
    assert reading.slot == "new_address" and reading.value.lower() == "25 yeoksam-ro"  # was: "180 the building is 25"


@pytest.mark.asyncio
async def test_the_category_said_again_where_the_place_is_asked_is_no_place(govapi, actions_on_govapi, domain):
    runner = await complaint_at_category(govapi, domain, "there's a big pothole on my road")
    await runner.say("yes", intent="affirm")
    assert runner.asking == "complaint_place"
    await runner.say("roads", intent="inform", entities=[{"entity": "complaint_category", "value": "roads"}])
    assert runner.asking == "complaint_place" and runner.slots.get("complaint_place") is None  # was: place "roads"


def test_leaving_this_for_now_stops_where_a_date_is_asked():
    from actions.interpret import wants_cancel
    said = "ugh, the landlord just pushed back our move-in, let's leave this for now"
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "change_address", "confidence": 0.46}]
    assert wants_cancel(said, "nlu_fallback", 0.5, "effective_date", ranking, False)


def test_both_said_beside_the_one_turned_down_is_the_value_of_the_fines():
    assert value_words("oops, I meant both of them, not just the first one", "fine_ids") == "I meant both of them"


def test_a_task_that_can_wait_till_next_week_is_put_off():
    from actions.interpret import puts_off
    assert puts_off("ok good. the moving stuff can wait till next week, thanks!")
    assert not puts_off("the code has not come yet, i can wait")


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["접수번호 문자로 다시 보내주나요?", "can you send me the tracking number again?"])
async def test_asking_for_the_number_again_after_a_task_answers_with_the_case_just_handled(
        govapi, actions_on_govapi, domain, said):
    from actions.applications import ValidateStatusForm
    from test_applications import my_applications, status_of
    runner, _ = await my_applications(govapi, domain)
    runner.validator, runner.form = ValidateStatusForm(), "status_form"
    runner.slots["last_case"] = "AP-2026-000002"
    asked, answer = await status_of(runner, domain, said)
    assert asked is None and answer.startswith("AP-2026-000002 ")  # was: "접수번호를 알려주세요"


@pytest.mark.asyncio
@pytest.mark.parametrize("language, said, answer", [
    ("en", "is there an extra charge if I pay by card?", "No fee on top of the fine"),
    ("ko", "카드로 내면 수수료 더 붙어요?", "수수료"),
])
async def test_a_fee_for_the_way_to_pay_is_answered_as_a_fee_not_a_late_charge(govapi, actions_on_govapi, domain,
                                                                              language, said, answer):
    runner = await at_payment_method(govapi, domain, "pay my fine" if language == "en" else "과태료 낼게요",
                                     language=language)
    await runner.say(said, intent="out_of_scope", confidence=0.5)
    assert answer in texts_of(runner.messages) and runner.asking == "payment_method"  # was: the late-charge text
    assert runner.slots.get("payment_method") is None


@pytest.mark.asyncio
async def test_the_only_fine_named_says_its_late_charge_is_included(domain):
    from actions.fines import ActionAskPaymentMethod
    option = {"id": "fn_1", "number": "FN-2026-000057", "kind": "red_light", "amount_due": 42640, "overdue": True,
              "kind_label": {"ko": "신호위반 과태료", "en": "Red light violation fine"}, "due_date": "2026-08-31"}
    tracker = make_tracker({"language": "en", "fine_options": [option], "fine_ids": ["fn_1"]}, "", "pay_fine")
    _, messages = await run_action(ActionAskPaymentMethod(), tracker, domain)
    assert "late" in texts_of(messages).lower()
