"""A bounded fuzz of the edge from its routes: hypothesis draws whole requests (route, path id, query bytes, header
bytes, body; tests/standins/http_fuzz.py), mostly carrying the right credentials so the handlers' own checks are
reached, and sends them over a raw socket to the real edge (edge.app.create_app, a real Rasa behind it). Every answer
is below 500, every refusal a JSON error (or the HTTP parser's plain 400, before any route runs), and no log record
copies the secret-looking marker planted in paths, queries, headers and bodies."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from support import OUTBOUND_TOKEN, TELEGRAM_SECRET

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standins"))
from http_fuzz import HUGE_BODY, MARKER, SECRETISH, Case, draw, requests, send  # noqa: E402

ROUTES = [("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/webhooks/webchat"), ("GET", "/webhooks/webchat/"),
          ("GET", "/webhooks/webchat/static/{id}"), ("POST", "/webhooks/webchat/messages"),
          ("POST", "/webhooks/webchat/poll"), ("POST", "/webhooks/webchat/history"), ("GET", "/webhooks/telegram/"),
          ("POST", "/webhooks/telegram/webhook"),
          ("GET", "/webhooks/twilio/"), ("POST", "/webhooks/twilio/webhook"), ("POST", "/webhooks/twilio/status"),
          ("POST", "/webhooks/telegram/outbound"), ("POST", "/webhooks/twilio/outbound"),
          ("POST", "/webhooks/webchat/outbound"), ("POST", "/internal/replies"), ("GET", "/s/{id}")]
IDS = ["chat.js", "chat.css", "0123456789abcdef0123456789abcdef", "a" * 22]
KEYS = ["session", "text", "token", "payload", "language", "after", "update_id", "message", "callback_query",
        "chat", "id", "data", "conversation_id", "replies", "buttons", "custom", "From", "Body", "MessageSid",
        "MessageStatus", "ErrorCode"]
CREDENTIALS = {"Authorization": f"Bearer {OUTBOUND_TOKEN}", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def parser_refusal(status: int, head: bytes) -> bool:
    """aiohttp's HTTP parser refuses a request line or header it cannot read with a plain-text 400 before any
    route or middleware runs (so before anything could be stored)."""
    return status == 400 and b"application/json" not in head.lower()


def page_for_people(case: Case, status: int, body: bytes) -> bool:
    """A short link is opened by a person in a browser: an unknown one answers a page in both languages."""
    return case.path.startswith(b"/s/") and status == 404 and "만료됐거나".encode() in body


def sent_after(edge_logs, start: int) -> str:
    return "\n".join(edge_logs.lines[start:])


def test_fuzzed_requests_get_no_5xx_a_json_refusal_and_leave_nothing_raw_in_the_logs(edge, edge_logs):
    host, port = "127.0.0.1", edge.settings.port
    cases = draw(requests(ROUTES, IDS, KEYS, CREDENTIALS), max_examples=300)
    start = len(edge_logs.lines)
    failures, statuses = [], set()
    for case in cases:
        status, head, body = asyncio.run(send(host, port, case))
        statuses.add(status)
        if status >= 500 or (status >= 400 and b"application/json" not in head and not parser_refusal(status, head)
                                 and not page_for_people(case, status, body)):
            failures.append((case.method, case.path[:60], case.body[:60], status, body[:160]))
    assert not failures, sorted({(f[0], f[1].split(b"?")[0][:40], f[3], f[4][:100]) for f in failures})[:10]
    assert {200, 400, 404}.issubset(statuses) and statuses & {401, 403}  # the fuzz reached handlers and their checks
    assert MARKER not in sent_after(edge_logs, start)


def test_an_unknown_short_link_is_a_page_in_both_languages_and_nothing_raw_logged(edge, edge_logs):
    start = len(edge_logs.lines)
    status, _, body = asyncio.run(send("127.0.0.1", edge.settings.port, Case("GET", b"/s/" + SECRETISH.encode(), [], b"")))
    assert status == 404 and b"This link has expired" in body and "만료됐거나".encode() in body
    assert MARKER not in sent_after(edge_logs, start)


@pytest.mark.parametrize("request_case", [
    Case("POST", b"/webhooks/telegram/outbound", [(b"Authorization", b"Bearer \xff\xfe")], b"{}"),
    Case("POST", b"/webhooks/webchat/messages", [(b"Content-Type", b"application/json")], HUGE_BODY),
    Case("POST", b"/webhooks/webchat/messages", [(b"Content-Type", b"application/json")],
         b'{"a":' * 3000 + b"1" + b"}" * 3000),
    Case("POST", b"/webhooks/webchat/messages", [],
         b'{"session": "' + SECRETISH.encode() + b'", "text": "' + SECRETISH.encode() + b'"}'),
    Case("POST", b"/internal/replies", [(b"Authorization", f"Bearer {OUTBOUND_TOKEN}".encode())],
         b'{"conversation_id": "tg:' + SECRETISH.encode() + b'", "replies": [{"text": "x"}]}'),
    Case("POST", b"/webhooks/twilio/webhook", [(b"X-Twilio-Signature", SECRETISH.encode()),
                                               (b"Content-Type", b"application/x-www-form-urlencoded")],
         b"From=%2B821098765432&Body=" + SECRETISH.encode()),
], ids=["header-bytes", "huge", "deep", "bad-session", "bad-conversation", "forged-sms"])
def test_each_probe_is_a_4xx_with_a_json_error_and_nothing_raw_logged(edge, edge_logs, request_case):
    start = len(edge_logs.lines)
    status, head, body = asyncio.run(send("127.0.0.1", edge.settings.port, request_case))
    assert 400 <= status < 500 and b"application/json" in head, (status, body[:300])
    # Every route answers {"code", "message"}, the shape govapi, the console and the notifier use.
    assert b'"code"' in body and b'"message"' in body and b'"error"' not in body
    assert MARKER not in sent_after(edge_logs, start)
