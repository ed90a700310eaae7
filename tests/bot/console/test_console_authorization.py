"""Who may read and write which case: every case route x role x ownership, queue views, callbacks, takeover."""
import time

import pytest
import pytest_asyncio
from console_helpers import escalate, log_in

from bot.console.appkeys import DB
from bot.console.seed import add_staff

pytestmark = pytest.mark.asyncio
WEB_ID = "web:0f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b"


@pytest_asyncio.fixture
async def agent3(aiohttp_client, console):
    """An agent serving only Korean address questions (every demo agent serves every queue)."""
    await add_staff(console.app[DB], "agent3", "agent3-demo", "agent", "Agent Three", languages="ko", skills=("address",))
    return await log_in(await aiohttp_client(console), "agent3", "agent3-demo")


ROUTES = {  # name -> (method, path tail, body)
    "packet": ("GET", "", None),
    "reveal": ("POST", "/reveal", {"fields": ["phone"]}),
    "note": ("POST", "/notes", {"text": "checked the payment"}),
    "claim": ("POST", "/claim", {}),
    "reply": ("POST", "/reply", {"text": "hello"}),
    "transfer": ("POST", "/transfer", {"language": "en", "skill": "general"}),
    "close": ("POST", "/close", {"survey": False}),
}
A, S = 200, "ok-or-409"  # S: allowed past the access rule; the case's state may still refuse (409)
# state of a ko:payments handoff -> route -> expected status for agent1 (owner once claimed), agent2 (serves the
# queue, not the owner), agent3 (serves another queue), supervisor
TABLE = {
    "queued": {"packet": (A, A, 403, A), "reveal": (A, A, 403, A), "note": (201, 201, 403, 201),
               "claim": (A, A, 403, A), "reply": (403, 403, 403, 403), "transfer": (409, 409, 403, 409),
               "close": (403, 403, 403, 403)},
    "claimed": {"packet": (A, 403, 403, A), "reveal": (A, 403, 403, A), "note": (201, 403, 403, 201),
                "claim": (409, 409, 403, 409), "reply": (A, 403, 403, A), "transfer": (A, 403, 403, A),
                "close": (A, 403, 403, A)},
    "closed": {"packet": (A, 403, 403, A), "reveal": (A, 403, 403, A), "note": (201, 403, 403, 201),
               "claim": (409, 409, 403, 409), "reply": (403, 403, 403, 403), "transfer": (409, 403, 403, 409),
               # closing again is the owner's (or a supervisor's) retry: the same answer, no second hand-back
               "close": (A, 403, 403, A)},
}


async def case_in(state: str, bot, owner, n: int) -> str:
    handoff_id = (await (await escalate(bot, f"sms:+8210555{n:05d}", f"authz-{n}", channel="sms")).json())["handoff_id"]
    if state in ("claimed", "closed"):
        assert (await owner.post(f"/api/handoffs/{handoff_id}/claim")).status == 200
    if state == "closed":
        assert (await owner.post(f"/api/handoffs/{handoff_id}/close", {"survey": False})).status == 200
    return handoff_id


async def test_every_case_route_by_role_and_ownership(bot, agent1, agent2, agent3, supervisor):
    staff = (agent1, agent2, agent3, supervisor)
    n, wrong = 0, []
    for state, routes in TABLE.items():
        for route, expected in routes.items():
            method, tail, body = ROUTES[route]
            for who, want in zip(staff, expected):
                n += 1
                handoff_id = await case_in(state, bot, agent1, n)
                path = f"/api/handoffs/{handoff_id}{tail}"
                resp = await (who.get(path) if method == "GET" else who.post(path, body))
                answer = await resp.json()
                if resp.status != want:
                    wrong.append(f"{state} {route} by {who.username}: {resp.status} {answer.get('code')}, wanted {want}")
                if want == 403:
                    assert answer["code"] == "not_yours" and "handoff" not in answer
                    packet = await (await supervisor.get(f"/api/handoffs/{handoff_id}")).json()
                    assert packet["notes"] == [] and packet["handoff"]["state"] == state  # nothing changed
    assert not wrong, "\n".join(wrong)


