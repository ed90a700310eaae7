"""Telegram channel through the real Rasa server and the fake Bot API."""
import base64
import time

import httpx

from conftest import TELEGRAM_SECRET, control, user_events, wait_until


def test_forged_secret_is_refused_and_nothing_is_processed(telegram, chat_id, redis_client, redis_prefix):
    update = telegram.update(chat_id, text="hello")
    assert telegram.post(update, secret="wrong-secret").status_code == 403
    assert httpx.post(telegram.url, json=update).status_code == 403  # no header at all
    time.sleep(1.0)
    assert telegram.calls(chat_id) == []
    assert not redis_client.exists(f"{redis_prefix}seen:tg:{update['update_id']}")


def test_same_update_delivered_twice_is_answered_once(telegram, chat_id):
    update = telegram.update(chat_id, text="count 7")
    assert telegram.post(update).status_code == 200
    assert telegram.post(update).status_code == 200
    assert telegram.wait_texts(chat_id, 1) == ["count 7"]
    time.sleep(1.0)
    assert telegram.texts(chat_id) == ["count 7"]


def test_twenty_quick_messages_from_one_chat_are_answered_in_order(telegram, chat_id):
    for n in range(1, 21):
        assert telegram.post(telegram.update(chat_id, text=f"count {n}")).status_code == 200
    assert telegram.wait_texts(chat_id, 20, timeout=90) == [f"count {n}" for n in range(1, 21)]


def test_buttons_are_an_inline_keyboard_and_a_tap_is_answered_once(telegram, chat_id, rasa_server):
    telegram.post(telegram.update(chat_id, text="colors"))
    telegram.wait_texts(chat_id, 1)
    keyboard = telegram.calls(chat_id, "sendMessage")[0]["params"]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["빨강 red", "파랑 blue"]
    blue = keyboard[1][0]["callback_data"]
    assert 0 < len(blue.encode()) <= 64 and "pick" not in blue  # a short id, not the payload
    tap = {"update_id": telegram.next_update + 1, "callback_query": {
        "id": "cbq-1", "from": {"id": chat_id}, "data": blue, "chat_instance": "x",
        "message": {"message_id": 55, "date": 0, "chat": {"id": chat_id, "type": "private"}}}}
    telegram.next_update += 1
    assert telegram.post(tap).status_code == 200
    assert telegram.wait_texts(chat_id, 2)[1] == "you picked blue"
    answered = [c for c in telegram.calls(method="answerCallbackQuery") if c["params"]["callback_query_id"] == "cbq-1"]
    assert len(answered) == 1
    edits = telegram.calls(chat_id, "editMessageReplyMarkup")
    assert edits and edits[0]["params"]["message_id"] == 55  # the keyboard is taken away after one tap


def test_forged_callback_data_is_answered_but_never_reaches_rasa(telegram, chat_id, rasa_server):
    tap = {"update_id": telegram.next_update + 1, "callback_query": {
        "id": "cbq-forged", "from": {"id": chat_id}, "data": '/pick{"color": "red"}', "chat_instance": "x",
        "message": {"message_id": 9, "date": 0, "chat": {"id": chat_id, "type": "private"}}}}
    telegram.next_update += 1
    assert telegram.post(tap).status_code == 200
    wait_until(lambda: any(c["params"].get("callback_query_id") == "cbq-forged"
                           for c in telegram.calls(method="answerCallbackQuery")), 10, "callback answer")
    time.sleep(0.5)
    assert telegram.texts(chat_id) == []
    assert user_events(rasa_server, f"tg:{chat_id}") == []


def test_leading_slash_in_text_cannot_force_an_intent(telegram, chat_id, rasa_server):
    telegram.post(telegram.update(chat_id, text='/pick{"color": "red"}'))
    replies = telegram.wait_texts(chat_id, 1)
    assert "you picked red" not in replies
    assert user_events(rasa_server, f"tg:{chat_id}")[0]["text"] == 'pick{"color": "red"}'


def test_start_command_greets(telegram, chat_id):
    telegram.post(telegram.update(chat_id, text="/start"))
    assert telegram.wait_texts(chat_id, 1) == ["hello from the throwaway bot"]


