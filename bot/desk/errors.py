"""Desk errors: each has a snake_case code for JSON answers and a message fit to show staff."""
from __future__ import annotations


class DeskError(Exception):
    status = 400
    code = "desk_error"

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(DeskError):
    status = 404
    code = "not_found"


class AlreadyClaimed(DeskError):
    status = 409
    code = "already_claimed"


class NotYours(DeskError):
    status = 403
    code = "not_yours"


class WrongState(DeskError):
    status = 409
    code = "wrong_state"


class InvalidRequest(DeskError):
    status = 400
    code = "invalid_request"


class UpstreamError(DeskError):
    """Rasa, a connector or govapi did not answer as agreed."""

    status = 502
    code = "upstream_unavailable"


class Refused(DeskError):
    """The channel refused the message (SMS opt-out, Telegram block); code is the connector's."""

    status = 409

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
