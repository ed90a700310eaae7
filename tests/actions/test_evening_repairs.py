"""Repairs found by held-out sets 65-67 (a Tuesday afternoon, first-time users, shift workers late at night): each
test is one thing a citizen saw go wrong, checked through the form's own validation where a form is involved."""
from __future__ import annotations

import pytest

from actions.address import ValidateChangeAddressForm
from actions.complaints import ValidateFileComplaintForm
from actions.fines import ValidatePayFineForm
from actions.interpret import Kind, read_message
from actions_testkit import FormRunner, texts_of
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


@pytest.mark.asyncio
async def test_who_gets_to_see_the_number_is_answered_in_place_not_handed_to_a_person(actions_on_govapi, domain):
    runner = FormRunner(ValidatePayFineForm(), "pay_fine_form", domain, language="en")
    await runner.say("can I pay a speeding fine on here?", intent="pay_fine")
    assert runner.asking == "phone"
    await runner.say("before I give you my number, who gets to see it? is it shared with anyone?",
                     intent="request_human", confidence=0.78)
    assert "masked" in texts_of(runner.messages)
    assert runner.asking == "phone" and runner.slots.get("form_outcome") is None  # was: queued for an agent


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
