"""The durable inbox across edge instances (ported from the removed tests/connectors/test_inbox.py): a message acknowledged by
an instance that then died is answered by another one, once, in order; the "already applied?" check is Rasa's.

A dead instance is played by a "ghost" (the real edge.inbox.Inbox on the suite's Redis and prefix, accepting
messages and never renewing its lease), or is a real `python -m edge` killed with SIGKILL."""
import asyncio
import os
import signal
import time
import uuid

import aiohttp
import pytest
import redis.asyncio as aioredis

from edge.inbox import Inbox
from edge.rasa_client import RasaClient, Replies, TurnRequest
from edge.settings import InboxSettings
from support import (REDIS_URL, TURN_TOKEN, Telegram, edge_environment, free_port, start_edge_process, stop,
                     wait_until)

SETTINGS = InboxSettings(lease_s=2, max_age_s=3600, max_wait_s=600)


async def ghost(prefix: str, kind: str, messages, sent: int = 0) -> str:
    """Accept (ident, conversation, payload) messages as another instance; returns its name."""
    client = aioredis.from_url(REDIS_URL, decode_responses=True)
    inbox = Inbox(client, REDIS_URL, prefix, kind, SETTINGS)
    try:
        for ident, conversation, payload in messages:
            assert await inbox.accept(ident, conversation, payload)
            if sent:
                await inbox.mark_sent(inbox.entry_id(ident), sent)
    finally:
        await client.aclose()
    return inbox.instance


def tg_message(telegram, chat_id: int, text: str):
    update = telegram.update(chat_id, text=text)
    return str(update["update_id"]), f"tg:{chat_id}", {"update": update}


def run_turn(rasa_url: str, conversation: str, message_id: str, text: str) -> Replies:
    async def go():
        async with aiohttp.ClientSession() as session:
            return await RasaClient(session, rasa_url, TURN_TOKEN).turn(TurnRequest(conversation, message_id, text=text))

    outcome = asyncio.run(go())
    assert isinstance(outcome, Replies)
    return outcome


def emptied(redis_client, redis_prefix, conversation) -> None:
    wait_until(lambda: not redis_client.exists(f"{redis_prefix}inbox:conv:{conversation}"), 30, "inbox emptied")


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
        assert await client.exists(prefix + "seen:tg:2")  # the same de-duplication key as the old connectors
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
        assert await client.keys(prefix + "inbox:entry:*") == []
    finally:
        for key in await client.keys(prefix + "*"):
            await client.delete(key)
        await client.aclose()


def test_updates_acknowledged_by_a_dead_instance_are_answered_once_in_order(telegram, chat_id, rasa, redis_prefix,
                                                                            redis_client):
    asyncio.run(ghost(redis_prefix, "tg", [tg_message(telegram, chat_id, f"count {n}") for n in (1, 2, 3)]))
    assert telegram.wait_texts(chat_id, 3) == ["count 1", "count 2", "count 3"]
    emptied(redis_client, redis_prefix, f"tg:{chat_id}")
    assert telegram.texts(chat_id) == ["count 1", "count 2", "count 3"]
    assert [e["text"] for e in rasa.user_events(f"tg:{chat_id}")] == ["count 1", "count 2", "count 3"]


def test_a_turn_run_before_its_instance_died_is_not_run_again_and_its_answer_is_sent(telegram, chat_id, rasa,
                                                                                     redis_prefix, redis_client):
    ident, conversation, payload = tg_message(telegram, chat_id, "count 7")
    # The dead instance sent the update to Rasa (the turn is saved) and died before its reply left.
    run_turn(rasa.url, conversation, f"tg:{ident}", "count 7")
    asyncio.run(ghost(redis_prefix, "tg", [(ident, conversation, payload)]))
    assert telegram.wait_texts(chat_id, 1) == ["count 7"]  # the saved reply is sent
    emptied(redis_client, redis_prefix, conversation)
    assert telegram.texts(chat_id) == ["count 7"]
    assert [e["text"] for e in rasa.user_events(conversation)] == ["count 7"]  # the turn did not run again
    assert telegram.post(payload["update"]).status_code == 200  # a redelivery is still refused
    assert not redis_client.exists(f"{redis_prefix}inbox:entry:tg:{ident}")
    assert [e["text"] for e in rasa.user_events(conversation)] == ["count 7"]


