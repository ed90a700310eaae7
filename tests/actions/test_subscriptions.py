"""Subscribing in the conversation (actions/subscriptions.py) against a real govapi and a real notifier process:
what the citizen asks for is what the notifier keeps; nothing happens before verification; an offer names the
case just discussed and "yes" subscribes exactly that case; the result of a change made in the conversation
(a receipt, a complaint's answer) comes to it without a subscription."""
from __future__ import annotations

import asyncio
import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from actions.complaints import ActionFileComplaint
from actions.fines import ActionPayFine
from actions.govapi_client import get_client
from actions.pending import ActionRetryKept
from actions.subscriptions import (ActionCancelSubscriptions, ActionDeclineSubscription, ActionOfferSubscription,
                                   ActionSubscribeUpdates, offer_case, subscribe_after_verification)
from actions.verification import ValidateVerifyForm
from actions_testkit import (ADMIN_TOKEN, FormRunner, free_port, make_tracker, run_action, slot_updates, texts_of,
                             verify)

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parents[2]
NOTIFIER_TOKEN = "actions-test-notifier-token"
CHANNEL_TOKEN = "actions-test-outbound-token"
OUTBOUND_PORT = free_port()  # the channels' outbound route (a loopback below, up only when a test needs it)


@pytest.fixture(scope="module")
def notifier(govapi, tmp_path_factory):
    """`python -m bot.notifier` (3.11 env) on its own SQLite file, reading the test govapi."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("notifier")
    outbound = f"http://127.0.0.1:{OUTBOUND_PORT}"
    env = {**os.environ, "NOTIFIER_PORT": str(port), "NOTIFIER_TOKEN": NOTIFIER_TOKEN,
           "NOTIFIER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/notifier.sqlite3",
           "GOVAPI_URL": govapi.url, "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN, "MINWON_ENV": "test",
           "NOTIFIER_OUTBOUND_URL": outbound, "RASA_URL": outbound, "CHANNEL_OUTBOUND_TOKEN": CHANNEL_TOKEN,
           "NOTIFIER_SMS_QUIET_HOURS": "off", "NOTIFIER_RETRY_BASE_S": "0.2", "NOTIFIER_RETRY_CAP_S": "1"}
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


@pytest_asyncio.fixture
async def channel():
    """The channels' outbound route as the notifier calls it: records what each conversation was sent."""
    sent: Dict[str, List[str]] = {}

    async def outbound(request: web.Request) -> web.Response:
        assert request.headers.get("Authorization") == f"Bearer {CHANNEL_TOKEN}"
        body = await request.json()
        sent.setdefault(body["conversation_id"], []).append(body["text"])
        return web.json_response({"sent": True}, status=202)

    async def transcript(request: web.Request) -> web.Response:
        return web.json_response({"events": []})

    app = web.Application()
    app.router.add_post("/webhooks/{channel}/outbound", outbound)
    app.router.add_post("/conversations/{conversation_id}/tracker/events", transcript)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", OUTBOUND_PORT).start()
    yield sent
    await runner.cleanup()


async def kept(notifier: str, conversation_id: str, follows: bool = False) -> list:
    params = {"conversation_id": conversation_id, **({"follows": "1"} if follows else {})}
    async with aiohttp.ClientSession() as session:
        async with session.get(notifier + "/v1/subscriptions", params=params,
                               headers={"Authorization": f"Bearer {NOTIFIER_TOKEN}"}) as resp:
            assert resp.status == 200
            return (await resp.json())["subscriptions"]


async def verified_citizen(govapi, domain, language: str = "ko") -> FormRunner:
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain, sender=f"tg:{uuid.uuid4().int % 10**9}",
                        language=language)
    await verify(runner, govapi)
    return runner


def turn(runner: FormRunner, text: str, intent: str, *this_turn: List[Dict[str, Any]]):
    """A tracker right after the citizen's message, with the events this turn's earlier actions returned
    (as Rasa sends it to the next action: the offer comes right after the service's answer)."""
    events = [e for batch in this_turn for e in batch]
    slots = {**runner.slots, **slot_updates(events)}
    tracker = make_tracker(slots, text, intent, sender=runner.sender)
    tracker.events.extend(events)
    return tracker


def keep(runner: FormRunner, events: List[Dict[str, Any]]) -> None:
    runner.slots.update(slot_updates(events))


async def status_checked(runner: FormRunner, number: str) -> List[Dict[str, Any]]:
    """What a status check of `number` leaves for the offer: govapi's real answer through offer_case."""
    found = await get_client().case(runner.slots["citizen_token"], number)
    assert found.ok
    return offer_case(found.value)


