"""Phone simulator: plays a citizen's Telegram app or phone against the channel edge.

Sends webhooks exactly as Telegram (secret header, Update JSON) and Twilio (signed form) would,
and shows what the bot sent back through the fake APIs (and TwiML).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import re
import secrets
import time
from pathlib import Path
from typing import Any, Dict, List
from xml.etree import ElementTree

import aiohttp
from aiohttp import web

from standins.keys import CLIENT, SETTINGS, TELEGRAM, TWILIO
from standins.signing import twilio_signature
from standins.state import StoredFile

routes = web.RouteTableDef()
STATIC = Path(__file__).resolve().parent / "static"
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
MAX_PHOTO = 5 * 1024 * 1024


def bad(message: str) -> web.Response:
    return web.json_response({"code": "invalid", "message": message}, status=400)


def image_type(image: bytes) -> str:
    """What a phone would send: the content type of the actual bytes."""
    return "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"


def photo_bytes(data: Dict[str, Any]) -> bytes | None:
    raw = data.get("photo_b64")
    if not raw:
        return None
    try:
        decoded = base64.b64decode(str(raw).split(",")[-1], validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) <= MAX_PHOTO else None


@routes.get("/simulator/")
async def page(_: web.Request) -> web.Response:
    return web.FileResponse(STATIC / "simulator.html")


@routes.get("/simulator/static/{name}")
async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ("simulator.js", "simulator.css"):
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC / name)


def telegram_update(state, chat_id: int, data: Dict[str, Any]) -> Dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Citizen", "language_code": data.get("language", "ko")}
    update: Dict[str, Any] = {"update_id": next(state.update_ids)}
    if data.get("callback_data") is not None:
        update["callback_query"] = {
            "id": secrets.token_hex(8), "from": user, "chat_instance": str(chat_id), "data": str(data["callback_data"]),
            "message": {"message_id": int(data.get("message_id") or 0), "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"}},
        }
        return update
    message: Dict[str, Any] = {"message_id": next(state.message_ids), "date": int(time.time()), "from": user,
                               "chat": {"id": chat_id, "type": "private", "first_name": "Citizen"}}
    if data.get("location"):
        message["location"] = {"latitude": float(data["location"]["lat"]), "longitude": float(data["location"]["lon"])}
    elif data.get("contact"):
        message["contact"] = {"phone_number": str(data["contact"]), "first_name": "Citizen", "user_id": chat_id}
    elif data.get("photo_b64"):
        image = photo_bytes(data)
        if image is None:
            raise ValueError("photo must be base64 image data up to 5 MB")
        file_id = "AgAC" + secrets.token_urlsafe(24)
        suffix = "png" if image_type(image) == "image/png" else "jpg"
        state.files[file_id] = StoredFile(image, image_type(image), f"photos/file_{len(state.files)}.{suffix}")
        message["photo"] = [{"file_id": file_id, "file_unique_id": file_id[:16], "width": 800, "height": 600,
                             "file_size": len(image)}]
        if data.get("text"):
            message["caption"] = str(data["text"])
    else:
        message["text"] = str(data.get("text") or "")
    update["message"] = message
    return update


@routes.post("/simulator/telegram/send")
async def telegram_send(request: web.Request) -> web.Response:
    settings, state = request.app[SETTINGS], request.app[TELEGRAM]
    data = await request.json()
    try:
        chat_id = int(data.get("chat_id"))
        update = telegram_update(state, chat_id, data)
    except (TypeError, ValueError) as error:
        return bad(f"chat_id must be a number and the message well formed ({error})")
    url = state.webhook.get("url") or f"{settings.rasa_url}/webhooks/telegram/webhook"
    secret = state.webhook.get("secret_token") if state.webhook.get("url") else settings.telegram_secret
    started = time.perf_counter()
    try:
        async with request.app[CLIENT].post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret or ""}) as r:
            status = r.status
    except aiohttp.ClientError:
        return web.json_response({"code": "unreachable", "message": "Rasa is not reachable"}, status=502)
    return web.json_response({"status": status, "update_id": update["update_id"],
                              "ack_ms": round((time.perf_counter() - started) * 1000, 1)})


def twiml_bodies(xml: str) -> List[str]:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return []
    return [(m.findtext("Body") or m.text or "") for m in root.iter("Message")]


@routes.post("/simulator/sms/send")
async def sms_send(request: web.Request) -> web.Response:
    settings, state = request.app[SETTINGS], request.app[TWILIO]
    data = await request.json()
    phone = str(data.get("from") or "")
    if not E164.match(phone):
        return bad("from must be an E.164 phone number such as +821012345678")
    sid = "SM" + secrets.token_hex(16)
    form = {"ToCountry": "KR", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
            "Body": str(data.get("body") or ""), "To": settings.twilio_from_number, "NumSegments": "1",
            "MessageSid": sid, "AccountSid": settings.twilio_account_sid, "From": phone,
            "ApiVersion": "2010-04-01", "FromCity": "", "FromState": "", "FromZip": ""}
    image = photo_bytes(data)
    if image is not None:
        media_id = "ME" + secrets.token_hex(16)
        state.media[media_id] = StoredFile(image, image_type(image), media_id)
        form.update(NumMedia="1", MediaContentType0=image_type(image),
                    MediaUrl0=f"{settings.public_url}/twilio/media/{media_id}")
    path = "/webhooks/twilio/webhook"
    signature = twilio_signature(settings.twilio_auth_token, settings.rasa_public_url + path, form.items())
    started = time.perf_counter()
    try:
        async with request.app[CLIENT].post(settings.rasa_url + path, data=form,
                                            headers={"X-Twilio-Signature": signature}) as r:
            status, xml = r.status, await r.text()
    except aiohttp.ClientError:
        return web.json_response({"code": "unreachable", "message": "Rasa is not reachable"}, status=502)
    bodies = twiml_bodies(xml) if status == 200 else []
    for body in bodies:
        state.record("twiml", {"sid": "twiml-" + sid, "to": phone, "from": settings.twilio_from_number, "body": body,
                            "at": time.time()})
    return web.json_response({"status": status, "message_sid": sid, "twiml": bodies,
                              "reply_ms": round((time.perf_counter() - started) * 1000, 1)})


async def govapi_texts(request: web.Request, phone: str) -> List[Dict[str, Any]]:
    """Development only (Settings.govapi_url): the texts govapi's development SMS outbox holds for this phone (its
    one-time codes), as the phone would have received them. Nothing when govapi does not answer."""
    settings = request.app[SETTINGS]
    if not settings.govapi_url or not E164.match(phone):
        return []
    try:
        async with request.app[CLIENT].get(
                settings.govapi_url + "/v1/admin/sms-outbox", params={"phone": phone, "limit": "20"},
                headers={"Authorization": f"Bearer {settings.govapi_admin_token}"},
                timeout=aiohttp.ClientTimeout(total=2)) as r:
            if r.status != 200:
                return []
            messages = (await r.json()).get("messages") or []
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return []
    items = []
    for m in messages:
        try:
            at = dt.datetime.fromisoformat(str(m["created_at"])).timestamp()
        except (KeyError, TypeError, ValueError):
            continue
        items.append({"at": at, "text": str(m.get("body") or ""), "via": "govapi"})
    return items


@routes.get("/simulator/feed")
async def feed(request: web.Request) -> web.Response:
    """What the bot sent to one Telegram chat or phone, oldest first (in development, with govapi's codes)."""
    channel, ident = request.query.get("channel"), request.query.get("id", "")
    items: List[Dict[str, Any]] = []
    if channel == "telegram":
        for call in request.app[TELEGRAM].calls_of(ident):
            if call["method"] in ("sendMessage", "sendPhoto"):
                items.append({"at": call["at"], "text": call["params"].get("text") or call["params"].get("photo"),
                              "reply_markup": call["params"].get("reply_markup")})
    elif channel == "sms":
        state = request.app[TWILIO]
        for m in state.sent_to("twiml", ident):
            items.append({"at": m["at"], "text": m["body"], "via": "twiml"})
        for m in state.sent_to("messages", ident):
            items.append({"at": m.get("created", 0), "text": m["body"], "via": "rest",
                          "status": m["status"], "segments": m["num_segments"]})
        items.extend(await govapi_texts(request, ident))
        items.sort(key=lambda item: item["at"])
    else:
        return bad("channel must be telegram or sms")
    return web.json_response({"messages": items})
