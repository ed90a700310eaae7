"""Telegram on the edge, through the real Rasa server and the Bot API stand-in (ported from the removed
tests/connectors/test_telegram.py, test_telegram_keyboard.py and test_button_language.py)."""
import asyncio
import base64
import logging
import uuid

import httpx
import pytest
import redis.asyncio as aioredis

from edge.formatting import Button, ReplyPart
from edge.store import ChannelStore
from edge.telegram_delivery import BotCalls, TelegramDelivery, bot_of, close_bot
from edge.throttle import SendThrottle
from support import REDIS_URL, TELEGRAM_SECRET, TELEGRAM_TOKEN, wait_until


def control(standins: str, path: str, body: dict) -> None:
    httpx.post(standins + "/_control/" + path, json=body).raise_for_status()


def inbox_empty(redis_client, redis_prefix: str, conversation: str) -> bool:
    return not redis_client.exists(f"{redis_prefix}inbox:conv:{conversation}")


def finished(redis_client, redis_prefix, chat_id) -> None:
    """Every accepted update of the chat has run and its replies left (the inbox removes an entry after that)."""
    wait_until(lambda: inbox_empty(redis_client, redis_prefix, f"tg:{chat_id}"), 30, "inbox emptied")


def user(chat_id: int) -> dict:
    return {"id": chat_id, "is_bot": False, "first_name": "T", "language_code": "ko"}


def tap(telegram, chat_id: int, data: str, callback_id: str, message_id: int = 55) -> dict:
    telegram.next_update += 1
    return {"update_id": telegram.next_update, "callback_query": {
        "id": callback_id, "from": user(chat_id), "data": data, "chat_instance": "x",
        "message": {"message_id": message_id, "date": 0, "chat": {"id": chat_id, "type": "private"}}}}


def test_forged_secret_is_refused_and_nothing_is_kept(telegram, chat_id, redis_client, redis_prefix):
    update = telegram.update(chat_id, text="hello")
    assert telegram.post(update, secret="wrong-secret").status_code == 403
    assert httpx.post(telegram.url, json=update).status_code == 403  # no header at all
    assert not redis_client.exists(f"{redis_prefix}seen:tg:{update['update_id']}")
    assert not redis_client.exists(f"{redis_prefix}inbox:entry:tg:{update['update_id']}")
    assert telegram.calls(chat_id) == []


def test_same_update_delivered_twice_is_answered_once(telegram, chat_id, rasa, redis_client, redis_prefix):
    update = telegram.update(chat_id, text="count 7")
    assert telegram.post(update).status_code == 200
    assert telegram.post(update).status_code == 200
    assert telegram.wait_texts(chat_id, 1) == ["count 7"]
    finished(redis_client, redis_prefix, chat_id)
    assert telegram.texts(chat_id) == ["count 7"]
    (event,) = rasa.user_events(f"tg:{chat_id}")
    assert event["message_id"] == f"tg:{update['update_id']}" and event["metadata"]["channel"] == "telegram"


def test_twenty_quick_messages_from_one_chat_are_answered_in_order(telegram, chat_id):
    for n in range(1, 21):
        assert telegram.post(telegram.update(chat_id, text=f"count {n}")).status_code == 200
    assert telegram.wait_texts(chat_id, 20, timeout=90) == [f"count {n}" for n in range(1, 21)]


def test_buttons_are_an_inline_keyboard_and_a_tap_is_answered_once(telegram, chat_id, rasa, redis_client,
                                                                    redis_prefix):
    telegram.post(telegram.update(chat_id, text="colors"))
    telegram.wait_texts(chat_id, 1)
    keyboard = telegram.calls(chat_id, "sendMessage")[0]["params"]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["빨강 red", "파랑 blue"]
    blue = keyboard[1][0]["callback_data"]
    assert 0 < len(blue.encode()) <= 64 and "pick" not in blue  # a short id, not the payload
    assert telegram.post(tap(telegram, chat_id, blue, "cbq-1")).status_code == 200
    assert telegram.wait_texts(chat_id, 2)[1] == "you picked blue"
    finished(redis_client, redis_prefix, chat_id)
    answered = [c for c in telegram.calls(method="answerCallbackQuery") if c["params"]["callback_query_id"] == "cbq-1"]
    assert len(answered) == 1
    edits = telegram.calls(chat_id, "editMessageReplyMarkup")
    assert edits and int(edits[0]["params"]["message_id"]) == 55  # the keyboard is taken away after one tap
    assert rasa.user_events(f"tg:{chat_id}")[1]["metadata"]["input"] == "button"


def test_forged_callback_data_is_answered_but_never_reaches_rasa(telegram, chat_id, rasa, redis_client, redis_prefix):
    assert telegram.post(tap(telegram, chat_id, '/pick{"color": "red"}', "cbq-forged", 9)).status_code == 200
    wait_until(lambda: any(c["params"].get("callback_query_id") == "cbq-forged"
                           for c in telegram.calls(method="answerCallbackQuery")), 10, "callback answer")
    finished(redis_client, redis_prefix, chat_id)
    assert telegram.texts(chat_id) == []
    assert rasa.user_events(f"tg:{chat_id}") == []


