"""The fake Telegram Bot API answers like the real one, records calls and fails on demand."""
import base64

import pytest

from conftest import TOKEN

pytestmark = pytest.mark.asyncio


async def call(client, method, payload, token=TOKEN):
    response = await client.post(f"/telegram/bot{token}/{method}", json=payload)
    return response.status, await response.json()


async def test_send_message_returns_a_message_and_is_recorded(client):
    status, body = await call(client, "sendMessage", {"chat_id": 5, "text": "안녕"})
    assert status == 200 and body["ok"] is True
    assert body["result"]["chat"]["id"] == 5 and body["result"]["text"] == "안녕"
    calls = await (await client.get("/_control/telegram/calls", params={"chat_id": "5"})).json()
    assert [c["method"] for c in calls["calls"]] == ["sendMessage"]


async def test_wrong_token_is_unauthorized(client):
    status, body = await call(client, "getMe", {}, token="1:wrong")
    assert status == 401 and body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_text_over_4096_and_callback_data_over_64_bytes_are_refused(client):
    status, body = await call(client, "sendMessage", {"chat_id": 5, "text": "a" * 4097})
    assert status == 400
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": "가" * 22}]]}
    status, body = await call(client, "sendMessage", {"chat_id": 5, "text": "ok", "reply_markup": keyboard})
    assert status == 400 and "BUTTON_DATA_INVALID" in body["description"]


async def test_told_to_rate_limit_answers_429_with_retry_after_then_recovers(client):
    await client.post("/_control/telegram/fail", json={"method": "sendMessage", "error_code": 429, "retry_after": 3})
    status, body = await call(client, "sendMessage", {"chat_id": 5, "text": "a"})
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    status, _ = await call(client, "sendMessage", {"chat_id": 5, "text": "a"})
    assert status == 200


async def test_blocked_chat_gets_403(client):
    await client.post("/_control/telegram/block", json={"chat_id": 9})
    status, body = await call(client, "sendMessage", {"chat_id": 9, "text": "a"})
    assert status == 403 and "blocked" in body["description"]


async def test_set_webhook_is_kept_and_reported(client):
    status, _ = await call(client, "setWebhook", {"url": "https://bot.example/webhooks/telegram/webhook",
                                                  "secret_token": "s", "allowed_updates": ["message"]})
    assert status == 200
    _, info = await call(client, "getWebhookInfo", {})
    assert info["result"]["url"] == "https://bot.example/webhooks/telegram/webhook"
    assert info["result"]["allowed_updates"] == ["message"]
    status, _ = await call(client, "setWebhook", {"url": "http://insecure.example/hook"})
    assert status == 400


async def test_simulated_photo_is_served_through_getfile_and_download(client, aiohttp_server):
    from aiohttp import web

    received = []

    async def webhook(request):
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", webhook)
    target = await aiohttp_server(app)
    await call(client, "setWebhook", {"url": str(target.make_url("/hook")), "secret_token": "shh"})
    image = b"\xff\xd8\xff" + b"x" * 50
    r = await client.post("/simulator/telegram/send", json={"chat_id": 77, "photo_b64": base64.b64encode(image).decode()})
    assert (await r.json())["status"] == 200
    secret, update = received[0]
    assert secret == "shh"
    file_id = update["message"]["photo"][0]["file_id"]
    status, info = await call(client, "getFile", {"file_id": file_id})
    download = await client.get(f"/telegram/file/bot{TOKEN}/{info['result']['file_path']}")
    assert await download.read() == image


async def test_calls_can_be_long_polled_until_a_reply_arrives(client):
    import asyncio

    waiting = asyncio.create_task(client.get("/_control/telegram/calls",
                                             params={"chat_id": "31", "min_count": "1", "wait": "5"}))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await call(client, "sendMessage", {"chat_id": 31, "text": "late"})
    calls = (await (await waiting).json())["calls"]
    assert [c["params"]["text"] for c in calls] == ["late"]
