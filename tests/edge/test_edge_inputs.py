"""No input makes the edge answer 5xx: bodies that are not JSON, not UTF-8, nested deeper than any parser likes,
lone surrogates, wrong types, on every public and internal POST route (authenticated where the route needs it)."""
import pytest

import httpx

from support import OUTBOUND_TOKEN, TELEGRAM_SECRET

ROUTES = ["/webhooks/webchat/messages", "/webhooks/webchat/poll", "/webhooks/telegram/webhook",
          "/webhooks/twilio/webhook", "/webhooks/twilio/status", "/webhooks/telegram/outbound",
          "/webhooks/twilio/outbound", "/webhooks/webchat/outbound", "/internal/replies"]
SESSION = "0b8f2f9e-6f7a-4c55-9a59-3e1f1f0f5a11"
BODIES = [
    b"", b"\xff\xfe\xfa", b"not json", b"[" * 100000 + b"]" * 100000, b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"session": "' + SESSION.encode() + b'", "text": "\\ud800"}',
    b'{"session": "' + SESSION.encode() + b'", "token": "\\udfff"}',
    b'{"session": "' + SESSION.encode() + b'", "text": ["a"]}', b'{"session": 5, "text": {"a": 1}}',
    b'{"update_id": "1", "message": []}', b'{"update_id": 1, "message": {"chat": "x", "text": 5}}',
    b'{"update_id": 2, "callback_query": {"id": 1, "data": ["x"], "message": {"chat": {"id": "\\ud800"}}}}',
    b'{"conversation_id": "tg:\\ud800", "text": "\\ud800"}', b'{"conversation_id": "web:' + SESSION.encode() +
    b'", "replies": [{"text": {"a": 1}, "buttons": "x"}]}', b"null", b"123", b'"text"',
]


@pytest.mark.parametrize("route", ROUTES)
def test_no_body_makes_a_5xx(edge, route):
    headers = {"Authorization": f"Bearer {OUTBOUND_TOKEN}", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
               "Content-Type": "application/json"}
    for body in BODIES:
        r = httpx.post(edge.url + route, content=body, headers=headers, timeout=30)
        assert r.status_code < 500, (route, body[:60], r.status_code, r.text[:200])


def test_bad_addresses_are_4xx(edge):
    assert httpx.get(edge.url + "/s/%ff%fe").status_code < 500
    assert httpx.get(edge.url + "/s/%ed%a0%80").status_code < 500
    assert httpx.get(edge.url + "/webhooks/webchat/static/%ff").status_code < 500
    assert httpx.get(edge.url + "/webhooks/webchat/static/x?a=%ff").status_code < 500


def test_header_bytes_that_are_not_utf8_are_refused_not_crashed(edge):
    r = httpx.post(edge.url + "/webhooks/telegram/outbound", content=b"{}", headers={"Authorization": b"Bearer \xff\xfe"})
    assert r.status_code == 401
    r = httpx.post(edge.url + "/webhooks/telegram/webhook", content=b"{}",
                   headers={"X-Telegram-Bot-Api-Secret-Token": b"\xff"})
    assert r.status_code == 403