def test_location_and_own_contact_reach_rasa_as_metadata(telegram, chat_id, rasa_server):
    telegram.post(telegram.update(chat_id, location={"latitude": 37.5663, "longitude": 126.9779}))
    telegram.post(telegram.update(chat_id, contact={"phone_number": "821012345678", "first_name": "T", "user_id": chat_id}))
    # Someone else's contact card proves nothing and is ignored.
    telegram.post(telegram.update(chat_id, contact={"phone_number": "821099999999", "first_name": "X", "user_id": 1}))
    assert telegram.wait_texts(chat_id, 2) == ["thanks for the information"] * 2
    events = user_events(rasa_server, f"tg:{chat_id}")
    assert events[0]["metadata"]["location"] == {"lat": 37.5663, "lon": 126.9779}
    assert events[0]["parse_data"]["intent"]["name"] == "inform"
    assert events[1]["metadata"]["contact_phone"] == "+821012345678"
    assert events[1]["parse_data"]["entities"][0]["value"] == "+821012345678"
    time.sleep(0.5)
    assert len(user_events(rasa_server, f"tg:{chat_id}")) == 2


def test_photo_is_fetched_with_getfile_and_reaches_rasa(telegram, chat_id, rasa_server, standins):
    image = b"\xff\xd8\xff\xe0" + b"photo-bytes" * 100
    r = httpx.post(standins["url"] + "/simulator/telegram/send",
                   json={"chat_id": chat_id, "photo_b64": base64.b64encode(image).decode(), "text": "pothole here"})
    assert r.json()["status"] == 200
    telegram.wait_texts(chat_id, 1)
    event = user_events(rasa_server, f"tg:{chat_id}")[0]
    assert event["text"] == "pothole here"
    assert base64.b64decode(event["metadata"]["photo"]["bytes_b64"]) == image
    assert event["metadata"]["photo"]["content_type"] == "image/jpeg"
    assert telegram.calls(method="getFile")


def test_other_updates_are_acknowledged_and_ignored(telegram, chat_id):
    odd = [
        {"update_id": 1, "channel_post": {"message_id": 1, "chat": {"id": -100, "type": "channel"}, "text": "hi"}},
        telegram.update(chat_id, sticker={"file_id": "x"}),
        {"update_id": "not-a-number"},
        {"update_id": telegram.next_update + 5, "message": {"chat": {"id": -5, "type": "group"}, "text": "hello"}},
    ]
    for update in odd:
        assert telegram.post(update).status_code == 200
    junk = httpx.post(telegram.url, content=b"\x00not json", headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert junk.status_code == 200
    time.sleep(0.5)
    assert telegram.calls(chat_id) == []


def test_429_retry_after_is_honoured_and_the_reply_still_arrives(telegram, chat_id, standins):
    control(standins, "telegram/fail", {"method": "sendMessage", "error_code": 429, "retry_after": 1, "times": 1})
    telegram.post(telegram.update(chat_id, text="count 3"))
    assert telegram.wait_texts(chat_id, 2) == ["count 3", "count 3"]  # refused once, then sent
    first, second = telegram.calls(chat_id, "sendMessage")
    assert second["at"] - first["at"] >= 0.95


def test_blocked_bot_stops_sending_and_is_recorded(telegram, chat_id, standins, redis_client, redis_prefix):
    control(standins, "telegram/block", {"chat_id": chat_id})
    telegram.post(telegram.update(chat_id, text="twice"))  # a two-message reply
    wait_until(lambda: redis_client.hexists(f"{redis_prefix}tg:blocked", str(chat_id)), 10, "blocked mark")
    time.sleep(0.5)
    assert len(telegram.calls(chat_id, "sendMessage")) == 1  # the second part was never tried
    control(standins, "telegram/block", {"chat_id": chat_id, "unblock": True})
    telegram.post(telegram.update(chat_id, text="count 4"))  # writing again means unblocked
    assert telegram.wait_texts(chat_id, 2)[-1] == "count 4"
    assert not redis_client.hexists(f"{redis_prefix}tg:blocked", str(chat_id))