async def test_an_agent_sees_only_the_queues_they_serve(bot, agent1, agent3, supervisor):
    payments = (await (await escalate(bot, "tg:7301", "q1")).json())["handoff_id"]
    address = (await (await escalate(bot, "tg:7302", "q2", skill="address")).json())["handoff_id"]
    english = (await (await escalate(bot, "tg:7303", "q3", skill="address", language="en")).json())["handoff_id"]
    seen = {who.username: {w["id"] for w in (await (await who.get("/api/queue")).json())["waiting"]}
            for who in (agent1, agent3, supervisor)}
    assert seen == {"agent1": {payments, address, english}, "agent3": {address}, "supervisor": {payments, address, english}}
    assert (await agent3.post(f"/api/handoffs/{address}/claim")).status == 200
    assert (await agent3.post(f"/api/handoffs/{english}/claim")).status == 403


async def test_a_transfer_goes_only_to_an_active_colleague(bot, agent1):
    handoff_id = (await (await escalate(bot, "tg:7304", "tr")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/transfer", {"agent": "nobody"})
    assert resp.status == 400 and "nobody" in (await resp.json())["message"]
    assert [h["id"] for h in (await (await agent1.get("/api/mine")).json())["handoffs"]] == [handoff_id]


async def test_callback_tickets_show_only_to_agents_of_their_queue(aiohttp_server, aiohttp_client, make_settings, bot,
                                                                  agent1, agent3, console):
    from bot.console.appkeys import DESK
    console.app[DESK].max_wait_seconds = 0
    await escalate(bot, "tg:7305", "cb")  # ko:payments
    assert await console.app[DESK].sweep() == 1
    [ticket] = (await (await agent1.get("/api/callbacks")).json())["callbacks"]
    assert (await (await agent3.get("/api/callbacks")).json())["callbacks"] == []
    assert (await agent3.post(f"/api/callbacks/{ticket['id']}/done")).status == 403
    assert (await agent1.post(f"/api/callbacks/{ticket['id']}/done")).status == 200


# --- takeover ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("conversation_id", ["zz:1", "tg:../../model", "tg:12a", "web:5b1e", "sms:010", "12345", ""])
async def test_a_takeover_of_an_id_no_channel_makes_is_refused(agent1, conversation_id):
    resp = await agent1.post("/api/takeover", {"conversation_id": conversation_id, "reason": "citizen asked by phone"})
    assert resp.status == 400 and (await resp.json())["code"] == "invalid_request"


async def test_a_takeover_of_a_conversation_nobody_had_is_not_found(supervisor, upstream):
    resp = await supervisor.post("/api/takeover", {"conversation_id": "tg:424242"})
    assert resp.status == 404 and (await resp.json())["code"] == "not_found"
    assert ("tg:424242", {"event": "pause"}) not in upstream.appended  # the bot was not paused for nothing


async def test_an_agent_needs_a_written_reason_and_a_supervisor_does_not(agent1, supervisor, upstream):
    upstream.say(WEB_ID, "user", "hello?", intent="greet")
    resp = await agent1.post("/api/takeover", {"conversation_id": WEB_ID})
    assert resp.status == 400 and (await resp.json())["code"] == "reason_required"
    assert (await supervisor.post("/api/takeover", {"conversation_id": WEB_ID})).status == 201
    again = await agent1.post("/api/takeover", {"conversation_id": WEB_ID, "reason": "the supervisor asked me to"})
    assert again.status == 409  # a person has it already


async def test_a_takeover_is_audited_with_who_what_and_why(agent1, supervisor, upstream):
    upstream.say("tg:5150", "user", "결제가 안 돼요", intent="pay_fine")
    resp = await agent1.post("/api/takeover", {"conversation_id": "tg:5150", "reason": "payment loop, citizen upset"})
    handoff_id = (await resp.json())["handoff_id"]
    entries = (await (await supervisor.get("/api/audit")).json())["entries"]
    [entry] = [e for e in entries if e["action"] == "takeover"]
    assert entry["actor"] == "agent1" and entry["target"] == handoff_id
    assert entry["detail"]["reason"] == "payment loop, citizen upset" and entry["detail"]["conversation"] == "tg:5150"


async def test_a_conversation_silent_for_days_cannot_be_taken_over(supervisor, upstream):
    upstream.say("tg:5151", "user", "hi", intent="greet", at=time.time() - 3 * 86400)
    resp = await supervisor.post("/api/takeover", {"conversation_id": "tg:5151"})
    assert resp.status == 409 and "silent" in (await resp.json())["message"]
