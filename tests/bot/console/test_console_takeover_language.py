"""A takeover follows the citizen's language (the conversation's `language` slot in Rasa), and its hand-back ends
the form the takeover interrupted, so Rasa's hand-back rule runs and the citizen hears the agent has finished in
their language, not the form's next question (issue 13)."""
from __future__ import annotations

import pytest

from bot.console.appkeys import DESK
from bot.desk.texts import say

pytestmark = pytest.mark.asyncio

WEB_ID = "web:0c4e2a9b-3f1d-4b7a-8e6c-5d4c3b2a1f0e"


async def test_a_takeover_mid_form_is_in_the_citizens_language_and_hands_back_cleanly(console, agent1, upstream):
    upstream.say(WEB_ID, "user", "I want to pay my parking fine", intent="pay_fine")
    tracker = upstream.tracker(WEB_ID)
    tracker["slots"], tracker["active_loop"] = {"language": "en", "requested_slot": "payment_method"}, {"name": "pay_fine_form"}
    resp = await agent1.post("/api/takeover", {"conversation_id": WEB_ID, "reason": "stuck choosing how to pay"})
    assert resp.status == 201, await resp.text()
    handoff_id = (await resp.json())["handoff_id"]
    await console.app[DESK].drain_notices()
    assert say("claimed", "en", agent="agent1") != say("claimed", "ko", agent="agent1")
    assert [m["text"] for m in upstream.sent if m["conversation_id"] == WEB_ID] == [say("claimed", "en", agent="agent1")]
    mine = (await (await agent1.get("/api/mine")).json())["handoffs"]
    assert [(h["id"], h["language"]) for h in mine] == [(handoff_id, "en")]

    assert (await agent1.post(f"/api/handoffs/{handoff_id}/close", {"survey": False})).status == 200
    events = [e for cid, e in upstream.appended if cid == WEB_ID]
    assert {"event": "active_loop", "name": None} in events[events.index({"event": "resume"}):]
    [(cid, body, _)] = upstream.triggered
    assert cid == WEB_ID and body["name"] == "EXTERNAL_handback"


async def test_without_a_language_slot_a_takeover_is_korean(console, agent1, upstream):
    upstream.say("tg:66001", "user", "과태료", intent="pay_fine")
    resp = await agent1.post("/api/takeover", {"conversation_id": "tg:66001", "reason": "결제 오류 확인 필요"})
    assert resp.status == 201
    await console.app[DESK].drain_notices()
    assert [m["text"] for m in upstream.sent if m["conversation_id"] == "tg:66001"] == [say("claimed", "ko", agent="agent1")]