def test_leading_slash_in_text_cannot_force_an_intent(telegram, chat_id, rasa):
    telegram.post(telegram.update(chat_id, text='/pick{"color": "red"}'))
    assert "you picked red" not in telegram.wait_texts(chat_id, 1)
    assert rasa.user_events(f"tg:{chat_id}")[0]["text"] == 'pick{"color": "red"}'


def test_start_command_greets(telegram, chat_id):
    telegram.post(telegram.update(chat_id, text="/start"))
    assert telegram.wait_texts(chat_id, 1) == ["hello from the throwaway bot"]


def test_location_and_own_contact_reach_rasa_as_metadata(telegram, chat_id, rasa, redis_client, redis_prefix):
    telegram.post(telegram.update(chat_id, location={"latitude": 37.5663, "longitude": 126.9779}))
    telegram.post(telegram.update(chat_id, contact={"phone_number": "821012345678", "first_name": "T", "user_id": chat_id}))
    # Someone else's contact card proves nothing and is ignored.
    telegram.post(telegram.update(chat_id, contact={"phone_number": "821099999999", "first_name": "X", "user_id": 1}))
    assert telegram.wait_texts(chat_id, 2) == ["thanks for the information"] * 2
    finished(redis_client, redis_prefix, chat_id)
    events = rasa.user_events(f"tg:{chat_id}")
    assert len(events) == 2
    assert events[0]["metadata"]["location"] == {"lat": 37.5663, "lon": 126.9779}
    assert events[0]["parse_data"]["intent"]["name"] == "inform"
    assert events[1]["metadata"]["contact_phone"] == "+821012345678"
    assert events[1]["parse_data"]["entities"][0]["value"] == "+821012345678"


def test_photo_is_fetched_with_getfile_and_reaches_rasa(telegram, chat_id, rasa, standins):
    image = b"\xff\xd8\xff\xe0" + b"photo-bytes" * 100
    r = httpx.post(standins + "/simulator/telegram/send",
                   json={"chat_id": chat_id, "photo_b64": base64.b64encode(image).decode(), "text": "pothole here"})
    assert r.json()["status"] == 200
    telegram.wait_texts(chat_id, 1)
    event = rasa.user_events(f"tg:{chat_id}")[0]
    assert event["text"] == "pothole here"
    assert base64.b64decode(event["metadata"]["photo"]["bytes_b64"]) == image
    assert event["metadata"]["photo"]["content_type"] == "image/jpeg"
    assert telegram.calls(method="getFile")


