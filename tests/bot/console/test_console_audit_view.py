"""The audit log a supervisor reads: filtered by kind, reads aggregated (one row per who read what, with a count),
so a morning of refreshes does not bury the claims, replies and reveals (issue 13)."""
from __future__ import annotations

import pytest
from console_helpers import escalate, log_in

from bot.console.app import create_app

pytestmark = pytest.mark.asyncio


async def test_reads_are_one_row_per_reader_and_case_with_a_count(bot, agent1, supervisor):
    handoff_id = (await (await escalate(bot, "tg:8101", "audit-1")).json())["handoff_id"]
    for _ in range(6):  # an open case refreshed by live updates
        assert (await agent1.get(f"/api/handoffs/{handoff_id}")).status == 200
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/claim")).status == 200
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/reveal", {"fields": ["phone"]})).status == 200

    reads = (await (await supervisor.get("/api/audit?kind=reads")).json())["entries"]
    packet_reads = [e for e in reads if e["action"] == "read_packet" and e["target"] == handoff_id]
    assert len(packet_reads) == 1 and packet_reads[0]["count"] == 6 and packet_reads[0]["actor"] == "agent1"
    assert packet_reads[0]["first_at"] <= packet_reads[0]["at"]
    assert {e["kind"] for e in reads} == {"reads"}

    changes = (await (await supervisor.get("/api/audit?kind=changes")).json())["entries"]
    assert [(e["action"], e["target"], e["actor"]) for e in changes] == [("claim", handoff_id, "agent1")]
    reveals = (await (await supervisor.get("/api/audit?kind=reveals")).json())["entries"]
    assert [(e["action"], e["detail"]) for e in reveals] == [("reveal", {"fields": ["phone"]})]

    everything = (await (await supervisor.get("/api/audit")).json())["entries"]
    actions = [e["action"] for e in everything]
    assert actions.count("read_packet") == 1 and "claim" in actions and "reveal" in actions and "open_handoff" in actions
    assert [e["at"] for e in everything] == sorted((e["at"] for e in everything), reverse=True)


async def test_an_unknown_kind_is_a_clear_400(supervisor):
    resp = await supervisor.get("/api/audit?kind=nonsense")
    assert resp.status == 400 and "kind must be one of" in (await resp.json())["message"]


async def test_agents_cannot_read_the_audit_log(agent1):
    assert (await agent1.get("/api/audit?kind=reads")).status == 403


async def test_the_aggregation_works_on_postgresql(aiohttp_server, aiohttp_client, make_settings, postgres_url):
    server = await aiohttp_server(create_app(make_settings(database_url=postgres_url)))
    bot = await aiohttp_client(server)
    agent, boss = await log_in(await aiohttp_client(server), "agent1", "agent1-demo"), \
        await log_in(await aiohttp_client(server), "supervisor", "supervisor-demo")
    handoff_id = (await (await escalate(bot, "tg:8102", "audit-pg")).json())["handoff_id"]
    for _ in range(3):
        assert (await agent.get(f"/api/handoffs/{handoff_id}")).status == 200
    reads = (await (await boss.get("/api/audit?kind=reads")).json())["entries"]
    assert [(e["count"], e["actor"]) for e in reads if e["target"] == handoff_id] == [(3, "agent1")]
