"""No input makes the edge answer 5xx: bodies that are not JSON, not UTF-8, nested deeper than any parser likes,
lone surrogates, wrong types, on every public and internal POST route (authenticated where the route needs it)."""
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=12)
FIELDS = ["text", "caption", "location", "contact", "photo", "chat", "from", "message_id", "date", "latitude",
          "longitude", "phone_number", "user_id", "file_id", "width", "height", "file_size", "id", "type"]


def shaped(values) -> st.SearchStrategy:
    """Telegram-shaped dicts whose values have any type."""
    return st.fixed_dictionaries({}, optional={name: values for name in FIELDS})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["message", "edited_message", "callback_query", "my_chat_member"]),
       body=st.recursive(shaped(JSON), lambda inner: shaped(inner | JSON), max_leaves=20))
def test_an_update_with_fields_of_any_type_is_read_or_ignored_never_a_crash(kind, body):
    from edge.telegram import incoming_of, read_update

    incoming_of(read_update({"update_id": 1, kind: body}, BOT))
    private = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, **body}
    incoming_of(read_update({"update_id": 1, "message": private}, BOT))


BOT = None


def setup_module(module) -> None:
    from edge.telegram_delivery import bot_of

    module.BOT = bot_of("http://127.0.0.1:9", "1:unused")
