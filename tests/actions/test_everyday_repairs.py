"""Everyday phrasings that went wrong on unseen conversations (held-out sets 44-46, first runs): each test says what
the citizen said and what must (or must never) be written."""
from __future__ import annotations

from datetime import date

import pytest

from actions.address import ValidateChangeAddressForm, pick_members
from actions.complaints import ValidateFileComplaintForm, tells_what_is_wrong
from actions.dates import parse_date
from actions.fines import ValidatePayFineForm
from actions.interpret import asks_about_options, services_named
from actions.verification import OUTCOME_PERSON
from minwon_nlu.language import requested_language
from test_form_repair import verified_runner

pytestmark = pytest.mark.asyncio

HOUSEHOLD = [{"id": "w", "name": "안예준", "relation": {"ko": "배우자", "en": "Spouse"}},
             {"id": "c", "name": "권서연", "relation": {"ko": "자녀", "en": "Child"}}]


async def at_payment_method(govapi, domain, opening: str, choice: str = "1", language: str = "ko"):
    """A payment verified in this session, one fine chosen, at the question of the way to pay."""
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form", language)
    await runner.say(opening, intent="pay_fine")
    if runner.asking == "fine_ids":
        await runner.say(choice)
    assert runner.asking == "payment_method"
    return runner


@pytest.mark.parametrize("said, moving", [
    ("hm, my wife is staying at the old place until next month. can I change who is moving?", None),  # asked again
    ("와이프는 안 가요", None),
    ("only my daughter, my wife stays", ["c"]),
    ("아내는 남고 딸이랑 가요", ["c"]),
    ("just me and my wife, not the kids", ["w"]),
    ("저만요, 와이프는 나중에 따로 할 거예요", []),
    ("my wife and daughter", ["w", "c"]),
    ("같이사는 사람 다요", ["w", "c"]),
])
def test_a_member_said_to_stay_behind_never_moves(said, moving):
    assert pick_members(said, HOUSEHOLD) == moving


def test_a_deadline_in_a_first_message_is_no_move_in_date():
    said = ("My company transferred me to the Gangnam branch and I moved in last Friday. I was told I need to file "
            "a move-in report within 14 days. Can I do that by text?")
    monday = date(2026, 12, 7)
    assert parse_date(said, monday) == date(2026, 12, 4)
    assert parse_date("within 14 days", monday) is None and parse_date("in 3 days", monday) == date(2026, 12, 10)


@pytest.mark.parametrize("said, service", [
    ("안녕하세요 구청에 신청한게 있는데 어떻게 됬는지 좀 알아볼라고요", "check_application_status"),
    ("면허 갱신한거 언제 나오는지 알고싶은디요", "check_application_status"),
    ("몇주전에 주민센터가서 신청한게 하나 있는데 그게 어떻게 됐는지 알고싶어서요", "check_application_status"),
    ("hello i want make paymnet for my fien please", "pay_fine"),
])
def test_an_application_asked_about_in_everyday_words_names_the_status_check(said, service):
    assert services_named(said) == [service]


@pytest.mark.parametrize("said", ["민원접수 할라구요 운전하다 본건데", "학교앞 건의사항 있어서 연락드려요"])
def test_a_request_with_background_but_no_problem_is_no_description(said):
    assert not tells_what_is_wrong(said)


@pytest.mark.parametrize("said", ["학교앞 횡단보도 신호등이 고장났어요", "우리집 앞에 쓰레기가 쌓여있어요"])
def test_a_problem_told_beside_a_place_is_a_description(said):
    assert tells_what_is_wrong(said)


def test_a_letter_in_korean_is_no_request_to_speak_korean():
    assert requested_language("actually I got a letter in Korean saying something about documents") is None
    assert requested_language("can you reply in Korean?").value == "ko"


def test_asking_the_difference_between_categories_is_a_question_about_the_options():
    assert asks_about_options("sorry what is the difference between a complaint and a proposal here? which one is mine?")
    assert asks_about_options("민원이랑 제안이랑 차이가 뭐예요?")


