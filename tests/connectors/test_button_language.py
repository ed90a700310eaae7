"""A Korean conversation that presses a button whose payload is English stays Korean, on every channel.

The test bot's "계속할까요?" offers 계속 / 그만 over the payloads "continue please" / "stop here". What each
connector hands to the real Rasa server is read back from the tracker, and the conversation's language is
replayed over those turns with the project's one rule (actions/turn_language.language_update), as the
turn-start action applies it. Typing the same English words does switch, so the mark is what keeps Korean.
"""
import uuid
from typing import Dict, List

import httpx

from actions.turn_language import language_update
from conftest import user_events, wait_until


def conversation_language(events: List[Dict]) -> str:
    slots: Dict = {"language": None, "language_locked": None}
    for event in events:
        parse = event.get("parse_data") or {}
        slots.update(language_update((parse.get("intent") or {}).get("name"), event.get("text") or "",
                                     bool(parse.get("language_requested")), parse.get("entities") or [], slots,
                                     event.get("metadata") or {}))
    return slots["language"]


def pressed_turn(events: List[Dict]) -> Dict:
    (pressed,) = [e for e in events if e["text"] == "continue please"]
    return pressed


def test_web_chat_button_press_keeps_korean(rasa_server):
    session = str(uuid.uuid4())

    def post(body: dict) -> dict:
        return httpx.post(rasa_server + "/webhooks/webchat/messages", json={"session": session, **body},
                          timeout=30).json()

    asked = post({"text": "계속할까요"})["messages"][0]
    assert [b["title"] for b in asked["buttons"]] == ["계속", "그만"]
    post({"token": asked["buttons"][0]["token"]})
    events = user_events(rasa_server, f"web:{session}")
    assert pressed_turn(events)["metadata"]["input"] == "button"
    assert conversation_language(events) == "ko"
    post({"text": "continue please"})  # typed, the same words are the citizen's English
    assert conversation_language(user_events(rasa_server, f"web:{session}")) == "en"


def test_telegram_button_press_keeps_korean(telegram, chat_id, rasa_server):
    telegram.post(telegram.update(chat_id, text="계속할까요"))
    telegram.wait_texts(chat_id, 1)
    keyboard = telegram.calls(chat_id, "sendMessage")[0]["params"]["reply_markup"]["inline_keyboard"]
    go = next(key for row in keyboard for key in row if key["text"] == "계속")
    telegram.next_update += 1
    tap = {"update_id": telegram.next_update, "callback_query": {
        "id": "cbq-lang", "from": {"id": chat_id}, "data": go["callback_data"], "chat_instance": "x",
        "message": {"message_id": 7, "date": 0, "chat": {"id": chat_id, "type": "private"}}}}
    assert telegram.post(tap).status_code == 200
    telegram.wait_texts(chat_id, 2)
    events = wait_until(lambda: (e := user_events(rasa_server, f"tg:{chat_id}")) and len(e) == 2 and e, 10,
                        "the pressed turn in the tracker")
    assert pressed_turn(events)["metadata"]["input"] == "button"
    assert conversation_language(events) == "ko"


def test_sms_numbered_choice_keeps_korean(sms, phone, rasa_server):
    assert sms.send(phone, "계속할까요") == ["계속할까요?\n1 계속 / 2 그만"]
    sms.send(phone, "1")
    events = user_events(rasa_server, f"sms:{phone}")
    assert pressed_turn(events)["metadata"]["input"] == "button"
    assert conversation_language(events) == "ko"
    sms.send(phone, "2")  # the question came again: "2" picks 그만 ("stop here")
    assert conversation_language(user_events(rasa_server, f"sms:{phone}")) == "ko"
    sms.send(phone, "continue please")
    events = user_events(rasa_server, f"sms:{phone}")
    assert "input" not in events[-1]["metadata"] and conversation_language(events) == "en"
