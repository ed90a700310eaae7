"""Closing a handoff is idempotent (issue 14): a close retried after its hand-back reached Rasa but its answer did
not reach the console (too late, the balancer's 504), a double click, or an agent and a supervisor at once, hand
the conversation back exactly once and answer that it is closed; a close whose hand-back did not happen leaves
the handoff open so the agent can try again. The console is the real app with a short timeout towards Rasa; Rasa
is the loopback stand-in, made slow or lossy on purpose."""
import asyncio

import pytest
import pytest_asyncio
from console_helpers import escalate, log_in

from bot.console.app import create_app

pytestmark = pytest.mark.asyncio

TIMEOUT_S = 0.5  # how long the console waits for Rasa's hand-back in these tests (70 s in production)


@pytest_asyncio.fixture
async def desk(aiohttp_server, aiohttp_client, make_settings):
    """A console that waits for Rasa's hand-back only briefly; answers (handoff bot client, staff log-in)."""
    async def make(**overrides):
        server = await aiohttp_server(create_app(make_settings(handback_timeout_seconds=TIMEOUT_S, **overrides)))
        bot = await aiohttp_client(server)

        async def staff(username: str):
            return await log_in(await aiohttp_client(server), username, f"{username}-demo")
        return bot, staff
    return make


async def claimed(bot, agent, conversation_id: str, key: str) -> str:
    handoff_id = (await (await escalate(bot, conversation_id, key)).json())["handoff_id"]
    assert (await agent.post(f"/api/handoffs/{handoff_id}/claim")).status == 200
    return handoff_id


def hand_backs(upstream, conversation_id: str) -> dict[str, int]:
    """What reached Rasa for this conversation: resumes, triggers run, EXTERNAL_handback events in the tracker."""
    events = upstream.tracker(conversation_id)["events"]
    return {
        "resumes": sum(1 for cid, e in upstream.appended if cid == conversation_id and e == {"event": "resume"}),
        "triggers": sum(1 for cid, _, _ in upstream.triggered if cid == conversation_id),
        "handback_events": sum(1 for e in events if e.get("event") == "user"
                               and e["parse_data"]["intent"]["name"] == "EXTERNAL_handback"),
    }


async def still_open(agent, redis, namespace, conversation_id: str, handoff_id: str) -> bool:
    mine = await (await agent.get("/api/mine")).json()
    return (await redis.get(f"{namespace}active:{conversation_id}") == handoff_id
            and [h["id"] for h in mine["handoffs"]] == [handoff_id])


async def closed_in_history(agent, handoff_id: str) -> bool:
    history = await (await agent.get("/api/history")).json()
    return [h["state"] for h in history["handoffs"] if h["id"] == handoff_id] == ["closed"]


async def test_a_retried_close_whose_first_hand_back_answered_too_late_hands_back_once(desk, upstream, redis, namespace):
    bot, staff = await desk()
    agent = await staff("agent1")
    handoff_id = await claimed(bot, agent, "tg:7101", "late")
    upstream.answer_delay = 4 * TIMEOUT_S  # Rasa runs the hand-back, its answer comes after the console gave up
    first = await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
    assert first.status == 502 and (await first.json())["code"] == "upstream_unavailable"
    assert await still_open(agent, redis, namespace, "tg:7101", handoff_id)
    upstream.answer_delay = 0
    again = await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
    assert again.status == 200, await again.text()
    assert hand_backs(upstream, "tg:7101") == {"resumes": 1, "triggers": 1, "handback_events": 1}
    assert await redis.get(f"{namespace}active:tg:7101") is None
    assert await closed_in_history(agent, handoff_id)


async def test_a_retried_close_after_the_balancers_504_hands_back_once(desk, upstream):
    bot, staff = await desk()
    agent = await staff("agent1")
    handoff_id = await claimed(bot, agent, "tg:7102", "504")
    upstream.trigger_status = 504  # the balancer gave up, the Rasa instance went on and handed back
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": False})).status == 502
    upstream.trigger_status = None
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": False})).status == 200
    assert hand_backs(upstream, "tg:7102") == {"resumes": 1, "triggers": 1, "handback_events": 1}


async def test_a_hand_back_lost_on_the_way_is_sent_again_once(desk, upstream, redis, namespace):
    bot, staff = await desk()
    agent = await staff("agent1")
    handoff_id = await claimed(bot, agent, "tg:7104", "lost")
    upstream.drop_triggers = 1  # the balancer answers 504 and Rasa never runs the trigger
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 502
    assert await still_open(agent, redis, namespace, "tg:7104", handoff_id)
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 200
    counts = hand_backs(upstream, "tg:7104")
    assert counts["triggers"] == 1 and counts["handback_events"] == 1
    assert await redis.get(f"{namespace}active:tg:7104") is None


async def test_a_hand_back_rasa_refused_is_sent_again_at_once(desk, upstream, redis, namespace):
    bot, staff = await desk()
    agent = await staff("agent1")
    handoff_id = await claimed(bot, agent, "tg:7105", "refused")
    upstream.refuse_triggers = 1  # Rasa answered 500: it finished without handing back
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 502
    assert await still_open(agent, redis, namespace, "tg:7105", handoff_id)
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 200
    counts = hand_backs(upstream, "tg:7105")
    assert counts["triggers"] == 1 and counts["handback_events"] == 1


async def test_a_double_click_and_a_supervisor_at_the_same_time_hand_back_once(desk, upstream):
    bot, staff = await desk()
    agent, supervisor = await staff("agent1"), await staff("supervisor")
    handoff_id = await claimed(bot, agent, "tg:7106", "double")
    answers = await asyncio.gather(*(who.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
                                     for who in (agent, agent, supervisor)))
    assert [a.status for a in answers] == [200, 200, 200]
    assert hand_backs(upstream, "tg:7106") == {"resumes": 1, "triggers": 1, "handback_events": 1}
    assert await closed_in_history(agent, handoff_id)


async def test_closing_again_after_a_close_that_went_through_answers_the_same_and_sends_nothing(desk, upstream):
    bot, staff = await desk()
    agent, other = await staff("agent1"), await staff("agent2")
    handoff_id = await claimed(bot, agent, "tg:7107", "again")
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 200
    assert (await agent.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 200
    refused = await other.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
    assert refused.status == 403 and (await refused.json())["code"] == "not_yours"
    assert hand_backs(upstream, "tg:7107") == {"resumes": 1, "triggers": 1, "handback_events": 1}
