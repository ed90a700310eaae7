"""Conversation repair inside every form, against a real govapi: what the issue's citizens said, and what is (or is
not) written to a government record afterwards."""
import re
from datetime import date, timedelta

import pytest

from actions.address import (ActionAskAddressConfirm, ActionAskAddressId, ActionChangeAddress,
                             ValidateChangeAddressForm)
from actions.complaints import ValidateFileComplaintForm
from actions.fines import ActionAskPaymentConfirm, ActionPayFine, ValidatePayFineForm
from actions.conversation import now_local
from actions.verification import OUTCOME_CANCELLED, OUTCOME_PERSON, OUTCOME_SWITCH, ValidateVerifyForm
from actions_testkit import DEMO_BIRTH, DEMO_PHONE, FormRunner, make_tracker, run_action, slot_updates, texts_of
from test_services import verified_slots

pytestmark = pytest.mark.asyncio


async def payments_of(govapi, token):
    return (await govapi.citizen_get(token, "/v1/me/payments"))["payments"]


async def verified_runner(govapi, domain, validator, form: str, language: str = "ko") -> FormRunner:
    """A form runner for a citizen verified in this session (govapi's seed), in `language`."""
    sender, slots = await verified_slots(govapi, domain, language=language)
    return FormRunner(validator, form, domain, sender=sender, slots=slots, language=language)


