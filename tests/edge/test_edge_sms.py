"""SMS (Twilio) on the edge, through the real Rasa server and the Twilio stand-in (ported from the removed
tests/connectors/test_sms.py, test_late_replies.py, test_sms_after_cancel.py and test_button_language.py)."""
import asyncio
import logging
import uuid

import httpx
import pytest

from edge.twilio_api import TwilioMessages
from support import (FROM_NUMBER, OUTBOUND_TOKEN, TWILIO_SID, TWILIO_TOKEN, EdgeThread, Sms, edge_settings, free_port,
                     twiml_bodies, wait_until)


def replies_later(edge_url: str, conversation: str, *texts: str) -> httpx.Response:
    """Replies Rasa makes outside a turn (a reminder): through the edge's /internal/replies."""
    return httpx.post(edge_url + "/internal/replies", headers={"Authorization": f"Bearer {OUTBOUND_TOKEN}"},
                      json={"conversation_id": conversation, "replies": [{"text": t} for t in texts]}, timeout=30)


def test_forged_signature_is_refused_and_nothing_is_kept(sms, phone, rasa, redis_client, redis_prefix):
    form = sms.form(phone, "hello")
    assert sms.post(form, token="not-the-auth-token").status_code == 403
    assert httpx.post(sms.edge + "/webhooks/twilio/webhook", data=form).status_code == 403  # unsigned
    assert not redis_client.exists(f"{redis_prefix}seen:sms:{form['MessageSid']}")
    assert rasa.user_events(f"sms:{phone}") == []


def test_signature_covers_blank_form_values_and_the_public_url(sms, phone, edge):
    from twilio.request_validator import RequestValidator

    form = sms.form(phone, "hello")  # FromCity, FromState, FromZip are blank, as Twilio sends them
    without_blanks = {k: v for k, v in form.items() if v}
    url = sms.edge + "/webhooks/twilio/webhook"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, without_blanks)
    assert httpx.post(url, data=form, headers={"X-Twilio-Signature": signature}).status_code == 403
    other_host = RequestValidator(TWILIO_TOKEN).compute_signature("https://elsewhere.example/webhooks/twilio/webhook", form)
    assert httpx.post(url, data=form, headers={"X-Twilio-Signature": other_host}).status_code == 403
    assert edge.settings.public_url == sms.edge  # what Twilio signs: CONNECTORS_PUBLIC_URL + the path
    assert sms.post(form).status_code == 200


def test_fast_turn_answers_with_twiml(sms, phone):
    assert sms.send(phone, "hello") == ["hello from the throwaway bot"]
    assert sms.rest_messages(phone) == []


def test_same_message_sid_twice_is_processed_once(sms, phone, rasa):
    form = sms.form(phone, "count 5")
    first, second = sms.post(form), sms.post(form)
    assert "count 5" in first.text and "<Message>" not in second.text
    (event,) = rasa.user_events(f"sms:{phone}")
    assert event["text"] == "count 5" and event["message_id"] == form["MessageSid"]


def test_twenty_quick_messages_are_answered_in_order(sms, phone):
    replies = [sms.send(phone, f"count {n}") for n in range(1, 21)]
    assert replies == [[f"count {n}"] for n in range(1, 21)]


def test_buttons_become_numbered_choices_and_a_number_selects(sms, phone, rasa):
    assert sms.send(phone, "colors") == ["Pick a colour / 색을 고르세요\n1 빨강 red / 2 파랑 blue"]
    assert sms.send(phone, "2") == ["you picked blue"]
    assert sms.send(phone, "9") != ["you picked blue"]  # no ninth choice: plain text, not a payload
    events = rasa.user_events(f"sms:{phone}")
    assert events[1]["metadata"]["input"] == "button" and "input" not in events[2]["metadata"]


def test_sms_numbered_choice_with_plain_words_keeps_korean(sms, phone, rasa):
    (body,) = sms.send(phone, "proceed")
    assert body == "계속할까요?\n1 계속 / 2 그만"
    sms.send(phone, "1")
    pressed = rasa.user_events(f"sms:{phone}")[1]
    assert pressed["text"] == "continue please" and pressed["metadata"]["input"] == "button"


def test_leading_slash_cannot_force_an_intent(sms, phone, rasa):
    assert sms.send(phone, '/pick{"color": "red"}') != ["you picked red"]
    assert rasa.user_events(f"sms:{phone}")[0]["text"] == 'pick{"color": "red"}'


