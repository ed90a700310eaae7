"""Desk queues on a real Redis: one winner per claim, positions, transfers that keep the place in line."""
import asyncio

import pytest
from redis.asyncio import Redis

from bot.desk.errors import AlreadyClaimed, NotYours, WrongState
from bot.desk.queues import DeskQueues
from desk_helpers import REDIS_TEST_URL, handoff_fields

pytestmark = pytest.mark.asyncio


async def open_many(desk, count, clock, **kwargs):
    ids = []
    for n in range(count):
        ids.append(await desk.open(handoff_fields(f"tg:{n}", **kwargs), queued=True, idempotency_key=f"k{n}"))
        clock.advance(1)
    return ids


async def test_two_agents_claiming_at_once_on_separate_connections_get_one_winner(desk, keys, clock):
    [handoff_id] = await open_many(desk, 1, clock)
    # Two console instances: separate Redis connections, same moment, repeated to give a race a chance.
    for round_ in range(20):
        if round_:
            handoff_id = await desk.open(handoff_fields(f"tg:r{round_}"), queued=True, idempotency_key=f"r{round_}")
        clients = [Redis.from_url(REDIS_TEST_URL, decode_responses=True) for _ in range(2)]
        desks = [DeskQueues(c, keys, clock=clock) for c in clients]
        results = await asyncio.gather(desks[0].claim(handoff_id, "agent1"), desks[1].claim(handoff_id, "agent2"),
                                       return_exceptions=True)
        for client in clients:
            await client.aclose()
        winners = [r for r in results if isinstance(r, dict)]
        losers = [r for r in results if isinstance(r, AlreadyClaimed)]
        assert len(winners) == 1 and len(losers) == 1
        assert losers[0].detail["agent"] == winners[0]["agent"]
        assert (await desk.get(handoff_id))["agent"] == winners[0]["agent"]
    assert await desk.queue_lengths() == {"ko:payments": 0}


async def test_positions_follow_arrival_order_and_move_up_when_one_is_claimed(desk, clock):
    ids = await open_many(desk, 3, clock)
    assert [(await desk.position(i)).position for i in ids] == [1, 2, 3]
    await desk.claim(ids[0], "agent1")
    assert [(await desk.position(i)).position for i in ids] == [0, 1, 2]


async def test_queues_are_separate_per_language_and_skill(desk, clock):
    ko = await desk.open(handoff_fields("tg:1", language="ko", skill="payments"), queued=True, idempotency_key="a")
    en = await desk.open(handoff_fields("tg:2", language="en", skill="payments"), queued=True, idempotency_key="b")
    addr = await desk.open(handoff_fields("tg:3", language="ko", skill="address"), queued=True, idempotency_key="c")
    assert [(await desk.position(i)).position for i in (ko, en, addr)] == [1, 1, 1]
    assert await desk.queue_lengths() == {"en:payments": 1, "ko:address": 1, "ko:payments": 1}


async def test_estimated_wait_uses_recent_handling_times_and_agents_on_line(desk, clock):
    ids = await open_many(desk, 3, clock)
    # Nobody handled anything yet and nobody is on line: the default 300 s per person ahead.
    assert (await desk.position(ids[2])).estimated_wait_seconds == 900
    await desk.heartbeat("agent1")
    await desk.heartbeat("agent2")
    await desk.claim(ids[0], "agent1")
    clock.advance(60)
    await desk.close(ids[0], "agent1")
    # One handled in 60 s, two agents on line: position 2 waits 2 * 60 / 2.
    assert (await desk.position(ids[2])).estimated_wait_seconds == 60


async def test_repeating_the_same_idempotency_key_returns_the_same_handoff(desk):
    first = await desk.open(handoff_fields("tg:9"), queued=True, idempotency_key="same")
    again = await desk.open(handoff_fields("tg:9"), queued=True, idempotency_key="same")
    assert first == again
    assert await desk.queue_lengths() == {"ko:payments": 1}


async def test_transfer_to_another_queue_keeps_the_original_place_in_line(desk, clock):
    early = await desk.open(handoff_fields("tg:1", skill="general"), queued=True, idempotency_key="a")
    clock.advance(10)
    late = await desk.open(handoff_fields("tg:2", skill="payments"), queued=True, idempotency_key="b")
    await desk.claim(early, "agent1")
    moved = await desk.transfer_to_queue(early, "agent1", "ko", "payments")
    assert moved["state"] == "queued" and moved["queue"] == "ko:payments" and moved["skill"] == "payments"
    assert (await desk.position(early)).position == 1
    assert (await desk.position(late)).position == 2


async def test_only_the_owner_or_a_supervisor_can_transfer_or_close(desk, clock):
    [handoff_id] = await open_many(desk, 1, clock)
    await desk.claim(handoff_id, "agent1")
    with pytest.raises(NotYours):
        await desk.transfer_to_agent(handoff_id, "agent2", "agent2")
    moved = await desk.transfer_to_agent(handoff_id, "agent1", "agent2")
    assert moved["agent"] == "agent2" and moved["state"] == "claimed"
    with pytest.raises(NotYours):
        await desk.close(handoff_id, "agent1")
    closed = await desk.close(handoff_id, "supervisor", supervisor=True)
    assert closed["state"] == "closed"
    with pytest.raises(WrongState):
        await desk.close(handoff_id, "agent2")


async def test_active_key_marks_the_conversation_for_the_edge_until_close(desk, redis, keys, clock):
    [handoff_id] = await open_many(desk, 1, clock)
    assert await redis.get(keys.active("tg:0")) == handoff_id
    await desk.claim(handoff_id, "agent1")
    await desk.close(handoff_id, "agent1")
    assert await redis.get(keys.active("tg:0")) is None


async def test_overdue_handoffs_become_callbacks_and_leave_the_queue(desk, redis, keys, clock):
    ids = await open_many(desk, 2, clock)  # opened at t0 and t0+1, now t0+2
    clock.advance(598.5)  # the first has waited 600.5 s, the second 599.5 s
    assert set(await desk.overdue(600)) == {ids[0]}
    record = await desk.to_callback(ids[0])
    assert record["state"] == "callback"
    assert await redis.get(keys.active("tg:0")) is None
    assert (await desk.position(ids[1])).position == 1
    with pytest.raises(WrongState):
        await desk.to_callback(ids[0])
