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
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_return import ActionHandoffReturn, ActionRecordSatisfaction, interrupted_form, parse_score, say
from actions_testkit import free_port

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


def tracker(events, slots=None, entities=None, text="", language="ko"):
    slots = {"language": language, **(slots or {})}
    latest = {"text": text, "intent": {"name": "EXTERNAL_handback"}, "entities": entities or []}
    return Tracker("tg:42", slots, latest, events, False, None, {}, "action_listen")


def test_the_interrupted_form_and_its_answers_are_found_before_the_pause():
    assert interrupted_form(PAYING_THEN_PAUSED) == ("pay_fine_form", {"fine_ids": ["fine-1"]})


def test_no_form_is_resumed_when_none_was_active_or_verification_was():
    chat = [{"event": "user", "text": "사람"}, {"event": "action", "name": "action_handoff"}, {"event": "pause"}]
    assert interrupted_form(chat) == (None, {})
    verifying = [{"event": "active_loop", "name": "verify_form"}, {"event": "action", "name": "action_handoff"},
                 {"event": "pause"}]
    assert interrupted_form(verifying) == (None, {})


def test_scores_are_read_from_digits_and_words_and_nothing_else():
    assert [parse_score(t) for t in ("5", "4점", "four", "다섯", "3/5")] == [5, 4, 4, 5, 3]
    assert [parse_score(t) for t in ("10", "hello", "", "0")] == [None, None, None, None]


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
    assert events[-1] == FollowupAction("pay_fine_form") and SlotSet("satisfaction_pending", False) in events
    score = await history_score(desk, desk_handoff)
    assert score == 4


@pytest.mark.asyncio
async def test_an_answer_that_is_not_a_score_records_nothing_and_asks_what_is_next(desk, desk_handoff):
    dispatcher = CollectingDispatcher()
    await ActionRecordSatisfaction().run(dispatcher, tracker(
        [], slots={"handoff_id": desk_handoff, "satisfaction_pending": True}, text="글쎄요"), {})
    assert [m["text"] for m in dispatcher.messages] == [say("skipped", "ko"), say("what_next", "ko")]
    score = await history_score(desk, desk_handoff)
    assert score is None