async def test_a_person_asked_for_at_the_payment_method_gets_a_person_and_no_payment(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    before = await payments_of(govapi, slots["citizen_token"])
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("pay my fines", intent="pay_fine")
    if runner.asking == "fine_ids":
        await runner.say("all")
    assert runner.asking == "payment_method"
    await runner.say("hmm actually can I talk to a real person first? not sure about the virtual account thing",
                     intent="nlu_fallback", confidence=0.5)
    assert runner.slots.get("payment_method") is None
    assert runner.slots["form_outcome"] == OUTCOME_PERSON and runner.asking is None
    events, messages = await run_action(ActionPayFine(), runner.tracker("person"), domain)
    assert "call" in texts_of(messages).lower()  # no desk in this test: the call-centre number
    assert await payments_of(govapi, slots["citizen_token"]) == before


async def test_the_payment_summary_changes_one_answer_and_pays_by_the_new_method(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots)
    await runner.say("과태료 낼게요", intent="pay_fine")
    first = runner.slots["fine_options"][0]
    await runner.say(first["number"])  # a fine chosen by its notice number
    assert runner.slots["fine_ids"] == [first["id"]]
    await runner.say("1")
    assert runner.asking == "payment_confirm"
    await runner.say("아니요", intent="deny")
    assert runner.asking == "payment_confirm" and runner.slots["summary_change"] is True
    _, asked = await run_action(ActionAskPaymentConfirm(), make_tracker(runner.slots, sender=sender), domain)
    assert "무엇을 바꿀까요" in texts_of(asked) and "그대로 진행" in texts_of(asked)
    await runner.say("네", intent="affirm")  # after "no" a bare yes chooses nothing: nothing is paid, asked again
    assert runner.asking == "payment_confirm" and not runner.slots.get("payment_confirm")
    assert runner.slots["summary_change"] is True
    await runner.say("결제 방법")
    assert runner.asking == "payment_method" and runner.slots["fine_ids"] == [first["id"]]
    await runner.say("2")
    assert runner.asking == "payment_confirm"
    await runner.say("아 그냥 카드로 할게요")  # changed at the summary, in one message
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"
    await runner.say("가상계좌로 바꿔주세요")
    assert runner.slots["payment_method"] == "virtual_account" and runner.asking == "payment_confirm"
    _, summary = await run_action(ActionAskPaymentConfirm(), make_tracker(runner.slots, sender=sender), domain)
    assert "가상계좌" in texts_of(summary)
    await runner.say("네", intent="affirm")
    _, paid = await run_action(ActionPayFine(), runner.tracker("네"), domain)
    assert "입금해주세요" in texts_of(paid)


async def test_an_off_topic_question_is_not_saved_as_the_place_and_nothing_is_filed_before_yes(
        govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("가로등이 꺼졌어요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    assert runner.asking == "complaint_place"
    await runner.say("오늘 날씨 어때요?", intent="out_of_scope", confidence=0.75)
    assert runner.slots.get("complaint_place") is None
    await runner.say("테헤란로 12 앞")
    await runner.say("장소는 역삼로 25예요")  # corrected while the photo is asked
    assert runner.slots["complaint_place"] == {"address": "역삼로 25"}
    assert runner.asking == "photo_id"
    await runner.say("없음")
    assert runner.asking == "complaint_confirm"
    await runner.say("상담원 연결해주세요", intent="request_human", confidence=1.0)
    assert runner.slots["form_outcome"] == OUTCOME_PERSON
    complaints = await govapi.citizen_get(slots["citizen_token"], "/v1/me/complaints")
    assert not [c for c in complaints["complaints"] if "가로등이 꺼졌어요" in str(c)]


async def test_both_members_move_a_corrected_address_and_no_at_the_summary_changes_only_the_date(
        govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender, slots=slots)
    await runner.say("이사했어요", intent="change_address")
    members = runner.slots["household_options"]
    assert len(members) >= 2
    await runner.say("테헤란로 12")
    assert runner.asking == "effective_date"
    await runner.say("아 주소 틀렸어요, 역삼로 12예요", intent="change_address", confidence=0.7)
    assert runner.slots["new_address"] == "역삼로 12"
    assert "역삼로 12" in runner.slots["address_label"]["ko"]
    assert runner.asking == "effective_date"
    await runner.say("다음 주 월요일")
    await runner.say("둘 다 같이 가요")
    assert runner.slots["member_ids"] == [m["id"] for m in members]
    assert runner.asking == "address_confirm"
    await runner.say("아니요", intent="deny")
    await runner.say("전입 날짜")
    assert runner.asking == "effective_date"
    assert runner.slots["new_address"] == "역삼로 12" and runner.slots["member_ids"]
    await runner.say("오늘")
    assert runner.asking == "address_confirm"
    _, summary = await run_action(ActionAskAddressConfirm(), make_tracker(runner.slots, sender=sender), domain)
    assert "역삼로 12" in texts_of(summary)
    await runner.say("네", intent="affirm")
    _, done = await run_action(ActionChangeAddress(), runner.tracker("네"), domain)
    number = re.search(r"MV-\d{4}-\d{6}", texts_of(done)).group(0)
    change = await govapi.citizen_get(slots["citizen_token"], f"/v1/address-changes/{number}")
    assert "역삼로 12" in str(change) and len(change.get("member_ids") or change.get("members") or []) >= 2


async def test_a_corrected_phone_gets_a_new_code_at_the_new_phone(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("show my applications", intent="list_applications")
    await runner.say("010-5555-0000")
    await runner.say(DEMO_BIRTH)
    assert runner.asking == "otp_code"
    await runner.say(f"not 010-5555-0000, it's {DEMO_PHONE}")
    assert runner.slots["phone"] == "+821012345678"
    assert runner.asking == "otp_code" and runner.slots["verification_id"]
    await runner.say(await govapi.latest_code("+821012345678"))
    assert runner.slots["verified"] is True


async def test_phone_and_birth_date_in_the_first_message_are_not_asked_again(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await runner.say(f"내 신청 보여줘 {DEMO_PHONE} 850314", intent="list_applications")
    assert runner.slots["phone"] == "+821012345678" and runner.slots["birth_date"] == DEMO_BIRTH
    assert runner.asking == "otp_code"


async def test_stop_at_the_summary_writes_nothing(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    before = await payments_of(govapi, slots["citizen_token"])
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots)
    await runner.say("과태료 낼게요", intent="pay_fine")
    if runner.asking == "fine_ids":
        await runner.say("전부")
    await runner.say("카드")
    await runner.say("취소할게요", intent="cancel", confidence=1.0)
    assert runner.slots["form_outcome"] == OUTCOME_CANCELLED
    events, messages = await run_action(ActionPayFine(), runner.tracker("취소할게요"), domain)
    assert "취소했어요" in texts_of(messages)
    assert slot_updates(events).get("fine_ids", None) is None
    assert await payments_of(govapi, slots["citizen_token"]) == before


async def test_a_misspelt_road_is_suggested_not_refused_and_not_taken_without_a_choice(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender, slots=slots)
    await runner.say("이사했어요", intent="change_address")
    await runner.say("테헤렌로 12")  # 테헤란로
    assert runner.asking == "address_id" and runner.slots["address_id"] is None
    _, asked = await run_action(ActionAskAddressId(), make_tracker(runner.slots, sender=sender), domain)
    assert "테헤란로 12" in texts_of(asked) and "똑같은 주소는 없어요" in texts_of(asked)
    await runner.say("역삼로 25")  # not in the list: another address is searched instead
    assert runner.slots["new_address"] == "역삼로 25" and "역삼로 25" in runner.slots["address_label"]["ko"]
    assert runner.asking == "effective_date"


async def test_the_address_choice_corrected_by_its_number_later_on(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I moved", intent="change_address")
    await runner.say("Itaewon-ro")
    options = runner.slots["address_options"]
    assert runner.asking == "address_id" and len(options) > 1
    await runner.say("1")
    await runner.say("today")
    assert runner.slots["address_id"] == options[0]["id"]
    await runner.say("I chose the wrong address, it's number 2")
    assert runner.slots["address_id"] == options[1]["id"] and runner.slots["effective_date"]


async def card_payment_at_its_summary(govapi, domain, way: str = "card") -> FormRunner:
    """A verified English citizen paying their first fine by card (or the `way` said), at the summary."""
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("pay my fines", intent="pay_fine")
    if runner.asking == "fine_ids":
        await runner.say("1")
    await runner.say(way)
    assert runner.asking == "payment_confirm"
    return runner


async def english_move_to_yeoksam_ro(govapi, domain) -> FormRunner:
    """A verified English citizen's move-in report to 25 Yeoksam-ro, the move-in date asked next."""
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("need to register my new address", intent="change_address")
    await runner.say("25 Yeoksam-ro")
    assert runner.asking == "effective_date"
    return runner


async def test_a_wish_to_change_something_unnamed_at_the_summary_asks_what(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    await runner.say("wait, something is wrong here", intent="deny", confidence=0.4)
    assert runner.asking == "payment_confirm" and runner.slots["summary_change"] is True
    assert runner.slots.get("payment_confirm") is None
    await runner.say("virtual account")  # the new value alone: the one answer it fits
    assert runner.slots["payment_method"] == "virtual_account" and runner.asking == "payment_confirm"
    assert not runner.slots.get("summary_change")


async def test_keep_as_is_after_no_goes_ahead_with_the_summary_unchanged(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    await runner.say("no", intent="deny")
    assert runner.slots["summary_change"] is True
    await runner.say("Keep as is")  # the button's payload, or typed
    assert runner.slots["payment_confirm"] is True and runner.slots["payment_method"] == "card"


@pytest.mark.parametrize("said,address", [
    ("양화로 146이에요", "양화로 146"),
    ("저는 서울 강남구 테헤란로 12로 이사해요", "서울 강남구 테헤란로 12"),
    ("I moved to 100 Olympic-ro last week", "100 Olympic-ro"),
    ("12 Teheran-ro, Gangnam-gu, Seoul", "12 Teheran-ro, Gangnam-gu, Seoul"),
    ("이태원로", "이태원로"),  # no number: searched as typed, the register offers its buildings
])
async def test_the_address_is_searched_without_the_words_around_it(said, address):
    from actions.address import address_words
    assert address_words(said) == address


async def test_a_new_address_said_at_the_summary_changes_only_the_address(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I moved", intent="change_address")
    await runner.say("12 Teheran-ro")
    await runner.say("today")
    await runner.say("just me")
    assert runner.asking == "address_confirm"
    date = runner.slots["effective_date"]
    await runner.say("that's the wrong place, we're going to 25 Yeoksam-ro", intent="inform", confidence=0.6)
    assert "25" in runner.slots["address_label"]["en"] and "Yeoksam" in runner.slots["address_label"]["en"]
    assert runner.slots["effective_date"] == date and runner.slots["member_ids"] == []
    assert runner.asking == "address_confirm"  # the summary again, with the new address


async def test_a_second_fine_added_at_the_summary_joins_the_first_one(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 낼게요", intent="pay_fine")
    options = runner.slots["fine_options"]
    assert len(options) >= 2
    await runner.say("1번")
    await runner.say("카드")
    assert runner.asking == "payment_confirm" and runner.slots["fine_ids"] == [options[0]["id"]]
    await runner.say("2번 과태료도 같이 낼게요")
    assert runner.slots["fine_ids"] == [options[0]["id"], options[1]["id"]]
    assert runner.asking == "payment_confirm" and runner.slots["payment_method"] == "card"


async def test_a_member_added_at_the_summary_joins_the_move_and_the_others_stay(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I moved", intent="change_address")
    members = runner.slots["household_options"]
    assert len(members) >= 2
    await runner.say("12 Teheran-ro")
    await runner.say("today")
    await runner.say("1")
    assert runner.asking == "address_confirm" and runner.slots["member_ids"] == [members[0]["id"]]
    await runner.say(f"{members[1]['name']} is moving too")
    assert runner.slots["member_ids"] == [members[0]["id"], members[1]["id"]]
    assert runner.asking == "address_confirm"


async def test_a_question_at_the_summary_that_narrows_one_answer_changes_it(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("pay my fines", intent="pay_fine")
    assert len(runner.slots["fine_options"]) >= 2
    await runner.say("all")
    await runner.say("card")
    assert runner.asking == "payment_confirm" and len(runner.slots["fine_ids"]) >= 2
    await runner.say("can I just do the first one for now?", intent="nlu_fallback", confidence=0.5)
    assert runner.slots["fine_ids"] == [runner.slots["fine_options"][0]["id"]]
    assert runner.asking == "payment_confirm" and runner.slots["payment_method"] == "card"


async def test_asking_to_change_which_fines_without_saying_which_asks_the_fines_again(govapi, actions_on_govapi,
                                                                                       domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("i wanna pay some fines", intent="pay_fine")
    await runner.say("just 1")
    await runner.say("card")
    assert runner.asking == "payment_confirm"
    chosen = runner.slots["fine_ids"]
    await runner.say("wait can i change which ones im paying? want to add another one", intent="inform",
                     confidence=0.5)
    assert runner.asking == "fine_ids" and not runner.slots.get("fine_ids")  # asked again, nothing taken as a choice
    await runner.say("1 and 2")
    assert runner.slots["fine_ids"][0] == chosen[0] and len(runner.slots["fine_ids"]) == 2


async def test_the_address_and_date_in_the_first_message_are_not_asked_again(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고요 역삼로 25로 오늘 이사옴", intent="change_address")
    assert "역삼로 25" in runner.slots["address_label"]["ko"]
    assert runner.slots["effective_date"] and runner.asking == "member_ids"


async def test_a_date_given_while_the_address_is_asked_is_kept_and_the_address_asked_again(govapi, actions_on_govapi,
                                                                                         domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("이사했어요", intent="change_address")
    assert runner.asking == "new_address"
    await runner.say("오늘 들어왔어요", intent="goodbye", confidence=0.8)
    assert runner.slots["effective_date"] and runner.asking == "new_address"
    assert "적어둘게요" in texts_of(runner.messages)
    await runner.say("역삼로 25")
    assert runner.asking == "member_ids"  # the date is not asked again


async def test_an_address_in_the_first_message_before_verification_is_searched_once_verified(govapi,
                                                                                           actions_on_govapi, domain):
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain)
    await runner.say("전입신고요 역삼로 25로 오늘 이사옴", intent="change_address")
    assert runner.asking == "phone" and runner.slots["new_address"] == "역삼로 25"
    await runner.say(DEMO_PHONE)
    await runner.say(DEMO_BIRTH)
    await runner.say(await govapi.latest_code("+82" + re.sub(r"\D", "", DEMO_PHONE)[1:]))
    assert runner.slots.get("verified") is True
    assert "역삼로 25" in runner.slots["address_label"]["ko"] and runner.slots["effective_date"]
    assert runner.asking == "member_ids"  # neither the address nor the date is asked again


@pytest.mark.parametrize("said", ["아뇨 이대로는 안돼요", "아니 그대로 접수하면 안돼요", "no, not like this"])
async def test_keeping_it_as_it_is_denied_is_never_a_yes(govapi, actions_on_govapi, domain, said):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 낼게요", intent="pay_fine")
    if runner.asking == "fine_ids":
        await runner.say("1")
    await runner.say("카드")
    assert runner.asking == "payment_confirm"
    await runner.say(said, intent="deny", confidence=0.6)
    assert runner.slots.get("payment_confirm") is not True and runner.slots["summary_change"] is True


@pytest.mark.parametrize("said", ["그대로 진행해 주세요", "no changes, go ahead", "keep as is"])
def test_keeping_it_as_it_is_said_plainly_keeps_it(said):
    from actions.parsing import keeps_as_is
    assert keeps_as_is(said)


async def test_the_date_said_with_the_address_is_kept_and_not_asked(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("이사했어요", intent="change_address")
    assert runner.asking == "new_address"
    await runner.say("역삼로 25 으로 moving 해요, 날짜는 내일이요")
    assert "역삼로 25" in runner.slots["address_label"]["ko"]
    assert runner.slots["effective_date"] and runner.asking == "member_ids"


async def test_a_corrected_date_and_the_asked_household_in_one_message_both_count(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고요 역삼로 25로 오늘 이사옴", intent="change_address")
    assert runner.asking == "member_ids"
    today = runner.slots["effective_date"]
    await runner.say("아 잠깐만요, 아까 날짜를 오늘이라고 했는데 내일로 해야 맞아요. 그리고 이사는 저 혼자만 가요")
    assert runner.slots["effective_date"] and runner.slots["effective_date"] != today, runner.messages
    assert runner.slots["member_ids"] == [] and runner.asking == "address_confirm"


async def test_the_birth_date_said_with_the_asked_phone_is_not_asked_again(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("show my applications", intent="list_applications")
    assert runner.asking == "phone"
    await runner.say(f"Sure, my mobile is {DEMO_PHONE} and my date of birth is March 14, 1985, in case you need both")
    assert runner.slots["birth_date"] == DEMO_BIRTH and runner.asking == "otp_code"


async def test_all_fines_by_card_said_first_goes_straight_to_the_summary(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료전부카드로낼게요", intent="pay_fine")
    options = runner.slots["fine_options"]
    assert len(options) >= 2
    assert sorted(runner.slots["fine_ids"]) == sorted(o["id"] for o in options)  # as the answer "전부" chooses
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"


async def test_asking_to_pay_online_first_chooses_no_way_to_pay(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("can I pay my fine online?", intent="pay_fine")
    assert runner.slots.get("payment_method") is None and runner.asking == "fine_ids"


async def test_a_corrected_place_and_no_photo_in_one_message_go_to_the_summary(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("English please. The street light outside our building keeps flickering", intent="file_complaint")
    assert runner.slots["complaint_text"] == "The street light outside our building keeps flickering"
    await runner.say("yes", intent="affirm")
    await runner.say("210 Teheran-ro")
    assert runner.asking == "photo_id"
    await runner.say("Sorry, I gave you the wrong building number earlier, it's 12 Teheran-ro, not 210. "
                     "And no, I don't have a photo.")
    assert "12 Teheran-ro" in str(runner.slots["complaint_place"]) and "210" not in str(runner.slots["complaint_place"])
    assert runner.asking == "complaint_confirm"


async def test_a_birth_date_with_a_why_question_is_answered_and_taken(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await runner.say("내 신청 보여줘", intent="list_applications")
    await runner.say(DEMO_PHONE)
    assert runner.asking == "birth_date"
    await runner.say("1985-03-14 이요. 근데 생년월일까지 왜 필요한 거예요? 어디 다른 데 쓰이는 건 아니죠?",
                     intent="ask_why", confidence=0.6)
    assert "휴대폰 번호의 주인" in texts_of(runner.messages)  # the question is answered ...
    assert runner.slots["birth_date"] == DEMO_BIRTH and runner.asking == "otp_code"  # ... and the date taken



async def test_a_birth_date_with_a_privacy_question_is_answered_and_taken(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("show my applications", intent="list_applications")
    await runner.say(DEMO_PHONE)
    await runner.say("1985-03-14. is this safe tho? who can see my info?", intent="out_of_scope", confidence=0.5)
    assert "only" in texts_of(runner.messages).lower()  # what the date is used for, not "type your date"
    assert runner.slots["birth_date"] == DEMO_BIRTH and runner.asking == "otp_code"


async def test_a_corrected_birth_date_at_the_code_chooses_no_complaint_category(govapi, actions_on_govapi, domain):
    # "November 1, 1976" holds a 1: it must not choose category 1 behind the citizen's back
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, language="en")
    await runner.say("I want to report a broken streetlight near my apartment", intent="file_complaint")
    await runner.say(DEMO_PHONE)
    await runner.say("1985-03-14")
    assert runner.asking == "otp_code"
    await runner.say("sorry that birthday was wrong, it's November 1, 1976")
    assert runner.slots["birth_date"] == "1976-11-01"
    assert runner.slots.get("complaint_category") is None, runner.slots


async def test_the_place_of_the_first_message_is_kept_without_a_description(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("I'd like to report something outside 12 Teheran-ro", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("there's a big crack in the pavement, my mum tripped on it yesterday", intent="file_complaint")
    await runner.say("yes", intent="affirm")
    assert "12 Teheran-ro" in str(runner.slots["complaint_place"]) and runner.asking == "photo_id"


async def test_a_place_said_where_the_problem_is_asked_is_kept_and_the_problem_asked_again(govapi, actions_on_govapi,
                                                                                          domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("want to report something", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("its at the bus stop at 12 Teheran-ro", intent="file_complaint", confidence=0.6)
    assert runner.slots.get("complaint_text") is None and runner.asking == "complaint_text"
    assert "12 Teheran-ro" in str(runner.slots["complaint_place"])


async def test_a_yes_to_the_category_with_the_place_takes_both(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("우리 집 앞 길이 다 패여서 노인들 다니기가 위험합니다", intent="file_complaint")
    assert runner.asking == "complaint_category" and runner.slots["complaint_category_guess"] == "roads"
    await runner.say("예 그렇습니다. 장소는 역삼로 25 앞입니다", intent="affirm", confidence=0.7)
    assert runner.slots["complaint_category"] == "roads" and "역삼로 25" in str(runner.slots["complaint_place"])
    assert runner.asking == "photo_id"


async def test_words_that_name_no_place_are_not_filed_as_the_place(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("there's a big crack in the pavement", intent="file_complaint")
    await runner.say("yes", intent="affirm")
    assert runner.asking == "complaint_place"
    await runner.say("thanks, this is much quicker than phoning the district office", intent="thank", confidence=0.45)
    assert runner.slots.get("complaint_place") is None and runner.asking == "complaint_place"


async def test_leaving_an_answer_as_it_was_after_asking_to_change_it_keeps_it(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("I moved to 25 Yeoksam-ro today, just me", intent="change_address")
    if runner.asking == "member_ids":
        await runner.say("just me")
    assert runner.asking == "address_confirm"
    date = runner.slots["effective_date"]
    await runner.say("hmm, can I change the move-in date?", intent="change_address", confidence=0.5)
    assert runner.asking == "effective_date" and runner.slots.get("effective_date") is None
    await runner.say("actually no, leave it as it was, sorry", intent="cancel", confidence=0.6)
    assert runner.slots["effective_date"] == date and runner.asking == "address_confirm"
    assert runner.slots.get("form_outcome") is None and "keep it as it was" in texts_of(runner.messages)


async def test_a_problem_of_no_known_category_in_the_first_message_is_kept_as_the_description(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("공사장 먼지때문에 창문을 못열어요 민원넣을게요", intent="file_complaint")
    assert runner.slots["complaint_text"].startswith("공사장 먼지") and runner.asking == "complaint_category"


@pytest.mark.parametrize("first, language, then", [
    ("complain noise", "en", "karaoke next building very loud every night until 2am, cannot sleep"),
    ("can i report something dangerous on the sidewalk", "en",
     "theres a big dead branch hanging over the sidewalk, looks like itll fall on someone"),
    ("놀이터 고장난거 신고하려면 어떻게해요", "ko", "놀이터 그네 줄이 끊어져 있어요 애들 다칠까봐 걱정돼요"),
])
async def test_a_request_or_a_how_to_question_is_not_the_description_what_happened_is_asked(
        govapi, actions_on_govapi, domain, first, language, then):
    # the record would have held "complain noise" as what happened, and the citizen's account been lost
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", language)
    await runner.say(first, intent="file_complaint")
    assert runner.slots.get("complaint_text") is None and runner.asking == "complaint_text"
    await runner.say(then)
    assert runner.slots["complaint_text"] == then and runner.asking == "complaint_category"


async def test_what_happened_told_at_the_category_question_is_added_to_the_description(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("놀이터 그네 고장났어요", intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say("줄이 한쪽 끊어져서 애들이 다칠까봐 걱정돼요 빨리 고쳐주세요")
    assert runner.slots["complaint_text"] == "놀이터 그네 고장났어요 줄이 한쪽 끊어져서 애들이 다칠까봐 걱정돼요 빨리 고쳐주세요"
    assert runner.slots["complaint_category"] == "parks" and runner.asking == "complaint_place"


async def test_a_plain_answer_to_the_category_question_leaves_the_description_alone(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("가로등이 안 켜져요", intent="file_complaint")
    await runner.say("네 맞아요")
    assert runner.slots["complaint_text"] == "가로등이 안 켜져요" and runner.slots["complaint_category"] == "street_lighting"


async def test_a_yes_that_repeats_the_summary_is_a_yes(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 낼게요", intent="pay_fine")
    await runner.say("1번")
    await runner.say("카드로요")
    assert runner.asking == "payment_confirm"
    await runner.say("네 1번 카드로 결제할게요", intent="affirm", confidence=0.7)
    assert runner.slots["payment_confirm"] is True and "바꿨어요" not in texts_of(runner.messages)


async def test_a_corrected_case_number_while_the_birth_date_is_asked_is_taken(govapi, actions_on_govapi, domain):
    from actions.applications import ValidateStatusForm
    runner = FormRunner(ValidateStatusForm(), "status_form", domain)
    await runner.say(f"AP-2026-000990 처리상황 좀 알려주세요 {DEMO_PHONE}", intent="check_application_status")
    assert runner.asking == "birth_date"
    await runner.say("아 죄송해요 번호 잘못 쳤어요 AP-2026-000044 이거예요", intent="nlu_fallback", confidence=0.4)
    assert runner.slots["case_number"] == "AP-2026-000044" and runner.asking == "birth_date"


async def test_saying_which_answer_was_wrong_at_the_summary_asks_it_again_and_writes_nothing(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("people keep dumping trash bags next to the school gate, it stinks", intent="file_complaint")
    await runner.say("yes", intent="affirm")
    await runner.say("next to 12 Teheran-ro")
    await runner.say("dont have one")
    assert runner.asking == "complaint_confirm"
    await runner.say("no thats not right", intent="deny")
    await runner.say("the location, i put the wrong building", intent="inform", confidence=0.6)
    assert runner.slots.get("complaint_place") is None and runner.asking == "complaint_place"
    assert runner.slots["complaint_category"] == "waste"  # "no thats not right" changed nothing by itself
    await runner.say("25 Yeoksam-ro")
    assert "25 Yeoksam-ro" in str(runner.slots["complaint_place"]) and runner.asking == "complaint_confirm"


async def test_a_birth_date_said_with_the_phone_is_never_the_move_in_date(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, language="en")
    await runner.say("I need to register my new address", intent="change_address")
    assert runner.asking == "phone"
    # a month ahead of any test day reads as a near move-in date when the year is ignored
    born = (date.today() + timedelta(days=20)).replace(year=1989)
    await runner.say(f"{DEMO_PHONE}, born {born:%B} {born.day}, 1989")
    assert runner.slots["birth_date"] == born.isoformat()
    assert runner.slots.get("effective_date") is None


async def test_address_date_and_who_moves_in_one_run_of_words_go_to_the_summary(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고 할게요", intent="change_address")
    assert runner.asking == "new_address" and len(runner.slots["household_options"]) >= 2
    await runner.say("역삼로 25 내일 이사고 저 혼자요")
    assert runner.slots["effective_date"] and runner.slots["member_ids"] == []
    assert runner.asking == "address_confirm"


async def test_the_whole_family_said_first_moves_everyone(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("Hi, my whole family moved in today to 25 Yeoksam-ro", intent="change_address")
    members = runner.slots["household_options"]
    assert len(members) >= 2 and runner.slots["member_ids"] == [m["id"] for m in members]
    assert runner.asking == "address_confirm"


async def test_no_photo_said_first_is_not_asked_and_yes_file_it_at_the_photo_goes_on(govapi, actions_on_govapi,
                                                                                      domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots,
                        language="en")
    await runner.say("Reporting a broken streetlight outside 12 Teheran-ro. It's been dark for a week. No photo.",
                     intent="file_complaint")
    await runner.say("yes", intent="affirm")
    assert runner.slots["photo_id"] == "none" and runner.asking == "complaint_confirm"
    other = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots,
                       language="en")
    await other.say("the streetlight outside 12 Teheran-ro is broken", intent="file_complaint")
    await other.say("yes", intent="affirm")
    assert other.asking == "photo_id"
    await other.say("yes, file it", intent="affirm")
    assert other.slots["photo_id"] == "none" and other.asking == "complaint_confirm"


async def test_a_corrected_birth_date_while_the_code_is_asked_sends_a_new_code(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("show my applications", intent="list_applications")
    await runner.say(DEMO_PHONE)
    await runner.say("1984-03-14")
    first = runner.slots["verification_id"]
    await runner.say("oops wrong yr. 1985-03-14", intent="inform", confidence=0.5)
    assert runner.slots["birth_date"] == DEMO_BIRTH and runner.slots["verification_id"] != first
    await runner.say(await govapi.latest_code("+821012345678"))
    assert runner.slots.get("verified") is True


async def test_who_moves_said_where_the_address_is_asked_is_kept(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("이사했어요 주소 바꿔야 돼요", intent="change_address")
    members = runner.slots["household_options"]
    assert runner.asking == "new_address" and len(members) >= 2
    await runner.say("식구들 다 데리고 가요")
    assert runner.slots["member_ids"] == [m["id"] for m in members] and runner.asking == "new_address"


async def test_all_fines_with_a_question_about_the_total_chooses_them_all(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("want to pay off my fines tonight", intent="pay_fine")
    options = runner.slots["fine_options"]
    assert runner.asking == "fine_ids" and len(options) >= 2
    await runner.say("all of them please, how much is that in total?", intent="pay_fine", confidence=0.5)
    assert sorted(runner.slots["fine_ids"]) == sorted(o["id"] for o in options)
    assert runner.asking == "payment_method"
    await runner.say("I'll just put it on my Visa", intent="out_of_scope", confidence=0.6)
    assert runner.slots["payment_method"] == "card"


async def test_both_fines_by_card_in_one_line_goes_to_the_summary(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 낼게요", intent="pay_fine")
    assert runner.asking == "fine_ids"
    await runner.say("전부 카드로 낼께요")
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"


async def test_a_grumble_where_the_problem_is_asked_is_neither_photo_nor_problem(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("민원 하나 넣으려고요", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("아니 근데 뭘 이렇게 많이 물어봐요 ㅡㅡ", intent="out_of_scope", confidence=0.97)
    assert runner.slots.get("photo_id") is None and runner.slots.get("complaint_text") is None


async def test_keeping_the_way_to_pay_how_it_was_after_asking_to_change_it(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("pay all my fines by card", intent="pay_fine")
    assert runner.asking == "payment_confirm"
    await runner.say("can I change how I pay?", intent="pay_fine", confidence=0.5)
    assert runner.asking == "payment_method"
    await runner.say("nah never mind, keep it how it was", intent="cancel", confidence=0.9)
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"


async def test_going_back_to_the_complaint_after_a_status_check_starts_it_again(govapi, actions_on_govapi, domain):
    from actions.subscriptions import ActionSubscribeUpdates
    sender, slots = await verified_slots(govapi, domain)
    events, messages = await run_action(ActionSubscribeUpdates(), make_tracker(
        slots, "네 확인했어요. 아까 하던 민원 이어서 할게요", "affirm", sender=sender), domain)
    assert {"event": "followup", "name": "file_complaint_form"} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events]
    assert not texts_of(messages)  # no "to get notifications…" hint: the complaint goes on
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("네 확인했어요. 아까 하던 민원 이어서 할게요", intent="affirm", confidence=0.72)
    assert runner.slots.get("complaint_text") is None and runner.asking == "complaint_text"


async def paused_complaint(govapi, domain):
    """A complaint left at its place question for a status check ("아 그 전에 … 먼저 봐주실 수 있어요?")."""
    from actions.common import ActionSwitchService
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("동네 놀이터 그네가 부러져서 민원 넣으려고요", intent="file_complaint")
    await runner.say("네 맞아요", intent="affirm")
    assert runner.asking == "complaint_place"
    # NLU named the status check: the form steps aside and the switch rule runs action_switch_service
    assert await runner.say("아 그 전에 제가 신청한 AP-2026-000017 어떻게 됐는지 먼저 봐주실 수 있어요?",
                            intent="check_application_status", confidence=0.9) == {}
    events, messages = await run_action(ActionSwitchService(), make_tracker(
        runner.slots, "", "check_application_status", sender=sender, form="file_complaint_form"), domain)
    assert "신청 현황 조회" in texts_of(messages)
    after = {**runner.slots, **slot_updates(events)}
    assert after.get("complaint_text") is None  # the form's own answers are cleared for the status check…
    (paused,) = after["paused_task"]  # …and kept aside
    assert paused["form"] == "file_complaint_form" and "그네" in paused["slots"]["complaint_text"]
    return sender, {k: v for k, v in after.items() if k != "requested_slot"}


async def test_going_back_to_a_paused_complaint_asks_the_question_where_it_stopped(govapi, actions_on_govapi, domain):
    sender, slots = await paused_complaint(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("네 감사해요 그럼 아까 놀이터 민원 계속 할게요", intent="file_complaint", confidence=0.8)
    assert "이어서" in texts_of(runner.messages)
    assert "그네" in runner.slots["complaint_text"] and runner.slots["complaint_category"] == "parks"
    assert runner.asking == "complaint_place" and runner.slots["paused_task"] is None


async def test_a_new_complaint_after_a_pause_starts_fresh_without_the_old_answers(govapi, actions_on_govapi, domain):
    sender, slots = await paused_complaint(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("민원 하나 넣고 싶어요", intent="file_complaint")
    assert runner.slots.get("complaint_text") is None and runner.asking == "complaint_text"
    assert runner.slots["paused_task"] is None  # not brought back into a later task either


async def test_keeping_it_as_it_is_at_the_summary_is_no_change_of_the_fines(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    chosen = runner.slots["fine_ids"]
    await runner.say("no wait", intent="deny")
    assert runner.slots["summary_change"] is True
    await runner.say("actually it's fine, keep it as it is", intent="affirm", confidence=0.6)
    assert runner.slots["payment_confirm"] is True and runner.slots["fine_ids"] == chosen


async def test_the_way_to_pay_said_with_the_birth_date_is_not_asked_again(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, language="en")
    await runner.say("want to pay a parking fine", intent="pay_fine")
    await runner.say(DEMO_PHONE)
    await runner.say(f"{DEMO_BIRTH} - and I'll pay by card btw")
    assert runner.asking == "otp_code" and runner.slots["payment_method"] == "card"


async def test_musing_about_another_way_to_pay_then_keeping_it_at_the_summary_pays_as_summarised(
        govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    await runner.say("hmm should I do bank transfer instead? nah, leave it on card. go ahead", intent="affirm",
                     confidence=0.5)
    assert runner.slots["payment_method"] == "card" and runner.slots["payment_confirm"] is True


async def test_back_to_a_paused_payment_with_the_way_to_pay_in_the_same_words_goes_to_the_summary(
        govapi, actions_on_govapi, domain):
    from actions.common import ActionSwitchService
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots)
    await runner.say("과태료 낼게요", intent="pay_fine")
    await runner.say("1번")
    assert runner.asking == "payment_method"
    chosen = runner.slots["fine_ids"]
    assert await runner.say("아 맞다 그 전에 AP-2026-000017 이거 처리됐는지도 좀 봐주세요",
                            intent="check_application_status", confidence=0.9) == {}
    events, _ = await run_action(ActionSwitchService(), make_tracker(
        runner.slots, "", "check_application_status", sender=sender, form="pay_fine_form"), domain)
    after = {k: v for k, v in {**runner.slots, **slot_updates(events)}.items() if k != "requested_slot"}
    again = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=after)
    await again.say("확인했어요. 그럼 아까 과태료는 카드로 낼게요", intent="pay_fine", confidence=0.8)
    assert again.slots["fine_ids"] == chosen and again.slots["payment_method"] == "card"
    assert again.asking == "payment_confirm" and not again.slots.get("paused_task")


async def test_keeping_the_address_and_changing_the_date_at_the_summary_changes_only_the_date(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("역삼로 25로 오늘 이사했어요, 저 혼자요", intent="change_address")
    if runner.asking == "address_id":
        await runner.say("1")
    assert runner.asking == "address_confirm", runner.slots
    address, today = runner.slots["address_id"], date.fromisoformat(runner.slots["effective_date"][:10])
    await runner.say("주소는 그대로 두고 날짜만 내일로 바꿔주세요", intent="inform", confidence=0.6)
    assert runner.slots["address_id"] == address and runner.asking == "address_confirm"
    assert date.fromisoformat(runner.slots["effective_date"][:10]) == today + timedelta(days=1)


async def test_a_stray_line_that_mentions_a_bus_at_the_fines_neither_chooses_the_bus_lane_fine_nor_files_a_complaint(
        govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("pay my fines", intent="pay_fine")
    assert runner.asking == "fine_ids"
    await runner.say("sorry was just getting off the bus", intent="file_complaint", confidence=0.92)
    assert runner.asking == "fine_ids" and runner.slots.get("fine_ids") is None
    assert not runner.slots.get("form_outcome")


async def test_a_birth_date_taken_back_in_the_same_message_sends_the_code_for_the_one_said_last(
        govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await runner.say("내가 신청한거 전부 다 보여줘요", intent="list_applications")
    await runner.say(DEMO_PHONE)
    await runner.say("1985-03-15 아 아니 1985-03-14요")
    assert runner.slots["birth_date"] == DEMO_BIRTH and runner.asking == "otp_code"
    await runner.say(await govapi.latest_code("+821012345678"))
    assert runner.slots["verified"] is True


async def test_an_address_taken_back_in_the_same_message_moves_to_the_one_said_last(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("i moved", intent="change_address")
    await runner.say("210 Teheran-ro no wait sorry 12 Teheran-ro")
    assert runner.slots["new_address"] == "12 Teheran-ro" and runner.asking == "effective_date"
    assert "210" not in str(runner.slots["address_label"])


async def test_a_move_in_day_put_right_by_its_number_alone_keeps_the_month(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("이사했어요", intent="change_address")
    await runner.say("테헤란로 12")
    assert runner.asking == "effective_date"
    today = now_local().date()  # the service's day (Seoul), not the machine's
    said = today - timedelta(days=3) if today.day > 4 else today
    right = said - timedelta(days=1) if said.day > 1 else said
    await runner.say(f"{said.month}월 {said.day}일 아니 {right.day}일이요")
    assert runner.slots["effective_date"] == right.isoformat()


async def test_a_place_whose_number_is_put_right_keeps_its_road(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("가로등이 꺼졌어요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    await runner.say("테헤란로 210")
    assert runner.asking == "photo_id"
    await runner.say("아 잠깐 테헤란로 210 아니고 12이에요")
    assert "테헤란로 12" in str(runner.slots["complaint_place"]) and "210" not in str(runner.slots["complaint_place"])
    assert runner.asking == "photo_id"


async def test_payday_mentioned_at_a_complaint_is_a_stray_line_not_a_stop(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("공원 운동기구 부서졌어요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    await runner.say("테헤란로 12")
    assert runner.asking == "photo_id"
    await runner.say("ㅋㅋㅋ 아 오늘 월급날이다", intent="out_of_scope", confidence=0.99)
    assert not runner.slots.get("form_outcome") and runner.slots.get("photo_id") is None


async def test_an_old_number_taken_back_while_the_birth_date_is_asked_changes_the_phone(govapi, actions_on_govapi,
                                                                                      domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("can i see all my applications?", intent="list_applications")
    await runner.say("010-5555-0000")
    assert runner.asking == "birth_date"
    await runner.say(f"wait no thats my old number, its {DEMO_PHONE}")
    assert runner.slots["phone"] == "+821012345678" and runner.asking == "birth_date"


async def test_a_question_about_the_agencies_after_a_filed_move_answers_it_and_files_no_second_move(
        govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender, slots=slots,
                        language="en")
    await runner.say("i moved", intent="change_address")
    await runner.say("12 Teheran-ro")
    await runner.say("today")
    if runner.asking == "member_ids":
        await runner.say("just me")
    await runner.say("yes", intent="affirm")
    events, done = await run_action(ActionChangeAddress(), runner.tracker("yes"), domain)
    number = slot_updates(events)["last_case"]
    assert number.startswith("MV-")
    after = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender,
                       slots={**slots, "last_case": number}, language="en")
    await after.say("will my car registration and health insurance get the new address too, or I must tell them "
                    "myself?", intent="change_address", confidence=0.8)
    assert after.asking is None and after.slots["form_outcome"]
    said = texts_of(after.messages)
    assert number in said and "Vehicle" in said and "need not tell them yourself" in said
    # a new move said plainly after a filed one is still a new move
    again = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender,
                       slots={**slots, "last_case": number}, language="en")
    await again.say("I need to change my address again", intent="change_address")
    assert again.asking == "new_address" and not again.slots.get("form_outcome")


async def test_the_place_and_no_photo_in_one_message_take_both_and_the_photo_is_not_in_the_place(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("음식물 쓰레기통이 넘쳐서 냄새가 나요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    assert runner.asking == "complaint_place"
    await runner.say("테헤란로 12 앞 음식물 수거함이에요. 사진은 따로 없어요")
    assert runner.slots["photo_id"] == "none" and runner.asking == "complaint_confirm"
    assert "테헤란로 12" in str(runner.slots["complaint_place"]) and "사진" not in str(runner.slots["complaint_place"])


@pytest.mark.parametrize("said", ["음... 생각해보니 관리실에 먼저 말해볼게요. 이번 건은 캔슬해 주세요",
                                  "hmm actually the alley is private property, so let's drop this complaint"],
                         ids=["konglish", "english"])
async def test_dropping_a_complaint_in_loan_words_or_plain_english_stops_it(govapi, actions_on_govapi, domain, said):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("가로등이 꺼졌어요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    assert runner.asking == "complaint_place"
    await runner.say(said, intent="out_of_scope", confidence=0.56)
    assert runner.slots["form_outcome"] == OUTCOME_CANCELLED and not runner.slots.get("complaint_place")


async def test_a_move_in_day_only_roughly_remembered_is_asked_exactly_not_declined(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("이사했어요", intent="change_address")
    await runner.say("테헤란로 12")
    assert runner.asking == "effective_date"
    await runner.say("음 이번 달 초쯤? 정확히는 기억이 잘 안 나네요", intent="out_of_scope", confidence=0.97)
    assert runner.asking == "effective_date" and runner.slots.get("effective_date") is None
    assert "정확한 날짜" in texts_of(runner.messages)


async def test_a_building_number_said_in_words_finds_the_address_and_the_rest_is_taken(govapi, actions_on_govapi,
                                                                                      domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "en")
    await runner.say("we moved", intent="change_address")
    await runner.say("number twelve, Teheran-ro in Gangnam. we moved in today and my whole family came with me")
    assert runner.slots["address_id"] and "12 Teheran-ro" in str(runner.slots["address_label"])
    assert runner.slots["effective_date"] == now_local().date().isoformat() and runner.asking == "address_confirm"


async def test_a_service_started_only_to_be_put_off_asks_nothing(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, language="en")
    await runner.say("ok I'll report the streetlight another time", intent="file_complaint", confidence=0.6)
    assert runner.asking is None and runner.slots["form_outcome"]
    assert texts_of(runner.messages) == "OK. Tell me whenever you're ready."


async def test_a_question_at_the_complaint_summary_beside_a_remark_files_nothing_and_asks_again(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("골목에 쓰레기를 몰래 버리고 가요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    await runner.say("테헤란로 12 뒷골목")
    await runner.say("사진 없어요")
    assert runner.asking == "complaint_confirm"
    # NLU heard a yes in it; "그대로던데" tells how the rubbish stayed, it keeps nothing
    await runner.say("이거 접수하면 실제로 치워주긴 하는 거예요? 저번에도 신고했는데 몇 달 그대로던데", intent="affirm",
                     confidence=0.6)
    assert runner.asking == "complaint_confirm" and not runner.slots.get("complaint_confirm")
    assert "접수번호와 처리 기한" in texts_of(runner.messages)


@pytest.mark.parametrize("language,said,told", [
    ("ko", "잠깐만요, 이거 하면 건강보험이랑 자동차 등록 주소도 알아서 바뀌는 거 맞죠? 따로 또 해야 되면 곤란해서요", "따로 안 하셔도"),
    ("en", "hold on, does this also update my car registration and health insurance? I really don't want to do all "
           "this twice", "No need to tell them yourself"),
], ids=["ko", "en"])
async def test_asking_at_the_move_summary_whether_the_agencies_are_told_answers_and_keeps_the_summary(
        govapi, actions_on_govapi, domain, language, said, told):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", language)
    await runner.say("이사했어요" if language == "ko" else "i moved", intent="change_address")
    await runner.say("테헤란로 12")
    await runner.say("오늘" if language == "ko" else "today")
    if runner.asking == "member_ids":
        await runner.say("저만요" if language == "ko" else "just me")
    assert runner.asking == "address_confirm"
    await runner.say(said, intent="inform", confidence=0.5)
    assert runner.asking == "address_confirm" and not runner.slots.get("form_outcome")
    assert runner.slots["new_address"] == "테헤란로 12" and told in texts_of(runner.messages)


async def test_wondering_about_a_person_then_taking_it_back_goes_on_with_the_birth_date(govapi, actions_on_govapi,
                                                                                       domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await runner.say("AP-2026-000014 처리 상황 좀 알려주세요", intent="check_application_status")
    await runner.say(DEMO_PHONE)
    await runner.say("이런 건 그냥 상담원한테 물어보는 게 빠를까요? 아 아니다 기다리기 싫으니까 여기서 할게요. 1985년 3월 14일",
                     intent="request_human", confidence=0.7)
    assert not runner.slots.get("form_outcome") and runner.asking == "otp_code"


async def test_a_place_doubted_and_put_right_by_its_number_keeps_the_road_and_the_landmark(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("가로등이 꺼졌어요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    await runner.say("테헤란로 210였나… 아 아니다 12이에요 편의점 앞")
    assert runner.slots["complaint_place"] == {"address": "테헤란로 12 편의점 앞"}


async def test_a_place_told_only_from_home_is_asked_again_with_what_is_needed(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("버스가 너무 안 와요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    assert runner.asking == "complaint_place"
    await runner.say("저희 집 근처 정류장이요")
    assert runner.asking == "complaint_place" and not runner.slots.get("complaint_place")
    assert "건물번호" in texts_of(runner.messages)


async def test_asking_whether_a_fine_can_be_disputed_at_the_payment_summary_answers_and_pays_nothing(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 낼게요", intent="pay_fine")
    await runner.say("1")
    await runner.say("카드")
    assert runner.asking == "payment_confirm"
    await runner.say("근데 이거 이의신청도 할 수 있는 거예요? 좀 억울해서요", intent="nlu_fallback", confidence=0.4)
    assert runner.asking == "payment_confirm" and not runner.slots.get("payment_confirm")
    assert "60일" in texts_of(runner.messages)


async def test_the_category_the_place_and_no_photo_in_one_message_go_to_the_summary(govapi, actions_on_govapi,
                                                                                    domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("the construction site next door starts drilling at 6am every single day", intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say("yes it's noise. it's at 12 Teheran-ro and no, I don't have a photo", intent="affirm")
    assert runner.slots["photo_id"] == "none" and runner.asking == "complaint_confirm"
    assert "12 Teheran-ro" in str(runner.slots["complaint_place"])


async def test_asking_to_change_the_date_at_the_summary_beside_a_reason_asks_the_date(govapi, actions_on_govapi,
                                                                                     domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", language="en")
    await runner.say("I moved to 25 Yeoksam-ro today, just me", intent="change_address")
    if runner.asking == "member_ids":
        await runner.say("just me")
    assert runner.asking == "address_confirm"
    await runner.say("can I change the date? the movers got pushed back", intent="inform", confidence=0.5)
    assert runner.asking == "effective_date" and runner.slots.get("effective_date") is None


async def test_a_late_fee_question_at_the_fines_is_answered_and_a_bare_da_chooses_them_all(govapi, actions_on_govapi,
                                                                                          domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 내려구 하는데요", intent="pay_fine")
    assert runner.asking == "fine_ids"
    await runner.say("가산금 붙은거에요?", intent="pay_fine", confidence=0.64)
    assert runner.asking == "fine_ids" and "이미 들어 있어요" in texts_of(runner.messages)
    await runner.say("다", intent="choose", confidence=0.9)
    assert runner.slots["fine_ids"] == [f["id"] for f in runner.slots["fine_options"]]


async def test_the_code_sent_again_at_the_address_question_is_told_it_was_taken(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("주소 옮겨야 돼요", intent="change_address")
    assert runner.asking == "new_address"
    await runner.say("153356")
    assert runner.asking == "new_address" and texts_of(runner.messages).startswith("인증은 이미 됐어요.")


async def test_a_place_near_something_unnamed_is_asked_again_and_a_whole_place_said_later_is_the_place(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("보도블록이 들떠서 자꾸 걸려 넘어져요", intent="file_complaint")
    await runner.say("네 맞아요", intent="affirm")
    await runner.say("그 큰 사거리 근처요")
    assert runner.asking == "complaint_place" and not runner.slots.get("complaint_place")
    await runner.say("테헤란로 12 앞 사거리요")
    assert "테헤란로 12" in str(runner.slots["complaint_place"]) and runner.asking == "photo_id"


async def test_a_whole_place_said_at_the_photo_question_puts_the_place_right(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("가로등이 꺼졌어요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    await runner.say("역삼로 12 편의점 앞")
    assert runner.asking == "photo_id"
    await runner.say("테헤란로 12 앞 사거리요")
    assert "테헤란로 12" in str(runner.slots["complaint_place"]) and runner.asking == "photo_id"


async def test_a_complaint_taken_back_from_a_person_goes_on_where_it_stopped(govapi, actions_on_govapi, domain):
    """The request for a person withdrawn (actions/handoff_waiting.py marks the task kept at the handoff)."""
    sender, slots = await verified_slots(govapi, domain)
    kept = {"form": "file_complaint_form", "handoff": True, "taken_back": True,
            "slots": {"complaint_text": "놀이터 그네 줄이 끊어졌어요", "complaint_category": "parks"}}
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender,
                        slots={**slots, "paused_task": [kept]})
    await runner.say("아 아니에요 그냥 할게요", intent="deny")
    assert "이어서" in texts_of(runner.messages)
    assert runner.slots["complaint_category"] == "parks" and runner.asking == "complaint_place"
    assert runner.slots["paused_task"] is None


async def test_a_birth_date_said_while_taking_back_the_person_is_taken(govapi, actions_on_govapi, domain):
    """"ok fine, never mind the human. birthday is …": back at verification, with its answer."""
    kept = {"form": "pay_fine_form", "handoff": True, "taken_back": True, "slots": {}}
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, language="en",
                        slots={"phone": DEMO_PHONE, "paused_task": [kept]})
    birth = date.fromisoformat(DEMO_BIRTH)
    await runner.say(f"ok fine, never mind the human. birthday is {birth:%B} {birth.day}, {birth.year}", intent="deny")
    assert runner.slots.get("birth_date") == DEMO_BIRTH
    assert runner.asking == "otp_code", runner.messages


async def test_asking_what_was_said_tells_it_and_changes_nothing(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", language="en")
    await runner.say("the swings in the park are broken", intent="file_complaint")
    await runner.say("yes", intent="affirm")
    await runner.say("park by 10 Jong-ro")
    assert runner.asking == "photo_id"
    await runner.say("sorry what address did I give you?", intent="ask_question")
    assert "The place you gave: park by 10 Jong-ro" in texts_of(runner.messages)
    assert runner.asking == "photo_id" and runner.slots["complaint_place"] == {"address": "park by 10 Jong-ro"}


@pytest.mark.parametrize("said, confidence", [
    ("Before I give my number, may I ask who will be able to see my personal details?", 0.82),
    # held-out set 66: it was queued for an agent
    ("before I give you my number, who gets to see it? is it shared with anyone?", 0.78),
])
async def test_who_sees_the_data_is_answered_and_the_question_asked_again(actions_on_govapi, domain, said, confidence):
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, language="en")
    await runner.say("I'd like to pay my fines", intent="pay_fine")
    assert runner.asking == "phone"
    await runner.say(said, intent="request_human", confidence=confidence)
    assert "masked" in texts_of(runner.messages)
    assert runner.asking == "phone" and runner.slots.get("form_outcome") is None  # no handoff


async def test_a_way_to_pay_named_beside_the_one_turned_down_is_the_one_taken(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain, way="bank transfer")
    assert runner.slots["payment_method"] == "virtual_account"
    await runner.say("oops, I meant card not bank transfer", intent="inform")
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"


async def test_an_ok_that_goes_back_to_the_task_left_chooses_no_way_to_pay(govapi, actions_on_govapi, domain):
    """"ok I'll pay that later. back to the move": the payment is put aside, the move goes on (no card chosen)."""
    sender, slots = await verified_slots(govapi, domain, language="en")
    moving = {"form": "change_address_form", "slots": {"new_address": "26 Wausan-ro", "address_id": "ad_1"}}
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, language="en",
                        slots={**slots, "paused_task": [moving]})
    await runner.say("check my fines first", intent="pay_fine")
    if runner.asking == "fine_ids":
        await runner.say("1")
    assert runner.asking == "payment_method"
    await runner.say("ok I'll pay that later. back to the move", intent="cancel", confidence=0.99)
    assert runner.slots.get("payment_method") is None
    assert runner.slots["form_outcome"] == OUTCOME_SWITCH + "change_address"


async def test_a_wait_that_mentions_a_bus_chooses_no_category(actions_on_govapi, domain):
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, language="en",
                        slots={"phone": DEMO_PHONE, "birth_date": DEMO_BIRTH, "verification_id": "v-1",
                               "complaint_text": "broken swing at the playground", "requested_slot": "otp_code"})
    await runner.say("sorry on the bus, one sec", intent="file_complaint", confidence=0.9)
    assert runner.slots.get("complaint_category") is None and runner.asking == "otp_code"
    assert "take your time" in texts_of(runner.messages)


async def test_another_offices_matter_asked_mid_form_is_said_to_be_elsewhere(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    runner.slots.update({"payment_method": None, "requested_slot": "payment_method"})
    await runner.say("also, is this where I check on my income tax refund? it still hasn't come through",
                     intent="check_application_status", confidence=0.66)
    assert "can't help with that here" in texts_of(runner.messages)
    assert runner.asking == "payment_method" and runner.slots.get("form_outcome") is None


async def test_continue_at_a_summary_with_a_task_left_before_is_no_going_back(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    runner.slots["paused_task"] = [{"form": "change_address_form", "slots": {"new_address": "26 Wausan-ro"}}]
    await runner.say("yes, continue", intent="affirm")
    assert runner.slots.get("form_outcome") is None or not str(runner.slots["form_outcome"]).startswith(OUTCOME_SWITCH)
    assert runner.slots.get("payment_confirm") is True


async def test_a_person_asked_for_beside_another_offices_matter_is_a_person(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    runner.slots.update({"payment_method": None, "requested_slot": "payment_method"})
    await runner.say("my visa status changed so not sure about this. can I text with a real person?",
                     intent="request_human", confidence=0.7)
    assert runner.slots["form_outcome"] == OUTCOME_PERSON


async def test_the_card_wanted_instead_of_the_bank_transfer_at_the_summary_is_the_card(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain, way="bank transfer")
    assert runner.slots["payment_method"] == "virtual_account"
    await runner.say("on second thought put it on my card instead of the bank transfer", intent="nlu_fallback",
                     confidence=0.5)
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"


async def test_a_date_said_right_after_the_address_is_the_move_in_date(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고 해야함", intent="change_address")
    await runner.say("역삼로 25 내일요")
    assert runner.slots["effective_date"] == (now_local().date() + timedelta(days=1)).isoformat()
    assert runner.asking == "member_ids"


async def test_no_wait_and_a_new_date_at_the_household_question_corrects_the_date_and_picks_nobody(
        govapi, actions_on_govapi, domain):
    runner = await english_move_to_yeoksam_ro(govapi, domain)
    await runner.say("today")
    assert runner.asking == "member_ids"
    await runner.say("no wait tmrw", intent="cancel", confidence=0.95)
    assert runner.slots["effective_date"] == (now_local().date() + timedelta(days=1)).isoformat()
    assert runner.slots.get("member_ids") is None and runner.asking == "member_ids"
    assert runner.slots.get("form_outcome") is None


async def test_a_member_added_by_a_question_at_the_summary_moves_too(govapi, actions_on_govapi, domain):
    runner = await english_move_to_yeoksam_ro(govapi, domain)
    await runner.say("tomorrow")
    await runner.say("just me")
    assert runner.asking == "address_confirm" and runner.slots["member_ids"] == []
    first = runner.slots["household_options"][0]
    await runner.say(f"can you add {first['name']} as well? they're moving in with me", intent="nlu_fallback",
                     confidence=0.5)
    assert runner.slots["member_ids"] == [first["id"]] and runner.asking == "address_confirm"


async def test_another_service_asked_for_while_the_status_code_is_asked_switches(govapi, actions_on_govapi, domain):
    from actions.applications import ValidateStatusForm
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, language="en")
    await runner.say(f"AP-2026-000044 status? {DEMO_PHONE}", intent="check_application_status")
    await runner.say(DEMO_BIRTH)
    assert runner.asking == "otp_code"
    await runner.say("actually i need to update my address, the status can wait", intent="nlu_fallback",
                     confidence=0.5)
    assert runner.slots["form_outcome"] == OUTCOME_SWITCH + "change_address"


async def test_a_move_in_report_that_nlu_took_for_a_complaint_starts_the_move_in_report(govapi, actions_on_govapi,
                                                                                        domain):
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain)
    await runner.say("주소 이전 신고 좀 하려고요 점심시간이라 급해요 빨리 좀 부탁드려요", intent="file_complaint",
                     confidence=0.66)
    assert runner.slots["form_outcome"] == OUTCOME_SWITCH + "change_address"


async def test_a_problem_told_beside_a_move_stays_a_complaint(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain)
    await runner.say("이사 온 집 앞 가로등이 고장났어요", intent="file_complaint")
    assert not runner.slots.get("form_outcome")


async def test_a_birthday_in_the_first_sms_is_not_asked_again(govapi, actions_on_govapi, domain):
    from actions.applications import ValidateStatusForm
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, sender=f"sms:{DEMO_PHONE}", language="en")
    await runner.say(f"AP-2026-000045 status? bday {DEMO_BIRTH}", intent="check_application_status")
    assert runner.slots["birth_date"] == DEMO_BIRTH and runner.asking == "otp_code"


async def test_a_stray_line_with_a_percentage_chooses_no_category(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form")
    await runner.say("테헤란로 12 앞에 차들이 맨날 인도에 올라와서 주차해요", intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say("아 배터리 10프로 남았네", intent="out_of_scope", confidence=0.9)
    assert runner.slots.get("complaint_category") is None and runner.asking == "complaint_category"


async def test_the_whole_family_not_only_me_at_the_summary_moves_everyone(govapi, actions_on_govapi, domain):
    runner = await english_move_to_yeoksam_ro(govapi, domain)
    await runner.say("today")
    await runner.say("just me")
    assert runner.asking == "address_confirm" and runner.slots["member_ids"] == []
    await runner.say("no, not quite", intent="deny")
    await runner.say("the people moving. my whole family is coming, not only me")
    assert runner.slots["member_ids"] == [m["id"] for m in runner.slots["household_options"]]


async def test_two_services_asked_at_once_run_the_first_and_keep_the_other_for_later(govapi, actions_on_govapi,
                                                                                     domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("I need to change my address and then maybe pay a fine", intent="pay_fine", confidence=0.5)
    assert runner.slots["form_outcome"] == OUTCOME_SWITCH + "change_address"  # the one said first runs first
    assert runner.slots["paused_task"] == [{"form": "pay_fine_form", "slots": {}, "queued": True}]
    later = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender,
                       slots={**slots, "paused_task": runner.slots["paused_task"]}, language="en")
    await later.say("thanks. ok now the fine", intent="pay_fine", confidence=0.6)
    assert later.asking == "fine_ids" and not later.slots.get("paused_task")


async def test_another_service_asked_for_after_this_one_at_the_summary_waits_its_turn(govapi, actions_on_govapi,
                                                                                      domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    await runner.say("before i say yes, can you also change my address after this?", intent="change_address",
                     confidence=0.8)
    assert runner.asking == "payment_confirm" and not runner.slots.get("form_outcome")
    assert "once this is done" in texts_of(runner.messages)
    assert runner.slots["paused_task"] == [{"form": "change_address_form", "slots": {}, "queued": True}]


async def test_another_offices_matter_asked_first_starts_nothing(govapi, actions_on_govapi, domain):
    from actions.applications import ValidateStatusForm
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, language="en")
    await runner.say("can you renew my passport?", intent="check_application_status", confidence=0.7)
    assert runner.slots["form_outcome"] and runner.asking is None
    assert "can't help with that here" in texts_of(runner.messages)


async def test_saying_again_at_the_summary_what_it_shows_keeps_it_and_asks_nothing_again(govapi, actions_on_govapi,
                                                                                        domain):
    runner = await english_move_to_yeoksam_ro(govapi, domain)
    await runner.say("today")
    await runner.say("all of us")
    everyone = runner.slots["member_ids"]
    assert runner.asking == "address_confirm" and everyone
    await runner.say("the whole family moves together", intent="inform")
    assert runner.slots["member_ids"] == everyone and runner.asking == "address_confirm"
    assert "keep it as it was" in texts_of(runner.messages)


async def test_both_meant_not_just_the_first_at_the_summary_asks_which_two_of_three(govapi, actions_on_govapi, domain):
    # the demo citizen owes three: "both" names no two of them, so nothing is paid on a guess
    runner = await card_payment_at_its_summary(govapi, domain)
    assert len(runner.slots["fine_options"]) == 3
    await runner.say("oops, I meant both of them, not just the first one", intent="inform", confidence=0.6)
    assert runner.asking == "fine_ids" and runner.slots.get("payment_confirm") is None


async def test_a_request_for_a_person_taken_back_before_any_answer_goes_on_at_its_question(govapi, actions_on_govapi,
                                                                                           domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    paused = [{"form": "file_complaint_form", "slots": {}, "taken_back": True}]
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender,
                        slots={**slots, "paused_task": paused}, language="en")
    await runner.say("never mind, I'll just do it myself", intent="cancel", confidence=0.9)
    assert runner.asking == "complaint_text" and runner.slots.get("complaint_text") is None


async def test_by_when_a_move_must_be_reported_is_answered_at_the_date_question_and_nothing_switches(
        govapi, actions_on_govapi, domain):
    # "late reports can be fined" names a fine: no switch to paying one
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("이사했어요", intent="change_address")
    await runner.say("테헤란로 12")
    assert runner.asking == "effective_date"
    await runner.say("이사하고 며칠안에 해야되는거에요? 늦으면 과태료 있다던데", intent="pay_fine", confidence=0.8)
    assert "14일" in texts_of(runner.messages) and runner.asking == "effective_date"
    assert runner.slots.get("form_outcome") is None


async def test_how_long_a_payment_takes_is_answered_at_the_fine_list_not_taken_for_a_payment_check(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidatePayFineForm(), "pay_fine_form")
    await runner.say("과태료 낼게요", intent="pay_fine")
    assert runner.asking == "fine_ids"
    await runner.say("결제하면 납부 처리되는 데 얼마나 걸려요? 오늘 안에 처리돼야 하거든요", intent="check_payment",
                     confidence=0.9)
    assert "바로" in texts_of(runner.messages) and runner.asking == "fine_ids"
    assert runner.slots.get("form_outcome") is None


async def test_when_fines_are_due_asked_at_the_summary_is_answered_and_nothing_stops(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain)
    await runner.say("wait when are these actually due? can it wait till payday on the 25th", intent="cancel",
                     confidence=0.5)
    assert "due date" in texts_of(runner.messages) and runner.asking == "payment_confirm"
    assert runner.slots.get("form_outcome") is None and runner.slots.get("payment_confirm") is None


async def test_a_fee_question_at_the_phone_question_is_answered_and_the_phone_asked_again(domain):
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, language="en")
    await runner.say("I need to report my move", intent="change_address")
    assert runner.asking == "phone"
    await runner.say("before that, is there a fee for this? and do I need any documents?",
                     intent="check_application_status", confidence=0.7)
    assert "free" in texts_of(runner.messages) and runner.asking == "phone"
    assert runner.slots.get("form_outcome") is None


async def test_someone_to_call_about_a_case_in_the_first_message_is_a_person_not_a_status_check(domain):
    from actions.applications import ValidateStatusForm

    runner = FormRunner(ValidateStatusForm(), "status_form", domain, language="en")
    await runner.say("Can someone call me about my application AP-2026-000017? Easier to explain on the phone",
                     intent="check_application_status", confidence=0.95)
    assert runner.slots["form_outcome"] == OUTCOME_PERSON


async def test_another_way_asked_for_as_a_question_at_the_summary_changes_the_way(govapi, actions_on_govapi, domain):
    runner = await card_payment_at_its_summary(govapi, domain, way="bank transfer")
    assert runner.slots["payment_method"] == "virtual_account"
    await runner.say("oh wait, can I pay by card instead? that's easier for me")
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"
    assert runner.slots.get("payment_confirm") is None


async def test_a_suggestion_announced_then_told_at_the_category_question_keeps_what_it_is(
        govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("I have a suggestion for the neighbourhood, can I send it here? 🙏", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("It would be great to have a shade tent at the crosswalk by the elementary school, the kids "
                     "wait in the sun every afternoon")
    assert "shade tent" in runner.slots["complaint_text"] and runner.asking == "complaint_category"


async def test_more_said_at_the_category_question_with_every_in_it_is_still_added(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("the streetlight on my street is out", intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say("it goes dark every evening and the whole block is pitch black after 8pm")
    assert "pitch black" in runner.slots["complaint_text"]


async def test_a_building_number_typed_at_the_address_list_picks_that_address(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form")
    await runner.say("전입신고요", intent="change_address")
    await runner.say("해운대 달맞이길")
    assert runner.asking == "address_id"
    options = runner.slots["address_options"]
    wanted = next(o for o in options if not o["ko"].endswith(" 1") and o["ko"].rsplit(" ", 1)[-1].isdigit()
                  and int(o["ko"].rsplit(" ", 1)[-1]) > len(options))
    await runner.say(wanted["ko"].rsplit(" ", 1)[-1])
    assert runner.slots["address_id"] == wanted["id"] and runner.asking == "effective_date"


@pytest.mark.parametrize("said, language, shown", [("송파구요", "ko", "송파구 어느 도로"),
                                                   ("해운대구", "ko", "해운대구 어느 도로"),
                                                   ("Mapo-gu", "en", "Which road in Mapo-gu?")])
async def test_a_district_alone_at_the_address_question_asks_where_in_it(govapi, actions_on_govapi, domain,
                                                                          said, language, shown):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", language)
    await runner.say("전입신고요" if language == "ko" else "I moved", intent="change_address")
    await runner.say(said)
    assert shown in texts_of(runner.messages) and runner.asking == "new_address"


async def test_a_problem_told_before_can_i_report_it_here_is_the_description(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("there's a massive pothole near the bus stop, can I report it here?", intent="file_complaint")
    assert "massive pothole" in runner.slots["complaint_text"] and runner.asking == "complaint_category"


async def test_a_proposal_put_as_a_question_at_the_category_question_is_added_whole(govapi, actions_on_govapi, domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("Hello, I'd like to make a suggestion about the school crossing on my street",
                     intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say("Could you put a sunshade at the crosswalk in front of the elementary school? The kids wait in "
                     "the sun every afternoon")
    assert "sunshade" in runner.slots["complaint_text"] and "The kids wait in the sun" in runner.slots["complaint_text"]
    assert runner.asking == "complaint_place"


async def test_a_proposal_naming_a_bus_stop_stays_a_proposal(govapi, actions_on_govapi, domain):
    # "Is this about 'Proposal'?" answered with the proposal itself: the bus stop in it is no "public transport"
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("I'd like to make a suggestion for the neighbourhood", intent="file_complaint")
    if runner.asking == "complaint_text":
        await runner.say("a suggestion")
    runner.slots["complaint_category_guess"] = "proposal"
    await runner.say("Could you put a bench at the bus stop by the library? Lots of older people wait there standing")
    assert runner.slots["complaint_category"] == "proposal" and "bench" in runner.slots["complaint_text"]


@pytest.mark.parametrize("question", ["what are the options?", "어떤 종류가 있어요?"])
async def test_asking_for_the_categories_is_not_an_answer(govapi, actions_on_govapi, domain, question):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("I want to complain about dog poop everywhere in the park, nobody cleans up after their dogs",
                     intent="file_complaint")
    assert runner.asking == "complaint_category"
    await runner.say(question)
    assert runner.asking == "complaint_category" and runner.slots.get("complaint_category") is None


async def test_not_knowing_the_case_number_shows_the_citizens_applications(govapi, actions_on_govapi, domain):
    from actions.applications import ActionCheckStatus, ValidateStatusForm

    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("hi whats the status on my application", intent="check_application_status")
    assert runner.asking == "case_number"
    await runner.say("dont know the number, just show me mine")
    assert runner.slots["form_outcome"] == "list" and runner.asking is None
    tracker = make_tracker(runner.slots, "dont know the number, just show me mine", sender=sender)
    events, messages = await run_action(ActionCheckStatus(), tracker, domain)
    assert re.search(r"AP-2026-\d{6}", texts_of(messages)) and "Case numbers look like" not in texts_of(messages)


async def test_a_place_put_right_at_the_photo_question_leaves_the_photo_asked(govapi, actions_on_govapi, domain):
    # "wrong number" in the correction is no "no photo"
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("the sidewalk tiles are cracked and lifted, my mom tripped on them yesterday",
                     intent="file_complaint")
    await runner.say("yes", intent="affirm")
    await runner.say("274 Wausan-ro, Mapo")
    assert runner.asking == "photo_id"
    await runner.say("oh wait, wrong number, it's 247 Wausan-ro not 274")
    assert "247 Wausan-ro" in str(runner.slots["complaint_place"]) and runner.slots.get("photo_id") is None
    assert runner.asking == "photo_id"


async def test_rather_explaining_it_to_a_real_person_at_the_description_gets_a_person(govapi, actions_on_govapi,
                                                                                       domain):
    runner = await verified_runner(govapi, domain, ValidateFileComplaintForm(), "file_complaint_form", "en")
    await runner.say("I need to file a complaint", intent="file_complaint")
    await runner.say("It's a bit complicated, it involves my downstairs neighbour and the building owner. Honestly "
                     "I'd rather explain it to a real person", intent="file_complaint", confidence=0.5)
    assert runner.slots["form_outcome"] == "person"
