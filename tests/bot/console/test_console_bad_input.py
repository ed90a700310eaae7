"""Bad input gets a 4xx JSON answer from the one error middleware, never a 5xx, and nothing raw is logged."""
import asyncio
import json

import pytest
from console_helpers import HANDOFF_TOKEN, escalate, log_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.console.app import create_app
from minwon_logs.testing import capture

pytestmark = pytest.mark.asyncio
BOT = {"Authorization": f"Bearer {HANDOFF_TOKEN}"}
MARK = "RAWMARK7731"  # would show in a log line that copied a query string or body


async def expect_4xx(resp, status: int | None = None) -> dict:
    assert 400 <= resp.status < 500, (resp.status, await resp.text())
    if status:
        assert resp.status == status
    body = await resp.json()
    assert body["code"] and body["message"]
    return body


async def test_malformed_deep_huge_and_wrongly_typed_bodies_get_a_4xx(bot, agent1, supervisor):
    handoff_id = (await (await escalate(bot, "tg:9901", "bad")).json())["handoff_id"]
    await agent1.post(f"/api/handoffs/{handoff_id}/claim")
    post = agent1.client.post
    csrf = {"X-CSRF-Token": agent1.csrf}
    await expect_4xx(await bot.post("/v1/handoffs", data="{not json", headers=BOT), 400)
    await expect_4xx(await bot.post("/v1/handoffs", data="[" * 100_000, headers=BOT), 400)
    deep = json.dumps({"conversation_id": "tg:1", "idempotency_key": "d", "form": json.loads("[" * 40 + "]" * 40)})
    assert "deeper" in (await expect_4xx(await bot.post("/v1/handoffs", data=deep, headers=BOT), 400))["message"]
    await expect_4xx(await bot.post("/v1/handoffs", data="x" * 300_000, headers=BOT), 413)
    await expect_4xx(await bot.post("/v1/handoffs", data=b'{"conversation_id": "tg:1\xff"}', headers=BOT), 400)
    await expect_4xx(await bot.post("/v1/handoffs", json={"conversation_id": ["tg:1"], "idempotency_key": "x"}, headers=BOT), 400)
    await expect_4xx(await bot.post("/v1/handoffs", json={"conversation_id": "tg:1", "idempotency_key": "x",
                                                          "citizen_id": "c" * 500}, headers=BOT), 400)
    # A conversation of no channel (Rasa's rest channel is gone): nobody could answer it, so no handoff is queued.
    no_channel = await expect_4xx(await bot.post("/v1/handoffs", json={"conversation_id": "rest:1",
                                                                       "idempotency_key": "y"}, headers=BOT), 400)
    assert "channel" in no_channel["message"]
    await expect_4xx(await supervisor.get("/api/dashboard?days=abc"), 400)
    await expect_4xx(await supervisor.get("/api/dashboard?days=%F0%9F%98%80"), 400)
    await expect_4xx(await post(f"/api/handoffs/{handoff_id}/transfer", json={"agent": True}, headers=csrf), 400)
    await expect_4xx(await post(f"/api/handoffs/{handoff_id}/reply", json={"text": {"a": 1}}, headers=csrf), 400)
    await expect_4xx(await post(f"/api/handoffs/{handoff_id}/reply", data='{"text": "\\ud800 hi"}', headers=csrf), 400)
    await expect_4xx(await post(f"/api/handoffs/{handoff_id}/close", json={"survey": "no"}, headers=csrf), 400)
    await expect_4xx(await post(f"/api/handoffs/{handoff_id}/notes", data="[]", headers=csrf), 400)
    await expect_4xx(await agent1.get("/api/handoffs/..%2F..%2Fmodel"), 404)
    token = (await (await bot.get("/api/login-token")).json())["csrf"]
    await expect_4xx(await bot.post("/api/login", data="true", headers={"X-CSRF-Token": token}), 400)
    await expect_4xx(await bot.post("/api/login", json={"username": 1, "password": []}, headers={"X-CSRF-Token": token}), 400)


