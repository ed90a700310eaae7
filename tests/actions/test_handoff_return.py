"""After a person hands back: the bot continues the interrupted form or asks what is next, and the 1-5 score
reaches the real desk (bot.console started as a process from the 3.11 environment)."""
from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_return import ActionHandoffReturn, ActionRecordSatisfaction, interrupted_form
from actions.pending import ActionTurnStart
from actions.survey import answers_survey, is_decline, parse_score
from actions.texts import text
from actions_testkit import free_port, make_tracker, run_action, slot_updates


def say(key: str, language: str) -> str:
    """The hand-back texts live in the catalogue under handback_<key>."""
    return text(f"handback_{key}", language)


ROOT = Path(__file__).resolve().parents[2]
HANDOFF_TOKEN = "test-handoff-token"

# What the tracker holds when a citizen asked for a person in the middle of paying a fine.
PAYING_THEN_PAUSED = [
    {"event": "user", "text": "과태료 낼래요", "parse_data": {"intent": {"name": "pay_fine"}}},
    {"event": "action", "name": "pay_fine_form"},
    {"event": "active_loop", "name": "pay_fine_form"},
    {"event": "slot", "name": "fine_ids", "value": ["fine-1"]},
    {"event": "slot", "name": "requested_slot", "value": "payment_method"},
    {"event": "user", "text": "상담원 연결해줘", "parse_data": {"intent": {"name": "request_human"}}},
    {"event": "action", "name": "action_handoff"},
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "fine_ids", "value": None},
    {"event": "slot", "name": "handoff_id", "value": "HO-1"},
    {"event": "pause"},
    {"event": "resume"},
]


# An agent took the conversation over in the middle of a payment (the desk paused it; no action_handoff), and
# the citizen wrote to the agent in English while the bot was paused.
TAKEN_OVER = [
    {"event": "slot", "name": "language", "value": "ko"},
    {"event": "user", "text": "과태료 낼래요", "parse_data": {"intent": {"name": "pay_fine"}}},
    {"event": "action", "name": "pay_fine_form"},
    {"event": "active_loop", "name": "pay_fine_form"},
    {"event": "slot", "name": "fine_ids", "value": ["fine-1"]},
    {"event": "slot", "name": "requested_slot", "value": "payment_method"},
    {"event": "action", "name": "action_listen"},
    {"event": "pause"},
    {"event": "user", "text": "Sorry, can we talk in English? The card keeps failing",
     "parse_data": {"intent": {"name": "pay_fine"}}},
    {"event": "resume"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "EXTERNAL: EXTERNAL_handback", "parse_data": {"intent": {"name": "EXTERNAL_handback"}}},
]


def tracker(events, slots=None, entities=None, text="", language="ko", form=None):
    slots = {"language": language, **(slots or {})}
    latest = {"text": text, "intent": {"name": "EXTERNAL_handback"}, "entities": entities or []}
    return Tracker("tg:42", slots, latest, events, False, None, {"name": form} if form else {}, "action_listen")


def test_the_interrupted_form_and_its_answers_are_found_before_the_pause():
    assert interrupted_form(PAYING_THEN_PAUSED) == ("pay_fine_form", {"fine_ids": ["fine-1"]})


def test_a_form_closed_by_the_request_for_a_person_is_resumed_with_its_answers():
    # The form reads "a person" and ends; its submit action hands off and pauses (actions/common.early_end).
    events = PAYING_THEN_PAUSED[:6] + [
        {"event": "action", "name": "pay_fine_form"},
        {"event": "slot", "name": "form_outcome", "value": "person"},
        {"event": "active_loop", "name": None},
        {"event": "action", "name": "action_pay_fine"},
        {"event": "slot", "name": "fine_ids", "value": None},
        {"event": "pause"}]
    assert interrupted_form(events) == ("pay_fine_form", {"fine_ids": ["fine-1"]})


def test_no_form_is_resumed_when_none_was_active_or_verification_was():
    chat = [{"event": "user", "text": "사람"}, {"event": "action", "name": "action_handoff"}, {"event": "pause"}]
    assert interrupted_form(chat) == (None, {})
    verifying = [{"event": "active_loop", "name": "verify_form"}, {"event": "action", "name": "action_handoff"},
                 {"event": "pause"}]
    assert interrupted_form(verifying) == (None, {})


def test_scores_are_read_from_digits_and_words_and_nothing_else():
    scores = ("5", "4점", "four", "다섯", "3/5", "4점이요", "I'd give it a 4")
    assert [parse_score(t) for t in scores] == [5, 4, 4, 5, 3, 4, 4]
    not_scores = ("10", "hello", "", "0", "네", "한국어로 해줘", "AP-2026-000002", "010-1234-5678",
                  "I want to pay 2 fines for my car from last month")
    assert [parse_score(t) for t in not_scores] == [None] * len(not_scores)


def test_only_an_explicit_no_thanks_declines_the_survey():
    assert all(is_decline(t) for t in ("skip", "no thanks", "No, thank you", "괜찮아요", "아니요 괜찮아요", "평가는 괜찮아요"))
    assert not any(is_decline(t) for t in ("I want to pay a fine", "상담원", "과태료 낼래요", "what?"))


