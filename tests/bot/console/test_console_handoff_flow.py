"""From escalation to hand-back, as the action server, the agents and the citizen's channel see it."""
import asyncio

import pytest
from console_helpers import HANDOFF_TOKEN, escalate

from bot.console.appkeys import DESK

pytestmark = pytest.mark.asyncio


async def test_escalation_is_queued_with_position_and_wait_and_repeats_give_the_same_handoff(bot):
    first = await escalate(bot, "tg:1001", "k1")
    assert first.status == 201
    body = await first.json()
    assert body["open"] is True and body["callback_offered"] is False
    assert body["queue"] == "ko:payments" and body["position"] == 1 and body["estimated_wait_seconds"] > 0
    second = await escalate(bot, "tg:1002", "k2")
    assert (await second.json())["position"] == 2
    again = await escalate(bot, "tg:1001", "k1")
    assert again.status == 200 and (await again.json())["handoff_id"] == body["handoff_id"]


async def test_escalation_without_the_handoff_token_is_refused(bot):
    resp = await bot.post("/v1/handoffs", json={"conversation_id": "tg:1", "idempotency_key": "x"})
    assert resp.status == 401 and (await resp.json())["code"] == "unauthorized"


async def test_the_edge_sees_the_active_key_while_a_person_has_the_conversation(bot, agent1, redis, namespace, upstream):
    handoff_id = (await (await escalate(bot, "tg:1003", "k3")).json())["handoff_id"]
    assert await redis.get(f"{namespace}active:tg:1003") == handoff_id
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
    assert resp.status == 200
    assert await redis.get(f"{namespace}active:tg:1003") is None


async def test_two_agents_claiming_at_once_one_wins_and_the_other_is_told_who(bot, agent1, agent2):
    handoff_id = (await (await escalate(bot, "tg:2001", "race")).json())["handoff_id"]
    r1, r2 = await asyncio.gather(agent1.post(f"/api/handoffs/{handoff_id}/claim"),
                                  agent2.post(f"/api/handoffs/{handoff_id}/claim"))
    statuses = sorted([r1.status, r2.status])
    assert statuses == [200, 409]
    loser = r1 if r1.status == 409 else r2
    winner = "agent1" if r1.status == 200 else "agent2"
    body = await loser.json()
    assert body["code"] == "already_claimed" and winner in body["message"]
    mine = await (await (agent1 if winner == "agent1" else agent2).get("/api/mine")).json()
    assert [h["id"] for h in mine["handoffs"]] == [handoff_id]


async def test_the_agent_sees_the_handoff_packet_with_transcript_form_errors_and_masked_phone(bot, agent1, upstream):
    upstream.say("sms:+821012345678", "user", "과태료 내고 싶어요", intent="pay_fine")
    upstream.say("sms:+821012345678", "bot", "어떤 과태료를 내시겠어요?")
    upstream.say("sms:+821012345678", "user", "상담원 연결", intent="request_human")
    handoff_id = (await (await escalate(bot, "sms:+821012345678", "p1", channel="sms",
                                        form={"name": "pay_fine_form", "slots": {"fine_ids": ["FN-2026-000001"],
                                                                                  "citizen_token": "SECRET"}})).json())["handoff_id"]
    packet = await (await agent1.get(f"/api/handoffs/{handoff_id}")).json()
    h = packet["handoff"]
    assert h["masked_phone"] == "010-****-5678" and h["channel"] == "sms" and h["language"] == "ko"
    assert h["verified"] is False and packet["records"]["available"] is False
    assert [t["text"] for t in packet["transcript_before"]] == ["과태료 내고 싶어요", "어떤 과태료를 내시겠어요?", "상담원 연결"]
    assert packet["intent"] == "pay_fine" and packet["form"]["name"] == "pay_fine_form"
    assert packet["form"]["slots"]["fine_ids"] == ["FN-2026-000001"]
    assert "citizen_token" not in packet["form"]["slots"]
    assert packet["last_errors"] == ["govapi_timeout"]


