"""Connector timing behaviour that needs a slow turn: the SMS webhook falls back from TwiML to the
REST API, and Telegram sends are paced per chat. Rasa is replaced here by a slow echo agent (the
thing under test is the connector's own scheduling); Twilio, Telegram (stand-ins) and Redis are real."""
import asyncio
import time
import uuid

import httpx
import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

from conftest import REDIS_URL, TELEGRAM_TOKEN, TWILIO_SID, TWILIO_TOKEN, free_port, wait_until
from connectors.settings import CommonSettings, SmsSettings
from connectors.sms import SmsInput
from connectors.telegram_api import BotApi
from connectors.throttle import SendThrottle


class SlowEchoAgent:
    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def handle_message(self, message) -> None:
        await asyncio.sleep(self.delay)
        await message.output_channel.send_response(message.sender_id, {"text": f"echo {message.text}"})


@pytest.mark.asyncio
async def test_slow_sms_turn_is_acknowledged_then_sent_by_rest(standins, redis_prefix):
    port = free_port()
    common = CommonSettings(production=False, redis_url=REDIS_URL, redis_prefix=redis_prefix + "late:",
                            public_url=f"http://127.0.0.1:{port}")
    settings = SmsSettings(common=common, account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN,
                           from_number="+15005550006", api_base=standins["url"] + "/twilio", twiml_deadline=0.3)
    channel = SmsInput(settings)
    app = Sanic(f"late_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = SlowEchoAgent(delay=1.0)
    register([channel], app, "/webhooks/")
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    phone = "+8210" + str(uuid.uuid4().int % 10**8).zfill(8)
    try:
        from conftest import Sms

        sms = Sms(f"http://127.0.0.1:{port}", standins["url"])
        started = time.monotonic()
        twiml = await asyncio.get_event_loop().run_in_executor(None, sms.send, phone, "slow question")
        acknowledged_after = time.monotonic() - started
        assert twiml == [] and acknowledged_after < 1.0  # acknowledged before the reply existed
        messages = await asyncio.get_event_loop().run_in_executor(
            None, lambda: wait_until(lambda: sms.rest_messages(phone), 10, "REST reply"))
        assert [m["body"] for m in messages] == ["echo slow question"]
    finally:
        await channel.queues.idle()
        await channel.close()
        for connection in list(server.connections):
            connection.close_if_idle()
        server.close()
        await server.wait_closed()
        await asyncio.sleep(0.1)  # let Sanic's connection tasks finish before the loop closes


@pytest.mark.asyncio
async def test_telegram_sends_to_one_chat_are_paced(standins):
    api = BotApi(standins["url"] + "/telegram", TELEGRAM_TOKEN, SendThrottle(per_chat_interval=0.3, global_rate=30))
    chat = str(uuid.uuid4().int % 10**9)
    try:
        await asyncio.gather(*(api.call("sendMessage", {"chat_id": chat, "text": f"m{i}"}, chat=chat) for i in range(4)))
    finally:
        await api.close()
    calls = httpx.get(standins["url"] + "/_control/telegram/calls", params={"chat_id": chat}).json()["calls"]
    times = [c["at"] for c in calls]
    assert len(times) == 4
    assert all(later - earlier >= 0.25 for earlier, later in zip(times, times[1:]))
