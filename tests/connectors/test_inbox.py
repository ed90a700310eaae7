"""The durable inbox: a message acknowledged by an instance that then died is answered by another one,
once, in order (connectors/inbox.py, connectors/inbox_worker.py).

The instance that died is played by a "ghost": the real Inbox, on the same Redis and key prefix as the
real Rasa server of this suite, that accepts messages and never renews its lease (or renews it by hand and
then stops). Killing a real instance is tests/resilience/test_failover.py.
"""
import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from conftest import (RASA_TOKEN, REDIS_URL, ROOT, TELEGRAM_SECRET, TWILIO_TOKEN, Sms, free_port, stop, user_events,
                      wait_until)
from connectors.inbox import Inbox, InboxSettings

SETTINGS = InboxSettings(lease_s=5, max_age_s=3600, max_wait_s=600)


async def ghost(prefix: str, kind: str, messages, instance: str = "") -> str:
    """Accept (ident, conversation, payload) messages as another instance; returns its name."""
    client = aioredis.from_url(REDIS_URL, decode_responses=True)
    inbox = Inbox(client, REDIS_URL, prefix, kind, SETTINGS)
    inbox.instance = instance or inbox.instance
    try:
        for ident, conversation, payload in messages:
            assert await inbox.accept(ident, conversation, payload)
    finally:
        await client.close()
    return inbox.instance


def ghost_accepts(prefix: str, kind: str, messages, instance: str = "") -> str:
    return asyncio.run(ghost(prefix, kind, messages, instance))


def tg_message(telegram, chat_id: int, text: str):
    update = telegram.update(chat_id, text=text)
    return str(update["update_id"]), f"tg:{chat_id}", {"update": update}


# -- the inbox in Redis --------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_a_message_is_kept_once_until_its_turn_is_done_and_a_dead_owners_message_moves_in_order(redis_prefix):
    client = aioredis.from_url(REDIS_URL, decode_responses=True)
    prefix = redis_prefix + "unit:" + uuid.uuid4().hex[:6] + ":"
    dead, live = Inbox(client, REDIS_URL, prefix, "tg", SETTINGS), Inbox(client, REDIS_URL, prefix, "tg", SETTINGS)
    try:
        await dead.beat()
        for n in (1, 2, 3):
            assert await dead.accept(str(n), "tg:1", {"n": n})
        assert not await dead.accept("2", "tg:1", {"n": 2})  # a redelivery is refused
        assert not await live.accept("2", "tg:1", {"n": 2})  # also by the other instance
        assert await client.exists(prefix + "seen:tg:2")  # the same de-duplication key as before
        assert (await live.head("tg:1")).state == "wait"  # held by a live instance: not taken
        assert await live.orphaned_conversations() == []

        await client.delete(prefix + "inbox:alive:" + dead.instance)  # its lease ran out
        assert await live.orphaned_conversations() == ["tg:1"]
        taken = []
        while (head := await live.head("tg:1")).state == "mine":
            assert head.entry.recovered
            taken.append(head.entry.payload["n"])
            assert not await dead.remove(head.entry.id, "tg:1")  # the old owner cannot remove it any more
            assert await live.remove(head.entry.id, "tg:1")
        assert taken == [1, 2, 3] and head.state == "empty"
        assert await live.orphaned_conversations() == []
        assert await client.keys(prefix + "inbox:entry:*") == []
    finally:
        for key in await client.keys(prefix + "*"):
            await client.delete(key)
        await client.close()


# -- a real Rasa server takes over ---------------------------------------------------------------------
def test_telegram_updates_acknowledged_by_a_dead_instance_are_answered_once_in_order(telegram, chat_id, rasa_server,
                                                                                      redis_prefix, redis_client):
    ghost_accepts(redis_prefix, "tg", [tg_message(telegram, chat_id, f"count {n}") for n in (1, 2, 3)])
    assert telegram.wait_texts(chat_id, 3, timeout=30) == ["count 1", "count 2", "count 3"]
    time.sleep(1.0)
    assert telegram.texts(chat_id) == ["count 1", "count 2", "count 3"]
    assert [e["text"] for e in user_events(rasa_server, f"tg:{chat_id}")] == ["count 1", "count 2", "count 3"]
    assert wait_until(lambda: not redis_client.exists(f"{redis_prefix}inbox:conv:tg:{chat_id}"), 10, "inbox emptied")


def test_a_turn_saved_before_its_instance_died_is_not_run_again_and_its_answer_is_sent(telegram, chat_id, rasa_server,
                                                                                       redis_prefix):
    ident, conversation, payload = tg_message(telegram, chat_id, "count 7")
    # Another instance ran this update and Rasa saved the turn in the shared tracker store; the instance died
    # before its reply left and before it removed the entry.
    saved_turn = [{"event": "user", "text": "count 7", "message_id": f"tg:{ident}", "input_channel": "telegram",
                   "parse_data": {"intent": {"name": "count", "confidence": 1.0}, "entities": [], "text": "count 7"}},
                  {"event": "action", "name": "utter_count"},
                  {"event": "bot", "text": "count 7", "data": {}, "metadata": {"utter_action": "utter_count"}},
                  {"event": "action", "name": "action_listen"}]
    r = httpx.post(f"{rasa_server}/conversations/{conversation}/tracker/events", params={"token": RASA_TOKEN},
                   json=saved_turn, timeout=30)
    assert r.status_code == 200, r.text
    ghost_accepts(redis_prefix, "tg", [(ident, conversation, payload)])

    assert telegram.wait_texts(chat_id, 1, timeout=30) == ["count 7"]  # the saved reply is sent
    time.sleep(1.5)
    assert telegram.texts(chat_id) == ["count 7"]
    assert [e["text"] for e in user_events(rasa_server, conversation)] == ["count 7"]  # the turn did not run again
    assert telegram.post(payload["update"]).status_code == 200  # a redelivery is still refused
    time.sleep(0.5)
    assert [e["text"] for e in user_events(rasa_server, conversation)] == ["count 7"]


