"""The edge's errors, with messages fit to show an operator or an API client (never citizen text)."""
from __future__ import annotations


class EdgeError(Exception):
    """Base of every error the edge raises on purpose; `code` and `status` make its JSON answer."""

    code = "edge_error"
    status = 500


class SettingsError(EdgeError, ValueError):
    """A setting is missing or malformed; the message names the environment key."""

    code = "settings_error"


class InvalidRequest(EdgeError):
    code = "invalid"
    status = 400


class Forbidden(EdgeError):
    """A webhook whose secret or signature does not match (403 {"code": "forbidden", "message"})."""

    code = "forbidden"
    status = 403


class Busy(EdgeError):
    """Too many messages wait for one conversation: the channel sends it again later."""

    code = "busy"
    status = 503


class Unavailable(EdgeError):
    """Redis (or Rasa, for the web chat's synchronous answer) cannot be reached now: send it again later."""

    code = "unavailable"
    status = 503


class DeliveryError(EdgeError):
    """A reply could not be handed to the channel's API (after retries)."""


class RecipientBlocked(DeliveryError):
    """The recipient blocked the bot or opted out; nothing more may be sent."""