def test_the_survey_takes_a_score_or_a_decline_read_as_one_of_its_intents_and_nothing_else():
    assert answers_survey("choose", "4") and answers_survey("deny", "no thanks") and answers_survey("inform", "four")
    assert not answers_survey("pay_fine", "pay 2 fines")  # a request that holds a digit is still a request
    assert not answers_survey("request_human", "상담원") and not answers_survey("cancel", "skip")


@pytest.mark.asyncio
async def test_without_a_survey_the_bot_continues_the_payment_form_at_once():
    dispatcher = CollectingDispatcher()
    events = await ActionHandoffReturn().run(dispatcher, tracker(
        PAYING_THEN_PAUSED, entities=[{"entity": "satisfaction_survey", "value": False},
                                      {"entity": "handoff_id", "value": "HO-1"}]), {})
    assert [m["text"] for m in dispatcher.messages] == [say("returned", "ko"), say("resume_form", "ko")]
    assert SlotSet("fine_ids", ["fine-1"]) in events and events[-1] == FollowupAction("pay_fine_form")


@pytest.mark.asyncio
async def test_with_a_survey_the_score_is_asked_first_and_the_form_kept_for_later():
    dispatcher = CollectingDispatcher()
    events = await ActionHandoffReturn().run(dispatcher, tracker(
        PAYING_THEN_PAUSED, entities=[{"entity": "satisfaction_survey", "value": True},
                                      {"entity": "handoff_id", "value": "HO-1"}]), {})
    assert [m["text"] for m in dispatcher.messages] == [say("returned", "ko"), say("ask_score", "ko")]
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == ["1", "2", "3", "4", "5"]
    assert SlotSet("satisfaction_pending", True) in events
    assert SlotSet("handoff_resume", {"form": "pay_fine_form", "slots": {"fine_ids": ["fine-1"]}}) in events


@pytest.mark.asyncio
async def test_a_takeover_also_says_the_agent_has_finished_in_the_language_the_citizen_wrote_to_the_agent():
    dispatcher = CollectingDispatcher()
    events = await ActionHandoffReturn().run(dispatcher, tracker(TAKEN_OVER, form="pay_fine_form", entities=[
        {"entity": "satisfaction_survey", "value": False}, {"entity": "handoff_id", "value": "HO-2"}]), {})
    assert [m["text"] for m in dispatcher.messages] == [say("returned", "en"), say("resume_form", "en")]
    assert [e["value"] for e in events if e.get("name") == "language"] == ["en"]  # not undone by the form's slots
    assert SlotSet("fine_ids", ["fine-1"]) in events and events[-1] == FollowupAction("pay_fine_form")


@pytest.mark.asyncio
async def test_a_takeover_with_a_survey_closes_the_form_so_the_score_is_not_taken_as_its_answer():
    dispatcher = CollectingDispatcher()
    events = await ActionHandoffReturn().run(dispatcher, tracker(TAKEN_OVER, form="pay_fine_form", entities=[
        {"entity": "satisfaction_survey", "value": True}, {"entity": "handoff_id", "value": "HO-2"}]), {})
    assert [m["text"] for m in dispatcher.messages] == [say("returned", "en"), say("ask_score", "en")]
    assert ActiveLoop(None) in events and SlotSet("satisfaction_pending", True) in events
    assert SlotSet("handoff_resume", {"form": "pay_fine_form", "slots": {"fine_ids": ["fine-1"]}}) in events


@pytest.mark.asyncio
async def test_the_trigger_text_does_not_turn_a_korean_conversation_into_english():
    events = [{"event": "slot", "name": "language", "value": "ko"}, *PAYING_THEN_PAUSED,
              {"event": "user", "text": "/EXTERNAL_handback", "parse_data": {"intent": {"name": "EXTERNAL_handback"}}},
              {"event": "slot", "name": "language", "value": "en"}]
    dispatcher = CollectingDispatcher()
    result = await ActionHandoffReturn().run(dispatcher, tracker(events, language="en", entities=[
        {"entity": "satisfaction_survey", "value": False}]), {})
    assert dispatcher.messages[0]["text"] == say("returned", "ko") and SlotSet("language", "ko") in result


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The real handoff desk (bot.console) on a free port, its own SQLite file and Redis namespace."""
    port = free_port()
    env = {**os.environ, "CONSOLE_PORT": str(port), "MINWON_ENV": "test", "DESK_ALWAYS_OPEN": "1",
           "CONSOLE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('desk') / 'console.sqlite3'}",
           "REDIS_URL": os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0"),
           "HANDOFF_REDIS_PREFIX": f"test-actions-desk-{uuid.uuid4().hex[:8]}:", "HANDOFF_TOKEN": HANDOFF_TOKEN}
    proc = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot.console"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    import urllib.request
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the desk did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest_asyncio.fixture
async def desk_handoff(desk, monkeypatch):
    monkeypatch.setenv("HANDOFF_URL", desk)
    monkeypatch.setenv("HANDOFF_TOKEN", HANDOFF_TOKEN)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{desk}/v1/handoffs", headers={"Authorization": f"Bearer {HANDOFF_TOKEN}"}, json={
                "conversation_id": f"tg:{uuid.uuid4().int % 10**9}", "channel": "telegram", "language": "ko",
                "reason": "requested", "skill": "payments", "idempotency_key": uuid.uuid4().hex}) as resp:
            assert resp.status == 201
            return (await resp.json())["handoff_id"]


async def history_score(desk: str, handoff_id: str):
    """The score as a supervisor sees it in the console (logs in like a person; cookies on an IP need unsafe)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = (await (await http.get(f"{desk}/api/login-token")).json())["csrf"]
        await http.post(f"{desk}/api/login", json={"username": "supervisor", "password": "supervisor-demo"},
                        headers={"X-CSRF-Token": token})
        packet = await (await http.get(f"{desk}/api/handoffs/{handoff_id}")).json()
    return packet["handoff"]["satisfaction"]


