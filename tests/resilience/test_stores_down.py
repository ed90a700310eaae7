"""When PostgreSQL (the tracker store) or Redis goes away, citizens are told or their message is kept;
nothing is forgotten silently and nothing runs twice."""
import asyncio

import pytest

from stack import TelegramCitizen, lb_routes, user_texts

pytestmark = pytest.mark.asyncio

APOLOGY_EN = "We cannot keep your conversation right now. Please try again shortly."


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


async def test_without_its_database_the_citizen_is_told_and_the_conversation_is_not_restarted(stack, session, chat_id):
    citizen = TelegramCitizen(stack, session, chat_id)
    assert await citizen.send("count 1")
    assert await citizen.replies() == ["count 1"]

    stack.pg_proxy.cut()
    try:
        assert await citizen.send("count 2")  # reaches an instance before the balancer notices
        assert await citizen.replies() == [APOLOGY_EN]
        body = await wait_for_readiness(stack, session, 503)
        assert "tracker_store" in body["failed"]
        await wait_for_balancer(stack, session, routes=False)  # both instances out of the rotation
        # A message during the outage is refused (503) and redelivered until the database is back.
        delivered, _ = await asyncio.gather(citizen.send("count 3", attempts=80), after(3, stack.pg_proxy.restore))
    finally:
        stack.pg_proxy.restore()
    assert delivered
    assert await citizen.replies() == ["count 3"]
    await wait_for_readiness(stack, session, 200)
    # The same conversation went on (count 1 kept); the refused turn left nothing behind.
    assert await user_texts(session, stack, f"tg:{chat_id}") == ["count 1", "count 3"]


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
