"""Two instances never run two turns of one conversation at once, even when an action outlives the lock."""
import asyncio
import json

import pytest
import redis

from stack import LOCK_LIFETIME_S, SLOW_ACTION_S, TelegramCitizen, user_texts

pytestmark = pytest.mark.asyncio


async def test_an_action_slower_than_the_lock_lifetime_never_overlaps_the_next_turn(stack, session, chat_id):
    assert SLOW_ACTION_S > 2 * LOCK_LIFETIME_S  # the premise of this test
    citizen = TelegramCitizen(stack, session, chat_id)
    # Two messages of one conversation reach the two Rasa instances directly, 0.2 s apart.
    first = asyncio.ensure_future(citizen.send("slow 1", base=stack.rasa_url(1)))
    await asyncio.sleep(0.2)
    second = asyncio.ensure_future(citizen.send("slow 2", base=stack.rasa_url(2)))
    assert await first and await second
    replies = await citizen.replies(at_least=2, wait=4 * SLOW_ACTION_S)
    assert replies == ["slow 1 done", "slow 2 done"]  # both answered, in the order they were sent

    runs = [json.loads(r) for r in redis.Redis().lrange(stack.slow_log_key, 0, -1)]
    mine = sorted((r for r in runs if r["conversation"] == f"tg:{chat_id}"), key=lambda r: r["start"])
    assert [r["number"] for r in mine] == ["1", "2"]
    assert mine[1]["start"] >= mine[0]["end"]  # the second turn's action began only after the first ended
    assert await user_texts(session, stack, f"tg:{chat_id}") == ["slow 1", "slow 2"]
