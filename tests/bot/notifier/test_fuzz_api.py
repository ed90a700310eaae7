"""A bounded fuzz of the notifier's HTTP API from its routes: bad bodies, queries and header bytes get a 4xx JSON
answer, never a 5xx, and no log record copies what the request carried. The real app on a fresh PostgreSQL
database (its column limits are the strict ones); requests go over a raw socket (tests/standins/http_fuzz.py)."""
from __future__ import annotations

import json
import logging
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from bot.notifier.app import create_app
from bot.notifier.settings import NotifierSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "standins"))
from http_fuzz import HUGE_BODY, MARKER, SECRETISH, Case, draw, leaked, requests, send

pytestmark = pytest.mark.asyncio(loop_scope="function")
TOKEN = "fuzz-notifier-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROUTES = [("GET", "/healthz"), ("GET", "/metrics"), ("POST", "/v1/subscriptions"), ("POST", "/v1/follows"),
          ("GET", "/v1/subscriptions"), ("PATCH", "/v1/subscriptions/{id}"), ("DELETE", "/v1/subscriptions/{id}"),
          ("GET", "/v1/deliveries"), ("POST", "/v1/deliveries/status"), ("GET", "/v1/status")]
KEYS = ["citizen_id", "conversation_id", "topics", "language", "case_number", "quiet_hours", "fines",
        "notice_number", "due_date", "amount_due", "message_id", "status", "error_code", "all", "follows",
        "start", "end"]


@pytest_asyncio.fixture
async def server(aiohttp_server):
    name = f"notifier_fuzz_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        settings = NotifierSettings(token=TOKEN, database_url=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}",
                                    govapi_url="http://127.0.0.1:9")  # nothing listens: a follow's catch-up fails soft
        # As `python -m bot.notifier` serves it: aiohttp's access log (raw request lines) is off.
        yield await aiohttp_server(create_app(settings, run_worker=False), access_log=None)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def subscription_id(server) -> str:
    """A real subscription, so PATCH and DELETE reach their handlers' checks, not only 'not found'."""
    body = (b'{"citizen_id": "ct_000001", "conversation_id": "tg:42", "topics": ["application_status"],'
            b' "language": "ko"}')
    status, _, answer = await send(server.host, server.port, Case(
        "POST", b"/v1/subscriptions", [(b"Authorization", AUTH["Authorization"].encode()),
                                       (b"Content-Type", b"application/json")], body))
    assert status == 201, answer
    return json.loads(answer)["id"]


def parser_refusal(status: int, head: bytes) -> bool:
    """aiohttp's HTTP parser refuses a request line or header it cannot read with a plain-text 400 before any
    route or middleware runs (so before anything could be stored, or answered as JSON with a request id)."""
    return status == 400 and b"x-request-id" not in head.lower()


async def test_fuzzed_requests_get_no_5xx_and_leave_nothing_raw_in_the_logs(server, caplog):
    sub_id = await subscription_id(server)
    cases = draw(requests(ROUTES, [sub_id, "sub_0000"], KEYS, AUTH), max_examples=300)
    caplog.set_level(logging.DEBUG)
    failures, statuses = [], set()
    for case in cases:
        status, head, body = await send(server.host, server.port, case)
        statuses.add(status)
        if status >= 500 or (status >= 400 and b"application/json" not in head and not parser_refusal(status, head)):
            failures.append((case.method, case.path[:80], case.body[:80], status, body[:200]))
    assert not failures, sorted({(f[0], f[1].split(b'?')[0][:40], f[3], f[4][:100]) for f in failures})
    assert {400, 401, 404}.issubset(statuses) and statuses & {200, 201}  # the fuzz reached the handlers
    assert not leaked(caplog.records), leaked(caplog.records)[:5]


@pytest.mark.parametrize("request_case", [
    Case("POST", b"/v1/subscriptions", [(b"Authorization", b"Bearer \xff\xfe")], b"{}"),
    Case("POST", b"/v1/subscriptions", [(b"Content-Type", b"application/json")], HUGE_BODY),
    Case("POST", b"/v1/subscriptions", [], b'{"a":' * 3000 + b"1" + b"}" * 3000),
    Case("POST", b"/v1/subscriptions", [], ('{"citizen_id": "%s", "conversation_id": "tg:1", "topics": '
                                            '["application_status"]}' % ("c" * 500)).encode()),
    Case("POST", b"/v1/subscriptions", [], b'{"citizen_id": "\\ud800", "conversation_id": "tg:1", '
                                           b'"topics": ["application_status"]}'),
    Case("POST", b"/v1/subscriptions", [], b'{"citizen_id": "ct_1", "conversation_id": "tg:1", "topics": '
                                           b'["fine_due"], "fines": [{"notice_number": "FN-1", "due_date": '
                                           b'"2026-01-01", "amount_due": "lots"}]}'),
    Case("GET", b"/v1/deliveries?conversation_id=" + b"9" * 500, [], b""),
    Case("POST", b"/v1/deliveries/status", [], b'{"message_id": "' + SECRETISH.encode() * 20 + b'", "status": "x"}'),
], ids=["header-bytes", "huge", "deep", "long-id", "surrogate", "amount-type", "long-query",
        "long-message-id"])
async def test_each_probe_of_issue_12_is_a_4xx_with_a_json_code(server, caplog, request_case):
    caplog.set_level(logging.DEBUG)
    if not any(name == b"Authorization" for name, _ in request_case.headers):
        request_case.headers.append((b"Authorization", AUTH["Authorization"].encode()))
    status, head, body = await send(server.host, server.port, request_case)
    assert 400 <= status < 500 and b"application/json" in head, (status, body[:300])
    assert b'"code"' in body and b'"message"' in body
    assert MARKER not in caplog.text


async def test_a_request_line_the_parser_refuses_is_logged_without_its_bytes(server, caplog):
    caplog.set_level(logging.DEBUG)
    for target in (b"/v1/status?q=" + SECRETISH.encode() + b"\xff", b"/v1/" + SECRETISH.encode() + b"\x01"):
        status, head, _ = await send(server.host, server.port, Case("GET", target, [], b""))
        assert status == 400 and parser_refusal(status, head)
    assert "refused by the parser" in caplog.text and MARKER not in caplog.text
