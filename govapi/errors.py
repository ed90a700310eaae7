"""The errors govapi answers with. Each carries an HTTP status, a stable code and a plain message.

The error middleware turns any ApiError into `{"code", "message", ...extra}`; actions map `code`
to bilingual text, so messages are plain English for developers, never shown raw to citizens.
"""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 400
    code = "bad_request"
    message = "The request is not valid."

    def __init__(self, message: str | None = None, *, code: str | None = None, **extra: Any) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class BadRequest(ApiError):
    pass


class InvalidJson(ApiError):
    code = "invalid_json"
    message = "The body is not valid JSON."


class ValidationFailed(ApiError):
    code = "validation_error"
    message = "A field is missing or has the wrong type."


class InvalidPhone(ApiError):
    code = "invalid_phone"
    message = "The phone number is not a valid mobile number."


class InvalidDate(ApiError):
    code = "invalid_date"
    message = "The date is not valid."


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"
    message = "A valid bearer token is required."


class CitizenTokenRequired(ApiError):
    status = 401
    code = "citizen_token_required"
    message = "A valid X-Citizen-Token from verification is required."


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    message = "This token may not use this route."


class NotFound(ApiError):
    status = 404
    code = "not_found"
    message = "Nothing was found with that identifier."


class Conflict(ApiError):
    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class Expired(ApiError):
    status = 410
    code = "expired"
    message = "This has expired."


class PayloadTooLarge(ApiError):
    status = 413
    code = "body_too_large"
    message = "The body is too large."


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"
    message = "This content type is not accepted here."


class Locked(ApiError):
    status = 423
    code = "locked"
    message = "Too many wrong attempts; start a new verification."


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"
    message = "Too many requests; try again later."


class Unavailable(ApiError):
    status = 503
    code = "unavailable"
    message = "The service is temporarily unavailable."


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the environment key."""
