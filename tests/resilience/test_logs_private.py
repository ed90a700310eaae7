"""The logs of every process of the stack hold no phone number, ID number, one-time code or message text, and
still let an operator follow one conversation: its lines carry the conversation's keyed hash."""
import asyncio
import base64
import hashlib
import hmac
import json
import re
import uuid

import pytest

from minwon_logs import conversation_ref
from stack import TelegramCitizen

pytestmark = pytest.mark.asyncio

TWILIO_AUTH = "dev-twilio-auth-token"  # the stand-in's and the connector's development default


def signed(url: str, form: dict) -> str:
    data = url + "".join(k + form[k] for k in sorted(form))
    return base64.b64encode(hmac.new(TWILIO_AUTH.encode(), data.encode(), hashlib.sha1).digest()).decode()


async def raw_request(url: str, request: bytes) -> None:
    """One request as bytes over a socket (aiohttp would refuse to send a malformed one)."""
    host, port = url.split("//", 1)[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    await asyncio.wait_for(reader.read(4096), 10)
    writer.close()


async def malformed_requests_carrying(stack, session, marker: str, phone: str) -> None:
    """Forged, malformed and oversized requests that carry personal data, to every public and internal port: each is
    refused with a 4xx and none of what it carried may reach a log."""
    deep = "[" * 5000 + f'"{marker}"' + "]" * 5000
    forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                          "text": f"{marker} {phone}"}}
    answers = []
    for url, kwargs in [
        (stack.public + "/webhooks/telegram/webhook", {"json": forged, "headers": {"X-Telegram-Bot-Api-Secret-Token": "no"}}),
        (stack.public + "/webhooks/twilio/webhook", {"data": {"From": "+821055507391", "Body": marker},
                                                     "headers": {"X-Twilio-Signature": "forged"}}),
        (stack.public + "/webhooks/webchat/messages", {"data": deep, "headers": {"Content-Type": "application/json"}}),
        (stack.public + "/webhooks/webchat/messages", {"json": {"session": marker, "text": phone}}),
        (stack.internal + "/webhooks/internal/turn", {"json": {"conversation_id": f"tg:{marker}", "text": phone},
                                                       "headers": {"Authorization": f"Bearer {marker}"}}),
        (stack.edge_internal + "/webhooks/telegram/outbound", {"data": deep, "headers": {"Content-Type": "application/json"}}),
    ]:
        async with session.post(url, **kwargs) as r:
            answers.append((url, r.status))
    assert all(400 <= status < 500 for _, status in answers), answers
    for base in (stack.public, stack.internal, stack.edge_internal):
        await raw_request(base, f"GET /webhooks/{marker}?phone={phone}\x01 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        await raw_request(base, b"POST /webhooks/webchat/messages HTTP/1.1\r\nHost: x\r\nX-Note: \xff"
                          + marker.encode() + b"\r\nContent-Length: 2\r\n\r\n{}")


@pytest.mark.after_all
async def test_a_full_run_leaves_no_personal_data_in_any_log(stack, session, chat_id):
    marker = f"zebra{uuid.uuid4().hex[:10]}"
    phone_local, phone_e164 = "010-5550-7391", "+821055507391"
    id_number, code = "900101-1234567", "482913"
    sms_texts = [f"count 7 {marker}", f"my id is {id_number}", f"code {code}", f"call me on {phone_local}"]
    url = stack.public + "/webhooks/twilio/webhook"
    for text in sms_texts:
        sid = "SM" + uuid.uuid4().hex
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "ACdev00000000000000000000000000000",
                "From": phone_e164, "To": "+15005550006", "Body": text, "NumMedia": "0"}
        async with session.post(url, data=form, headers={"X-Twilio-Signature": signed(url, form)}) as r:
            assert r.status == 200
    citizen = TelegramCitizen(stack, session, chat_id)
    assert await citizen.send(f"count 8 {marker} {phone_local} {id_number} {code}")
    assert len(await citizen.replies()) == 1  # the turn ran through the whole stack
    await malformed_requests_carrying(stack, session, marker, phone_local)

    logs = stack.logs()
    assert len(logs) > 1000, "the processes wrote (almost) no logs: nothing was checked"
    digits = re.sub(r"\D", "", logs)
    for secret in (marker, phone_local, phone_e164, "1055507391", id_number, "1234567", code, "zebra"):
        assert secret not in logs, f"{secret!r} found in the logs"
    assert "01055507391" not in digits

    # The Rasa instances name both conversations by reference (same salt as the stack: the environment's).
    rasa_logs = "\n".join(p.read_text(errors="replace") for p in sorted(stack.log_dir.glob("rasa*.log")))
    for conversation in (f"sms:{phone_e164}", f"tg:{chat_id}"):
        assert conversation_ref(conversation) in rasa_logs, f"no line names {conversation_ref(conversation)}"
    # Lines written as JSON (MINWON_LOG_FORMAT=json) are whole objects, with the service that wrote them.
    for raw in logs.splitlines():
        if raw.startswith("{"):
            line = json.loads(raw)
            assert line.get("service"), raw[:200]
