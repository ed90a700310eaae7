"""A bounded fuzz of the stand-ins (the fake Telegram Bot API, the fake Twilio REST API, the test controls and the
phone simulator) from their routes: no 5xx, 4xx answers in JSON, nothing the requests carried in the logs.
The app is served as `python -m standins` serves it (request logger first, no aiohttp access log); the simulator
posts its webhooks to a loopback receiver that answers like the edge."""
from __future__ import annotations

import base64
import logging

import pytest
import pytest_asyncio
from aiohttp import web
from http_fuzz import HUGE_BODY, MARKER, SECRETISH, Case, draw, leaked, requests, send

from minwon_logs.aiohttp_context import request_logger
from standins.app import create_app
from standins.settings import Settings

pytestmark = pytest.mark.asyncio
TOKEN, SID, AUTH_TOKEN = "123456:fuzz-token", "ACfuzz000000000000000000000000000", "fuzz-auth"
BASIC = "Basic " + base64.b64encode(f"{SID}:{AUTH_TOKEN}".encode()).decode()
METHODS = ["getMe", "sendMessage", "sendPhoto", "editMessageReplyMarkup", "answerCallbackQuery", "setWebhook",
           "getWebhookInfo", "getFile", "deleteWebhook", "sendChatAction", "getUpdates"]
ROUTES = ([("POST", f"/telegram/bot{TOKEN}/{m}") for m in METHODS] + [("GET", f"/telegram/bot{TOKEN}/getMe"),
          ("GET", f"/telegram/file/bot{TOKEN}/{{id}}"), ("POST", f"/twilio/2010-04-01/Accounts/{SID}/Messages.json"),
          ("GET", "/twilio/media/{id}"), ("GET", "/_control/telegram/calls"), ("POST", "/_control/telegram/fail"),
          ("POST", "/_control/telegram/block"), ("POST", "/_control/twilio/undeliverable"),
          ("GET", "/_control/twilio/messages"), ("GET", "/simulator/"), ("GET", "/simulator/static/{id}"),
          ("POST", "/simulator/telegram/send"), ("POST", "/simulator/sms/send"), ("GET", "/simulator/feed"),
          ("GET", "/"), ("PUT", "/simulator/feed")])
# `wait` is left out on purpose: /_control/telegram/calls long-polls up to 60 s when asked to, by design.
KEYS = ["chat_id", "text", "reply_markup", "inline_keyboard", "callback_data", "url", "secret_token",
        "allowed_updates", "file_id", "message_id", "photo", "method", "error_code", "description", "retry_after",
        "times", "unblock", "to", "To", "From", "Body", "MediaUrl", "StatusCallback", "MessagingServiceSid", "from",
        "body", "photo_b64", "location", "lat", "lon", "contact", "language", "channel", "id", "min_count"]


@pytest_asyncio.fixture
async def server(aiohttp_server):
    async def webhook(request: web.Request) -> web.Response:  # the edge's webhooks, as far as they answer
        await request.read()
        if "twilio" in request.path:
            return web.Response(text="<Response><Message>ok</Message></Response>", content_type="text/xml")
        return web.json_response({"ok": True})

    receiver = web.Application()
    receiver.router.add_post("/webhooks/{channel}/webhook", webhook)
    rasa = await aiohttp_server(receiver)
    base = str(rasa.make_url("")).rstrip("/")
    settings = Settings.from_env(port=0, telegram_token=TOKEN, telegram_secret="fuzz-secret", twilio_account_sid=SID,
                                 twilio_auth_token=AUTH_TOKEN, status_callback_delay=0.0, rasa_url=base,
                                 rasa_public_url=base)
    app = create_app(settings)
    app.middlewares.insert(0, request_logger(quiet={"/simulator/feed"}))  # as standins/__main__.py does
    return await aiohttp_server(app, access_log=None)


