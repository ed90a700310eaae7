"""Repairs found by held-out sets 85-91 (people who say a lot at once; an ordinary Thursday; a Saturday with family
around; citizens who fix their own mistakes; a tired Tuesday evening; older first-time users; a Monday morning at
work): each test is one thing a citizen saw go wrong."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.address import ValidateChangeAddressForm
from actions.interpret import puts_off, wants_cancel
from test_evening_repairs import KO_MOVE_ANSWERS
from test_form_repair import verified_runner
from test_helped_repairs import move_until


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["only me. oh and the move was yesterday actually, not today",
                                  "just me - and sorry, the move-in date should be yesterday, not today"])
async def test_an_answer_with_a_correction_of_another_answer_takes_both(govapi, actions_on_govapi, domain, said):
    runner = await move_until(govapi, domain, "member_ids")
    await runner.say(said)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    # was: who moves taken and the date kept as today
    assert runner.slots["effective_date"] == yesterday
    assert runner.slots["member_ids"] is not None and runner.asking == "address_confirm"


@pytest.mark.asyncio
async def test_a_korean_answer_with_the_date_put_right_in_the_next_sentence_takes_both(govapi, actions_on_govapi,
                                                                                        domain):
    runner = await verified_runner(govapi, domain, ValidateChangeAddressForm(), "change_address_form", "ko")
    await runner.say("이사해서 전입신고요", intent="change_address")
    while runner.asking != "member_ids":
        await runner.say(KO_MOVE_ANSWERS[runner.asking])
    await runner.say("저 혼자요. 아 근데 잘못 말했어요 이사는 어제 했어요")
    assert runner.slots["effective_date"] == (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert runner.slots["member_ids"] is not None and runner.asking == "address_confirm"


@pytest.mark.parametrize("said, slot, answers, cancels", [
    ("ok never mind, skip the photo", "photo_id", True, False),
    ("never mind, 2", "fine_ids", True, False),
    ("아 됐어요, 사진 없이 할게요", "photo_id", True, False),
    ("never mind, cancel it", "photo_id", False, True),
    ("never mind", "photo_id", False, True),
    ("ok never mind, I'll do it later", "payment_method", False, True),
])
def test_never_mind_before_an_answer_drops_the_doubt_not_the_task(said, slot, answers, cancels):
    # was: "ok never mind, skip the photo" (after asking how to send a photo) cancelled the complaint
    assert wants_cancel(said, "cancel", 0.88, slot, answers_asked=answers) is cancels


@pytest.mark.parametrize("said, off", [
    ("There's a pothole on my street that's been there for a month. I already reported it twice and nothing "
     "happened, so I'm trying again here.", False),
    ("집앞 가로등 이미 신고했는데 아직도 그대로예요 다시 민원 넣을게요", False),
    ("never mind, the streetlight was already fixed", True),
    ("가로등은 이미 신고했어요", True),
])
def test_a_problem_reported_before_and_still_there_is_reported_again_not_put_off(said, off):
    assert puts_off(said) is off  # was: "OK. Tell me whenever you're ready."
