"""Reading and checking request input. Every failure is a 4xx ApiError with a stable code."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

import phonenumbers
from aiohttp import web

from .errors import (
    BadRequest,
    InvalidDate,
    InvalidJson,
    InvalidPhone,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)

MAX_JSON_BYTES = 64 * 1024
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


async def read_json(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"JSON bodies are limited to {MAX_JSON_BYTES} bytes.")
    content_type = request.content_type
    if content_type not in ("application/json", "application/octet-stream", "text/plain") and request.can_read_body:
        if not content_type.endswith("+json"):
            raise UnsupportedMediaType("Send JSON with Content-Type: application/json.")
    raw = await request.read()
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"JSON bodies are limited to {MAX_JSON_BYTES} bytes.")
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise InvalidJson() from None
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    if not is_valid_text(json.dumps(body, ensure_ascii=False)):
        raise InvalidJson("Strings must be valid Unicode (no lone surrogates).")
    return body


def is_valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _fail(field: str, expected: str) -> ValidationFailed:
    return ValidationFailed(f"'{field}' must be {expected}.", field=field)


def string(body: dict[str, Any], field: str, *, max_len: int = 200, required: bool = True,
           min_len: int = 1) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            raise _fail(field, "given")
        return None
    if not isinstance(value, str):
        raise _fail(field, "a string")
    value = value.strip()
    if not (min_len <= len(value) <= max_len):
        raise _fail(field, f"{min_len} to {max_len} characters")
    return value


def choice(body: dict[str, Any], field: str, allowed: Any, *, default: str | None = None) -> str:
    value = body.get(field, default)
    if not isinstance(value, str) or value not in allowed:
        raise _fail(field, "one of " + ", ".join(sorted(allowed)))
    return value


def integer(body: dict[str, Any], field: str, *, minimum: int, maximum: int) -> int:
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not (minimum <= value <= maximum):
        raise _fail(field, f"an integer from {minimum} to {maximum}")
    return value


def number(value: Any, field: str, *, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(field, "a number")
    if not (minimum <= value <= maximum):
        raise _fail(field, f"a number from {minimum} to {maximum}")
    return float(value)


def string_list(body: dict[str, Any], field: str, *, max_items: int, required: bool = True,
                min_items: int = 0) -> list[str]:
    value = body.get(field)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in value):
        raise _fail(field, "a list of identifiers")
    if not (min_items <= len(value) <= max_items):
        raise _fail(field, f"a list of {min_items} to {max_items} items")
    if len(set(value)) != len(value):
        raise _fail(field, "a list without repeats")
    return value


def bilingual(value: Any, field: str, *, max_len: int = 2000) -> dict[str, str]:
    """A citizen-facing text: {"ko", "en"}, or one string used for both."""
    if isinstance(value, str) and 0 < len(value.strip()) <= max_len:
        return {"ko": value.strip(), "en": value.strip()}
    if (isinstance(value, dict) and set(value) == {"ko", "en"}
            and all(isinstance(v, str) and 0 < len(v.strip()) <= max_len for v in value.values())):
        return {"ko": value["ko"].strip(), "en": value["en"].strip()}
    raise _fail(field, 'a text or {"ko", "en"} texts')


def parse_date(value: Any, field: str) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InvalidDate(f"'{field}' must be a date like 2026-12-01.", field=field)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidDate(f"'{field}' is not a real calendar date.", field=field) from None


def parse_phone(value: Any, field: str = "phone") -> str:
    """A Korean (or international) mobile number, answered in E.164."""
    if not isinstance(value, str) or not (6 <= len(value) <= 32):
        raise InvalidPhone(field=field)
    try:
        parsed = phonenumbers.parse(value, "KR")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(field=field) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(field=field)
    kind = phonenumbers.number_type(parsed)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidPhone("The phone number is not a mobile number.", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    parsed = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    parts = re.split(r"[-\s]", national)
    if len(parts) == 3:
        return f"{parts[0]}-{'*' * len(parts[1])}-{parts[2]}"
    digits = re.sub(r"\D", "", national)
    return "*" * (len(digits) - 4) + digits[-4:]


def idempotency_key(request: web.Request) -> str:
    key = request.headers.get("Idempotency-Key")
    if key is None or not IDEMPOTENCY_KEY.fullmatch(key):
        raise BadRequest("An Idempotency-Key header (1-200 visible characters) is required.",
                         code="idempotency_key_required")
    return key


def query_int(request: web.Request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\d{1,9}", raw) or not (minimum <= int(raw) <= maximum):
        raise ValidationFailed(f"'{name}' must be an integer from {minimum} to {maximum}.", field=name)
    return int(raw)
