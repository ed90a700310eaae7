"""Each service completed through its form and answering action, against a real govapi."""
import re

import pytest

from actions.address import ActionAskAddressConfirm, ActionChangeAddress, ValidateChangeAddressForm
from actions.applications import ActionCheckStatus, ValidateStatusForm
from actions.complaints import ActionAskComplaintConfirm, ActionFileComplaint, ValidateFileComplaintForm
from actions.fines import (ActionAskFineIds, ActionAskPaymentConfirm, ActionAskPaymentMethod, ActionPayFine,
                           ValidatePayFineForm)
from actions.verification import ValidateVerifyForm
from actions.verified_requests import ActionVerifiedRequest
from actions_testkit import (DEMO_BIRTH_EN, DEMO_PHONE_EN, FormRunner, make_tracker, run_action, slot_updates,
                             texts_of, verify)

pytestmark = pytest.mark.asyncio


async def verified_slots(govapi, domain, phone=None, birth=None, language="ko"):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language=language)
    if phone:
        await verify(runner, govapi, phone, birth)
    else:
        await verify(runner, govapi)
    return runner.sender, {k: runner.slots[k] for k in ("verified", "citizen_token", "citizen_token_expires",
                                                        "citizen_id", "language")}


# --- status ------------------------------------------------------------------------------------------------
async def test_status_by_number_names_the_missing_documents(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, sender=sender, slots=slots)
    await runner.say("AP-2026-000003 처리 상황 알려주세요", intent="check_application_status")
    _, messages = await run_action(ActionCheckStatus(), runner.tracker(), domain)
    answer = texts_of(messages)
    assert "AP-2026-000003" in answer
    assert "부족 서류" in answer
    assert "{'ko'" not in answer and "구청" in answer  # the office named in plain words, in Korean


async def test_rejected_application_gives_reason_and_appeal_in_english(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, sender=sender, slots=slots, language="en")
    await runner.say("what's up with ap-2026-000005", intent="check_application_status")
    _, messages = await run_action(ActionCheckStatus(), runner.tracker(), domain)
    answer = texts_of(messages)
    assert "Rejected because" in answer and "To appeal" in answer


async def test_someone_elses_number_is_not_found(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateStatusForm(), "status_form", domain, sender=sender, slots=slots)
    await runner.say("AP-2026-000008", intent="check_application_status")  # Emily Park's
    _, messages = await run_action(ActionCheckStatus(), runner.tracker(), domain)
    assert "찾을 수 없어요" in texts_of(messages)


async def test_my_applications_after_verification(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, language="en")
    await runner.say("show my applications", intent="list_applications")
    assert runner.slots["verify_purpose"] == "list_applications"
    await runner.say(DEMO_PHONE_EN)
    await runner.say(DEMO_BIRTH_EN)
    await runner.say(await govapi.latest_code("+821098765432"))
    _, messages = await run_action(ActionVerifiedRequest(), runner.tracker(), domain)
    answer = texts_of(messages)
    assert "AP-2026-000008" in answer and "AP-2026-000009" in answer
    assert "AP-2026-000001" not in answer  # another citizen's
    assert len(messages) == 1  # one message (one SMS thread entry), not one per application


# --- fines -------------------------------------------------------------------------------------------------
async def test_fines_are_listed_chosen_and_paid_by_card_link(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots)
    await runner.say("과태료 내고 싶어요", intent="pay_fine")
    assert runner.asking == "fine_ids"
    options = runner.slots["fine_options"]
    assert len(options) >= 2
    _, listing = await run_action(ActionAskFineIds(), make_tracker(runner.slots, sender=sender), domain)
    assert "원" in texts_of(listing) and "가산금" in texts_of(listing)  # one is overdue: late fee included
    await runner.say("1번")
    assert runner.asking == "payment_method"
    _, asked = await run_action(ActionAskPaymentMethod(), make_tracker(runner.slots, sender=sender), domain)
    assert f"{options[0]['amount_due']:,}원" in texts_of(asked)
    await runner.say("1")
    assert runner.slots["payment_method"] == "card" and runner.asking == "payment_confirm"
    _, summary = await run_action(ActionAskPaymentConfirm(), make_tracker(runner.slots, sender=sender), domain)
    assert f"{options[0]['amount_due']:,}원" in texts_of(summary) and "카드" in texts_of(summary)
    await runner.say("네", intent="affirm")
    assert runner.asking is None
    events, messages = await run_action(ActionPayFine(), runner.tracker("네"), domain)
    link = [b for m in messages for b in m.get("buttons") or [] if b.get("url")]
    assert link and "/checkout/" in link[0]["url"] and "lang=" not in link[0]["url"]  # Korean: govapi's default
    assert "PY-" in texts_of(messages)
    assert slot_updates(events).get("pending_request") is None