def test_a_taken_over_turn_sends_only_the_replies_its_dead_instance_had_not_sent(telegram, chat_id, rasa,
                                                                                  redis_prefix, redis_client):
    ident, conversation, payload = tg_message(telegram, chat_id, "twice")
    replies = run_turn(rasa.url, conversation, f"tg:{ident}", "twice").replies
    assert [r["text"] for r in replies] == ["hello from the throwaway bot", "second part of the reply"]
    asyncio.run(ghost(redis_prefix, "tg", [(ident, conversation, payload)], sent=1))  # the first reply had left
    assert telegram.wait_texts(chat_id, 1) == ["second part of the reply"]
    emptied(redis_client, redis_prefix, conversation)
    assert telegram.texts(chat_id) == ["second part of the reply"]
    assert len(rasa.user_events(conversation)) == 1


def test_a_message_waits_for_an_earlier_one_held_by_a_live_instance(telegram, chat_id, rasa, redis_prefix,
                                                                    redis_client):
    holder = asyncio.run(ghost(redis_prefix, "tg", [tg_message(telegram, chat_id, "count 1")]))
    alive = f"{redis_prefix}inbox:alive:{holder}"
    redis_client.set(alive, "1", px=60000)
    later = telegram.update(chat_id, text="count 2")
    assert telegram.post(later).status_code == 200
    # The later message is kept and waits behind the held one (an absence: watched for a while, > 2 scans).
    watch_until = time.monotonic() + 1.5
    while time.monotonic() < watch_until:
        assert redis_client.exists(f"{redis_prefix}inbox:entry:tg:{later['update_id']}")
        assert telegram.texts(chat_id) == []
        time.sleep(0.1)
    assert rasa.user_events(f"tg:{chat_id}") == []
    redis_client.delete(alive)  # the holder dies
    assert telegram.wait_texts(chat_id, 2) == ["count 1", "count 2"]
    assert [e["text"] for e in rasa.user_events(f"tg:{chat_id}")] == ["count 1", "count 2"]


# -- a real edge process killed with SIGKILL -------------------------------------------------------------------
def test_messages_of_an_edge_killed_while_rasa_was_down_are_taken_over_and_each_runs_once(
        rasa, standins, redis_prefix, redis_client, chat_id, tmp_path, edge):
    """Instance A accepts (Rasa unreachable for it, so it keeps retrying), then dies with kill -9: the suite's edge
    takes the messages over after A's lease and runs each once, in the order A accepted them."""
    port = free_port()
    env = edge_environment(f"http://127.0.0.1:{free_port()}", standins, redis_prefix, port)
    process = start_edge_process(env, tmp_path / "edge-a.log")
    try:
        telegram = Telegram(f"http://127.0.0.1:{port}", standins)
        for n in range(1, 6):
            assert telegram.post(telegram.update(chat_id, text=f"count {n}")).status_code == 200
        assert redis_client.zcard(f"{redis_prefix}inbox:conv:tg:{chat_id}") == 5
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        stop(process)
    assert telegram.wait_texts(chat_id, 5) == [f"count {n}" for n in range(1, 6)]
    emptied(redis_client, redis_prefix, f"tg:{chat_id}")
    assert [e["text"] for e in rasa.user_events(f"tg:{chat_id}")] == [f"count {n}" for n in range(1, 6)]
    assert "count" not in (tmp_path / "edge-a.log").read_text()  # no message text in A's log


def test_an_edge_killed_in_the_middle_of_turns_loses_none_and_runs_none_twice(
        rasa, standins, redis_prefix, redis_client, chat_id, tmp_path, edge):
    port = free_port()
    process = start_edge_process(edge_environment(rasa.url, standins, redis_prefix, port), tmp_path / "edge-b.log")
    try:
        telegram = Telegram(f"http://127.0.0.1:{port}", standins)
        for n in range(1, 11):
            assert telegram.post(telegram.update(chat_id, text=f"count {n}")).status_code == 200
        wait_until(lambda: telegram.texts(chat_id), 30, "a first reply from A")  # A is in the middle of them
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        stop(process)
    expected = [f"count {n}" for n in range(1, 11)]
    emptied(redis_client, redis_prefix, f"tg:{chat_id}")
    assert [e["text"] for e in rasa.user_events(f"tg:{chat_id}")] == expected  # every turn once, in order
    texts = telegram.wait_texts(chat_id, 10)
    assert sorted(set(texts)) == sorted(expected)  # every reply arrived (one may repeat: at least once)
    assert [t for i, t in enumerate(texts) if t not in texts[:i]] == expected  # first sightings in order