async def raw_request(server, head: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(head)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    return int(answer.split(b" ", 2)[1]), answer


@pytest.mark.parametrize("header", [b"X-CSRF-Token: \xff\xfe", b"Authorization: Bearer \xc3\x28",
                                    b"Cookie: minwon_console=\xff\xff", b"X-Request-Id: \xed\xa0\x80"])
async def test_header_bytes_that_are_not_utf8_get_a_4xx(console, header):
    target = b"POST /v1/handoffs" if header.startswith(b"Authorization") else b"POST /api/logout"
    head = (target + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            + header + b"\r\nConnection: close\r\n\r\n{}")
    status, answer = await raw_request(console, head)
    assert 400 <= status < 500, answer[:300]


async def test_bad_input_leaves_nothing_raw_in_the_logs(aiohttp_server, aiohttp_client, make_settings):
    # As `python -m bot.console` serves it: aiohttp's own access log (raw request lines) is off.
    server = await aiohttp_server(create_app(make_settings()), access_log=None)
    bot = await aiohttp_client(server)
    supervisor = await log_in(await aiohttp_client(server), "supervisor", "supervisor-demo")
    with capture("console") as logs:
        await supervisor.get(f"/api/dashboard?days={MARK}")
        await bot.post("/v1/handoffs", data=f'{{"conversation_id": "{MARK}", "idempotency_key": [1]}}', headers=BOT)
        await bot.post(f"/v1/handoffs/{MARK}/satisfaction", json={"score": MARK}, headers=BOT)
        await bot.get(f"/v1/handoffs/HO-{MARK}?q={MARK}", headers=BOT)
    assert logs.lines() and MARK not in logs.text()


async def test_the_console_forbids_framing_and_foreign_scripts(aiohttp_client, console):
    client = await aiohttp_client(console)
    for path in ("/", "/api/login-token", "/api/queue"):
        resp = await client.get(path)
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"], path
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Frame-Options"] == "DENY"


# --- a bounded fuzz over every console/desk route ----------------------------------------------------------
ROUTES = [("POST", "/v1/handoffs"), ("POST", "/v1/handoffs/HO-0123456789AB/satisfaction"),
          ("GET", "/v1/handoffs/HO-0123456789AB"), ("POST", "/api/login"), ("POST", "/api/logout"),
          ("GET", "/api/queue"), ("GET", "/api/mine"), ("GET", "/api/history"), ("GET", "/api/dashboard"),
          ("GET", "/api/audit"), ("GET", "/api/callbacks"), ("GET", "/api/agents"), ("GET", "/api/me"),
          ("POST", "/api/takeover"), ("POST", "/api/callbacks/CB-0123ABCD/done")] + [
          ("POST", f"/api/handoffs/{{id}}/{tail}") for tail in ("claim", "reply", "notes", "transfer", "close", "reveal")] + [
          ("GET", "/api/handoffs/{id}")]
KEYS = st.sampled_from(["text", "agent", "language", "skill", "survey", "fields", "conversation_id", "reason", "score",
                        "username", "password", "idempotency_key", "form", "last_errors", "verified", "citizen_id"])
LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
VALUE = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)
BODY = (st.dictionaries(KEYS, VALUE, max_size=5).map(lambda d: json.dumps(d).encode())
        | VALUE.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=200)
        | st.integers(1, 60).map(lambda n: (b'{"a":' * n) + b"1" + b"}" * n))
QUERY = st.sampled_from(["", "?days=", "?days=-1", "?days=99999999999999999999", "?days=%00", "?days=1e3", "?x=%ff"])
CASES = st.tuples(st.sampled_from(ROUTES), BODY, QUERY, st.sampled_from(["agent", "supervisor", "bot"]))


async def test_fuzzed_requests_to_every_route_never_get_a_5xx(bot, agent1, supervisor):
    handoff_id = (await (await escalate(bot, "tg:9902", "fuzz")).json())["handoff_id"]
    cases = []

    @settings(max_examples=250, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(CASES)
    def collect(case):  # hypothesis draws the cases; they are sent below, on the test's event loop
        cases.append(case)
    collect()
    who = {"agent": agent1, "supervisor": supervisor}
    failures = []
    for ((method, path), body, query, role) in cases:
        path = path.replace("{id}", handoff_id) + query
        if role == "bot":
            resp = await bot.request(method, path, data=body, headers=BOT)
        else:
            staff = who[role]
            resp = await staff.client.request(method, path, data=body if method == "POST" else None,
                                              headers={"X-CSRF-Token": staff.csrf, "Content-Type": "application/json"})
        if resp.status >= 500:
            failures.append((method, path, body[:80], resp.status, (await resp.text())[:200]))
    assert not failures, failures[:5]
