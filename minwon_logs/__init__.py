"""Structured logs for every minwon process, on Python 3.10 (Rasa side) and 3.11 (services); stdlib only.

    import minwon_logs
    minwon_logs.setup("notifier")              # once, in the process's __main__

Every line carries the service, the request id and the conversation reference of the work in hand
(contextvars, so concurrent requests never mix). The reference is a keyed hash of the conversation id
(`sms:3f9a0c…`), never the id itself: an SMS conversation id is the citizen's phone number.

Settings (environment): MINWON_LOG_FORMAT `json` | `text` (default json when MINWON_ENV=production,
else text), MINWON_LOG_SALT (the HMAC key of conversation references; the same value in every process,
a real secret in production).
"""
from minwon_logs.context import (CONVERSATION_HEADER, REQUEST_ID_HEADER, bind, conversation_ref,
                                 conversation_var, current_conversation, current_request_id, new_request_id,
                                 outgoing_headers, request_id_var, unbind, valid_conversation_ref,
                                 valid_request_id)
from minwon_logs.config import LogSettings, LogSettingsError, formatter, setup
from minwon_logs.formatting import JsonFormatter, TextFormatter

__all__ = [
    "CONVERSATION_HEADER", "REQUEST_ID_HEADER", "JsonFormatter", "LogSettings", "LogSettingsError",
    "TextFormatter", "bind", "conversation_ref", "conversation_var", "current_conversation",
    "current_request_id", "formatter", "new_request_id", "outgoing_headers", "request_id_var", "setup",
    "unbind", "valid_conversation_ref", "valid_request_id",
]
