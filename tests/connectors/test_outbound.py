"""Messages from outside a turn (staff console, notifier) through /webhooks/<channel>/outbound, and
citizen messages copied to the desk while staff hold the conversation."""
import json
import time
import uuid

import httpx

from conftest import OUTBOUND_TOKEN, user_events, wait_until

AUTH = {"Authorization": f"Bearer {OUTBOUND_TOKEN}"}


def outbound(rasa: str, route: str, body: dict, headers=AUTH) -> httpx.Response:
    return httpx.post(f"{rasa}/webhooks/{route}/outbound", json=body, headers=headers, timeout=60)


def test_outbound_needs_the_bearer_token(rasa_server, chat_id, telegram):
    body = {"conversation_id": f"tg:{chat_id}", "text": "hi", "kind": "agent"}
    assert outbound(rasa_server, "telegram", body, headers={}).status_code == 401
    assert outbound(rasa_server, "telegram", body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert telegram.calls(chat_id) == []


def test_outbound_checks_the_conversation_belongs_to_the_channel(rasa_server):
    assert outbound(rasa_server, "telegram", {"conversation_id": "sms:+821012345678", "text": "hi"}).status_code == 400
    assert outbound(rasa_server, "twilio", {"conversation_id": "sms:+821012345678", "text": ""}).status_code == 400


def test_staff_message_reaches_telegram_with_buttons_once_per_idempotency_key(rasa_server, chat_id, telegram):
    body = {"conversation_id": f"tg:{chat_id}", "text": "상담원입니다. 도와드릴까요?", "kind": "agent",
            "buttons": [{"title": "네", "payload": "네"}], "idempotency_key": "k-" + uuid.uuid4().hex}
    first = outbound(rasa_server, "telegram", body)
    assert first.status_code == 202 and first.json()["sent"] is True
    assert outbound(rasa_server, "telegram", body).json().get("duplicate") is True
    (call,) = telegram.calls(chat_id, "sendMessage")
    assert call["params"]["text"] == "상담원입니다. 도와드릴까요?"
    assert call["params"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "네"


def test_outbound_to_a_blocked_chat_answers_410(rasa_server, chat_id, telegram, standins):
    httpx.post(standins["url"] + "/_control/telegram/block", json={"chat_id": chat_id}).raise_for_status()
    body = {"conversation_id": f"tg:{chat_id}", "text": "case moved", "kind": "notification"}
    assert outbound(rasa_server, "telegram", body).status_code == 410  # found out while sending
    assert outbound(rasa_server, "telegram", body).json()["code"] == "blocked"  # known: not even tried
    assert len(telegram.calls(chat_id, "sendMessage")) == 1


def test_telegram_reports_of_blocking_are_recorded(telegram, chat_id, rasa_server, redis_client, redis_prefix):
    kicked = {"update_id": telegram.next_update + 1, "my_chat_member": {
        "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id}, "date": 0,
        "old_chat_member": {"status": "member", "user": {"id": 1}},
        "new_chat_member": {"status": "kicked", "user": {"id": 1}}}}
    telegram.next_update += 1
    assert telegram.post(kicked).status_code == 200
    assert redis_client.hexists(f"{redis_prefix}tg:blocked", str(chat_id))
    body = {"conversation_id": f"tg:{chat_id}", "text": "case moved", "kind": "notification"}
    assert outbound(rasa_server, "telegram", body).status_code == 410
    assert telegram.calls(chat_id) == []


def test_sms_outbound_goes_by_rest_and_respects_opt_out(rasa_server, sms, phone):
    body = {"conversation_id": f"sms:{phone}", "text": "Your application AP-2026-000123 was approved.",
            "kind": "notification"}
    sent = outbound(rasa_server, "twilio", body)
    assert sent.status_code == 202 and sent.json()["sid"].startswith("SM")
    assert [m["body"] for m in sms.rest_messages(phone)] == [body["text"]]
    sms.send(phone, "STOP")
    refused = outbound(rasa_server, "twilio", body)
    assert refused.status_code == 409 and refused.json()["code"] == "opted_out"
    assert len(sms.rest_messages(phone)) == 1


def test_web_outbound_waits_in_the_outbox_for_the_page(rasa_server):
    session = str(uuid.uuid4())
    assert outbound(rasa_server, "webchat", {"conversation_id": f"web:{session}", "text": "담당자가 답변했습니다"}).status_code == 202
    polled = httpx.post(rasa_server + "/webhooks/webchat/poll", json={"session": session}).json()["messages"]
    assert [m["text"] for m in polled] == ["담당자가 답변했습니다"]
    assert httpx.post(rasa_server + "/webhooks/webchat/poll", json={"session": session}).json()["messages"] == []


def test_messages_during_a_handoff_are_copied_to_the_desk_inbox_and_still_reach_rasa(
        telegram, chat_id, rasa_server, redis_client, redis_prefix):
    conversation = f"tg:{chat_id}"
    redis_client.set(f"{redis_prefix}handoff:active:{conversation}", "h-1")
    telegram.post(telegram.update(chat_id, text="count 9"))
    entries = wait_until(
        lambda: [e for _, e in redis_client.xrange(f"{redis_prefix}handoff:inbox") if e["conversation_id"] == conversation],
        10, "desk inbox entry")
    assert entries[0]["text"] == "count 9"
    assert json.loads(entries[0]["metadata"])["channel"] == "telegram"
    assert wait_until(lambda: user_events(rasa_server, conversation), 10, "rasa turn")[0]["text"] == "count 9"
    redis_client.delete(f"{redis_prefix}handoff:active:{conversation}")


def test_channel_message_ids_reach_rasa(telegram, chat_id, rasa_server, sms, phone):
    update = telegram.update(chat_id, text="count 1")
    telegram.post(update)
    telegram.wait_texts(chat_id, 1)
    assert user_events(rasa_server, f"tg:{chat_id}")[0]["message_id"] == f"tg:{update['update_id']}"
    form = sms.form(phone, "count 2")
    sms.post(form)
    assert user_events(rasa_server, f"sms:{phone}")[0]["message_id"] == form["MessageSid"]


def test_every_conversation_is_counted_once_a_day(telegram, sms, chat_id, phone, redis_client, redis_prefix):
    from datetime import datetime, timezone

    key = f"{redis_prefix}stats:conversations:{datetime.now(timezone.utc):%Y-%m-%d}"
    before = redis_client.pfcount(key)
    telegram.post(telegram.update(chat_id, text="count 1"))
    telegram.post(telegram.update(chat_id, text="count 2"))
    sms.send(phone, "count 3")
    telegram.wait_texts(chat_id, 2)
    assert redis_client.pfcount(key) == before + 2
    assert 0 < redis_client.ttl(key) <= 400 * 24 * 3600


def test_rasa_can_reach_the_citizens_latest_channel(rasa_server, telegram, chat_id):
    """The desk's hand-back uses trigger_intent with output_channel=latest."""
    from conftest import RASA_TOKEN

    telegram.post(telegram.update(chat_id, text="count 1"))
    telegram.wait_texts(chat_id, 1)
    r = httpx.post(f"{rasa_server}/conversations/tg:{chat_id}/trigger_intent",
                   params={"token": RASA_TOKEN, "output_channel": "latest"}, json={"name": "greet"}, timeout=30)
    assert r.status_code == 200
    assert telegram.wait_texts(chat_id, 2)[-1] == "hello from the throwaway bot"
