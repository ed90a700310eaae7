"""Who may do what: login with the right password and the form token, CSRF on every write, roles, expiry, audit."""
import asyncio

import pytest
from console_helpers import escalate, log_in

from bot.console.app import create_app

pytestmark = pytest.mark.asyncio


async def test_the_wrong_password_is_refused_with_a_plain_message(aiohttp_client, console):
    client = await aiohttp_client(console)
    token = (await (await client.get("/api/login-token")).json())["csrf"]
    resp = await client.post("/api/login", json={"username": "agent1", "password": "nope"}, headers={"X-CSRF-Token": token})
    assert resp.status == 401 and (await resp.json())["message"] == "Wrong username or password."
    unknown = await client.post("/api/login", json={"username": "ghost", "password": "nope"}, headers={"X-CSRF-Token": token})
    assert (await unknown.json()) == (await resp.json())  # unknown user and wrong password look the same


async def test_login_without_the_form_token_is_refused(aiohttp_client, console):
    client = await aiohttp_client(console)
    resp = await client.post("/api/login", json={"username": "agent1", "password": "agent1-demo"})
    assert resp.status == 403 and (await resp.json())["code"] == "csrf_failed"


async def test_pages_api_need_a_login(aiohttp_client, console):
    client = await aiohttp_client(console)
    for path in ("/api/queue", "/api/me", "/api/history", "/api/dashboard"):
        resp = await client.get(path)
        assert resp.status == 401, path
    page = await client.get("/")
    assert page.status == 200 and "로그인" in await page.text()


async def test_a_write_without_the_session_csrf_token_is_refused(bot, agent1):
    handoff_id = (await (await escalate(bot, "tg:7001", "csrf")).json())["handoff_id"]
    resp = await agent1.client.post(f"/api/handoffs/{handoff_id}/claim", json={})
    assert resp.status == 403 and (await resp.json())["code"] == "csrf_failed"
    resp = await agent1.client.post(f"/api/handoffs/{handoff_id}/claim", json={}, headers={"X-CSRF-Token": "forged"})
    assert resp.status == 403
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/claim")).status == 200


async def test_agents_cannot_open_the_dashboard_or_audit_log_but_supervisors_can(agent1, supervisor):
    for path in ("/api/dashboard", "/api/audit"):
        denied = await agent1.get(path)
        assert denied.status == 403 and (await denied.json())["code"] == "supervisors_only"
        assert (await supervisor.get(path)).status == 200


async def test_agents_see_only_their_own_history_and_supervisors_see_all(bot, agent1, agent2, supervisor):
    ids = []
    for n, staff in enumerate((agent1, agent2)):
        handoff_id = (await (await escalate(bot, f"tg:71{n}", f"h{n}")).json())["handoff_id"]
        await staff.post(f"/api/handoffs/{handoff_id}/claim")
        await staff.post(f"/api/handoffs/{handoff_id}/close", {"survey": False})
        ids.append(handoff_id)
    own = [h["id"] for h in (await (await agent1.get("/api/history")).json())["handoffs"]]
    assert own == [ids[0]]
    every = {h["id"] for h in (await (await supervisor.get("/api/history")).json())["handoffs"]}
    assert every == set(ids)


async def test_a_session_idle_longer_than_allowed_must_log_in_again(aiohttp_server, aiohttp_client, make_settings):
    server = await aiohttp_server(create_app(make_settings(session_idle_seconds=1)))
    staff = await log_in(await aiohttp_client(server), "agent1", "agent1-demo")
    assert (await staff.get("/api/me")).status == 200
    await asyncio.sleep(2.2)
    resp = await staff.get("/api/me")
    assert resp.status == 401 and (await resp.json())["code"] == "login_required"


async def test_logout_ends_the_session(agent1):
    assert (await agent1.post("/api/logout")).status == 200
    assert (await agent1.get("/api/me")).status == 401


async def test_the_audit_log_records_who_read_and_wrote_what_without_message_text(bot, agent1, supervisor):
    handoff_id = (await (await escalate(bot, "tg:7201", "audit")).json())["handoff_id"]
    await agent1.get(f"/api/handoffs/{handoff_id}")
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    await agent1.post(f"/api/handoffs/{handoff_id}/reply", {"text": "비밀스러운 내용"})
    entries = (await (await supervisor.get("/api/audit")).json())["entries"]
    mine = [(e["actor"], e["action"]) for e in entries if e["target"] == handoff_id]
    assert ("agent1", "read_packet") in mine and ("agent1", "claim") in mine and ("agent1", "reply") in mine
    assert ("bot", "open_handoff") in mine
    assert "비밀스러운" not in str(entries)
    assert any(e["actor"] == "agent1" and e["action"] == "login" for e in entries)