@pytest.mark.asyncio
async def test_a_score_reaches_the_desk_and_the_bot_then_continues_the_form(desk, desk_handoff):
    dispatcher = CollectingDispatcher()
    resume = {"form": "pay_fine_form", "slots": {"fine_ids": ["fine-1"]}}
    events = await ActionRecordSatisfaction().run(dispatcher, tracker(
        PAYING_THEN_PAUSED, slots={"handoff_id": desk_handoff, "handoff_resume": resume,
                                   "satisfaction_pending": True}, text="4점이요"), {})
    assert [m["text"] for m in dispatcher.messages] == [say("thanks", "ko"), say("resume_form", "ko")]
    assert events[-1] == FollowupAction("pay_fine_form") and SlotSet("satisfaction_pending", None) in events
    score = await history_score(desk, desk_handoff)
    assert score == 4


@pytest.mark.asyncio
async def test_no_thanks_records_nothing_says_so_and_asks_what_is_next(desk, desk_handoff):
    dispatcher = CollectingDispatcher()
    events = await ActionRecordSatisfaction().run(dispatcher, tracker(
        [], slots={"handoff_id": desk_handoff, "satisfaction_pending": True}, text="괜찮아요", language="ko"), {})
    assert [m["text"] for m in dispatcher.messages] == [say("skipped", "ko"), say("what_next", "ko")]
    assert SlotSet("satisfaction_pending", None) in events
    score = await history_score(desk, desk_handoff)
    assert score is None


@pytest.mark.asyncio
async def test_an_answer_that_is_neither_records_nothing_and_does_not_say_no_score(desk, desk_handoff):
    dispatcher = CollectingDispatcher()
    await ActionRecordSatisfaction().run(dispatcher, tracker(
        [], slots={"handoff_id": desk_handoff, "satisfaction_pending": True}, text="글쎄요"), {})
    assert [m["text"] for m in dispatcher.messages] == [say("what_next", "ko")]
    score = await history_score(desk, desk_handoff)
    assert score is None


# The turn-start action (Rasa runs it before predicting) decides whether the survey rule can take the message.
@pytest.mark.asyncio
@pytest.mark.parametrize("text, intent, language", [
    ("I want to pay a fine", "pay_fine", "en"), ("상담원 연결해줘", "request_human", "ko"),
    ("check AP-2026-000002", "check_application_status", "en"), ("cancel", "cancel", "en"),
    ("what can you do?", "help", "en")])
async def test_any_other_message_drops_the_survey_silently_and_keeps_its_language(text, intent, language):
    events, said = await run_action(ActionTurnStart(), make_tracker(
        {"language": language, "satisfaction_pending": True, "handoff_resume": {"form": "status_form"}},
        text, intent=intent), {})
    assert said == []
    assert slot_updates(events) == {"satisfaction_pending": None, "handoff_resume": None}


@pytest.mark.asyncio
@pytest.mark.parametrize("text, intent", [("4", "choose"), ("five", "inform"), ("no thanks", "deny"),
                                          ("괜찮아요", "affirm"), ("다섯", "nlu_fallback")])
async def test_a_score_or_a_decline_is_left_to_the_survey_rule(text, intent):
    events, said = await run_action(ActionTurnStart(), make_tracker(
        {"language": "ko" if any("가" <= c <= "힣" for c in text) else "en", "satisfaction_pending": True},
        text, intent=intent), {})
    assert said == [] and "satisfaction_pending" not in slot_updates(events)


@pytest.mark.asyncio
async def test_after_a_hand_back_the_task_kept_for_taking_the_request_back_is_forgotten():
    kept = [{"form": "pay_fine_form", "slots": {"fine_ids": ["fine-1"]}, "handoff": True},
            {"form": "file_complaint_form", "slots": {"complaint_text": "가로등"}}]
    events = await ActionHandoffReturn().run(CollectingDispatcher(), tracker(
        PAYING_THEN_PAUSED, slots={"paused_task": kept},
        entities=[{"entity": "satisfaction_survey", "value": False}, {"entity": "handoff_id", "value": "HO-1"}]), {})
    assert SlotSet("paused_task", [kept[1]]) in events  # the other paused task stays
