"""Messages from outside a turn (staff console, notifier, Rasa's later replies) through the edge's outbound routes,
and citizen messages copied to the desk while staff hold the conversation (ported from the removed
tests/connectors/test_outbound.py)."""
import json
import uuid
from datetime import datetime, timezone

import httpx

from support import OUTBOUND_TOKEN, wait_until, web_poll, web_post

AUTH = {"Authorization": f"Bearer {OUTBOUND_TOKEN}"}


def outbound(edge_url: str, route: str, body: dict, headers=AUTH) -> httpx.Response:
    return httpx.post(f"{edge_url}/webhooks/{route}/outbound", json=body, headers=headers, timeout=60)


def replies(edge_url: str, body: dict, headers=AUTH) -> httpx.Response:
    return httpx.post(f"{edge_url}/internal/replies", json=body, headers=headers, timeout=60)


def test_outbound_needs_the_bearer_token(edge, chat_id, telegram):
    body = {"conversation_id": f"tg:{chat_id}", "text": "hi", "kind": "agent"}
    for route in ("telegram", "twilio", "webchat"):
        assert outbound(edge.url, route, body, headers={}).status_code == 401
    assert outbound(edge.url, "telegram", body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    later = {"conversation_id": f"tg:{chat_id}", "replies": [{"text": "hi"}]}
    assert replies(edge.url, later, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert telegram.calls(chat_id) == []


def test_outbound_checks_the_conversation_belongs_to_the_channel(edge):
    assert outbound(edge.url, "telegram", {"conversation_id": "sms:+821012345678", "text": "hi"}).status_code == 400
    assert outbound(edge.url, "twilio", {"conversation_id": "sms:+821012345678", "text": ""}).status_code == 400
    assert outbound(edge.url, "webchat", {"conversation_id": "web:not-a-session", "text": "hi"}).status_code == 400
    assert replies(edge.url, {"conversation_id": "kakao:1", "replies": [{"text": "hi"}]}).status_code == 400
    assert replies(edge.url, {"conversation_id": "tg:1", "replies": []}).status_code == 400


def test_staff_message_reaches_telegram_with_buttons_once_per_idempotency_key(edge, chat_id, telegram):
    body = {"conversation_id": f"tg:{chat_id}", "text": "상담원입니다. 도와드릴까요?", "kind": "agent",
            "buttons": [{"title": "네", "payload": "네"}], "idempotency_key": "k-" + uuid.uuid4().hex}
    first = outbound(edge.url, "telegram", body)
    assert first.status_code == 202 and first.json() == {"sent": True, "messages": 1}
    assert outbound(edge.url, "telegram", body).json() == {"sent": True, "duplicate": True}
    (call,) = telegram.calls(chat_id, "sendMessage")
    assert call["params"]["text"] == "상담원입니다. 도와드릴까요?"
    assert call["params"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "네"


def test_outbound_to_a_blocked_chat_answers_410(edge, chat_id, telegram, standins):
    httpx.post(standins + "/_control/telegram/block", json={"chat_id": chat_id}).raise_for_status()
    body = {"conversation_id": f"tg:{chat_id}", "text": "case moved", "kind": "notification"}
    assert outbound(edge.url, "telegram", body).status_code == 410  # found out while sending
    assert outbound(edge.url, "telegram", body).json()["code"] == "blocked"  # known: not even tried
    assert len(telegram.calls(chat_id, "sendMessage")) == 1


def test_sms_outbound_goes_by_rest_and_respects_opt_out(edge, sms, phone):
    body = {"conversation_id": f"sms:{phone}", "text": "Your application AP-2026-000123 was approved.",
            "kind": "notification"}
    sent = outbound(edge.url, "twilio", body)
    assert sent.status_code == 202 and sent.json()["sid"].startswith("SM") and sent.json()["message_id"]
    assert [m["body"] for m in sms.rest_messages(phone)] == [body["text"]]
    sms.send(phone, "STOP")
    refused = outbound(edge.url, "twilio", body)
    assert refused.status_code == 409 and refused.json()["code"] == "opted_out"
    assert len(sms.rest_messages(phone)) == 1


def test_web_outbound_waits_in_the_outbox_for_the_page(edge):
    session = str(uuid.uuid4())
    sent = outbound(edge.url, "webchat", {"conversation_id": f"web:{session}", "text": "담당자가 답변했습니다"})
    assert sent.status_code == 202 and sent.json() == {"sent": True, "queued": True}
    polled = web_poll(edge.url, session).json()["messages"]
    assert [m["text"] for m in polled] == ["담당자가 답변했습니다"]
    assert web_poll(edge.url, session).json()["messages"] == []


def test_rasas_later_replies_reach_each_channel_formatted_as_a_turns(edge, chat_id, telegram):
    """The route phase 2 points Rasa's reminders at: Rasa's reply dicts, the channel chosen by the conversation."""
    buttons = [{"title": "빨강 red", "payload": '/pick{"color": "red"}'}]
    key = "reminder-" + uuid.uuid4().hex
    body = {"conversation_id": f"tg:{chat_id}", "idempotency_key": key,
            "replies": [{"text": "your request went through"}, {"text": "pick one", "buttons": buttons}]}
    assert replies(edge.url, body).json() == {"sent": True, "messages": 2}
    assert replies(edge.url, body).json()["duplicate"] is True  # a reminder sent twice reaches the citizen once
    calls = telegram.calls(chat_id, "sendMessage")
    assert [c["params"]["text"] for c in calls] == ["your request went through", "pick one"]
    assert "pick" not in calls[1]["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    session = str(uuid.uuid4())
    assert replies(edge.url, {"conversation_id": f"web:{session}", "replies": [{"text": "later", "buttons": buttons}]}
                   ).status_code == 202
    (item,) = web_post(edge.url, {"session": session, "text": "hello"}).json()["messages"][1:]  # with the next answer
    assert item["text"] == "later" and item["buttons"][0]["token"]


def test_messages_during_a_handoff_are_copied_to_the_desk_inbox_and_still_reach_rasa(
        telegram, chat_id, rasa, redis_client, redis_prefix):
    conversation = f"tg:{chat_id}"
    redis_client.set(f"{redis_prefix}handoff:active:{conversation}", "h-1")
    try:
        telegram.post(telegram.update(chat_id, text="count 9"))
        entries = wait_until(lambda: [e for _, e in redis_client.xrange(f"{redis_prefix}handoff:inbox")
                                      if e["conversation_id"] == conversation], 10, "desk inbox entry")
        assert entries[0]["text"] == "count 9" and entries[0]["received_at"]
        assert json.loads(entries[0]["metadata"])["channel"] == "telegram"
        assert wait_until(lambda: rasa.user_events(conversation), 10, "rasa turn")[0]["text"] == "count 9"
    finally:
        redis_client.delete(f"{redis_prefix}handoff:active:{conversation}")


def test_every_conversation_is_counted_once_a_day(telegram, sms, chat_id, phone, redis_client, redis_prefix):
    key = f"{redis_prefix}stats:conversations:{datetime.now(timezone.utc):%Y-%m-%d}"
    before = redis_client.pfcount(key)
    telegram.post(telegram.update(chat_id, text="count 1"))
    telegram.post(telegram.update(chat_id, text="count 2"))
    sms.send(phone, "count 3")
    telegram.wait_texts(chat_id, 2)
    assert redis_client.pfcount(key) == before + 2
    assert 0 < redis_client.ttl(key) <= 400 * 24 * 3600


def test_health_and_readiness(edge):
    assert httpx.get(edge.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(edge.url + "/readyz").json() == {"status": "ok"}  # Redis and Rasa answer
    assert httpx.get(edge.url + "/webhooks/telegram/").json() == {"status": "ok"}
    assert httpx.get(edge.url + "/webhooks/twilio/").json() == {"status": "ok"}


def test_metrics_show_queue_waits_and_rasa_outcomes_by_route_pattern(edge, telegram, chat_id):
    telegram.post(telegram.update(chat_id, text="count 1"))
    telegram.wait_texts(chat_id, 1)
    text = httpx.get(edge.url + "/metrics").text
    assert 'minwon_edge_channel_queue_wait_seconds_count{channel="telegram"}' in text
    assert 'minwon_edge_rasa_turns_total{outcome="replies"}' in text
    assert 'route="/webhooks/telegram/webhook"' in text and str(chat_id) not in text
