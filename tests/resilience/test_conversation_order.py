"""Two instances never run two turns of one conversation at once, even when an action outlives the lock: the Rasa
instances (their lock store, each turn sent straight to another instance's internal channel), and the edge
instances in front of them (each webhook to another edge instance: the inbox keeps the conversation's order)."""
import asyncio
import json
import uuid

import aiohttp
import pytest
import redis

from stack import LOCK_LIFETIME_S, SLOW_ACTION_S, TURN_TOKEN, TelegramCitizen, user_texts

pytestmark = pytest.mark.asyncio


def runs_of(stack, conversation: str) -> list:
    runs = [json.loads(r) for r in redis.Redis().lrange(stack.slow_log_key, 0, -1)]
    return sorted((r for r in runs if r["conversation"] == conversation), key=lambda r: r["start"])


async def turn(session: aiohttp.ClientSession, base: str, conversation: str, text: str) -> dict:
    async with session.post(base + "/webhooks/internal/turn", headers={"Authorization": f"Bearer {TURN_TOKEN}"},
                            json={"conversation_id": conversation, "message_id": uuid.uuid4().hex, "text": text},
                            timeout=aiohttp.ClientTimeout(total=6 * SLOW_ACTION_S)) as r:
        assert r.status == 200, await r.text()
        return await r.json()


async def test_an_action_slower_than_the_lock_lifetime_never_overlaps_the_next_turn(stack, session, chat_id):
    assert SLOW_ACTION_S > 2 * LOCK_LIFETIME_S  # the premise of this test
    conversation = f"tg:{chat_id}"
    # Two turns of one conversation reach the two Rasa instances directly, 0.2 s apart.
    first = asyncio.ensure_future(turn(session, stack.rasa_url(1), conversation, "slow 1"))
    await asyncio.sleep(0.2)
    second = asyncio.ensure_future(turn(session, stack.rasa_url(2), conversation, "slow 2"))
    answers = [await first, await second]
    assert [[r["text"] for r in a["replies"]] for a in answers] == [["slow 1 done"], ["slow 2 done"]]
    mine = runs_of(stack, conversation)
    assert [r["number"] for r in mine] == ["1", "2"]
    assert mine[1]["start"] >= mine[0]["end"]  # the second turn's action began only after the first ended
    assert await user_texts(session, stack, conversation) == ["slow 1", "slow 2"]


async def test_two_edge_instances_keep_one_conversations_order(stack, session, chat_id):
    citizen = TelegramCitizen(stack, session, chat_id)
    # Two messages of one conversation reach the two edge instances directly, 0.2 s apart.
    first = asyncio.ensure_future(citizen.send("slow 1", base=stack.edge_url(1)))
    await asyncio.sleep(0.2)
    second = asyncio.ensure_future(citizen.send("slow 2", base=stack.edge_url(2)))
    assert await first and await second
    replies = await citizen.replies(at_least=2, wait=4 * SLOW_ACTION_S)
    assert replies == ["slow 1 done", "slow 2 done"]  # both answered, in the order they were sent
    mine = runs_of(stack, f"tg:{chat_id}")
    assert [r["number"] for r in mine] == ["1", "2"] and mine[1]["start"] >= mine[0]["end"]
    assert await user_texts(session, stack, f"tg:{chat_id}") == ["slow 1", "slow 2"]