async def test_did_my_payment_go_through_answers_for_the_latest_payment(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, phone=DEMO_PHONE_EN, birth=DEMO_BIRTH_EN, language="en")
    fines = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sender, slots=slots, language="en")
    await fines.say("pay my fines", intent="pay_fine")
    if fines.asking == "fine_ids":
        await fines.say("all")
    await fines.say("virtual account")
    _, paid = await run_action(ActionPayFine(), fines.tracker("2"), domain)
    assert "Transfer ₩" in texts_of(paid)
    payment_id = re.search(r"PY-\d{4}-\d{6}", texts_of(paid)).group(0)
    check = FormRunner(ValidateVerifyForm(), "verify_form", domain, sender=sender, slots=slots, language="en")
    await check.say("did my payment go through?", intent="check_payment")
    assert check.asking is None  # already verified
    _, answer = await run_action(ActionVerifiedRequest(), check.tracker(), domain)
    assert payment_id in texts_of(answer) and "not come through yet" in texts_of(answer)


# --- address -----------------------------------------------------------------------------------------------
async def test_address_change_with_choice_date_and_household(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender, slots=slots)
    await runner.say("이사했어요", intent="change_address")
    assert runner.asking == "new_address"
    assert runner.slots["household_options"], "the demo citizen lives with a family"
    await runner.say("이태원로")
    if runner.asking == "address_id":
        assert len(runner.slots["address_options"]) > 1
        await runner.say("2")
    assert runner.slots["address_id"]
    assert runner.asking == "effective_date"
    await runner.say("다음 주 월요일")
    assert runner.slots["effective_date"]
    assert runner.asking == "member_ids"
    await runner.say("전부")
    assert runner.asking == "address_confirm"
    _, summary = await run_action(ActionAskAddressConfirm(), make_tracker(runner.slots, sender=sender), domain)
    assert "신고할까요" in texts_of(summary) and runner.slots["effective_date"] in texts_of(summary)
    await runner.say("네", intent="affirm")
    assert runner.asking is None
    _, done = await run_action(ActionChangeAddress(), runner.tracker("네"), domain)
    answer = texts_of(done)
    assert re.search(r"MV-\d{4}-\d{6}", answer)
    assert "통보 기관" in answer


async def test_a_date_too_far_ahead_is_refused_and_asked_again(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateChangeAddressForm(), "change_address_form", domain, sender=sender,
                        slots={**slots, "new_address": "x", "address_id": "some", "address_label": {"ko": "x"}},
                        language="en")
    await runner.say("I moved", intent="change_address")
    assert runner.asking == "effective_date"
    await runner.say("2030-01-01")
    assert runner.asking == "effective_date"
    assert "90 days" in texts_of(runner.messages)


