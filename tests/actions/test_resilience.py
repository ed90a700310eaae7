"""A retried turn never pays twice; when govapi is down or too slow the request is kept, and completed by
itself a little later (a Rasa reminder) or on the next message, with the same idempotency key, so it is never
lost and never doubled."""
from datetime import datetime

import pytest

from actions.fines import ActionPayFine
from actions.govapi_client import reset_client
from actions.pending import ActionRetryKept, ActionTurnStart
from actions.verification import ValidateVerifyForm
from actions_testkit import FormRunner, client_for, free_port, make_tracker, run_action, slot_updates, texts_of, verify

pytestmark = pytest.mark.asyncio
EMILY_PHONE, EMILY_BIRTH = "010-9876-5432", "1990-07-02"  # govapi's English-speaking demo citizen


async def verified(govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await verify(runner, govapi)
    return runner


async def payable_fine(govapi, token):
    fines = (await govapi.citizen_get(token, "/v1/me/fines?status=unpaid"))["fines"]
    return next(f for f in fines if f["status"] == "unpaid")


async def payments_of(govapi, token):
    return (await govapi.citizen_get(token, "/v1/me/payments"))["payments"]


def pay_slots(runner, fine):
    return {**runner.slots, "fine_ids": [fine["id"]], "payment_method": "card", "requested_slot": None}


async def test_the_same_turn_delivered_twice_pays_once(govapi, actions_on_govapi, domain):
    runner = await verified(govapi, domain)
    token = runner.slots["citizen_token"]
    fine = await payable_fine(govapi, token)
    before = len(await payments_of(govapi, token))
    turn = make_tracker(pay_slots(runner, fine), "1", sender=runner.sender, message_id="msg-confirm-1")
    _, first = await run_action(ActionPayFine(), turn, domain)
    turn_again = make_tracker(pay_slots(runner, fine), "1", sender=runner.sender, message_id="msg-confirm-1")
    _, second = await run_action(ActionPayFine(), turn_again, domain)
    assert "PY-" in texts_of(first)
    assert texts_of(first) == texts_of(second)  # the same payment, link and number
    assert len(await payments_of(govapi, token)) == before + 1


async def test_govapi_down_keeps_the_payment_and_the_next_message_completes_it(govapi, actions_on_govapi, domain):
    runner = await verified(govapi, domain)
    token = runner.slots["citizen_token"]
    fine = await payable_fine(govapi, token)
    before = len(await payments_of(govapi, token))

    dead = client_for(f"http://127.0.0.1:{free_port()}")  # nothing listens there: govapi is down
    reset_client(dead)
    events, messages = await run_action(ActionPayFine(), make_tracker(pay_slots(runner, fine), "1",
                                                                      sender=runner.sender), domain)
    await dead.close()
    kept = slot_updates(events)["pending_request"]
    assert kept["kind"] == "payment" and kept["idempotency_key"]
    assert "보관" in texts_of(messages)
    assert len(await payments_of(govapi, token)) == before

    reset_client(actions_on_govapi)  # govapi is back
    later = {**runner.slots, "pending_request": kept}
    events, messages = await run_action(ActionTurnStart(), make_tracker(later, "아직이에요?", sender=runner.sender),
                                        domain)
    assert "처리했어요" in texts_of(messages) and "PY-" in texts_of(messages)
    assert slot_updates(events)["pending_request"] is None
    assert len(await payments_of(govapi, token)) == before + 1


async def test_a_slow_govapi_that_took_the_payment_anyway_is_not_charged_twice(govapi, actions_on_govapi, domain):
    runner = await verified(govapi, domain)
    token = runner.slots["citizen_token"]
    fine = await payable_fine(govapi, token)
    before = len(await payments_of(govapi, token))

    impatient = client_for(govapi.url, govapi_timeout_s=0.001)  # the answer comes too late for this client
    reset_client(impatient)
    events, messages = await run_action(ActionPayFine(), make_tracker(pay_slots(runner, fine), "1",
                                                                      sender=runner.sender), domain)
    await impatient.close()
    kept = slot_updates(events)["pending_request"]
    assert "보관" in texts_of(messages)

    reset_client(actions_on_govapi)
    later = {**runner.slots, "pending_request": kept}
    _, messages = await run_action(ActionTurnStart(), make_tracker(later, "?", sender=runner.sender), domain)
    assert "PY-" in texts_of(messages)
    assert len(await payments_of(govapi, token)) == before + 1  # at most one, whether or not the first arrived


async def test_still_down_on_the_next_message_keeps_it_quietly(govapi, actions_on_govapi, domain):
    kept = {"kind": "payment", "payload": {"fine_ids": ["x"], "method": "card"}, "idempotency_key": "k-1",
            "kept_at": "2026-11-25T00:00:00+00:00"}
    dead = client_for(f"http://127.0.0.1:{free_port()}")
    reset_client(dead)
    events, messages = await run_action(ActionTurnStart(), make_tracker({"pending_request": kept, "language": "en"},
                                                                        "hello?"), domain)
    await dead.close()
    assert "pending_request" not in slot_updates(events)  # still kept
    assert messages == []


async def test_language_follows_the_citizen_until_they_ask_for_one(actions_on_govapi, domain):
    events, _ = await run_action(ActionTurnStart(), make_tracker({"language": "ko"}, "I want to pay a fine",
                                                                 intent="pay_fine"), domain)
    assert slot_updates(events)["language"] == "en"
    events, _ = await run_action(ActionTurnStart(), make_tracker({"language": "en"}, "영어로 해주세요",
                                                                 intent="switch_language"), domain)
    assert slot_updates(events) == {"language": "en", "language_locked": True}
    events, _ = await run_action(ActionTurnStart(), make_tracker({"language": "en", "language_locked": True},
                                                                 "과태료 낼게요", intent="pay_fine"), domain)
    assert "language" not in slot_updates(events)


def reminders(events):
    return [e for e in events if e.get("event") == "reminder"]


async def test_a_kept_request_says_when_it_is_tried_again_and_plans_that_retry(govapi, actions_on_govapi, domain,
                                                                              monkeypatch):
    monkeypatch.setenv("PENDING_RETRY_DELAYS_S", "120,600")
    runner = await verified(govapi, domain)
    dead = client_for(f"http://127.0.0.1:{free_port()}")  # govapi down: which fine does not matter
    reset_client(dead)
    events, messages = await run_action(ActionPayFine(), make_tracker(pay_slots(runner, {"id": "FN-any"}), "1",
                                                                      sender=runner.sender), domain)
    await dead.close()
    assert "2분 뒤" in texts_of(messages)  # told when: the first pause, in minutes
    [reminder] = reminders(events)
    assert reminder["intent"] == "EXTERNAL_retry_kept" and reminder["kill_on_user_msg"] is True
    due = (datetime.fromisoformat(reminder["date_time"]) - datetime.now()).total_seconds()
    assert 100 < due <= 120


async def test_the_reminder_completes_a_kept_payment_without_a_new_message(govapi, actions_on_govapi, domain):
    runner = FormRunner(ValidateVerifyForm(), "verify_form", domain)
    await verify(runner, govapi, phone=EMILY_PHONE, birth=EMILY_BIRTH)  # fines of her own, unpaid
    token = runner.slots["citizen_token"]
    fine = await payable_fine(govapi, token)
    before = len(await payments_of(govapi, token))
    dead = client_for(f"http://127.0.0.1:{free_port()}")
    reset_client(dead)
    events, _ = await run_action(ActionPayFine(), make_tracker(pay_slots(runner, fine), "1", sender=runner.sender),
                                 domain)
    await dead.close()
    kept = slot_updates(events)["pending_request"]

    reset_client(actions_on_govapi)  # govapi is back; the reminder fires (no citizen text)
    fired = make_tracker({**runner.slots, "pending_request": kept}, "EXTERNAL: EXTERNAL_retry_kept",
                         intent="EXTERNAL_retry_kept", sender=runner.sender)
    events, messages = await run_action(ActionRetryKept(), fired, domain)
    assert "처리했어요" in texts_of(messages) and "PY-" in texts_of(messages)
    assert slot_updates(events)["pending_request"] is None and not reminders(events)
    assert len(await payments_of(govapi, token)) == before + 1


async def test_still_down_when_the_reminder_fires_plans_the_next_try_until_the_list_ends(actions_on_govapi, domain,
                                                                                          monkeypatch):
    monkeypatch.setenv("PENDING_RETRY_DELAYS_S", "60,180")
    kept = {"kind": "payment", "payload": {"fine_ids": ["x"], "method": "card"}, "idempotency_key": "k-2",
            "kept_at": "2026-11-25T00:00:00+00:00", "retries": 0}
    dead = client_for(f"http://127.0.0.1:{free_port()}")
    reset_client(dead)
    try:
        fired = make_tracker({"pending_request": kept}, "EXTERNAL: EXTERNAL_retry_kept", intent="EXTERNAL_retry_kept")
        events, messages = await run_action(ActionRetryKept(), fired, domain)
        assert messages == []  # quiet: the citizen was told once
        assert slot_updates(events)["pending_request"]["retries"] == 1
        [reminder] = reminders(events)
        assert 150 < (datetime.fromisoformat(reminder["date_time"]) - datetime.now()).total_seconds() <= 180

        last = make_tracker({"pending_request": {**kept, "retries": 1}}, "EXTERNAL: EXTERNAL_retry_kept",
                            intent="EXTERNAL_retry_kept")
        events, _ = await run_action(ActionRetryKept(), last, domain)
        assert slot_updates(events)["pending_request"]["idempotency_key"] == "k-2"  # still kept for the next message
        assert not reminders(events)  # no more tries on its own
    finally:
        await dead.close()


async def test_a_system_turn_changes_neither_the_language_nor_retries(actions_on_govapi, domain):
    kept = {"kind": "payment", "payload": {"fine_ids": ["x"], "method": "card"}, "idempotency_key": "k-3"}
    fired = make_tracker({"language": "ko", "pending_request": kept}, "EXTERNAL: EXTERNAL_retry_kept",
                         intent="EXTERNAL_retry_kept")
    events, messages = await run_action(ActionTurnStart(), fired, domain)
    assert events == [] and messages == []