# --- asking for notifications ------------------------------------------------------------------------------
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


# --- the offer after a status check ------------------------------------------------------------------------
async def test_offer_after_a_status_check_names_the_case_and_yes_subscribes_to_it(actions_on_notifier, govapi,
                                                                                 domain):
    runner = await verified_citizen(govapi, domain)
    checked = await status_checked(runner, "AP-2026-000007")  # under review: it can still move
    events, messages = await run_action(
        ActionOfferSubscription(), turn(runner, "AP-2026-000007 어디까지 됐나요?", "check_application_status", checked),
        domain)
    assert messages[0]["text"] == "AP-2026-000007 진행 상황이 바뀌면 여기로 알려드릴까요?"
    assert messages[0]["buttons"] == [{"title": "네, 알려주세요", "payload": "/affirm"},
                                      {"title": "아니요", "payload": "/deny"}]
    keep(runner, checked + events)
    events, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("/affirm", intent="affirm"), domain)
    assert messages[0]["text"].startswith("알림을 신청했어요: 신청 진행 (AP-2026-000007).")
    assert slot_updates(events)["offered_case"] is None
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert (sub["case_number"], sub["topics"], sub["language"]) == ("AP-2026-000007", ["application_status"], "ko")


async def test_checking_a_complaint_offers_its_answer_in_english(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain, language="en")
    checked = await status_checked(runner, "CP-2026-000002")  # received, not answered yet
    events, messages = await run_action(
        ActionOfferSubscription(), turn(runner, "status of CP-2026-000002", "check_application_status", checked),
        domain)
    assert messages[0]["text"] == "Shall I tell you here when CP-2026-000002 is answered?"
    assert messages[0]["buttons"] == [{"title": "Yes, notify me", "payload": "/affirm"},
                                      {"title": "No, thanks", "payload": "/deny"}]
    keep(runner, checked + events)
    await run_action(ActionSubscribeUpdates(), runner.tracker("yes", intent="affirm"), domain)
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert (sub["case_number"], sub["topics"], sub["language"]) == \
        ("CP-2026-000002", ["complaint_answered"], "en")


@pytest.mark.parametrize("number", ["AP-2026-000006", "CP-2026-000001"])  # completed; answered
async def test_no_offer_for_a_case_that_moves_no_more(actions_on_notifier, govapi, domain, number):
    runner = await verified_citizen(govapi, domain)
    checked = await status_checked(runner, number)
    assert checked == []
    _, messages = await run_action(ActionOfferSubscription(), turn(runner, number, "check_application_status",
                                                                   checked), domain)
    assert messages == []


async def test_a_fine_before_its_due_date_is_offered_a_reminder_and_an_overdue_one_is_not(actions_on_notifier,
                                                                                          govapi, domain):
    runner = await verified_citizen(govapi, domain)
    assert await status_checked(runner, "FN-2026-000002") == []  # 45 days overdue
    checked = await status_checked(runner, "FN-2026-000001")  # due in 20 days
    _, messages = await run_action(ActionOfferSubscription(), turn(runner, "FN-2026-000001", "pay_fine", checked),
                                   domain)
    assert messages[0]["text"] == "FN-2026-000001 납부기한 전에 여기로 알려드릴까요?"