async def test_asking_to_change_the_place_because_it_was_the_old_building_asks_the_place_again(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("Cars park right in front of the fire hydrant every weekend, a fire truck could not get through",
                     intent="file_complaint")
    await runner.say("yes", intent="affirm")
    await runner.say("25 Yeoksam-ro")
    await runner.say("no photo, sorry")
    assert runner.asking == "complaint_confirm"
    await runner.say("ah wait, the address is wrong, that's my old building. can I change the location?",
                     intent="change_address", confidence=0.61)
    assert runner.asking == "complaint_place" and "old building" not in str(runner.slots.get("complaint_place"))
    await runner.say("180 Yeoksam-ro")
    assert "180 Yeoksam-ro" in str(runner.slots["complaint_place"]) and runner.asking == "complaint_confirm"


async def test_asking_which_category_is_mine_chooses_none(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("Three street lights on our road have been dark since last weekend", intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say("sorry what is the difference between a complaint and a proposal here? which one is mine?",
                     intent="file_complaint", confidence=0.6)
    assert runner.asking == "complaint_category" and runner.slots.get("complaint_category") is None


async def test_a_background_and_a_wish_to_complain_asks_what_happened(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("hi, im exchange student from vietnam, living in goshiwon near the university. my korean is not "
                     "good so sorry for english. i want to make complain to the city", intent="nlu_fallback",
                     confidence=0.5)
    assert runner.asking == "complaint_text" and runner.slots.get("complaint_text") is None


async def test_wanting_another_way_to_pay_at_the_summary_asks_the_way_again(govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "과태료 낼게요")
    await runner.say("카드요")
    assert runner.asking == "payment_confirm" and runner.slots["payment_method"] == "card"
    await runner.say("아 잠깐만요 결제방법 바꿀래요 이번달 카드값이 너무 많이 나와서..", intent="out_of_scope", confidence=0.94)
    assert runner.asking == "payment_method" and runner.slots.get("payment_method") is None


async def test_asking_to_phone_the_officer_about_an_appeal_gets_a_person(govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "과태료 낼게요")
    await runner.say("근데 이거 제차가 그시간에 거기 없었는데 이의신청 할라면 담당자랑 통화 가능해요?",
                     intent="nlu_fallback", confidence=0.5)
    assert runner.slots["form_outcome"] == OUTCOME_PERSON and runner.slots.get("payment_method") is None


async def test_a_wife_staying_behind_said_at_the_summary_asks_who_moves_again(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I'd like to report a change of address please", intent="change_address")
    await runner.say("12 Yeoksam-ro")
    if runner.asking == "address_id":
        await runner.say("1")
    await runner.say("today")
    if runner.asking != "member_ids":
        pytest.fail(f"the household question was not asked (asking {runner.asking})")
    await runner.say("all")
    assert runner.asking == "address_confirm"
    await runner.say("hm, my wife is staying at the old place until next month. can I change who is moving?",
                     intent="change_address", confidence=0.84)
    assert runner.asking == "member_ids" and runner.slots.get("member_ids") is None


# --- held-out sets 47-49, first runs ---------------------------------------------------------------------------

async def test_cereal_all_over_the_floor_picks_nobody_and_a_name_after_ok_at_the_summary_changes_who_moves(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("hi, need to do the move-in report thing for our new place", intent="change_address")
    await runner.say("12 Yeoksam-ro, Gangnam-gu, Seoul")
    if runner.asking == "address_id":
        await runner.say("1")
    await runner.say("yesterday")
    assert runner.asking == "member_ids"
    await runner.say("sorry one sec, the little one just tipped cereal all over the floor", intent="nlu_fallback",
                     confidence=0.5)
    assert runner.asking == "member_ids" and runner.slots.get("member_ids") is None
    await runner.say("all")
    members = runner.slots["household_options"]
    assert runner.asking == "address_confirm" and len(runner.slots["member_ids"]) == len(members) >= 2
    first = members[0]["name"]
    await runner.say(f"ok back. me and {first}", intent="cancel", confidence=0.79)
    assert runner.slots["member_ids"] == [members[0]["id"]] and runner.asking == "address_confirm"


async def test_a_question_whether_the_childrens_address_moves_too_changes_no_address(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고 할게요", intent="change_address")
    await runner.say("강남구 역삼로 12")
    if runner.asking == "address_id":
        await runner.say("1")
    await runner.say("오늘이요")
    assert runner.asking == "member_ids"
    address = runner.slots["new_address"]
    await runner.say("애들 주소도 이걸로 같이 옮겨지는 거에요? 학교에 따로 내야되나 해서요", intent="change_address",
                     confidence=0.98)
    assert runner.asking == "member_ids" and runner.slots["new_address"] == address


async def test_asking_what_the_move_in_date_means_takes_no_date(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고 하려구요", intent="change_address")
    await runner.say("역삼로 180 이요")
    if runner.asking == "address_id":
        await runner.say("1")
    assert runner.asking == "effective_date"
    await runner.say("전입일이 이사한 날짜 말하는거에요? 아님 오늘 신고하는 날이요?", intent="change_address",
                     confidence=0.83)
    assert runner.asking == "effective_date" and runner.slots.get("effective_date") is None


async def test_asking_about_health_insurance_at_the_summary_changes_nothing(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I'd like to change my registered address", intent="change_address")
    await runner.say("12 Yeoksam-ro")
    if runner.asking == "address_id":
        await runner.say("1")
    await runner.say("yesterday")
    await runner.say("just myself")
    assert runner.asking == "address_confirm"
    address = runner.slots["new_address"]
    await runner.say("before I say yes: will this change my address for health insurance too? or do I have to go "
                     "there as well?", intent="change_address", confidence=0.89)
    assert runner.asking == "address_confirm" and runner.slots["new_address"] == address
    await runner.say("ok good. yes, submit it", intent="affirm")
    assert runner.slots.get("address_confirm") is True


async def test_asking_what_a_virtual_account_is_chooses_no_way_to_pay(govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "과태료 납부 할려고 하는데요", choice="1번")
    await runner.say("가상계좌는 뭐에요? 은행가서 돈 넣는거랑 같은건가요", intent="check_payment", confidence=0.52)
    assert runner.asking == "payment_method" and runner.slots.get("payment_method") is None


async def test_asking_whether_somebody_will_call_after_filing_is_no_request_for_a_person(govapi, actions_on_govapi,
                                                                                        domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("the streetlight in front of 25 Yeoksam-ro has been out for a week", intent="file_complaint")
    await runner.say("yes", intent="affirm")
    if runner.asking == "complaint_place":
        await runner.say("25 Yeoksam-ro")
    await runner.say("no photo")
    assert runner.asking == "complaint_confirm"
    await runner.say("what happens after I send this? will somebody call me?", intent="nlu_fallback", confidence=0.5)
    assert runner.asking == "complaint_confirm" and runner.slots.get("form_outcome") is None


async def test_cancel_please_after_hearing_a_neighbour_already_reported_it_stops(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("Hey, I'd like to file a complaint about something near my place.", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("Actually scratch that, my neighbour just texted me that she reported it on Friday. Cancel please, "
                     "no need for two.", intent="nlu_fallback", confidence=0.5)
    assert runner.slots.get("complaint_text") is None and runner.slots["form_outcome"] == "cancelled"


@pytest.mark.parametrize("said", ["출근길에 맨날 보는게 있는데 어디다 말해야될지 몰라서요. 신고 여기서 되나요?",
                                  "오늘 회사에서도 진빠졌는데 집에와서도 쉬지를 못하네요.. 여기서 불편신고도 받아주시나요?"])
def test_asking_whether_one_can_report_here_names_a_complaint_but_tells_no_problem(said):
    from actions.complaints import TO_FILE
    assert services_named(said) == ["file_complaint"] and TO_FILE.search(said)


def test_a_road_address_with_its_district_after_it_keeps_an_english_conversation_english():
    from actions.turn_language import language_update
    assert language_update("inform", "역삼로 12, 강남구", False, [],
                           {"language": "en", "requested_slot": "new_address"}) == {}


async def test_card_chosen_with_the_transfer_only_in_the_reason_changes_the_way_to_card(govapi, actions_on_govapi,
                                                                                       domain):
    runner = await at_payment_method(govapi, domain, "과태료 조회하고 납부까지 하려구요", choice="첫번째꺼")
    await runner.say("가상계좌로 할게요")
    assert runner.slots["payment_method"] == "virtual_account" and runner.asking == "payment_confirm"
    await runner.say("아 잠깐만요 그냥 카드로 할래요 이체하러 은행앱 들어가기 귀찮네요ㅎ", intent="out_of_scope", confidence=0.8)
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"


async def test_today_turned_down_for_yesterday_at_the_summary_takes_yesterday(govapi, actions_on_govapi, domain):
    from actions.conversation import now_local
    from datetime import timedelta

    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("주소지 변경 신고 할게요", intent="change_address")
    await runner.say("역삼로 180")
    if runner.asking == "address_id":
        await runner.say("1")
    await runner.say("오늘")
    await runner.say("저만요")
    assert runner.asking == "address_confirm"
    await runner.say("아 날짜를 잘못 말했네요 오늘 말고 어제 들어왔어요", intent="out_of_scope", confidence=0.78)
    yesterday = (now_local().date() - timedelta(days=1)).isoformat()
    assert runner.slots["effective_date"] == yesterday and runner.asking == "address_confirm"


async def test_a_moment_then_later_at_the_description_stops_and_files_nothing(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("민원 접수 좀 할게요", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("아 잠시만요 지금 버스와서 타야돼요 이따 집에가서 다시 할게요", intent="cancel", confidence=0.86)
    assert runner.slots.get("complaint_text") is None and runner.slots["form_outcome"] == "cancelled"


@pytest.mark.parametrize("said", ["아 지금 새벽 세시구나ㅋㅋ 아무도 없겠네요 그냥 번호 넣을게요",
                                  "nobody is around at 3am huh, ok i will just do it"])
def test_nobody_there_at_night_and_going_on_alone_takes_back_the_request_for_a_person(said):
    from actions.interpret import person_not_needed
    assert person_not_needed(said)


def test_waiting_for_a_person_is_no_taking_it_back():
    from actions.interpret import person_not_needed
    assert not person_not_needed("상담원 연결 기다릴게요")


@pytest.mark.parametrize("said, told", [("소음 민원 넣을라고요", False), ("윗집 소음 때문에 잠을 못자요 민원 넣을라고요", True)])
def test_a_kind_of_problem_and_an_intention_ending_is_no_description(said, told):
    assert tells_what_is_wrong(said) is told


def test_a_street_lamp_out_and_a_dark_block_is_a_problem_a_complaint_is_for():
    from actions.complaints import guess_category, problem_words
    said = "The street lamp in front of 180 Yeoksam-ro has been out for a week, the whole block is pitch dark"
    assert guess_category(said, []) == "street_lighting" and problem_words(said) >= 2


def test_enough_for_today_stops_even_where_a_date_is_asked():
    from actions.interpret import wants_cancel
    assert wants_cancel("아 잠만요 계약서 다시 확인해보고 할게요 오늘은 여기까지만 할래요", "cancel", 0.98, "effective_date",
                        [], True)


def test_a_seoul_address_typed_in_korean_keeps_an_english_conversation_english():
    from actions.turn_language import language_update
    assert language_update("inform", "서울 강남구 역삼로 180", False, [],
                           {"language": "en", "requested_slot": "new_address"}) == {}


@pytest.mark.parametrize("opening, said, intent, confidence", [
    ("밤마다 오토바이 굉음때문에 잠을 못자요ㅠ 역삼로 12 근처에요", "이거 소음으로 넣는거 맞나요? 교통쪽 아니에요?", "nlu_fallback", 0.5),
    # held-out set 69: a wait for the bus was added to the description, and 'Roads' taken for it
    ("보도블록이 깨져서 울퉁불퉁합니다 지팡이 짚고 다니는데 걸려서 넘어질 뻔 했습니다", "잠깐만요 버스가 와서 타고 나서 다시 보내겠습니다",
     "cancel", 0.6),
])
async def test_a_question_or_a_wait_at_the_category_question_chooses_none_and_adds_nothing(
        govapi, actions_on_govapi, domain, opening, said, intent, confidence):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say(opening, intent="file_complaint")
    assert runner.asking == "complaint_category"
    told = runner.slots["complaint_text"]
    await runner.say(said, intent=intent, confidence=confidence)
    assert runner.asking == "complaint_category" and runner.slots.get("complaint_category") is None
    assert runner.slots["complaint_text"] == told


# --- held-out sets 53-55, first runs ---------------------------------------------------------------------------

@pytest.mark.parametrize("said", ["민원을 하나 접수하려고 하는데 먼저 여쭤볼 것이 있습니다.",
                                  "Dear Sir, I wish to submit a civil complaint."])
def test_a_formal_opening_asking_to_file_is_no_description(said):
    assert not tells_what_is_wrong(said)


def test_a_verb_said_in_the_negative_corrects_no_earlier_answer():
    from actions.interpret import replaced_part
    filled = {"complaint_text": "Dear Sir, I wish to submit a civil complaint.", "complaint_place": {"address": "역삼로 325"}}
    said = "Every night cars park in front of the fire hydrant. If there is a fire, the fire truck can not use it."
    assert replaced_part(said, ["complaint_text", "complaint_place"], filled) is None
    assert replaced_part("325가 아니라 388", ["complaint_text", "complaint_place"], filled).value == "역삼로 388"


def test_going_to_the_office_in_person_last_week_puts_nothing_off_and_names_the_status_check():
    from actions.interpret import puts_off
    said = ("안녕하십니까. 지난주에 주민센터에 직접 가서 서류를 하나 신청하고 왔는데 아직까지 아무 연락이 없어서요, 혹시 지금 "
            "어느 단계까지 처리되었는지 여기서 확인할 수 있는지 여쭙고 싶습니다.")
    assert not puts_off(said) and services_named(said) == ["check_application_status"]
    assert puts_off("그냥 구청에 직접 가서 낼게요")


@pytest.mark.parametrize("said, slot, stops", [
    ("가족들은 나중에 올 예정이라 이번에는 저 혼자만 전입합니다.", "address_confirm", False),
    ("hmm wait, let me check with my husband first, he might have paid it already. cancel this for now please",
     "payment_method", True),
    ("금액을 보니 생각보다 많아서 가족과 먼저 상의해 보고 다시 연락드리겠습니다. 오늘은 결제하지 않고 여기서 그만두겠습니다.",
     "payment_method", True),
])
def test_formal_and_hedged_stops_stop_and_family_coming_later_does_not(said, slot, stops):
    from actions.interpret import wants_cancel
    assert wants_cancel(said, "inform", 0.5, slot, [], False) is stops


def test_typing_on_the_bus_is_a_wait_not_a_category():
    from actions.interpret import is_wait
    assert is_wait("sorry typing on the bus")


async def test_a_question_about_the_moves_deadline_and_penalty_switches_to_no_fine(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I need to report my move", intent="change_address")
    await runner.say("25 Yeoksam-ro")
    if runner.asking == "address_id":
        await runner.say("1")
    assert runner.asking == "effective_date"
    await runner.say("Sorry, a question first: how many days do I have to report the move? And is there any fee or "
                     "penalty if I am a little late?", intent="pay_fine", confidence=0.6)
    assert runner.asking == "effective_date" and runner.slots.get("form_outcome") is None


async def test_a_choice_supposed_in_a_privacy_question_is_not_made(govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "Good morning, I would like to settle my unpaid fines.", language="en")
    await runner.say("May I ask first: if I choose card, will my card details be kept in this chat or by the city? I "
                     "prefer they are not stored anywhere.", intent="check_payment", confidence=0.5)
    assert runner.asking == "payment_method" and runner.slots.get("payment_method") is None


async def test_may_i_change_the_way_to_pay_at_the_summary_asks_it_again(govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "I got a parking ticket on my car and I would like to pay it now.", language="en")
    await runner.say("card")
    assert runner.asking == "payment_confirm"
    await runner.say("Sorry, before I confirm, may I change the payment method? My card has a low limit this month.",
                     intent="pay_fine", confidence=0.5)
    assert runner.asking == "payment_method"


async def test_a_person_asked_for_in_formal_korean_outside_a_form_is_handed_over(domain):
    from actions.fallback import ActionOutOfScope
    from actions_testkit import make_tracker, run_action
    said = ("번호를 찾아보려고 했는데 접수증이 여러 장이라 어느 번호를 말씀드려야 할지 모르겠습니다. 번거로우시겠지만 상담원분과 "
            "직접 이야기하면서 확인하고 싶은데 연결해 주실 수 있겠습니까?")
    events, _ = await run_action(ActionOutOfScope(), make_tracker({"language": "ko"}, said, "out_of_scope", 0.6), domain)
    assert {"event": "followup", "name": "action_handoff"}.items() <= events[0].items()
    events, _ = await run_action(ActionOutOfScope(), make_tracker({"language": "ko"}, "상담원이 너무 불친절했어요",
                                                                  "out_of_scope", 0.6), domain)
    assert not any(e.get("name") == "action_handoff" for e in events)


async def test_whats_the_diff_between_the_ways_to_pay_chooses_none(govapi, actions_on_govapi, domain):
    runner = await at_payment_method(govapi, domain, "need to pay a ticket", language="en")
    await runner.say("whats the diff between card and virtual account", intent="pay_fine", confidence=0.5)
    assert runner.asking == "payment_method" and runner.slots.get("payment_method") is None


async def test_typing_on_the_bus_at_the_category_question_chooses_no_category(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("file a complaint", intent="file_complaint")
    await runner.say("the streetlight outside my building flickers all night")
    assert runner.asking == "complaint_category"
    await runner.say("sorry typing on the bus", intent="out_of_scope", confidence=0.6)
    assert runner.asking == "complaint_category" and runner.slots.get("complaint_category") is None


async def test_a_description_that_starts_with_ne_is_a_description(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("민원을 하나 접수하려고 하는데 먼저 여쭤볼 것이 있습니다.", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("제 이름이 이웃에게 알려지지는 않습니까? 바로 옆 건물이라 조심스럽습니다.", intent="file_complaint",
                     confidence=0.5)
    assert runner.asking == "complaint_text" and runner.slots.get("complaint_text") is None
    said = "네 알겠습니다. 옆 건물 공사장에서 밤 11시가 넘어서도 소음이 계속되고 있습니다."
    await runner.say(said, intent="file_complaint", confidence=0.7)
    assert runner.slots["complaint_text"] == said
