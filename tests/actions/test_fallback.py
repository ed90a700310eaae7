"""action_default_fallback (actions/fallback.py): what the citizen reads when the bot is unsure what to do next,
and that Rasa runs ours (from the action server) instead of its built-in one."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction, action_for_name_or_text
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from actions.fallback import ActionDefaultFallback, ActionOutOfScope
from actions_testkit import make_tracker, run_action

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language, said", [
    ("ko", "잘 이해하지 못했어요. 다시 말씀해주시겠어요?"),
    ("en", "Sorry, I didn't get that. Could you rephrase?"),
])
@pytest.mark.asyncio
async def test_fallback_asks_to_rephrase_in_the_citizens_language(domain, language, said):
    tracker = make_tracker({"language": language}, "asdf qwer", "inform", confidence=0.2)
    _, messages = await run_action(ActionDefaultFallback(), tracker, domain)
    assert [m["text"] for m in messages] == [said]


@pytest.mark.asyncio
async def test_fallback_without_a_language_yet_speaks_korean(domain):
    _, messages = await run_action(ActionDefaultFallback(), make_tracker({}, "??"), domain)
    assert [m["text"] for m in messages] == ["잘 이해하지 못했어요. 다시 말씀해주시겠어요?"]


@pytest.mark.asyncio
async def test_fallback_forgets_the_confusing_message_like_rasas_own(domain):
    # Rasa's ActionDefaultFallback ends with UserUtteranceReverted: the message that confused the bot
    # does not steer the next prediction.
    events, _ = await run_action(ActionDefaultFallback(), make_tracker({"language": "ko"}, "??"), domain)
    assert [e["event"] for e in events] == ["rewind", "slot"]


@pytest.mark.asyncio
async def test_fallback_keeps_the_language_it_answered_in_after_the_rewind(domain):
    # the rewind undoes this turn's slots too: without the language kept, a bare phone number next was answered in
    # Korean in an English conversation
    events, messages = await run_action(ActionDefaultFallback(), make_tracker({"language": "en"}, "qwerty zxcv"), domain)
    assert events[0]["event"] == "rewind" and events[-1] == {**events[-1], "event": "slot", "name": "language",
                                                              "value": "en"}
    assert messages and not any("잘" in m["text"] for m in messages)


def test_rasa_runs_our_fallback_not_its_built_in_one():
    whole = Domain.load(str(ROOT / "domain"))
    action = action_for_name_or_text("action_default_fallback", whole,
                                     EndpointConfig("http://127.0.0.1:5055/webhook"))
    assert isinstance(action, RemoteAction)
    assert "utter_default" not in whole.responses


@pytest.mark.asyncio
async def test_a_problem_described_outside_any_form_is_offered_as_a_complaint(domain):
    # NLU read it as a bare answer (inform) with no question open: the words describe what a complaint is for.
    tracker = make_tracker({"language": "ko"}, "밤에 가로등이 다 꺼져 있어서 골목이 너무 어두워요", "inform", confidence=0.73)
    events, messages = await run_action(ActionDefaultFallback(), tracker, domain)
    payloads = [b["payload"] for b in messages[0].get("buttons") or []]
    assert payloads[0] == "/file_complaint" and "/request_human" in payloads
    assert [e["event"] for e in events] == ["rewind", "slot"]


def _ranked(text: str, intent: str, ranking: dict, language: str = "ko"):
    tracker = make_tracker({"language": language}, text, intent, confidence=ranking[intent])
    tracker.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking.items()]
    return tracker


@pytest.mark.parametrize("text,intent,ranking,form", [
    # the model's readings of such lines: the date outweighs the request; the description outweighs "민원요"
    ("과태료 낼래요 생년월일 1992-05-02", "inform", {"inform": 0.82, "pay_fine": 0.17}, "pay_fine_form"),
    ("음식물쓰레기 일주일째 안가져가요 민원요", "inform", {"inform": 0.72, "file_complaint": 0.12},
     "file_complaint_form"),
])
@pytest.mark.asyncio
async def test_a_service_its_words_name_starts_at_once_when_nlu_was_unsure(domain, text, intent, ranking, form):
    events, messages = await run_action(ActionDefaultFallback(), _ranked(text, intent, ranking), domain)
    assert events == [{"event": "followup", "name": form, "timestamp": None}] and messages == []


@pytest.mark.asyncio
async def test_a_problem_told_out_of_scope_starts_a_complaint(domain):
    tracker = _ranked("the bar downstairs plays loud music every night till 3am", "out_of_scope",
                      {"out_of_scope": 0.84, "file_complaint": 0.14}, "en")
    events, _ = await run_action(ActionOutOfScope(), tracker, domain)
    assert events == [{"event": "followup", "name": "file_complaint_form", "timestamp": None}]


@pytest.mark.parametrize("text,ranking,buttons", [
    ("I love loud music", {"out_of_scope": 0.99, "file_complaint": 0.01}, True),   # offered, not started
    ("what's the weather like?", {"out_of_scope": 0.99}, False),                   # declined
])
@pytest.mark.asyncio
async def test_chat_out_of_scope_is_declined_or_at_most_offered_a_complaint(domain, text, ranking, buttons):
    events, messages = await run_action(ActionOutOfScope(), _ranked(text, "out_of_scope", ranking, "en"), domain)
    assert events == []
    assert bool(messages[0].get("buttons")) is buttons
    if not buttons:
        assert messages[0].get("response") == "utter_out_of_scope"


@pytest.mark.parametrize("text,ranking,form", [
    # Korean names of the services as foreign residents write them; the model knows none of them
    ("Hi, I need to do my jeonip singo. Can I do it here instead of going to the dong office?",
     {"nlu_fallback": 0.5, "out_of_scope": 0.3}, "change_address_form"),
    ("pay my gwatae-ryo pls", {"out_of_scope": 0.9, "pay_fine": 0.05}, "pay_fine_form"),
    ("I'd like to file a minwon about the noise upstairs", {"nlu_fallback": 0.5, "file_complaint": 0.3},
     "file_complaint_form"),
])
@pytest.mark.asyncio
async def test_a_service_named_by_its_korean_name_in_english_starts(domain, text, ranking, form):
    intent = max(ranking, key=ranking.get)
    action = ActionOutOfScope() if intent == "out_of_scope" else ActionDefaultFallback()
    events, _ = await run_action(action, _ranked(text, intent, ranking, "en"), domain)
    assert events == [{"event": "followup", "name": form, "timestamp": None}]


@pytest.mark.asyncio
async def test_a_service_named_only_to_put_it_off_starts_nothing_and_says_so(domain):
    text = "thats all for today, I'll do the streetlight another time"
    tracker = _ranked(text, "nlu_fallback", {"nlu_fallback": 0.5, "file_complaint": 0.43, "cancel": 0.23}, "en")
    events, messages = await run_action(ActionDefaultFallback(), tracker, domain)
    assert not any(e.get("event") == "followup" for e in events)
    assert messages[0]["text"] == "OK. Tell me whenever you're ready."


@pytest.mark.asyncio
async def test_going_back_to_a_paused_task_in_words_nlu_did_not_place_starts_its_form(domain):
    tracker = _ranked("ok thanks. back to the broken swing then", "nlu_fallback",
                      {"nlu_fallback": 0.5, "file_complaint": 0.2}, "en")
    tracker.slots["paused_task"] = [{"form": "file_complaint_form", "slots": {"complaint_text": "the swing is broken"}}]
    events, _ = await run_action(ActionDefaultFallback(), tracker, domain)
    assert events == [{"event": "followup", "name": "file_complaint_form", "timestamp": None}]


@pytest.mark.asyncio
async def test_all_my_applications_in_words_nlu_did_not_place_lists_them_after_verification(domain):
    tracker = _ranked("Hello po, good day! I would like to ask the status of all my applications in the city office, "
                      "thank you po.", "nlu_fallback", {"nlu_fallback": 0.5, "list_applications": 0.45,
                                                         "check_application_status": 0.3}, "en")
    events, _ = await run_action(ActionDefaultFallback(), tracker, domain)
    assert events == [{"event": "followup", "name": "verify_form", "timestamp": None}]


@pytest.mark.asyncio
async def test_taking_back_a_cancel_right_after_it_starts_the_same_service_again(domain):
    from actions.common import ActionCancel
    tracker = make_tracker({"language": "ko"}, "아니다 가산금 더 붙기 전에 하나라도 내야겠어요 다시 할게요", "cancel", 0.73)
    tracker.events[:0] = [{"event": "active_loop", "name": "pay_fine_form"},
                          {"event": "active_loop", "name": None},
                          {"event": "bot", "text": "취소했어요. 다른 도움이 필요하면 말씀해주세요."}]
    events, messages = await run_action(ActionCancel(), tracker, domain)
    assert events == [{"event": "followup", "name": "pay_fine_form", "timestamp": None}] and messages == []
    tracker.events[2] = {"event": "bot", "text": "무엇을 도와드릴까요?"}  # not right after a cancel: nothing to redo
    events, messages = await run_action(ActionCancel(), tracker, domain)
    assert "취소할 진행 중인 요청이 없어요" in messages[0]["text"]


@pytest.mark.parametrize("text", ["민원이요", "민원 넣을게요", "complaint pls"])
@pytest.mark.asyncio
async def test_a_complaint_asked_for_in_its_own_word_starts_one_when_nlu_was_unsure(domain, text):
    events, messages = await run_action(ActionDefaultFallback(), _ranked(text, "inform", {"inform": 0.5}), domain)
    assert events == [{"event": "followup", "name": "file_complaint_form", "timestamp": None}] and messages == []
