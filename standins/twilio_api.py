"""Fake Twilio REST API: POST /twilio/2010-04-01/Accounts/<sid>/Messages.json.

Checks HTTP basic auth like Twilio, answers with Twilio's JSON message resource, records the
message and fires signed status callbacks (queued -> sent -> delivered, or undelivered).
"""
from __future__ import annotations

import asyncio
import base64
import math
import secrets
import time
from email.utils import formatdate
from typing import Any, Dict

import aiohttp
from aiohttp import web

from standins.keys import BACKGROUND, CLIENT, SETTINGS, TWILIO
from standins.signing import twilio_signature

routes = web.RouteTableDef()

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def num_segments(body: str) -> int:
    if not body:
        return 1
    if all(ch in GSM7 for ch in body):
        n = sum(2 if ch in "^{}\\[~]|€" else 1 for ch in body)
        return 1 if n <= 160 else math.ceil(n / 153)
    n = len(body.encode("utf-16-le")) // 2
    return 1 if n <= 70 else math.ceil(n / 67)


def basic_auth(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        login, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return login, password


def twilio_error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                              "status": status}, status=status)


async def fire_status_callbacks(app: web.Application, message: Dict[str, Any], url: str) -> None:
    settings = app[SETTINGS]
    final = "undelivered" if message["to"] in app[TWILIO].undeliverable else "delivered"
    for status in ("sent", final):
        await asyncio.sleep(settings.status_callback_delay)
        message["status"] = status
        form = {"MessageSid": message["sid"], "SmsSid": message["sid"], "AccountSid": message["account_sid"],
                "From": message["from"], "To": message["to"], "MessageStatus": status, "SmsStatus": status,
                "ApiVersion": "2010-04-01"}
        if status == "undelivered":
            form["ErrorCode"] = "30003"
            message["error_code"] = 30003
        headers = {"X-Twilio-Signature": twilio_signature(settings.twilio_auth_token, url, form.items())}
        try:
            async with app[CLIENT].post(url, data=form, headers=headers) as response:
                message.setdefault("callbacks", []).append({"status": status, "http_status": response.status})
        except aiohttp.ClientError:
            message.setdefault("callbacks", []).append({"status": status, "http_status": None})


@routes.post("/twilio/2010-04-01/Accounts/{sid}/Messages.json")
async def create_message(request: web.Request) -> web.Response:
    settings, state = request.app[SETTINGS], request.app[TWILIO]
    if (basic_auth(request.headers.get("Authorization", "")) != (settings.twilio_account_sid, settings.twilio_auth_token)
            or request.match_info["sid"] != settings.twilio_account_sid):
        return twilio_error(401, 20003, "Authenticate")
    form = await request.post()
    to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
    if not to:
        return twilio_error(400, 21604, "A 'To' phone number is required.")
    if not from_ and not form.get("MessagingServiceSid"):
        return twilio_error(400, 21603, "A 'From' phone number is required.")
    if not body and not form.get("MediaUrl"):
        return twilio_error(400, 21602, "Message body is required.")
    if len(body) > 1600:
        return twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
    sid = "SM" + secrets.token_hex(16)
    now = formatdate(usegmt=True)
    message = {
        "sid": sid, "account_sid": settings.twilio_account_sid, "to": to, "from": from_, "body": body,
        "status": "queued", "num_segments": str(num_segments(body)), "num_media": "0", "direction": "outbound-api",
        "api_version": "2010-04-01", "date_created": now, "date_updated": now, "date_sent": None,
        "price": None, "price_unit": "USD", "error_code": None, "error_message": None,
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "uri": f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages/{sid}.json",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages/{sid}/Media.json"},
    }
    message["created"] = time.time()
    state.record("messages", message)
    callback = form.get("StatusCallback")
    if callback:
        task = asyncio.create_task(fire_status_callbacks(request.app, message, callback))
        request.app[BACKGROUND].add(task)
        task.add_done_callback(request.app[BACKGROUND].discard)
    public = {k: v for k, v in message.items() if k not in ("callbacks", "created")}
    return web.json_response(public, status=201)


@routes.get("/twilio/media/{media_id}")
async def media(request: web.Request) -> web.Response:
    stored = request.app[TWILIO].media.get(request.match_info["media_id"])
    if stored is None:
        raise web.HTTPNotFound()
    return web.Response(body=stored.data, content_type=stored.content_type)