def test_long_links_are_shortened_and_redirect(sms, phone):
    (body,) = sms.send(phone, "link")
    short = body.split("pay here: ")[1]
    assert short.startswith(sms.edge + "/s/") and len(short) < 50
    r = httpx.get(short, follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == "https://checkout.example.go.kr/pay/PY-2026-000123?session=abcdefghijklmnopqrstuvwxyz"
    assert httpx.get(sms.edge + "/s/nope12").status_code == 404


def test_long_korean_reply_is_one_body_in_as_few_segments_as_possible(sms, phone, standins):
    from minwon_core.segments import count_segments

    (body,) = sms.send(phone, "longtext")
    assert count_segments(body) <= 2 and "  " not in body


def test_opt_out_confirms_once_silences_and_opt_in_resumes(sms, phone, rasa, redis_client, redis_prefix, edge):
    (confirmation,) = sms.send(phone, "STOP")
    assert "START" in confirmation
    assert redis_client.hexists(f"{redis_prefix}sms:optout", phone)  # the console reads this hash
    assert sms.send(phone, "hello") == []
    assert sms.send(phone, "중지") == []  # one confirmation only
    assert rasa.user_events(f"sms:{phone}") == []  # nothing of an opted-out number reaches Rasa
    refused = replies_later(edge.url, f"sms:{phone}", "a reminder")
    assert refused.status_code == 409 and refused.json()["code"] == "opted_out"
    assert sms.rest_messages(phone) == []  # nothing goes to an opted-out number, not even later
    (back,) = sms.send(phone, "재개")
    assert "다시" in back
    assert sms.send(phone, "hello") == ["hello from the throwaway bot"]


def test_korean_cancel_word_is_not_a_carrier_keyword(sms, phone, rasa):
    sms.send(phone, "취소")
    assert [e["text"] for e in rasa.user_events(f"sms:{phone}")] == ["취소"]  # it reached the conversation


def test_help_answers_in_the_citizens_language(sms, phone):
    (english,) = sms.send(phone, "HELP")
    (korean,) = sms.send(phone, "도움말")
    assert "STOP" in english and "중지" in korean


def test_mms_photo_reaches_rasa_as_photo_url(sms, phone, rasa):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    sms.send(phone, "", NumMedia="1", MediaContentType0="image/jpeg", MediaUrl0=url)
    (event,) = rasa.user_events(f"sms:{phone}")
    assert event["metadata"]["photo"] == {"url": url, "content_type": "image/jpeg"}
    assert event["parse_data"]["intent"]["name"] == "inform"


def test_later_replies_go_by_rest_and_status_callbacks_are_recorded(sms, phone, redis_client, redis_prefix, edge):
    answer = replies_later(edge.url, f"sms:{phone}", "hello later")
    assert answer.status_code == 202 and answer.json()["sid"].startswith("SM")
    (message,) = wait_until(lambda: sms.rest_messages(phone), 10, "REST message")
    assert message["body"] == "hello later" and message["num_segments"] == "1" and message["from"] == FROM_NUMBER
    key = f"{redis_prefix}sms:status:{message['sid']}"
    assert wait_until(lambda: redis_client.get(key) == "delivered", 10, "delivered status")
    assert int(redis_client.hget(f"{redis_prefix}sms:status_counts", "delivered")) >= 1


def test_undelivered_status_is_recorded(sms, phone, standins, redis_client, redis_prefix, edge):
    httpx.post(standins + "/_control/twilio/undeliverable", json={"to": phone}).raise_for_status()
    replies_later(edge.url, f"sms:{phone}", "hello")
    (message,) = wait_until(lambda: sms.rest_messages(phone), 10, "REST message")
    key = f"{redis_prefix}sms:status:{message['sid']}"
    assert wait_until(lambda: redis_client.get(key) == "undelivered:30003", 10, "undelivered status")


def test_forged_status_callback_is_refused(sms):
    r = httpx.post(sms.edge + "/webhooks/twilio/status", data={"MessageSid": "SMx", "MessageStatus": "delivered"},
                   headers={"X-Twilio-Signature": "AAAA"})
    assert r.status_code == 403


def test_an_sms_acknowledged_by_a_dead_instance_is_answered_by_rest(sms, phone, rasa, redis_prefix):
    from test_edge_takeover import ghost

    sid = "SM" + uuid.uuid4().hex
    asyncio.run(ghost(redis_prefix, "sms", [(sid, f"sms:{phone}", {"phone": phone, "text": "count 4", "sid": sid,
                                                                    "metadata": {"channel": "sms"}})]))
    messages = wait_until(lambda: sms.rest_messages(phone), 30, "REST reply")
    assert [m["body"] for m in messages] == ["count 4"]
    (event,) = rasa.user_events(f"sms:{phone}")
    assert event["text"] == "count 4" and event["message_id"] == sid
    assert "<Message>" not in sms.post(sms.form(phone, "count 4", MessageSid=sid, SmsSid=sid)).text  # seen


# -- late replies: an edge whose TwiML deadline has always passed -----------------------------------------------
@pytest.fixture(scope="module")
def late_edge(rasa, standins, redis_prefix):
    port = free_port()
    running = EdgeThread(edge_settings(rasa.url, standins, redis_prefix + "late:", port, SMS_TWIML_DEADLINE="0")).start()
    try:
        yield running
    finally:
        running.stop()


def test_a_turn_later_than_the_deadline_is_acknowledged_then_sent_by_rest(late_edge, standins, phone):
    late = Sms(late_edge.url, standins)
    for text in ("취소", "count 2", "hello"):
        assert late.send(phone, text) == []  # acknowledged before the reply existed
    messages = wait_until(lambda: (m := late.rest_messages(phone)) and len(m) >= 3 and m, 30, "REST replies")
    assert [m["body"] for m in messages][1:] == ["count 2", "hello from the throwaway bot"]


# -- the library's logs ----------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_twilio_requests_never_log_phone_numbers_or_text(standins, caplog):
    from edge.app import quiet_libraries

    quiet_libraries()
    caplog.set_level(logging.DEBUG)
    api = TwilioMessages(standins + "/twilio", TWILIO_SID, TWILIO_TOKEN)
    try:
        sid = await api.send("+821055501234", FROM_NUMBER, "secret words", None)
    finally:
        await api.close()
    assert sid.startswith("SM")
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "+821055501234" not in logged and "secret words" not in logged and TWILIO_TOKEN not in logged


def test_twiml_escapes_reply_text():
    from edge.sms import twiml

    assert twiml_bodies(twiml(["a < b & c"])) == ["a < b & c"]