def test_a_taken_over_turn_sends_only_the_replies_its_dead_instance_had_not_sent(telegram, chat_id, rasa_server,
                                                                                  redis_prefix, redis_client):
    ident, conversation, payload = tg_message(telegram, chat_id, "count 8")
    # The dead instance saved the turn and sent its first reply (and recorded that), then died.
    saved_turn = [{"event": "user", "text": "count 8", "message_id": f"tg:{ident}", "input_channel": "telegram",
                   "parse_data": {"intent": {"name": "count", "confidence": 1.0}, "entities": [], "text": "count 8"}},
                  {"event": "action", "name": "utter_count"},
                  {"event": "bot", "text": "count 8", "data": {}, "metadata": {"utter_action": "utter_count"}},
                  {"event": "bot", "text": "and one more", "data": {}, "metadata": {"utter_action": "utter_count"}},
                  {"event": "action", "name": "action_listen"}]
    r = httpx.post(f"{rasa_server}/conversations/{conversation}/tracker/events", params={"token": RASA_TOKEN},
                   json=saved_turn, timeout=30)
    assert r.status_code == 200, r.text
    holder = ghost_accepts(redis_prefix, "tg", [(ident, conversation, payload)])
    assert redis_client.hget(f"{redis_prefix}inbox:entry:tg:{ident}", "owner") == holder
    redis_client.hset(f"{redis_prefix}inbox:entry:tg:{ident}", "sent", 1)

    assert telegram.wait_texts(chat_id, 1, timeout=30) == ["and one more"]  # not "count 8" again
    time.sleep(1.5)
    assert telegram.texts(chat_id) == ["and one more"]
    assert [e["text"] for e in user_events(rasa_server, conversation)] == ["count 8"]


def test_a_message_waits_for_an_earlier_one_held_by_a_live_instance(telegram, chat_id, rasa_server, redis_prefix,
                                                                    redis_client):
    holder = ghost_accepts(redis_prefix, "tg", [tg_message(telegram, chat_id, "count 1")])
    alive = f"{redis_prefix}inbox:alive:{holder}"
    redis_client.set(alive, "1", px=60000)
    assert telegram.post(telegram.update(chat_id, text="count 2")).status_code == 200
    time.sleep(2.5)  # more than one scan of the server: the held message is not taken, the next one waits
    assert telegram.texts(chat_id) == []
    redis_client.delete(alive)  # the holder dies
    assert telegram.wait_texts(chat_id, 2, timeout=30) == ["count 1", "count 2"]
    assert [e["text"] for e in user_events(rasa_server, f"tg:{chat_id}")] == ["count 1", "count 2"]


def test_an_sms_acknowledged_by_a_dead_instance_is_answered_by_rest(sms, phone, rasa_server, redis_prefix):
    sid = "SM" + uuid.uuid4().hex
    ghost_accepts(redis_prefix, "sms", [(sid, f"sms:{phone}", {"phone": phone, "text": "count 4", "sid": sid,
                                                               "metadata": {"channel": "sms"}})])
    messages = wait_until(lambda: sms.rest_messages(phone), 30, "REST reply")
    assert [m["body"] for m in messages] == ["count 4"]
    (event,) = user_events(rasa_server, f"sms:{phone}")
    assert event["text"] == "count 4" and event["message_id"] == sid
    assert sms.post(sms.form(phone, "count 4", MessageSid=sid, SmsSid=sid)).text.count("<Message>") == 0  # seen


# -- Redis down ----------------------------------------------------------------------------------------
def test_without_redis_a_message_is_refused_so_the_channel_redelivers_it(tmp_path, phone):
    port, dead_redis = free_port(), free_port()
    log = tmp_path / "noredis.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("noredis_app.py")), str(port), str(dead_redis),
             TELEGRAM_SECRET, TWILIO_TOKEN],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(base + "/webhooks/telegram/").status_code == 200, 60, "app", process, log)
        update = {"update_id": 77, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                               "from": {"id": 5}, "text": "hello"}}
        r = httpx.post(base + "/webhooks/telegram/webhook", json=update,
                       headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, timeout=30)
        assert (r.status_code, r.json()) == (503, {"error": "unavailable"})  # Telegram sends it again later
        refused = Sms(base, "").post(Sms(base, "").form(phone, "hello"))
        assert (refused.status_code, refused.json()) == (503, {"error": "unavailable"})  # Twilio retries
    finally:
        stop(process)
    assert "hello" not in log.read_text()  # and no message text in the log
