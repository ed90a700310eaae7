"""Operations: health, readiness, request ids, JSON logs, and the Twilio SMS backend's wire format."""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import urllib.parse

import pytest
from aiohttp import web

from govapi.logs import JsonFormatter
from govapi_testkit import MINJUN, Api, free_port

pytestmark = pytest.mark.asyncio


async def test_health_and_ready(api: Api) -> None:
    assert await api.call("GET", "/healthz", token=None) == (200, {"status": "ok"})
    assert await api.call("GET", "/readyz", token=None) == (200, {"status": "ready"})


async def test_not_ready_when_the_database_is_unreachable(make_api) -> None:
    api = await make_api(database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none")
    status, body = await api.call("GET", "/readyz", token=None)
    assert (status, body["code"]) == (503, "not_ready")
    assert (await api.call("GET", "/healthz", token=None))[0] == 200


async def test_routes_answer_503_unavailable_when_the_database_is_down(make_api) -> None:
    api = await make_api(database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none")
    status, body = await api.call("GET", "/v1/me", citizen="some-token")
    assert (status, body["code"]) == (503, "unavailable")
    status, body = await api.call("POST", "/v1/verifications", json={
        "phone": MINJUN["phone"], "birth_date": MINJUN["birth_date"], "conversation_id": "web:x"})
    assert (status, body["code"]) == (503, "unavailable")


async def test_request_id_is_kept_or_made(api: Api) -> None:
    resp = await api.client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert resp.headers["X-Request-Id"] == "abc-123"
    resp = await api.client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["X-Request-Id"])


async def test_logs_are_json_with_request_id_and_route_pattern(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="govapi.http")
    await api.client.get("/v1/applications/AP-2026-000001", headers={"X-Request-Id": "rid-1"})
    record = next(r for r in caplog.records if r.name == "govapi.http")
    from govapi.logs import request_id_var

    token = request_id_var.set("rid-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["route"] == "/v1/applications/{number}" and line["status"] == 401
    assert "AP-2026-000001" not in json.dumps(line)


async def test_every_citizen_access_is_logged_with_the_citizen_id_only(api: Api, caplog) -> None:
    token = await api.login(MINJUN)
    caplog.set_level(logging.INFO, logger="govapi.http")
    await api.call("GET", "/v1/me/fines", citizen=token)
    record = [r for r in caplog.records if r.name == "govapi.http"][-1]
    line = json.loads(JsonFormatter().format(record))
    assert (line["route"], line["citizen_id"]) == ("/v1/me/fines", "ct_000001")
    assert MINJUN["phone"] not in json.dumps(line) and "12가3456" not in json.dumps(line)


async def test_twilio_backend_posts_the_real_form_with_basic_auth(make_api, aiohttp_server) -> None:
    received: list[tuple[str, dict, str]] = []
    arrived = asyncio.Event()

    async def messages(request: web.Request) -> web.Response:
        form = dict(urllib.parse.parse_qsl((await request.read()).decode()))
        received.append((request.match_info["sid"], form, request.headers["Authorization"]))
        arrived.set()
        return web.json_response({"sid": "SM123", "status": "queued"}, status=201)

    stand_in = web.Application()
    stand_in.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", messages)
    server = await aiohttp_server(stand_in, port=free_port())
    api = await make_api(sms_backend="twilio", twilio_api_base=str(server.make_url("")).rstrip("/"),
                         twilio_account_sid="AC_test", twilio_auth_token="secret", twilio_from_number="+15005550006")
    await api.start_verification(MINJUN["phone"], MINJUN["birth_date"])
    await asyncio.wait_for(arrived.wait(), 5)
    sid, form, auth = received[0]
    assert sid == "AC_test" and form["To"] == MINJUN["phone"] and form["From"] == "+15005550006"
    assert re.search(r"\b\d{6}\b", form["Body"]) and "인증번호" in form["Body"]
    assert auth == "Basic " + base64.b64encode(b"AC_test:secret").decode()


async def test_metrics_count_requests_by_route_template_never_by_number(api: Api, minjun: str) -> None:
    await api.call("GET", "/v1/applications/AP-2026-000002", citizen=minjun)
    status, text = await api.call("GET", "/metrics", token=None)
    assert status == 200
    assert 'route="/v1/applications/{number}"' in text and "minwon_http_request_seconds" in text
    assert "AP-2026-000002" not in text
