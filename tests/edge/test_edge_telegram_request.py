"""The edge's python-telegram-bot transport on aiohttp (edge/telegram_request.py), against a loopback server that
answers as the Bot API does: the request body PTB builds arrives as Telegram reads it (form fields, a file as
multipart), and a server that is down or silent becomes PTB's own NetworkError / TimedOut with no token in it."""
from __future__ import annotations

import asyncio
import json
import socket

import pytest
import pytest_asyncio
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from edge.telegram_delivery import bot_of, close_bot
from edge.telegram_request import AiohttpRequest

TOKEN = "123456:transport-test-token"
OK_MESSAGE = {"ok": True, "result": {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "x"}}

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def bot_api():
    """A loopback Bot API: records each call's path and body; /slow never answers in time."""
    seen: list = []

    async def answer(request: web.Request) -> web.Response:
        if request.path.endswith("/slow"):
            await asyncio.sleep(1.5)
        if request.content_type == "multipart/form-data":
            fields = {}
            async for part in await request.multipart():
                fields[part.name] = (part.filename, await part.read())
            seen.append((request.path, "multipart", fields))
        else:
            seen.append((request.path, request.content_type, dict(await request.post())))
        return web.json_response(OK_MESSAGE)

    app = web.Application()
    app.router.add_post("/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_a_message_with_a_keyboard_arrives_as_the_bot_api_reads_it(bot_api):
    base, seen = bot_api
    bot = bot_of(base, TOKEN)
    try:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("네", callback_data="t1")]])
        sent = await bot.send_message("42", "안녕하세요", reply_markup=keyboard)
    finally:
        await close_bot(bot)
    assert sent.message_id == 7
    path, content_type, fields = seen[0]
    assert path == f"/bot{TOKEN}/sendMessage" and content_type == "application/x-www-form-urlencoded"
    assert fields["chat_id"] == "42" and fields["text"] == "안녕하세요"
    assert json.loads(fields["reply_markup"])["inline_keyboard"][0][0]["callback_data"] == "t1"


async def test_a_photo_is_uploaded_as_multipart_with_its_fields(bot_api):
    base, seen = bot_api
    bot = bot_of(base, TOKEN)
    image = b"\x89PNG\r\n\x1a\n" + b"x" * 100
    try:
        await bot.send_photo("42", photo=image, caption="사진")
    finally:
        await close_bot(bot)
    path, kind, fields = seen[0]
    assert path.endswith("/sendPhoto") and kind == "multipart"
    assert fields["photo"][1] == image and fields["caption"][1].decode() == "사진"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_bot_api_that_is_down_is_a_network_error_that_names_no_token():
    bot = bot_of(f"http://127.0.0.1:{closed_port()}", TOKEN)
    try:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message("42", "hello")
    finally:
        await close_bot(bot)
    assert TOKEN.split(":")[1] not in str(raised.value)


async def test_a_bot_api_that_does_not_answer_in_time_is_timed_out(bot_api):
    base, _ = bot_api
    request = AiohttpRequest(read_timeout=0.3)
    try:
        with pytest.raises(TimedOut):
            await request.post(f"{base}/slow")
    finally:
        await request.shutdown()
