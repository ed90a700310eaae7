"""Fake Telegram Bot API: /telegram/bot<token>/<method> and /telegram/file/bot<token>/<path>.

Answers in the Bot API's JSON shape ({"ok": true, "result": ...} or error_code/description with
parameters.retry_after), records every call, and can be told to fail (429, 403 blocked).
"""
from __future__ import annotations

import json
import time
from typing import Any, Dict

from aiohttp import web

from standins.keys import SETTINGS, TELEGRAM

routes = web.RouteTableDef()


def error(code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: Dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def params_of(request: web.Request) -> Dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return data if isinstance(data, dict) else {}
    form = await request.post() if request.body_exists else {}
    params: Dict[str, Any] = dict(request.query)
    for key, value in form.items():
        try:
            params[key] = json.loads(value) if key in ("reply_markup", "allowed_updates") else value
        except (TypeError, ValueError):
            params[key] = value
    return params


def message_result(state, chat_id: Any, params: Dict[str, Any]) -> Dict[str, Any]:
    result = {
        "message_id": next(state.message_ids),
        "date": int(time.time()),
        "chat": {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id, "type": "private"},
        "from": {"id": 123456, "is_bot": True, "first_name": "minwon", "username": "minwon_bot"},
    }
    for key in ("text", "reply_markup", "photo"):
        if key in params:
            result[key] = params[key]
    return result


@routes.route("*", "/telegram/bot{token}/{method}")
async def bot_method(request: web.Request) -> web.Response:
    settings, state = request.app[SETTINGS], request.app[TELEGRAM]
    if request.match_info["token"] != settings.telegram_token:
        return error(401, "Unauthorized")
    method = request.match_info["method"]
    params = await params_of(request)
    chat_id = params.get("chat_id")
    state.record({"method": method, "params": params, "at": time.time()})
    async with state.changed:
        state.changed.notify_all()
    failure = state.take_failure(method)
    if failure is not None:
        return error(failure.error_code, failure.description, failure.retry_after)
    if chat_id is not None and str(chat_id) in state.blocked and method.startswith("send"):
        return error(403, "Forbidden: bot was blocked by the user")
    if method == "getMe":
        return ok({"id": 123456, "is_bot": True, "first_name": "minwon", "username": "minwon_bot"})
    if method in ("sendMessage", "sendPhoto"):
        if chat_id is None:
            return error(400, "Bad Request: chat_id is empty")
        text = params.get("text")
        if method == "sendMessage" and (not text or len(str(text).encode("utf-16-le")) // 2 > 4096):
            return error(400, "Bad Request: message text is empty or too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                    return error(400, "Bad Request: BUTTON_DATA_INVALID")
        return ok(message_result(state, chat_id, params))
    if method == "editMessageReplyMarkup":
        return ok(message_result(state, chat_id, params) | {"message_id": params.get("message_id")})
    if method in ("answerCallbackQuery", "sendChatAction", "deleteWebhook"):
        if method == "deleteWebhook":
            state.webhook.clear()
        return ok(True)
    if method == "setWebhook":
        url = params.get("url", "")
        if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            return error(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        state.webhook = {"url": url, "secret_token": params.get("secret_token", ""),
                         "allowed_updates": params.get("allowed_updates") or []}
        return ok(True)
    if method == "getWebhookInfo":
        return ok({"url": state.webhook.get("url", ""), "has_custom_certificate": False,
                   "pending_update_count": 0, "allowed_updates": state.webhook.get("allowed_updates", [])})
    if method == "getFile":
        stored = state.files.get(str(params.get("file_id")))
        if stored is None:
            return error(400, "Bad Request: invalid file_id")
        return ok({"file_id": params["file_id"], "file_unique_id": params["file_id"][:16],
                   "file_size": len(stored.data), "file_path": stored.path})
    return error(404, "Not Found")


@routes.get("/telegram/file/bot{token}/{path:.+}")
async def download(request: web.Request) -> web.Response:
    settings, state = request.app[SETTINGS], request.app[TELEGRAM]
    if request.match_info["token"] != settings.telegram_token:
        return error(401, "Unauthorized")
    for stored in state.files.values():
        if stored.path == request.match_info["path"]:
            return web.Response(body=stored.data, content_type=stored.content_type)
    return error(404, "Not Found")
