"""The phone simulator signs SMS webhooks as Twilio does and shows the TwiML answer in the feed."""
import base64
import dataclasses
import hashlib
import hmac

import pytest
from aiohttp import web

from conftest import AUTH
from standins.app import create_app

pytestmark = pytest.mark.asyncio


async def test_sms_from_the_simulator_is_signed_and_the_answer_shows(aiohttp_client, aiohttp_server, settings):
    seen = {}

    async def webhook(request):
        form = dict(await request.post())
        url = settings_for_app.rasa_public_url + request.path
        data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
        seen["valid"] = request.headers["X-Twilio-Signature"] == base64.b64encode(
            hmac.new(AUTH.encode(), data.encode(), hashlib.sha1).digest()).decode()
        seen["blank_kept"] = form.get("FromCity") == ""
        return web.Response(text="<Response><Message>답장 &amp; reply</Message></Response>", content_type="application/xml")

    rasa = web.Application()
    rasa.router.add_post("/webhooks/twilio/webhook", webhook)
    target = await aiohttp_server(rasa)
    base = str(target.make_url("")).rstrip("/")
    settings_for_app = dataclasses.replace(settings, rasa_url=base, rasa_public_url="https://public.example")
    client = await aiohttp_client(create_app(settings_for_app))
    r = await client.post("/simulator/sms/send", json={"from": "+821012345678", "body": "안녕"})
    assert (await r.json())["twiml"] == ["답장 & reply"]
    assert seen == {"valid": True, "blank_kept": True}
    feed = await (await client.get("/simulator/feed", params={"channel": "sms", "id": "+821012345678"})).json()
    assert [m["text"] for m in feed["messages"]] == ["답장 & reply"]


async def test_simulator_refuses_a_malformed_phone_number(client):
    r = await client.post("/simulator/sms/send", json={"from": "01012345678", "body": "hi"})
    assert r.status == 400


async def test_simulator_page_is_served(client):
    r = await client.get("/simulator/")
    assert r.status == 200 and "phone simulator" in await r.text()
