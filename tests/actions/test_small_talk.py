"""Greetings, thanks and goodbye outside a form (actions/small_talk.py): the usual reply, unless the same message goes on to a
task ("thanks. ok now the fine"), which then starts instead of the citizen having to ask again."""
from __future__ import annotations

import pytest

from actions.small_talk import ActionGoodbye, ActionGreet, ActionThank
from actions_testkit import make_tracker, run_action

QUEUED_FINE = {"form": "pay_fine_form", "slots": {}, "queued": True}


def _started(events):
    return [e["name"] for e in events if e["event"] == "followup"]


@pytest.mark.parametrize("text", ["고마워요", "thanks", "thanks, now I know"])
@pytest.mark.asyncio
async def test_a_plain_thanks_is_answered_youre_welcome(domain, text):
    # the response's text is Rasa's to pick by the language slot (domain.yml), as for every utter_ response
    events, messages = await run_action(ActionThank(), make_tracker({"language": "en"}, text, "thank"), domain)
    assert _started(events) == [] and [m.get("response") for m in messages] == ["utter_you_are_welcome"]


@pytest.mark.parametrize("text, language", [
    ("thanks. ok now the fine", "en"),
    ("됐네요 이제 과태료 볼게요", "ko"),
    ("감사합니다 아까 말한 과태료도 할게요", "ko"),
])
@pytest.mark.asyncio
async def test_thanks_that_goes_on_to_the_task_asked_for_earlier_starts_it(domain, text, language):
    tracker = make_tracker({"language": language, "paused_task": [QUEUED_FINE]}, text, "thank")
    events, messages = await run_action(ActionThank(), tracker, domain)
    assert _started(events) == ["pay_fine_form"] and messages == []


@pytest.mark.parametrize("text, form", [
    ("thanks! now I also need to change my address", "change_address_form"),
    ("고마워요 그리고 과태료도 내야 돼요", "pay_fine_form"),
])
@pytest.mark.asyncio
async def test_thanks_then_a_new_service_named_starts_it(domain, text, form):
    events, messages = await run_action(ActionThank(), make_tracker({"language": "ko"}, text, "thank"), domain)
    assert _started(events) == [form] and messages == []


@pytest.mark.parametrize("text", [
    "thanks, I'll pay the fine another day",
    "고마워요 과태료는 다음에 낼게요",
    "thanks, now how do I pay a fine?",  # a question about it: answered by the welcome, not a form
    "thank you so much for the fine info",  # nothing moves on
])
@pytest.mark.asyncio
async def test_thanks_that_puts_a_task_off_or_only_mentions_it_starts_nothing(domain, text):
    tracker = make_tracker({"language": "en", "paused_task": [QUEUED_FINE]}, text, "thank")
    events, messages = await run_action(ActionThank(), tracker, domain)
    assert _started(events) == [] and [m.get("response") for m in messages] == ["utter_you_are_welcome"]


@pytest.mark.asyncio
async def test_goodbye_that_goes_back_to_the_kept_task_starts_it(domain):
    tracker = make_tracker({"language": "en", "paused_task": [QUEUED_FINE]}, "ok bye. oh wait, now the fine",
                           "goodbye")
    events, messages = await run_action(ActionGoodbye(), tracker, domain)
    assert _started(events) == ["pay_fine_form"] and messages == []


@pytest.mark.asyncio
async def test_a_plain_goodbye_says_goodbye(domain):
    tracker = make_tracker({"language": "ko", "paused_task": [QUEUED_FINE]}, "안녕히 계세요", "goodbye")
    events, messages = await run_action(ActionGoodbye(), tracker, domain)
    assert _started(events) == [] and [m.get("response") for m in messages] == ["utter_goodbye"]


@pytest.mark.parametrize("text, form", [
    ("안녕하세요 민원 좀 넣을라고요", "file_complaint_form"),
    ("hi, can I pay my fine here?", "pay_fine_form"),
    ("안녕하세요 전입신고 하려는데요", "change_address_form"),
])
@pytest.mark.asyncio
async def test_a_greeting_that_asks_for_a_service_starts_it(domain, text, form):
    events, messages = await run_action(ActionGreet(), make_tracker({"language": "ko"}, text, "greet"), domain)
    assert _started(events) == [form] and messages == []  # was: the greeting only, the request lost


@pytest.mark.parametrize("text", ["안녕하세요", "hello, how long does a move-in report take?",
                                  "hi, I'll pay the fine another day"])
@pytest.mark.asyncio
async def test_a_plain_greeting_or_a_question_is_greeted_back(domain, text):
    events, messages = await run_action(ActionGreet(), make_tracker({"language": "en"}, text, "greet"), domain)
    assert _started(events) == [] and [m.get("response") for m in messages] == ["utter_greet"]
