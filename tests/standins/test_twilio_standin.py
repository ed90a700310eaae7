"""The fake Twilio REST API: basic auth, Twilio-shaped JSON, signed status callbacks."""
import asyncio
import base64
import hashlib
import hmac

import pytest
from aiohttp import web

from conftest import AUTH, SID

pytestmark = pytest.mark.asyncio
URL = f"/twilio/2010-04-01/Accounts/{SID}/Messages.json"


def basic(login, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def expected_signature(url, form):
    # Twilio's documented algorithm, written out independently of standins/signing.py.
    data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    return base64.b64encode(hmac.new(AUTH.encode(), data.encode(), hashlib.sha1).digest()).decode()


async def test_wrong_credentials_get_twilios_401(client):
    r = await client.post(URL, data={"To": "+821012345678", "From": "+15005550006", "Body": "hi"},
                          headers=basic(SID, "wrong"))
    assert r.status == 401 and (await r.json())["code"] == 20003


async def test_message_resource_shape_and_segments(client):
    r = await client.post(URL, data={"To": "+821012345678", "From": "+15005550006", "Body": "가" * 71},
                          headers=basic(SID, AUTH))
    body = await r.json()
    assert r.status == 201
    assert body["sid"].startswith("SM") and len(body["sid"]) == 34
    assert body["status"] == "queued" and body["num_segments"] == "2" and body["direction"] == "outbound-api"
    assert body["uri"] == f"/2010-04-01/Accounts/{SID}/Messages/{body['sid']}.json"


async def test_status_callbacks_are_signed_and_report_delivery(client, aiohttp_server):
    received = []

    async def callback(request):
        form = dict(await request.post())
        received.append((request.headers["X-Twilio-Signature"], form, str(request.url)))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/status", callback)
    target = await aiohttp_server(app)
    url = str(target.make_url("/status"))
    await client.post("/_control/twilio/undeliverable", json={"to": "+821099990000"})
    for to in ("+821012345678", "+821099990000"):
        await client.post(URL, data={"To": to, "From": "+15005550006", "Body": "hi", "StatusCallback": url},
                          headers=basic(SID, AUTH))
    for _ in range(100):
        if len(received) == 4:
            break
        await asyncio.sleep(0.02)
    finals = {form["To"]: form["MessageStatus"] for _, form, _ in received if form["MessageStatus"] != "sent"}
    assert finals == {"+821012345678": "delivered", "+821099990000": "undelivered"}
    for signature, form, _ in received:
        assert signature == expected_signature(url, form)
