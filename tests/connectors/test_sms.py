"""SMS channel (Twilio) through the real Rasa server and the fake Twilio REST API."""
import time

import httpx

from conftest import RASA_TOKEN, TWILIO_TOKEN, user_events, wait_until


def trigger(rasa: str, sender_id: str, intent: str) -> httpx.Response:
    """A message outside any webhook turn (as reminders and staff replies are): goes out by REST."""
    return httpx.post(f"{rasa}/conversations/{sender_id}/trigger_intent",
                      params={"token": RASA_TOKEN, "output_channel": "sms"}, json={"name": intent}, timeout=30)


def test_forged_signature_is_refused_and_nothing_is_processed(sms, phone, rasa_server, redis_client, redis_prefix):
    form = sms.form(phone, "hello")
    assert sms.post(form, token="not-the-auth-token").status_code == 403
    assert httpx.post(sms.rasa + "/webhooks/twilio/webhook", data=form).status_code == 403  # unsigned
    assert not redis_client.exists(f"{redis_prefix}seen:sms:{form['MessageSid']}")
    assert user_events(rasa_server, f"sms:{phone}") == []


def test_signature_covers_blank_form_values(sms, phone):
    from twilio.request_validator import RequestValidator

    form = sms.form(phone, "hello")  # FromCity, FromState, FromZip are blank, as Twilio sends them
    without_blanks = {k: v for k, v in form.items() if v}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(sms.rasa + "/webhooks/twilio/webhook", without_blanks)
    refused = httpx.post(sms.rasa + "/webhooks/twilio/webhook", data=form, headers={"X-Twilio-Signature": signature})
    assert refused.status_code == 403
    assert sms.post(form).status_code == 200


def test_fast_turn_answers_with_twiml(sms, phone):
    assert sms.send(phone, "hello") == ["hello from the throwaway bot"]
    assert sms.rest_messages(phone) == []


def test_same_message_sid_twice_is_processed_once(sms, phone, rasa_server):
    form = sms.form(phone, "count 5")
    first, second = sms.post(form), sms.post(form)
    assert "count 5" in first.text
    assert "<Message>" not in second.text
    assert [e["text"] for e in user_events(rasa_server, f"sms:{phone}")] == ["count 5"]


def test_twenty_quick_messages_are_answered_in_order(sms, phone):
    replies = [sms.send(phone, f"count {n}") for n in range(1, 21)]
    assert replies == [[f"count {n}"] for n in range(1, 21)]


def test_buttons_become_numbered_choices_and_a_number_selects(sms, phone):
    assert sms.send(phone, "colors") == ["Pick a colour / 색을 고르세요\n1 빨강 red / 2 파랑 blue"]
    assert sms.send(phone, "2") == ["you picked blue"]
    assert sms.send(phone, "9") != ["you picked blue"]  # no ninth choice: plain text, not a payload


def test_leading_slash_cannot_force_an_intent(sms, phone, rasa_server):
    assert sms.send(phone, '/pick{"color": "red"}') != ["you picked red"]


def test_long_links_are_shortened_and_redirect(sms, phone):
    (body,) = sms.send(phone, "link")
    short = body.split("pay here: ")[1]
    assert short.startswith(sms.rasa + "/s/") and len(short) < 40
    r = httpx.get(short, follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == "https://checkout.example.go.kr/pay/PY-2026-000123?session=abcdefghijklmnopqrstuvwxyz"
    assert httpx.get(sms.rasa + "/s/nope12").status_code == 404


def test_opt_out_confirms_once_silences_and_opt_in_resumes(sms, phone, rasa_server, redis_client, redis_prefix):
    (confirmation,) = sms.send(phone, "STOP")
    assert "START" in confirmation
    assert redis_client.hexists(f"{redis_prefix}sms:optout", phone)  # the console reads this hash
    assert sms.send(phone, "hello") == []
    assert sms.send(phone, "중지") == []  # one confirmation only
    assert trigger(rasa_server, f"sms:{phone}", "greet").status_code == 200
    time.sleep(1.0)
    assert sms.rest_messages(phone) == []  # nothing goes to an opted-out number, not even later
    (back,) = sms.send(phone, "재개")
    assert "다시" in back
    assert sms.send(phone, "hello") == ["hello from the throwaway bot"]


def test_help_answers_in_the_citizens_language(sms, phone):
    (english,) = sms.send(phone, "HELP")
    (korean,) = sms.send(phone, "도움말")
    assert "STOP" in english and "중지" in korean


def test_mms_photo_reaches_rasa_as_photo_url(sms, phone, rasa_server):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    sms.send(phone, "", NumMedia="1", MediaContentType0="image/jpeg", MediaUrl0=url)
    (event,) = user_events(rasa_server, f"sms:{phone}")
    assert event["metadata"]["photo"] == {"url": url, "content_type": "image/jpeg"}
    assert event["parse_data"]["intent"]["name"] == "inform"


def test_later_messages_go_by_rest_and_status_callbacks_are_recorded(sms, phone, rasa_server, standins,
                                                                     redis_client, redis_prefix):
    assert trigger(rasa_server, f"sms:{phone}", "greet").status_code == 200
    (message,) = wait_until(lambda: sms.rest_messages(phone), 10, "REST message")
    assert message["body"] == "hello from the throwaway bot" and message["num_segments"] == "1"
    key = f"{redis_prefix}sms:status:{message['sid']}"
    assert wait_until(lambda: redis_client.get(key) == "delivered", 10, "delivered status")


def test_undelivered_status_is_recorded(sms, phone, rasa_server, standins, redis_client, redis_prefix):
    httpx.post(standins["url"] + "/_control/twilio/undeliverable", json={"to": phone}).raise_for_status()
    trigger(rasa_server, f"sms:{phone}", "greet")
    (message,) = wait_until(lambda: sms.rest_messages(phone), 10, "REST message")
    key = f"{redis_prefix}sms:status:{message['sid']}"
    assert wait_until(lambda: redis_client.get(key) == "undelivered:30003", 10, "undelivered status")


def test_forged_status_callback_is_refused(sms):
    r = httpx.post(sms.rasa + "/webhooks/twilio/status", data={"MessageSid": "SMx", "MessageStatus": "delivered"},
                   headers={"X-Twilio-Signature": "AAAA"})
    assert r.status_code == 403