async def test_a_reply_reaches_the_citizen_channel_and_the_rasa_transcript(bot, agent1, upstream):
    handoff_id = (await (await escalate(bot, "tg:3001", "r1")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/reply", {"text": "안녕하세요, 상담원입니다."})
    assert resp.status == 200
    reply = [s for s in upstream.sent if s["text"] == "안녕하세요, 상담원입니다."]
    assert reply == [{"conversation_id": "tg:3001", "text": "안녕하세요, 상담원입니다.", "kind": "agent", "channel": "telegram"}]
    appended = [e for cid, e in upstream.appended if cid == "tg:3001" and e.get("text") == "안녕하세요, 상담원입니다."]
    assert appended and appended[0]["event"] == "bot" and appended[0]["metadata"] == {"agent": "agent1"}


async def test_a_reply_to_a_citizen_who_opted_out_of_sms_is_refused_with_the_reason_and_kept(bot, agent1, upstream):
    upstream.opted_out.add("sms:+821099998888")
    handoff_id = (await (await escalate(bot, "sms:+821099998888", "o1", channel="sms")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/reply", {"text": "문자로 안내드립니다"})
    assert resp.status == 409
    body = await resp.json()
    assert body["code"] == "opted_out" and "STOP" in body["message"]
    assert not [s for s in upstream.sent if s["text"] == "문자로 안내드립니다"]
    packet = await (await agent1.get(f"/api/handoffs/{handoff_id}")).json()
    refused = [m for m in packet["messages"] if m["text"] == "문자로 안내드립니다"]
    assert refused and refused[0]["status"] == "refused" and refused[0]["refusal"] == "opted_out"


async def test_only_the_owner_can_reply(bot, agent1, agent2):
    handoff_id = (await (await escalate(bot, "tg:3002", "r2")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await agent2.post(f"/api/handoffs/{handoff_id}/reply", {"text": "hi"})
    assert resp.status == 403 and (await resp.json())["code"] == "not_yours"


async def test_close_hands_back_and_the_satisfaction_score_lands_in_history(bot, agent1, upstream):
    handoff_id = (await (await escalate(bot, "tg:4001", "c1")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})).status == 200
    events = [e for cid, e in upstream.appended if cid == "tg:4001"]
    # A takeover pauses mid-form: the hand-back ends the form so Rasa's hand-back rule (the agent has finished)
    # runs instead of the form asking its question again.
    assert events[-4:] == [{"event": "resume"}, {"event": "active_loop", "name": None},
                           {"event": "slot", "name": "requested_slot", "value": None},
                           {"event": "action", "name": "action_listen"}]
    [(cid, body, output)] = upstream.triggered
    assert cid == "tg:4001" and output == "latest"
    assert body == {"name": "EXTERNAL_handback", "entities": {"satisfaction_survey": True, "handoff_id": handoff_id}}
    score = await bot.post(f"/v1/handoffs/{handoff_id}/satisfaction", json={"score": 4},
                           headers={"Authorization": "Bearer test-handoff-token"})
    assert score.status == 200
    history = await (await agent1.get("/api/history")).json()
    [row] = [h for h in history["handoffs"] if h["id"] == handoff_id]
    assert row["state"] == "closed" and row["satisfaction"] == 4


async def test_a_satisfaction_score_outside_1_to_5_is_refused(bot, agent1):
    handoff_id = (await (await escalate(bot, "tg:4002", "c2")).json())["handoff_id"]
    resp = await bot.post(f"/v1/handoffs/{handoff_id}/satisfaction", json={"score": 9},
                          headers={"Authorization": "Bearer test-handoff-token"})
    assert resp.status == 400


async def test_when_rasa_cannot_resume_the_handoff_stays_with_the_agent(bot, agent1, upstream, redis, namespace):
    handoff_id = (await (await escalate(bot, "tg:4003", "c3")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    upstream.rasa_down = True
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
    assert resp.status == 502 and (await resp.json())["code"] == "upstream_unavailable"
    assert await redis.get(f"{namespace}active:tg:4003") == handoff_id
    mine = await (await agent1.get("/api/mine")).json()
    assert [h["id"] for h in mine["handoffs"]] == [handoff_id]


async def test_transfer_to_a_colleague_moves_ownership_and_tells_the_citizen(console, bot, agent1, agent2, upstream):
    handoff_id = (await (await escalate(bot, "tg:5001", "t1")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/transfer", {"agent": "agent2"})
    assert resp.status == 200
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/reply", {"text": "x"})).status == 403
    assert (await agent2.post(f"/api/handoffs/{handoff_id}/reply", {"text": "이어서 도와드릴게요"})).status == 200
    await console.app[DESK].drain_notices()
    assert any("다른 상담원" in s["text"] for s in upstream.sent if s["conversation_id"] == "tg:5001")


async def test_transfer_to_another_queue_puts_it_back_in_line(bot, agent1):
    handoff_id = (await (await escalate(bot, "tg:5002", "t2")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    await agent1.post(f"/api/handoffs/{handoff_id}/transfer", {"language": "en", "skill": "address"})
    queue = await (await agent1.get("/api/queue")).json()
    [row] = [w for w in queue["waiting"] if w["id"] == handoff_id]
    assert row["queue"] == "en:address" and row["position"] == 1


async def test_notes_are_kept_and_shown_to_staff_only(bot, agent1, upstream):
    handoff_id = (await (await escalate(bot, "tg:5003", "n1")).json())["handoff_id"]
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/notes", {"text": "두 번 결제 실패"})).status == 201
    packet = await (await agent1.get(f"/api/handoffs/{handoff_id}")).json()
    assert packet["notes"][0]["text"] == "두 번 결제 실패" and packet["notes"][0]["author"] == "agent1"
    assert not [s for s in upstream.sent if "결제 실패" in s["text"]]


async def test_waiting_citizens_are_told_when_their_place_moves_a_lot(console, bot, agent1, upstream):
    ids = [(await (await escalate(bot, f"tg:60{n}", f"w{n}")).json())["handoff_id"] for n in range(5)]
    for handoff_id in ids[:3]:
        await agent1.post(f"/api/handoffs/{handoff_id}/claim")
        await console.app[DESK].drain_notices()
    told = [s for s in upstream.sent if s["conversation_id"] == "tg:604" and "대기" in s["text"]]
    assert len(told) == 1 and "2번째" in told[0]["text"]  # from 5th to 2nd: told once, not at every step
    told = [s["text"] for s in upstream.sent if s["conversation_id"] == "tg:603" and "대기" in s["text"]]
    assert len(told) == 1 and "1번째" in told[0]  # 4th -> 1st


async def test_an_sms_conversation_id_reaches_rasa_unescaped(bot, agent1, upstream):
    handoff_id = (await (await escalate(bot, "sms:+821077776666", "raw", channel="sms")).json())["handoff_id"]
    await agent1.get(f"/api/handoffs/{handoff_id}")
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    await agent1.post(f"/api/handoffs/{handoff_id}/close", {"survey": True})
    sms_paths = [p for p in upstream.raw_paths if "821077776666" in p]
    assert sms_paths and all(p.startswith("/conversations/sms:+821077776666/") for p in sms_paths)


WEB_ID = "web:5b1e0c2a-7d3f-4e8a-9b1c-2d3e4f5a6b7c"


async def test_an_agent_can_take_a_live_conversation_from_the_bot_with_a_reason(agent1, upstream, redis, namespace):
    upstream.say(WEB_ID, "user", "I keep getting an error", intent="complain")
    resp = await agent1.post("/api/takeover", {"conversation_id": WEB_ID, "language": "en",
                                               "reason": "citizen stuck in a loop on payment"})
    assert resp.status == 201
    body = await resp.json()
    assert (WEB_ID, {"event": "pause"}) in upstream.appended
    assert await redis.get(f"{namespace}active:{WEB_ID}") == body["handoff_id"]
    mine = (await (await agent1.get("/api/mine")).json())["handoffs"]
    assert [(h["id"], h["reason"], h["language"]) for h in mine] == [(body["handoff_id"], "agent", "en")]


async def test_a_takeover_needs_a_real_conversation_id(agent1):
    resp = await agent1.post("/api/takeover", {"conversation_id": "12345"})
    assert resp.status == 400 and (await resp.json())["code"] == "invalid_request"


async def _withdraw(bot, handoff_id, conversation_id, token=HANDOFF_TOKEN):
    return await bot.post(f"/v1/handoffs/{handoff_id}/withdraw", json={"conversation_id": conversation_id},
                          headers={"Authorization": f"Bearer {token}"})


async def test_a_citizen_who_takes_the_request_back_while_queued_leaves_the_queue(bot, redis, namespace):
    handoff_id = (await (await escalate(bot, "tg:3101", "w1")).json())["handoff_id"]
    behind = (await (await escalate(bot, "tg:3102", "w2")).json())["handoff_id"]
    resp = await _withdraw(bot, handoff_id, "tg:3101")
    assert resp.status == 200 and (await resp.json())["withdrawn"] is True
    assert await redis.get(f"{namespace}active:tg:3101") is None  # the edge stops copying to the desk
    status = await (await bot.get(f"/v1/handoffs/{handoff_id}",
                                  headers={"Authorization": f"Bearer {HANDOFF_TOKEN}"})).json()
    assert status["open"] is False
    moved_up = await (await bot.get(f"/v1/handoffs/{behind}", headers={"Authorization": f"Bearer {HANDOFF_TOKEN}"})).json()
    assert moved_up["position"] == 1  # the next citizen moves up
    again = await _withdraw(bot, handoff_id, "tg:3101")  # a retried turn: the same answer, nothing more happens
    assert again.status == 200 and (await again.json())["withdrawn"] is True


async def test_a_request_an_agent_has_taken_cannot_be_withdrawn(bot, agent1):
    handoff_id = (await (await escalate(bot, "tg:3201", "w3")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    resp = await _withdraw(bot, handoff_id, "tg:3201")
    assert resp.status == 409 and (await resp.json())["code"] == "wrong_state"


async def test_a_withdrawal_needs_the_token_and_the_conversation_it_belongs_to(bot):
    handoff_id = (await (await escalate(bot, "tg:3301", "w4")).json())["handoff_id"]
    assert (await _withdraw(bot, handoff_id, "tg:3301", token="wrong")).status == 401
    other = await _withdraw(bot, handoff_id, "tg:9999")
    assert other.status == 404
    missing = await bot.post(f"/v1/handoffs/{handoff_id}/withdraw", json={},
                             headers={"Authorization": f"Bearer {HANDOFF_TOKEN}"})
    assert missing.status == 400
