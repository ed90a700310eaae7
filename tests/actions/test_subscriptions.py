"""Subscribing in the conversation (actions/subscriptions.py) against a real govapi and a real notifier process:
what the citizen asks for is what the notifier keeps; nothing happens before verification."""
from __future__ import annotations

import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import pytest

from actions.subscriptions import (ActionCancelSubscriptions, ActionDeclineSubscription, ActionOfferSubscription,
                                   ActionSubscribeUpdates, subscribe_after_verification)
from actions.verification import ValidateVerifyForm
from actions_testkit import ADMIN_TOKEN, FormRunner, free_port, make_tracker, run_action, slot_updates, verify

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parents[2]
NOTIFIER_TOKEN = "actions-test-notifier-token"


@pytest.fixture(scope="module")
def notifier(govapi, tmp_path_factory):
    """`python -m bot.notifier` (3.11 env) on its own SQLite file, reading the test govapi."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("notifier")
    env = {**os.environ, "NOTIFIER_PORT": str(port), "NOTIFIER_TOKEN": NOTIFIER_TOKEN,
           "NOTIFIER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/notifier.sqlite3",
           "GOVAPI_URL": govapi.url, "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN, "MINWON_ENV": "test"}
    log = open(tmp / "notifier.log", "wb")
    process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot.notifier"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "notifier.log").read_text()[-2000:])
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture
def actions_on_notifier(notifier, actions_on_govapi, monkeypatch):
    monkeypatch.setenv("NOTIFIER_URL", notifier)
    monkeypatch.setenv("NOTIFIER_TOKEN", NOTIFIER_TOKEN)
    return notifier


async def kept(notifier: str, conversation_id: str) -> list:
    async with aiohttp.ClientSession() as session:
        async with session.get(notifier + "/v1/subscriptions", params={"conversation_id": conversation_id},
                               headers={"Authorization": f"Bearer {NOTIFIER_TOKEN}"}) as resp:
            assert resp.status == 200
            return (await resp.json())["subscriptions"]


async def verified_citizen(govapi, domain, language: str = "ko") -> FormRunner:
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, sender=f"tg:{uuid.uuid4().int % 10**9}",
                        language=language)
    await verify(runner, govapi)
    return runner


async def test_nothing_is_kept_before_verification_but_the_request_is_remembered(actions_on_notifier, domain):
    sender = f"tg:{uuid.uuid4().int % 10**9}"
    tracker = make_tracker({"language": "ko"}, "과태료 가산금 붙기 전에 알려줘", "subscribe_updates", sender=sender)
    events, messages = await run_action(ActionSubscribeUpdates(), tracker, domain)
    assert [m["text"] for m in messages] == ["알림을 받으려면 먼저 본인인증이 필요해요."]
    assert {"event": "followup", "name": "verify_form"} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert slot_updates(events)["subscription_offer"] == "fine_due|"
    assert await kept(actions_on_notifier, sender) == []


async def test_verified_citizen_subscribes_to_what_they_named(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    tracker = runner.tracker("AP-2026-000002 진행되면 알려줘", intent="subscribe_updates")
    _, messages = await run_action(ActionSubscribeUpdates(), tracker, domain)
    assert messages[0]["text"].startswith("알림을 신청했어요: 신청 진행 (AP-2026-000002).")
    assert messages[0]["text"].endswith("끄려면 '알림 취소'라고 보내세요.")
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert (sub["citizen_id"], sub["topics"], sub["case_number"], sub["channel"]) == \
        ("ct_000001", ["application_status"], "AP-2026-000002", "telegram")


async def test_fine_subscription_keeps_reminders_for_unpaid_fines(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain, language="en")
    tracker = runner.tracker("remind me before my fine gets a late fee", intent="subscribe_updates")
    _, messages = await run_action(ActionSubscribeUpdates(), tracker, domain)
    assert messages[0]["text"].startswith("Done: I'll tell you here about fine due dates.")
    assert messages[0]["text"].endswith("Say 'stop notifications' to turn them off.")
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert sub["topics"] == ["fine_due"] and sub["language"] == "en"


async def test_offer_after_a_status_check_and_yes_subscribes_to_that_case(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    runner.slots["case_number"] = "AP-2026-000007"
    events, messages = await run_action(ActionOfferSubscription(), runner.tracker("", intent="check_application_status"), domain)
    assert messages[0]["text"] == "신청 진행 소식이 생기면 여기로 알려드릴까요?"
    assert messages[0]["buttons"] == [{"title": "네, 알려주세요", "payload": "/affirm"},
                                      {"title": "아니요", "payload": "/deny"}]
    runner.slots.update(slot_updates(events))
    events, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("네", intent="affirm"), domain)
    assert messages[0]["text"].startswith("알림을 신청했어요: 신청 진행 (AP-2026-000007).")
    assert slot_updates(events)["subscription_offer"] is None
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert sub["case_number"] == "AP-2026-000007" and sub["topics"] == ["application_status"]



async def test_offer_in_english_has_english_buttons(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain, language="en")
    runner.slots["case_number"] = "FN-2026-000001"
    events, messages = await run_action(ActionOfferSubscription(), runner.tracker("", intent="pay_fine"), domain)
    assert messages[0]["text"] == "Shall I tell you here when there is news about fine due dates?"
    assert messages[0]["buttons"] == [{"title": "Yes, notify me", "payload": "/affirm"},
                                      {"title": "No, thanks", "payload": "/deny"}]
    assert slot_updates(events)["subscription_offer"] == "fine_due|FN-2026-000001"


async def test_declining_the_offer_says_how_to_ask_later_and_forgets_it(domain):
    tracker = make_tracker({"language": "en", "subscription_offer": "fine_due|"}, "no thanks", "deny")
    events, messages = await run_action(ActionDeclineSubscription(), tracker, domain)
    assert [m["text"] for m in messages] == ["All right. If you change your mind, say 'notify me'."]
    assert slot_updates(events) == {"subscription_offer": None}

async def test_request_made_before_verification_is_honoured_after_it(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    runner.slots["subscription_offer"] = "complaint_answered|"
    _, messages = await run_action_fn(subscribe_after_verification, runner.tracker("123456"))
    assert messages[0]["text"].startswith("알림을 신청했어요: 민원 답변.")
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert sub["topics"] == ["complaint_answered"]


async def test_listing_and_cancelling_in_chat(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    await run_action(ActionSubscribeUpdates(), runner.tracker("알림 신청", intent="subscribe_updates"), domain)
    _, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("내 알림 목록", intent="subscribe_updates"), domain)
    assert messages[0]["text"].startswith("받고 있는 알림:\n1. ") and "신청 진행" in messages[0]["text"]
    _, messages = await run_action(ActionCancelSubscriptions(), runner.tracker("알림 취소", intent="subscribe_updates"), domain)
    assert messages[0]["text"] == "알림 1건을 껐어요. 언제든 다시 신청할 수 있어요."
    assert await kept(actions_on_notifier, runner.sender) == []


async def test_notifier_down_is_said_plainly(actions_on_govapi, govapi, domain, monkeypatch):
    monkeypatch.setenv("NOTIFIER_URL", f"http://127.0.0.1:{free_port()}")
    runner = await verified_citizen(govapi, domain)
    _, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("알림 신청", intent="subscribe_updates"), domain)
    assert [m["text"] for m in messages] == ["지금은 알림을 설정할 수 없어요. 잠시 후 다시 시도해주세요."]


async def run_action_fn(fn, tracker):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = await fn(dispatcher, tracker)
    return events, dispatcher.messages


async def test_asking_to_be_told_before_verifying_subscribes_once_verified(actions_on_notifier, govapi, domain):
    from actions.verified_requests import ActionVerifiedRequest

    runner = await verified_citizen(govapi, domain)
    runner.slots.update({"verify_purpose": "subscribe_updates", "subscription_offer": "application_status|AP-2026-000002"})
    _, messages = await run_action(ActionVerifiedRequest(), runner.tracker("123456"), domain)
    assert messages[0]["text"].startswith("알림을 신청했어요: 신청 진행 (AP-2026-000002).")  # not the list of applications
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert sub["case_number"] == "AP-2026-000002" and sub["topics"] == ["application_status"]