def parser_refusal(status: int, head: bytes) -> bool:
    """aiohttp's HTTP parser refuses bytes it cannot read with a plain-text 400 before any route or middleware
    (so before the request logger gave it a request id)."""
    return status == 400 and b"x-request-id" not in head.lower()


async def test_fuzzed_requests_get_no_5xx_and_leave_nothing_raw_in_the_logs(server, caplog):
    headers = {"Authorization": BASIC}
    cases = draw(requests(ROUTES, ["simulator.js", "ME0", "photos/file_0.jpg"], KEYS, headers), max_examples=400)
    caplog.set_level(logging.DEBUG)
    failures, statuses = [], set()
    for case in cases:
        status, head, body = await send(server.host, server.port, case)
        statuses.add(status)
        if status >= 500 or (status >= 400 and b"application/json" not in head and not parser_refusal(status, head)):
            failures.append((case.method, case.path.split(b"?")[0][:60], status, body[:120]))
        if b"setWebhook" in case.path:  # a webhook set to a made-up address would send the simulator there
            await send(server.host, server.port, Case("POST", b"/_control/reset", [], b""))
    assert not failures, sorted(set(failures))[:10]
    assert {200, 400, 404}.issubset(statuses), statuses  # the fuzz reached the handlers, not only the router
    assert not leaked(caplog.records), leaked(caplog.records)[:5]


@pytest.mark.parametrize("request_case", [
    Case("POST", f"/telegram/bot{TOKEN}/sendMessage".encode(), [(b"Content-Type", b"application/json")],
         b'{"chat_id": 1, "text": "hi", "reply_markup": [1, 2]}'),
    Case("POST", f"/telegram/bot{TOKEN}/sendMessage".encode(), [(b"Content-Type", b"application/json")],
         b'{"a":' * 3000 + b"1" + b"}" * 3000),
    Case("POST", f"/telegram/bot{TOKEN}/sendMessage".encode(), [(b"Content-Type", b"application/json")], HUGE_BODY),
    Case("POST", b"/simulator/telegram/send", [(b"Content-Type", b"application/json")], b'["chat_id", 1]'),
    Case("POST", b"/simulator/sms/send", [(b"Content-Type", b"application/json")], b'"+821012345678"'),
    Case("POST", b"/_control/telegram/fail", [(b"Content-Type", b"application/json")], b'{"times": [1]}'),
    Case("GET", b"/_control/telegram/calls?min_count=" + SECRETISH.encode(), [], b""),
    Case("GET", b"/nothing/here", [], b""),
    Case("POST", f"/twilio/2010-04-01/Accounts/{SID}/Messages.json".encode(),
         [(b"Authorization", b"Basic \xff\xfe"), (b"Content-Type", b"application/x-www-form-urlencoded")], b"To=1"),
], ids=["markup-type", "deep", "huge", "simulator-list", "sms-string", "control-type", "query-number", "no-route",
        "auth-bytes"])
async def test_each_malformed_request_is_a_4xx_with_a_json_body(server, caplog, request_case):
    caplog.set_level(logging.DEBUG)
    status, head, body = await send(server.host, server.port, request_case)
    assert 400 <= status < 500 and b"application/json" in head, (status, body[:300])
    assert MARKER not in caplog.text


async def test_the_bot_api_answers_its_own_error_shape_for_bad_input(server):
    status, _, body = await send(server.host, server.port, Case(
        "POST", f"/telegram/bot{TOKEN}/sendMessage".encode(), [(b"Content-Type", b"application/json")], b"{not json"))
    assert status == 400 and b'"ok": false' in body and b'"error_code": 400' in body


async def test_a_request_line_the_parser_refuses_is_logged_without_its_bytes(server, caplog):
    caplog.set_level(logging.DEBUG)
    status, head, _ = await send(server.host, server.port, Case(
        "GET", b"/simulator/feed?id=" + SECRETISH.encode() + b"\xff", [], b""))
    assert parser_refusal(status, head)
    assert "refused by the parser" in caplog.text and MARKER not in caplog.text
