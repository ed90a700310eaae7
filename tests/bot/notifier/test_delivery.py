"""What a subscribed citizen notices: the message arrives once, on their channel, at an allowed hour, and it
stops when they opted out or blocked the bot. Real govapi and notifier processes; loopback channels."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from .conftest import notifier_api
from .helpers import APPLICATION, CITIZEN, citizen_token, move_application, pay_on_checkout_page, toggle_application

pytestmark = pytest.mark.asyncio(loop_scope="function")
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


async def subscribe(api, conversation_id: str, topics: list[str], language: str = "ko", **extra) -> dict:
    return await api.call("POST", "/v1/subscriptions", json={
        "citizen_id": CITIZEN, "conversation_id": conversation_id, "topics": topics, "language": language, **extra})


async def deliveries(api, conversation_id: str) -> list[dict]:
    return (await api.call("GET", "/v1/deliveries", params={"conversation_id": conversation_id}))["deliveries"]


async def the_recorded_delivery(api, conversation_id: str) -> dict:
    """The conversation's one delivery once the notifier has recorded how it went (the channel has the message
    a moment before the notifier writes that down)."""
    from .helpers import wait_until

    async def recorded():
        found = await deliveries(api, conversation_id)
        return len(found) == 1 and found[0]["status"] != "pending"

    await wait_until(recorded, what="the delivery to be recorded")
    (record,) = await deliveries(api, conversation_id)
    return record


async def test_status_change_reaches_the_chat_and_the_transcript(start_notifier, loopback, govapi_admin, http):
    api = notifier_api(http, await start_notifier())
    await subscribe(api, "tg:1001", ["application_status"], case_number=APPLICATION)
    await move_application(govapi_admin, APPLICATION, "supplement_requested")
    await loopback.wait_for(lambda: loopback.texts_for("tg:1001"))
    (text,) = loopback.texts_for("tg:1001")
    assert APPLICATION in text and "보완" in text
    assert loopback.sent[0].kind == "notification"
    await loopback.wait_for(lambda: loopback.tracker)
    conversation, event = loopback.tracker[0]
    assert conversation == "tg:1001" and event["event"] == "bot" and event["text"] == text
    record = await the_recorded_delivery(api, "tg:1001")
    assert record["status"] == "sent" and record["tracker_status"] == "appended"


async def test_english_subscriber_reads_english(start_notifier, loopback, govapi_admin, http):
    api = notifier_api(http, await start_notifier())
    await subscribe(api, "web:0f6c2a4e-demo", ["application_status"], language="en")
    await move_application(govapi_admin, APPLICATION, "approved")
    await loopback.wait_for(lambda: loopback.texts_for("web:0f6c2a4e-demo"))
    assert loopback.texts_for("web:0f6c2a4e-demo") == [f"[minwon] Application {APPLICATION}: approved."]
    assert loopback.sent[0].channel == "webchat"


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
async def test_graceful_restart_mid_stream_loses_nothing_and_sends_nothing_twice(
        start_notifier, loopback, govapi_admin, http, postgres_database, store):
    database = {} if store == "sqlite" else {"NOTIFIER_DATABASE_URL": await postgres_database()}
    notifier = await start_notifier(**database)
    await subscribe(notifier_api(http, notifier), "tg:2002", ["application_status"])
    loopback.delay_s = 0.05  # a slow channel, so the stream is still flowing when we restart
    statuses = await toggle_application(govapi_admin, APPLICATION, 40)
    await loopback.wait_for(lambda: len(loopback.sent) >= 8)
    await notifier.stop()
    assert len(loopback.sent) < 40, "the restart must happen in the middle of the stream"
    await start_notifier(**database)
    await loopback.wait_for(lambda: len(loopback.sent) >= 40, timeout=30)
    await loopback.wait_for(lambda: len(loopback.tracker) >= 40)
    keys = [s.idempotency_key for s in loopback.sent]
    assert len(loopback.sent) == 40 and len(set(keys)) == 40
    expected = ["보완" in loopback.texts_for("tg:2002")[i] for i in range(40)]
    assert expected == [s == "supplement_requested" for s in statuses], "messages arrive in event order"


async def test_a_fast_burst_to_several_chats_is_sent_once_each_in_order(start_notifier, loopback, govapi_admin, http):
    notifier = await start_notifier()
    api = notifier_api(http, notifier)
    for chat in ("tg:2101", "web:burst-2102"):
        await subscribe(api, chat, ["application_status"])
    statuses = await toggle_application(govapi_admin, APPLICATION, 30)
    await _settle(govapi_admin, api)
    for chat in ("tg:2101", "web:burst-2102"):
        texts = loopback.texts_for(chat)
        assert len(texts) == 30, "each event once per chat, no repeats, none missing"
        assert ["보완" in t for t in texts] == [s == "supplement_requested" for s in statuses]
    assert len({s.idempotency_key for s in loopback.sent}) == 60


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
async def test_crash_mid_stream_loses_no_event_and_marks_repeats(start_notifier, loopback, govapi_admin, http,
                                                                 postgres_database, store):
    database = {} if store == "sqlite" else {"NOTIFIER_DATABASE_URL": await postgres_database()}
    notifier = await start_notifier(**database)
    await subscribe(notifier_api(http, notifier), "tg:2003", ["application_status"])
    loopback.delay_s = 0.05
    await toggle_application(govapi_admin, APPLICATION, 30)
    await loopback.wait_for(lambda: len(loopback.sent) >= 6)
    await notifier.kill()
    await start_notifier(**database)
    await loopback.wait_for(lambda: len({s.idempotency_key for s in loopback.sent}) >= 30, timeout=30)
    # Outcomes are recorded every 0.1 s (plus the time the write takes), so a crash can repeat only the last
    # fraction of a second of sends (at 50 ms per message: a handful, not the stream); each repeat carries
    # the same key, so the connector can drop it.
    assert len({s.idempotency_key for s in loopback.sent}) == 30
    assert len(loopback.sent) - 30 <= 5


async def test_sms_at_night_waits_for_morning_and_survives_a_restart(start_notifier, loopback, govapi_admin, http):
    today = dt.datetime.now(SEOUL).date()
    night = dt.datetime.combine(today, dt.time(23, 0), tzinfo=SEOUL)
    notifier = await start_notifier(NOTIFIER_FAKE_NOW=night.isoformat())
    api = notifier_api(http, notifier)
    await subscribe(api, "sms:+821012345678", ["application_status"])
    await move_application(govapi_admin, APPLICATION, "supplement_requested")

    async def deferred():
        return [d for d in await deliveries(api, "sms:+821012345678") if d["status"] == "deferred"]
    from .helpers import wait_until
    await wait_until(deferred, what="the night message to be deferred")
    (record,) = await deferred()
    morning = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(8, 0), tzinfo=SEOUL)
    assert dt.datetime.fromisoformat(record["next_attempt_at"]) == morning
    assert loopback.sent == []
    await notifier.stop()
    await start_notifier(NOTIFIER_FAKE_NOW=(morning + dt.timedelta(seconds=5)).isoformat())
    await loopback.wait_for(lambda: loopback.texts_for("sms:+821012345678"))
    assert len(loopback.sent) == 1 and loopback.sent[0].channel == "twilio"
    # Twilio's status callback, forwarded by the SMS connector, lands on the delivery record.
    morning_api = notifier_api(http, notifier)  # the restarted notifier listens on the same port

    async def recorded_as_sent():
        return [d["status"] for d in await deliveries(morning_api, "sms:+821012345678")] == ["sent"]
    await wait_until(recorded_as_sent, what="the morning delivery to be recorded")
    answer = await morning_api.call("POST", "/v1/deliveries/status",
                                    json={"message_id": loopback.sent[0].message_id, "status": "delivered"})
    assert answer == {"updated": 1}
    (record,) = await deliveries(morning_api, "sms:+821012345678")
    assert record["status"] == "sent" and record["provider_status"] == "delivered"


async def test_citizen_chosen_quiet_hours_hold_telegram_until_changed(start_notifier, loopback, govapi_admin, http):
    api = notifier_api(http, await start_notifier())
    now = dt.datetime.now(SEOUL)
    window = {"start": (now - dt.timedelta(hours=1)).strftime("%H:%M"),
              "end": (now + dt.timedelta(hours=1)).strftime("%H:%M")}
    sub = await subscribe(api, "tg:3003", ["application_status"], quiet_hours=window)
    await move_application(govapi_admin, APPLICATION, "approved")
    from .helpers import wait_until

    async def is_deferred():
        return any(d["status"] == "deferred" for d in await deliveries(api, "tg:3003"))
    await wait_until(is_deferred, what="the message to wait for the end of the citizen's quiet hours")
    assert loopback.sent == []
    await api.call("PATCH", f"/v1/subscriptions/{sub['id']}", json={"quiet_hours": "off"})
    await loopback.wait_for(lambda: loopback.texts_for("tg:3003"))
    assert len(loopback.sent) == 1


async def test_opted_out_number_gets_nothing_more(start_notifier, loopback, govapi_admin, http):
    api = notifier_api(http, await start_notifier(NOTIFIER_SMS_QUIET_HOURS="off"))
    loopback.opted_out.add("sms:+821012345678")
    await subscribe(api, "sms:+821012345678", ["application_status"])
    await move_application(govapi_admin, APPLICATION, "supplement_requested")
    await loopback.wait_for(lambda: loopback.refused)
    from .helpers import wait_until

    async def recorded_opt_out():
        return [d["status"] for d in await deliveries(api, "sms:+821012345678")] == ["opted_out"]
    await wait_until(recorded_opt_out, what="the opt-out to be recorded")
    await move_application(govapi_admin, APPLICATION, "under_review")
    await move_application(govapi_admin, APPLICATION, "approved")
    listed = await api.call("GET", "/v1/subscriptions", params={"citizen_id": CITIZEN, "all": "1"})
    assert [s["state"] for s in listed["subscriptions"]] == ["opted_out"]
    await _settle(govapi_admin, api)
    assert loopback.refused == ["sms:+821012345678"] and loopback.sent == []


async def test_blocked_telegram_bot_stops_deliveries(start_notifier, loopback, govapi_admin, http):
    api = notifier_api(http, await start_notifier())
    loopback.blocked.add("tg:4004")
    await subscribe(api, "tg:4004", ["application_status"])
    await move_application(govapi_admin, APPLICATION, "supplement_requested")
    await loopback.wait_for(lambda: loopback.refused)
    await move_application(govapi_admin, APPLICATION, "under_review")
    await _settle(govapi_admin, api)
    assert loopback.refused == ["tg:4004"] and loopback.sent == []
    assert [d["status"] for d in await deliveries(api, "tg:4004")] == ["blocked"]


async def test_connector_outage_is_retried_until_the_message_goes_out_once(start_notifier, loopback, govapi_admin, http):
    api = notifier_api(http, await start_notifier())
    loopback.fail_next = 3
    await subscribe(api, "tg:5005", ["application_status"])
    await move_application(govapi_admin, APPLICATION, "approved")
    await loopback.wait_for(lambda: loopback.texts_for("tg:5005"), timeout=20)
    record = await the_recorded_delivery(api, "tg:5005")
    assert record["status"] == "sent" and record["attempts"] == 4
    assert len(loopback.sent) == 1


@pytest.mark.parametrize("conversation_id, channel", [
    ("tg:6006", "telegram"), ("sms:+821012345678", "twilio"), ("web:7d1f0b52-pay", "webchat")])
async def test_payment_on_checkout_page_brings_the_receipt_to_the_chat(
        start_notifier, loopback, govapi_admin, govapi_service, http, conversation_id, channel):
    api = notifier_api(http, await start_notifier(NOTIFIER_SMS_QUIET_HOURS="off"))
    await subscribe(api, conversation_id, ["payment_receipt"])
    token = await citizen_token(govapi_service, govapi_admin)
    citizen = {"X-Citizen-Token": token}
    fines = (await govapi_service.call("GET", "/v1/me/fines", headers=citizen, params={"status": "unpaid"}))["fines"]
    payment = await govapi_service.call("POST", "/v1/payments", headers=citizen | {"Idempotency-Key": "pay-1"},
                                        json={"fine_ids": [fines[0]["id"]], "method": "card"})
    await pay_on_checkout_page(http, payment["checkout_url"])
    paid = await govapi_service.call("GET", f"/v1/payments/{payment['payment_id']}", headers=citizen)
    assert paid["status"] == "paid"
    await loopback.wait_for(lambda: loopback.texts_for(conversation_id), timeout=5)
    (text,) = loopback.texts_for(conversation_id)
    assert paid["receipt_number"] in text and f"{payment['total']:,}원" in text
    assert loopback.sent[0].channel == channel


async def test_fine_reminder_is_kept_across_restarts_and_sent_before_the_due_date(start_notifier, loopback, http):
    notifier = await start_notifier()
    due = dt.datetime.now(SEOUL).date() + dt.timedelta(days=20)
    sub = await subscribe(notifier_api(http, notifier), "tg:8008", ["fine_due"],
                          fines=[{"notice_number": "FN-2026-000001", "due_date": due.isoformat(), "amount_due": 40000}])
    assert sub["reminders_set"] == 1
    await notifier.stop()  # Rasa's reminders would be gone now; ours are in the database
    remind_at = dt.datetime.combine(due - dt.timedelta(days=3), dt.time(10, 0, 2), tzinfo=SEOUL)
    early = await start_notifier(NOTIFIER_FAKE_NOW=(remind_at - dt.timedelta(seconds=60)).isoformat())
    await _sleep(1.0)
    assert loopback.sent == [], "not before its time"
    await early.stop()
    await start_notifier(NOTIFIER_FAKE_NOW=remind_at.isoformat())
    await loopback.wait_for(lambda: loopback.texts_for("tg:8008"))
    (text,) = loopback.texts_for("tg:8008")
    assert "FN-2026-000001" in text and f"{due.month}월 {due.day}일" in text


async def test_unanswered_supplement_request_is_reminded_and_an_answered_one_is_not(
        start_notifier, loopback, govapi_admin, http):
    notifier = await start_notifier()
    await subscribe(notifier_api(http, notifier), "tg:9009", ["application_status"])
    await move_application(govapi_admin, APPLICATION, "supplement_requested")
    await move_application(govapi_admin, "AP-2026-000007", "supplement_requested")
    await move_application(govapi_admin, "AP-2026-000007", "under_review")  # documents came in
    await loopback.wait_for(lambda: len(loopback.sent) == 3)
    await notifier.stop()
    later = dt.datetime.now(SEOUL) + dt.timedelta(days=4)
    await start_notifier(NOTIFIER_FAKE_NOW=later.isoformat())
    await loopback.wait_for(lambda: len(loopback.sent) >= 4)
    await _sleep(1.0)
    reminders = [s.text for s in loopback.sent[3:]]
    assert reminders == [f"[민원] {APPLICATION} 보완 서류가 아직 접수되지 않았어요. '처리 현황'으로 확인해 보세요."]


async def _sleep(seconds: float) -> None:
    import asyncio
    await asyncio.sleep(seconds)


async def _settle(govapi_admin, api) -> None:
    """Wait until the notifier has read every event govapi holds and has nothing due left to send."""
    from .helpers import wait_until

    async def caught_up():
        state = await api.call("GET", "/v1/status")
        params = {"limit": "1"} | ({"after": state["cursor"]} if state["cursor"] else {})
        rest = await govapi_admin.call("GET", "/v1/events", params=params)
        return not rest["events"] and state["pending"] == 0
    await wait_until(caught_up, what="the notifier to catch up with govapi")
    await _sleep(0.3)  # one more dispatch pass


async def test_two_instances_on_postgresql_send_once_and_the_standby_takes_over(
        start_notifier, loopback, govapi_admin, http, postgres_database):
    from .conftest import free_port

    database = {"NOTIFIER_DATABASE_URL": await postgres_database()}
    active = await start_notifier(**database)
    await start_notifier(**database, NOTIFIER_PORT=str(free_port()))  # a second replica on the same database
    await subscribe(notifier_api(http, active), "tg:2204", ["application_status"])
    loopback.delay_s = 0.05
    await toggle_application(govapi_admin, APPLICATION, 30)
    await loopback.wait_for(lambda: len(loopback.sent) >= 6)
    assert len(loopback.sent) == len({s.idempotency_key for s in loopback.sent}), "two replicas, one sender"
    await active.kill()
    await loopback.wait_for(lambda: len({s.idempotency_key for s in loopback.sent}) >= 30, timeout=40)
    assert len({s.idempotency_key for s in loopback.sent}) == 30
    assert len(loopback.sent) - 30 <= 5  # only what the killed one sent in its last fraction of a second
