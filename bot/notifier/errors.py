"""The notifier's small exception hierarchy; messages are fit to show to an operator or API client."""
from __future__ import annotations


class NotifierError(Exception):
    """Base of every error the notifier raises on purpose."""

    code = "notifier_error"
    status = 500


class SettingsError(NotifierError, ValueError):
    """A setting is missing or malformed; the message names the environment key."""

    code = "settings_error"


class InvalidRequest(NotifierError):
    code = "invalid_request"
    status = 400


class NotFound(NotifierError):
    code = "not_found"
    status = 404


class Unauthorized(NotifierError):
    code = "unauthorized"
    status = 401


class UpstreamError(NotifierError):
    """govapi, Rasa or a connector answered badly or not at all; worth retrying later."""

    code = "upstream_error"
    status = 502


class RecipientGone(NotifierError):
    """The channel refuses this recipient for good (SMS opted out, Telegram bot blocked)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the channel refuses this recipient: {reason}")
        self.reason = reason
