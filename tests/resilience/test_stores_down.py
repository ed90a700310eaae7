"""When PostgreSQL (the tracker store) or Redis goes away, citizens' messages are kept (by the edge) or refused so
that Telegram and Twilio deliver them again; nothing is forgotten silently and nothing runs twice."""
import asyncio

import pytest

from stack import TelegramCitizen, lb_routes, user_texts

pytestmark = pytest.mark.asyncio



async def wait_for_readiness(stack, session, status: int, timeout: float = 20) -> dict:
    deadline = asyncio.get_event_loop().time() + timeout
    while True:
        answers = [await stack.ready(session, n) for n in (1, 2)]
        if all(code == status for code, _ in answers):
            return answers[0][1]
        if asyncio.get_event_loop().time() > deadline:
            raise AssertionError(f"readiness never became {status}: {answers}")
        await asyncio.sleep(0.5)


async def wait_for_balancer(stack, session, routes: bool, timeout: float = 20) -> None:
    deadline = asyncio.get_event_loop().time() + timeout
    while await lb_routes(session, stack.public) != routes:
        if asyncio.get_event_loop().time() > deadline:
            raise AssertionError(f"the balancer never {'routed' if routes else 'refused'}")
        await asyncio.sleep(0.3)


async def after(seconds: float, action) -> None:
    await asyncio.sleep(seconds)
    action()


async def test_without_its_database_a_message_is_kept_and_run_once_when_it_is_back(stack, session, chat_id):
    """The edge acknowledged a message Rasa cannot run (its tracker store is cut off: the internal channel answers
    503 before running anything) and keeps it; the edges leave the public rotation once no Rasa instance is ready
    (their readiness needs Rasa), so later messages are refused and redelivered; when the database is back both
    run, in order, once, in the same conversation."""
    citizen = TelegramCitizen(stack, session, chat_id)
    assert await citizen.send("count 1")
    assert await citizen.replies() == ["count 1"]

    stack.pg_proxy.cut()
    try:
        assert await citizen.send("count 2")  # reaches an edge before the balancer notices: acknowledged, kept
        body = await wait_for_readiness(stack, session, 503)
        assert "tracker_store" in body["failed"]
        await wait_for_balancer(stack, session, routes=False)  # no edge is ready without a ready Rasa
        assert await citizen.all_replies() == ["count 1"]  # nothing ran, nothing was answered wrongly
        # A message during the outage is refused (503) and redelivered until the database is back.
        delivered, _ = await asyncio.gather(citizen.send("count 3", attempts=80), after(3, stack.pg_proxy.restore))
    finally:
        stack.pg_proxy.restore()
    assert delivered
    assert await citizen.replies(at_least=2, wait=60) == ["count 2", "count 3"]  # the kept one first
    await wait_for_readiness(stack, session, 200)
    # The same conversation went on (count 1 kept); each message became one turn.
    assert await user_texts(session, stack, f"tg:{chat_id}") == ["count 1", "count 2", "count 3"]


async def test_a_redis_restart_keeps_the_message_and_runs_it_once(stack, session, chat_id):
    citizen = TelegramCitizen(stack, session, chat_id)
    assert await citizen.send("count 10")
    assert await citizen.replies() == ["count 10"]

    stack.kill("redis")
    try:
        delivered, _ = await asyncio.gather(citizen.send("count 11", attempts=80), after(3, stack.start_redis))
    finally:
        if stack.procs["redis"].poll() is not None:
            stack.start_redis()
    assert delivered
    assert await citizen.replies() == ["count 11"]
    await asyncio.sleep(1)
    assert await citizen.all_replies() == ["count 10", "count 11"]  # answered once
    assert await user_texts(session, stack, f"tg:{chat_id}") == ["count 10", "count 11"]
    await wait_for_readiness(stack, session, 200)