async def test_no_offer_for_a_case_this_chat_already_hears_about(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    await run_action(ActionSubscribeUpdates(), runner.tracker("AP-2026-000002 알려줘", intent="subscribe_updates"),
                     domain)
    checked = await status_checked(runner, "AP-2026-000002")
    events, messages = await run_action(ActionOfferSubscription(),
                                        turn(runner, "AP-2026-000002는요?", "check_application_status", checked),
                                        domain)
    assert messages == [] and slot_updates(events) == {"offered_case": None}


async def test_a_yes_turns_later_never_subscribes_to_an_old_offer(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    checked = await status_checked(runner, "AP-2026-000001")
    events, _ = await run_action(ActionOfferSubscription(), turn(runner, "AP-2026-000001", "check_application_status",
                                                                 checked), domain)
    keep(runner, checked + events)
    # Next the citizen checks a number that does not exist: nothing is offered, the old offer is dropped.
    events, messages = await run_action(ActionOfferSubscription(),
                                        turn(runner, "AP-2026-999999", "check_application_status"), domain)
    assert messages == [] and slot_updates(events) == {"offered_case": None}
    keep(runner, events)
    events, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("네", intent="affirm"), domain)
    assert [m["text"] for m in messages] == ["알겠어요. 알림을 받으려면 '알림 신청'이라고 보내 주세요."]
    assert await kept(actions_on_notifier, runner.sender) == []


async def test_all_my_applications_when_asked_for_explicitly(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    checked = await status_checked(runner, "AP-2026-000007")
    events, _ = await run_action(ActionOfferSubscription(), turn(runner, "AP-2026-000007", "check_application_status",
                                                                 checked), domain)
    keep(runner, checked + events)
    _, messages = await run_action(ActionSubscribeUpdates(),
                                   runner.tracker("아니 내 신청 전부 알려줘", intent="subscribe_updates"), domain)
    assert messages[0]["text"].startswith("알림을 신청했어요: 신청 진행.")
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert (sub["case_number"], sub["topics"]) == (None, ["application_status"])


async def test_tell_me_when_it_moves_means_the_case_just_discussed(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain, language="en")
    checked = await status_checked(runner, "CP-2026-000002")
    events, _ = await run_action(ActionOfferSubscription(), turn(runner, "CP-2026-000002", "check_application_status",
                                                                 checked), domain)
    keep(runner, checked + events + [{"event": "slot", "name": "last_case", "value": "CP-2026-000002"}])
    await run_action(ActionSubscribeUpdates(), runner.tracker("tell me when it moves", intent="subscribe_updates"),
                     domain)
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert (sub["case_number"], sub["topics"]) == ("CP-2026-000002", ["complaint_answered"])


async def test_declining_the_offer_says_how_to_ask_later_and_forgets_it(domain):
    tracker = make_tracker({"language": "en", "offered_case": "AP-2026-000007"}, "no thanks", "deny")
    events, messages = await run_action(ActionDeclineSubscription(), tracker, domain)
    assert [m["text"] for m in messages] == ["All right. If you change your mind, say 'notify me'."]
    assert slot_updates(events) == {"offered_case": None}


# --- results of a change made in the conversation -------------------------------------------------------
async def test_paying_brings_the_receipt_to_the_chat_without_a_subscription(actions_on_notifier, govapi, domain,
                                                                            channel):
    runner = await verified_citizen(govapi, domain)
    token = runner.slots["citizen_token"]
    fines = (await govapi.citizen_get(token, "/v1/me/fines?status=unpaid"))["fines"]
    fine = next(f for f in fines if f["notice_number"] == "FN-2026-000003")  # FN-2026-000001 stays unpaid
    runner.slots.update({"fine_ids": [fine["id"]], "payment_method": "card"})
    paid, messages = await run_action(ActionPayFine(), runner.tracker("네", intent="affirm"), domain)
    assert texts_of(messages).endswith("결제가 확인되면 영수증을 여기로 바로 보내드릴게요.")
    payment_id = slot_updates(paid)["last_case"]
    assert payment_id.startswith("PY-") and slot_updates(paid)["followed_case"] == payment_id
    # No question follows: the receipt comes anyway.
    offered, offer = await run_action(ActionOfferSubscription(), turn(runner, "네", "affirm", paid), domain)
    assert offer == []
    assert await kept(actions_on_notifier, runner.sender) == [], "not one of the citizen's subscriptions"
    (follow,) = await kept(actions_on_notifier, runner.sender, follows=True)
    assert (follow["automatic"], follow["case_number"], follow["language"]) == (True, payment_id, "ko")

    payment = await govapi.citizen_get(token, f"/v1/payments/{payment_id}")
    await govapi.provider_confirms(payment_id, payment["total"])
    deadline = time.monotonic() + 10
    while not channel.get(runner.sender):
        assert time.monotonic() < deadline, "the receipt did not reach the chat within 10 s"
        await asyncio.sleep(0.1)
    paid_now = await govapi.citizen_get(token, f"/v1/payments/{payment_id}")
    (receipt,) = channel[runner.sender]
    assert paid_now["receipt_number"] in receipt and f"{payment['total']:,}원" in receipt


async def test_a_complaint_filed_in_english_is_followed_in_english_and_no_drops_it(actions_on_notifier, govapi,
                                                                                   domain):
    runner = await verified_citizen(govapi, domain, language="en")
    runner.slots.update({"complaint_text": "The street light is out", "complaint_category": "street_lighting",
                         "complaint_place": {"address": "테헤란로 152"}, "photo_id": "none"})
    filed, messages = await run_action(ActionFileComplaint(), runner.tracker("yes", intent="affirm"), domain)
    assert texts_of(messages).endswith("I'll tell you here when it is answered.")
    number = slot_updates(filed)["followed_case"]
    (follow,) = await kept(actions_on_notifier, runner.sender, follows=True)
    assert (follow["case_number"], follow["topics"], follow["language"]) == (number, ["complaint_answered"], "en")
    keep(runner, filed)
    _, messages = await run_action(ActionDeclineSubscription(), runner.tracker("no need", intent="deny"), domain)
    assert [m["text"] for m in messages] == ["All right, I won't send news about it."]
    assert await kept(actions_on_notifier, runner.sender, follows=True) == []


async def test_a_kept_request_that_goes_through_later_is_followed_too(actions_on_notifier, govapi, domain):
    runner = await verified_citizen(govapi, domain)
    kept_request = {"kind": "complaint", "idempotency_key": f"test-{uuid.uuid4().hex}", "retries": 0,
                    "payload": {"category": "noise", "text": "밤마다 공사 소음이 심해요",
                                "place": {"address": "테헤란로 152"}, "photo_id": None}}
    runner.slots["pending_request"] = kept_request
    tracker = runner.tracker("EXTERNAL: EXTERNAL_retry_kept", intent="EXTERNAL_retry_kept")
    events, messages = await run_action(ActionRetryKept(), tracker, domain)
    assert "답변이 오면 여기로 알려드릴게요." in texts_of(messages)
    assert slot_updates(events)["pending_request"] is None
    (follow,) = await kept(actions_on_notifier, runner.sender, follows=True)
    assert follow["case_number"] == slot_updates(events)["last_case"]


async def test_notifier_down_the_change_still_goes_through(actions_on_govapi, govapi, domain, monkeypatch):
    monkeypatch.setenv("NOTIFIER_URL", f"http://127.0.0.1:{free_port()}")
    runner = await verified_citizen(govapi, domain)
    runner.slots.update({"complaint_text": "쓰레기가 쌓여 있어요", "complaint_category": "waste",
                         "complaint_place": {"address": "테헤란로 152"}, "photo_id": "none"})
    filed, messages = await run_action(ActionFileComplaint(), runner.tracker("네", intent="affirm"), domain)
    assert "CP-" in texts_of(messages) and "알려드릴게요" not in texts_of(messages)
    assert slot_updates(filed)["last_case"].startswith("CP-") and "followed_case" not in slot_updates(filed)


# --- lists, cancelling, verification ----------------------------------------------------------------------
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
    _, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("내 알림 목록", intent="subscribe_updates"),
                                   domain)
    assert messages[0]["text"].startswith("받고 있는 알림:\n1. ") and "신청 진행" in messages[0]["text"]
    _, messages = await run_action(ActionCancelSubscriptions(), runner.tracker("알림 취소", intent="subscribe_updates"),
                                   domain)
    assert messages[0]["text"] == "알림 1건을 껐어요. 언제든 다시 신청할 수 있어요."
    assert await kept(actions_on_notifier, runner.sender) == []


async def test_notifier_down_is_said_plainly(actions_on_govapi, govapi, domain, monkeypatch):
    monkeypatch.setenv("NOTIFIER_URL", f"http://127.0.0.1:{free_port()}")
    runner = await verified_citizen(govapi, domain)
    _, messages = await run_action(ActionSubscribeUpdates(), runner.tracker("알림 신청", intent="subscribe_updates"),
                                   domain)
    assert [m["text"] for m in messages] == ["지금은 알림을 설정할 수 없어요. 조금 뒤 다시 '알림 신청'이라고 보내주세요."]


async def run_action_fn(fn, tracker):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = await fn(dispatcher, tracker)
    return events, dispatcher.messages


async def test_asking_to_be_told_before_verifying_subscribes_once_verified(actions_on_notifier, govapi, domain):
    from actions.verified_requests import ActionVerifiedRequest

    runner = await verified_citizen(govapi, domain)
    runner.slots.update({"verify_purpose": "subscribe_updates",
                         "subscription_offer": "application_status|AP-2026-000002"})
    _, messages = await run_action(ActionVerifiedRequest(), runner.tracker("123456"), domain)
    assert messages[0]["text"].startswith("알림을 신청했어요: 신청 진행 (AP-2026-000002).")  # not the list of applications
    (sub,) = await kept(actions_on_notifier, runner.sender)
    assert sub["case_number"] == "AP-2026-000002" and sub["topics"] == ["application_status"]
