"""Reading request input strictly: JSON bodies with a nesting cap, no lone surrogates, typed fields.
Anything else is a 400 (bot.desk.errors.InvalidRequest), never an exception deeper in the desk."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.desk.errors import InvalidRequest

MAX_DEPTH = 32
MAX_BODY_BYTES = 256 * 1024  # the console app's client_max_size: a bigger body is a 413


def _check(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidRequest(f"the body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        clean_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            clean_text(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def clean_text(value: str) -> str:
    """A string that can be stored and sent: a lone surrogate (\\ud800 in JSON) cannot be encoded anywhere."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest("the text holds an invalid character (a lone surrogate)") from None
    return value


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object (web.HTTPRequestEntityTooLarge above the app's size limit)."""
    raw = await request.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRequest("the body must be UTF-8 JSON") from None
    except RecursionError:
        raise InvalidRequest(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise InvalidRequest("the body must be JSON") from None
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object")
    _check(data, 1)
    return data


def text(data: dict[str, Any], name: str, *, max_len: int, required: bool = False, default: str = "") -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidRequest(f"{name} is required")
        return default
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string")
    if len(value) > max_len:
        raise InvalidRequest(f"{name} is longer than {max_len} characters")
    return value


def optional_text(data: dict[str, Any], name: str, *, max_len: int) -> str | None:
    return text(data, name, max_len=max_len) or None


def flag(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise InvalidRequest(f"{name} must be true or false")
    return value


def query_int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidRequest(f"{name} must be a whole number from {low} to {high}")
    return int(raw)
