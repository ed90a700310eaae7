"""What an agent sees of a citizen: one-time codes never, phone and birth date masked until revealed (audited)."""
import pytest
from console_helpers import escalate

pytestmark = pytest.mark.asyncio
CID = "tg:8801"


def verification_talk(upstream) -> None:
    """A verification step as Rasa's tracker records it, then a request for a person."""
    upstream.say(CID, "user", "과태료 조회하고 싶어요", intent="check_fines")
    upstream.say(CID, "bot", "휴대폰 번호를 알려주세요.")
    upstream.say(CID, "user", "010-1234-5678", intent="inform")
    upstream.say(CID, "bot", "생년월일을 알려주세요.")
    upstream.say(CID, "user", "1985-03-14", intent="inform")
    events = upstream.tracker(CID)["events"]
    events.append({"event": "slot", "name": "requested_slot", "value": "otp_code"})
    events.append({"event": "action", "name": "action_ask_otp_code"})
    upstream.say(CID, "bot", "010-****-5678로 보낸 인증번호 6자리를 입력해주세요. (test code 482913)")
    upstream.say(CID, "user", "482 913", intent="inform")
    events.append({"event": "slot", "name": "requested_slot", "value": None})
    upstream.say(CID, "user", "상담원 연결해 주세요", intent="request_human")


async def test_codes_phones_and_birth_dates_are_masked_in_the_transcript(bot, agent1, upstream):
    verification_talk(upstream)
    handoff_id = (await (await escalate(bot, CID, "m1")).json())["handoff_id"]
    packet = await (await agent1.get(f"/api/handoffs/{handoff_id}")).json()
    texts = [t["text"] for t in packet["transcript_before"]]
    shown = str(packet)
    for secret in ("1234-5678", "1985-03-14", "482913", "482 913"):
        assert secret not in shown, secret
    assert "010-****-5678" in texts[2] and "****-**-**" in texts[4]
    assert texts[5].endswith("(test code ******)") and texts[6] == "******"
    assert texts[-1] == "상담원 연결해 주세요"  # ordinary words untouched


async def test_a_reveal_shows_what_was_asked_for_that_view_only_and_is_audited(bot, agent1, supervisor, upstream):
    verification_talk(upstream)
    handoff_id = (await (await escalate(bot, CID, "m2")).json())["handoff_id"]
    resp = await agent1.post(f"/api/handoffs/{handoff_id}/reveal", {"fields": ["phone"]})
    assert resp.status == 200
    revealed = str(await resp.json())
    assert "010-1234-5678" in revealed and "1985-03-14" not in revealed and "482913" not in revealed
    both = str(await (await agent1.post(f"/api/handoffs/{handoff_id}/reveal", {"fields": ["phone", "birth_date"]})).json())
    assert "1985-03-14" in both and "482913" not in both and "482 913" not in both  # a code is never revealed
    again = str(await (await agent1.get(f"/api/handoffs/{handoff_id}")).json())
    assert "010-1234-5678" not in again and "1985-03-14" not in again  # the next view is masked again
    entries = (await (await supervisor.get("/api/audit")).json())["entries"]
    reveals = [(e["actor"], e["detail"]["fields"]) for e in entries if e["action"] == "reveal" and e["target"] == handoff_id]
    assert sorted(reveals) == [("agent1", ["birth_date", "phone"]), ("agent1", ["phone"])]
    assert all(e["at"] for e in entries if e["action"] == "reveal")


async def test_a_reveal_names_what_it_shows(bot, agent1):
    handoff_id = (await (await escalate(bot, CID, "m3")).json())["handoff_id"]
    for fields in (None, [], ["otp_code"], "phone", [True]):
        resp = await agent1.post(f"/api/handoffs/{handoff_id}/reveal", {"fields": fields})
        assert resp.status == 400, fields


async def test_an_sms_number_is_masked_in_every_list_and_the_packet(bot, agent1, supervisor):
    handoff_id = (await (await escalate(bot, "sms:+821098765432", "m4", channel="sms")).json())["handoff_id"]
    queue = await (await agent1.get("/api/queue")).json()
    assert [w["conversation_id"] for w in queue["waiting"]] == ["sms:010-****-5432"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    mine = await (await agent1.get("/api/mine")).json()
    packet = await (await agent1.get(f"/api/handoffs/{handoff_id}")).json()
    assert "98765432" not in str(mine) + str(packet)
    revealed = await (await agent1.post(f"/api/handoffs/{handoff_id}/reveal", {"fields": ["phone"]})).json()
    assert revealed["handoff"]["conversation_id"] == "sms:+821098765432"
    assert revealed["handoff"]["masked_phone"] == "+821098765432"


async def test_a_web_chat_session_id_is_not_shown_whole(bot, agent1):
    web_id = "web:0f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b"
    await escalate(bot, web_id, "m5")
    [row] = (await (await agent1.get("/api/queue")).json())["waiting"]
    assert row["conversation_id"] == "web:0f1e2d3c…" and "4b5a-4987" not in str(row)


async def test_citizen_messages_to_the_agent_are_masked_too(bot, agent1, redis, namespace, console):
    from bot.console.appkeys import DESK
    handoff_id = (await (await escalate(bot, "tg:8802", "m6")).json())["handoff_id"]
    said = "제 번호는 010 2222 3333, 생일은 1990년 5월 6일"
    await console.app[DESK].ingest("1-0", {"conversation_id": "tg:8802", "text": said})
    packet = await (await agent1.get(f"/api/handoffs/{handoff_id}")).json()
    [message] = [m["text"] for m in packet["messages"] if m["who"] == "citizen"]
    assert "2222" not in message and "3333" in message and "1990" not in message