def test_other_updates_are_acknowledged_and_ignored(telegram, chat_id, redis_client, redis_prefix):
    odd = [
        {"update_id": 1, "channel_post": {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel"},
                                          "text": "hi"}},
        telegram.update(chat_id, sticker={"file_id": "x"}),
        {"update_id": "not-a-number"},
        {"update_id": telegram.next_update + 5, "message": {"chat": {"id": -5, "type": "group"}, "text": "hello"}},
        {"update_id": telegram.next_update + 6, "message": {"chat": "nonsense", "text": 5}},
    ]
    for update in odd:
        assert telegram.post(update).status_code == 200
    junk = httpx.post(telegram.url, content=b"\x00not json", headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert junk.status_code == 200
    assert redis_client.keys(f"{redis_prefix}inbox:conv:tg:{chat_id}") == []  # nothing was kept to run
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
    finished(redis_client, redis_prefix, chat_id)
    assert len(telegram.calls(chat_id, "sendMessage")) == 1  # the second part was never tried
    control(standins, "telegram/block", {"chat_id": chat_id, "unblock": True})
    telegram.post(telegram.update(chat_id, text="count 4"))  # writing again means unblocked
    assert telegram.wait_texts(chat_id, 2)[-1] == "count 4"
    assert not redis_client.hexists(f"{redis_prefix}tg:blocked", str(chat_id))


def test_blocking_reported_by_telegram_is_recorded(telegram, chat_id, redis_client, redis_prefix):
    def membership(status: str) -> dict:
        telegram.next_update += 1
        return {"update_id": telegram.next_update, "my_chat_member": {
            "chat": {"id": chat_id, "type": "private"}, "from": user(chat_id), "date": 0,
            "old_chat_member": {"user": {"id": 1, "is_bot": True, "first_name": "minwon"}, "status": "member"},
            "new_chat_member": {"user": {"id": 1, "is_bot": True, "first_name": "minwon"}, "status": status,
                                **({"until_date": 0} if status == "kicked" else {})}}}

    assert telegram.post(membership("kicked")).status_code == 200
    assert redis_client.hexists(f"{redis_prefix}tg:blocked", str(chat_id))
    assert telegram.post(membership("member")).status_code == 200
    assert not redis_client.hexists(f"{redis_prefix}tg:blocked", str(chat_id))


def test_telegram_button_press_keeps_korean(telegram, chat_id, rasa):
    """A Korean conversation pressing a button whose payload is English words: the payload goes as a button."""
    telegram.post(telegram.update(chat_id, text="proceed"))
    telegram.wait_texts(chat_id, 1)
    keyboard = telegram.calls(chat_id, "sendMessage")[0]["params"]["reply_markup"]["inline_keyboard"]
    assert [key["text"] for key in keyboard[0]] == ["계속", "그만"]  # short titles share a row
    telegram.post(tap(telegram, chat_id, keyboard[0][0]["callback_data"], "cbq-ko"))
    wait_until(lambda: len(rasa.user_events(f"tg:{chat_id}")) == 2, 30, "button turn")
    pressed = rasa.user_events(f"tg:{chat_id}")[1]
    assert pressed["text"] == "continue please" and pressed["metadata"]["input"] == "button"


# -- keyboards and pacing, against the stand-in and real Redis -----------------------------------------------
@pytest.mark.asyncio
async def test_keyboards_contact_requests_and_tokens_of_one_chat(standins, redis_prefix):
    client = aioredis.from_url(REDIS_URL, decode_responses=True)
    store = ChannelStore(client, redis_prefix + "kbd:")
    delivery = TelegramDelivery(BotCalls(bot_of(standins + "/telegram", TELEGRAM_TOKEN)), store)
    try:
        short = await delivery.keyboard("tg:1", ReplyPart("?", [Button(str(n), str(n)) for n in range(1, 6)]))
        assert [len(row) for row in short.inline_keyboard] == [4, 1]
        long = await delivery.keyboard("tg:1", ReplyPart("?", [Button("a long choice", "/x"), Button("b", "/y")]))
        assert [len(row) for row in long.inline_keyboard] == [1, 1]
        token = long.inline_keyboard[0][0].callback_data
        assert await store.resolve_button("tg:1", token) == "/x"
        assert await store.resolve_button("tg:2", token) is None  # another chat's button is nothing
        contact = await delivery.keyboard("tg:1", ReplyPart("?", [Button("전화번호 보내기", "__request_contact__")]))
        assert contact.keyboard[0][0].request_contact and contact.one_time_keyboard
    finally:
        await close_bot(delivery.calls.bot)
        await client.aclose()


@pytest.mark.asyncio
async def test_telegram_sends_to_one_chat_are_paced(standins):
    bot = bot_of(standins + "/telegram", TELEGRAM_TOKEN)
    calls = BotCalls(bot, SendThrottle(per_chat_interval=0.3, global_rate=30))
    chat = str(uuid.uuid4().int % 10**9)
    try:
        await asyncio.gather(*(calls.call("sendMessage", lambda i=i: bot.send_message(chat, f"m{i}"), chat=chat)
                               for i in range(4)))
    finally:
        await close_bot(bot)
    found = httpx.get(standins + "/_control/telegram/calls", params={"chat_id": chat}).json()["calls"]
    times = [c["at"] for c in found]
    assert len(times) == 4
    assert all(later - earlier >= 0.25 for earlier, later in zip(times, times[1:]))


@pytest.mark.asyncio
async def test_the_token_never_reaches_a_log_line(standins, caplog):
    from edge.app import quiet_libraries

    quiet_libraries()
    caplog.set_level(logging.DEBUG)  # the root at debug: only our loggers' own levels keep the libraries quiet
    bot = bot_of(standins + "/telegram", TELEGRAM_TOKEN)
    calls = BotCalls(bot)
    try:
        await calls.call("sendMessage", lambda: bot.send_message("42", "hello"), chat="42")
        assert await calls.download("no-such-file", 1000) is None  # an error path too
        await calls.call("getMe", bot.get_me)
    finally:
        await close_bot(bot)
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert TELEGRAM_TOKEN not in text and TELEGRAM_TOKEN.split(":")[1] not in text
    assert "hello" not in text


def test_a_png_without_caption_an_edit_and_the_apps_language_reach_rasa(telegram, chat_id, rasa, standins):
    image = b"\x89PNG\r\n\x1a\n" + b"png-bytes" * 50
    r = httpx.post(standins + "/simulator/telegram/send",
                   json={"chat_id": chat_id, "photo_b64": base64.b64encode(image).decode(), "language": "en"})
    assert r.json()["status"] == 200
    telegram.wait_texts(chat_id, 1)
    edited = telegram.update(chat_id, text="count 2")
    edited["edited_message"] = edited.pop("message")
    telegram.post(edited)
    telegram.wait_texts(chat_id, 2)
    photo, edit = rasa.user_events(f"tg:{chat_id}")
    assert photo["parse_data"]["intent"]["name"] == "inform"  # no caption: the edge's own /inform
    assert photo["metadata"]["photo"]["content_type"] == "image/png"
    assert photo["metadata"]["language_hint"] == "en"
    assert edit["metadata"]["edited"] is True and edit["text"] == "count 2"