# --- complaints --------------------------------------------------------------------------------------------
async def test_complaint_category_from_text_place_from_shared_location(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("우리 집 앞 가로등이 며칠째 꺼져 있어요", intent="file_complaint")
    assert runner.slots["complaint_text"].startswith("우리 집 앞")
    assert runner.asking == "complaint_category"
    assert runner.slots["complaint_category_guess"] == "street_lighting"
    await runner.say("네", intent="affirm")
    assert runner.slots["complaint_category"] == "street_lighting"
    assert runner.asking == "complaint_place"
    await runner.say("", metadata={"channel": "telegram", "location": {"lat": 37.5, "lon": 127.03}})
    assert runner.slots["complaint_place"] == {"lat": 37.5, "lon": 127.03}
    assert runner.asking == "photo_id"
    await runner.say("없음")
    assert runner.asking == "complaint_confirm"
    _, summary = await run_action(ActionAskComplaintConfirm(), make_tracker(runner.slots, sender=sender), domain)
    assert "가로등이 며칠째" in texts_of(summary) and "공유한 위치" in texts_of(summary)
    await runner.say("네", intent="affirm")
    assert runner.asking is None
    _, done = await run_action(ActionFileComplaint(), runner.tracker("네"), domain)
    answer = texts_of(done)
    assert re.search(r"CP-\d{4}-\d{6}", answer) and "처리 기한" in answer and "가로등" in answer


async def test_complaint_in_english_with_a_chosen_category_and_address(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots,
                        language="en")
    await runner.say("I want to file a complaint", intent="file_complaint")
    assert runner.asking == "complaint_text"
    await runner.say("My neighbours play loud music every night")
    assert runner.slots["complaint_category_guess"] == "noise"
    await runner.say("no", intent="deny")
    assert runner.asking == "complaint_category"
    await runner.say("3")  # noise is third in govapi's list
    assert runner.slots["complaint_category"] == "noise"
    await runner.say("12 Teheran-ro, Gangnam-gu")
    assert runner.slots["complaint_place"] == {"address": "12 Teheran-ro, Gangnam-gu"}
    await runner.say("skip")
    _, done = await run_action(ActionFileComplaint(), runner.tracker("skip"), domain)
    assert "Complaint filed: CP-" in texts_of(done)


async def test_the_first_message_is_kept_through_verification(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain)
    await runner.say("쓰레기가 무단 투기되어 있어요", intent="file_complaint")
    assert runner.asking == "phone"
    await runner.say("010-1234-5678")
    await runner.say("1985-03-14")
    await runner.say(await govapi.latest_code("+821012345678"))
    assert runner.slots["complaint_text"] == "쓰레기가 무단 투기되어 있어요"
    assert runner.asking == "complaint_category"  # straight to confirming the guessed category
    assert runner.slots["complaint_category_guess"] == "waste"


async def test_a_bare_yes_is_not_taken_as_the_description(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots)
    await runner.say("민원 넣을게요", intent="file_complaint")
    await runner.say("네", intent="affirm")
    assert runner.asking == "complaint_text"


async def test_a_photo_from_the_channel_is_uploaded_and_filed(govapi, actions_on_govapi, domain):
    import base64
    import struct
    import zlib

    def tiny_png() -> bytes:  # a real 1x1 PNG, built here so no file is needed
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))

    sender, slots = await verified_slots(govapi, domain)
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender,
                        slots={**slots, "complaint_text": "도로가 패였어요", "complaint_category": "roads",
                               "complaint_place": {"address": "테헤란로 152"}})
    await runner.say("", intent="file_complaint")
    assert runner.asking == "photo_id"
    photo = {"bytes_b64": base64.b64encode(tiny_png()).decode(), "content_type": "image/png"}
    await runner.say("", metadata={"channel": "telegram", "photo": photo})
    assert runner.slots["photo_id"] not in (None, "none")
    _, done = await run_action(ActionFileComplaint(), runner.tracker(""), domain)
    number = re.search(r"CP-\d{4}-\d{6}", texts_of(done)).group(0)
    complaint = await govapi.citizen_get(slots["citizen_token"], f"/v1/complaints/{number}")
    assert complaint["photo_id"] == runner.slots["photo_id"]


async def test_on_sms_the_link_is_in_the_text_and_the_receipt_comes_once_paid(govapi, actions_on_govapi, domain):
    sms = "sms:+821012345678"
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, sender=sms)
    await runner.say("과태료 납부", intent="pay_fine", metadata={"channel": "sms"})
    assert runner.slots["phone"] == "+821012345678" and runner.asking == "birth_date"  # the sender is the phone
    await runner.say("1985-03-14")
    await runner.say(await govapi.latest_code("+821012345678"))
    if runner.asking == "fine_ids":
        await runner.say("1")
    await runner.say("카드", metadata={"channel": "sms"})
    _, messages = await run_action(ActionPayFine(), runner.tracker("카드", metadata={"channel": "sms"}), domain)
    answer = texts_of(messages)
    assert "/checkout/" in answer and not any(m.get("buttons") for m in messages)  # SMS: no buttons
    payment_id = re.search(r"PY-\d{4}-\d{6}", answer).group(0)
    total = int(re.search(r"\(([\d,]+)원\)", answer).group(1).replace(",", ""))

    await govapi.provider_confirms(payment_id, total)
    check = FormRunner(ValidateVerifyForm(), "verify_form", domain, sender=sms,
                       slots={k: runner.slots[k] for k in ("verified", "citizen_token", "citizen_token_expires")})
    await check.say("결제됐나요?", intent="check_payment")
    _, receipt = await run_action(ActionVerifiedRequest(), check.tracker(), domain)
    assert "결제 완료" in texts_of(receipt) and re.search(r"RC-\d{4}-\d{6}", texts_of(receipt))


async def test_yes_with_another_category_named_takes_the_one_named(govapi, actions_on_govapi, domain):
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots,
                        language="en")
    await runner.say("I want to file a complaint", intent="file_complaint")
    await runner.say("the bar next door is so loud every night")
    assert runner.slots["complaint_category_guess"] == "noise"
    await runner.say("yes roads", intent="affirm")  # the guess was wrong; the citizen named the right one
    assert runner.slots["complaint_category"] == "roads"


def test_the_checkout_link_of_an_english_conversation_opens_in_english():
    # govapi's checkout page reads `lang` (Korean by default); the link keeps its one-time token
    from actions.fines import checkout_in
    assert checkout_in("http://pay/checkout/PY-1?t=abc", "en") == "http://pay/checkout/PY-1?t=abc&lang=en"
    assert checkout_in("http://pay/checkout/PY-1?t=abc", "ko") == "http://pay/checkout/PY-1?t=abc"
    assert checkout_in("", "en") == ""
