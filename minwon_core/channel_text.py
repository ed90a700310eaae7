"""What counts as a citizen's text and a conversation id, on the edge and in Rasa's internal channel alike."""
from __future__ import annotations

import json
import re
from typing import Any, Optional

# DESIGN.md's sender ids, one form per channel prefix. Telegram ids may be negative (groups, channels).
CONVERSATION_FORMS = {
    "tg:": re.compile(r"tg:-?\d{1,20}"),
    "sms:": re.compile(r"sms:\+[1-9]\d{5,14}"),
    "web:": re.compile(r"web:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
}
CHANNEL_OF_PREFIX = {"tg:": "telegram", "sms:": "sms", "web:": "web"}
CONVERSATION_ID_HELP = "tg:<chat id>, sms:<E.164 phone> or web:<uuid4>"


def conversation_prefix(conversation_id: Any) -> Optional[str]:
    """`tg:`, `sms:` or `web:` when the id has its channel's form, else None."""
    if not isinstance(conversation_id, str):
        return None
    prefix = conversation_id.split(":", 1)[0] + ":"
    form = CONVERSATION_FORMS.get(prefix)
    return prefix if form is not None and form.fullmatch(conversation_id) else None


def channel_of(conversation_id: Any) -> Optional[str]:
    """The channel a conversation id names by its prefix (`tg:…` telegram, `sms:…` sms, `web:…` web), else None.
    The one map from id to channel: the actions, the desk and the notifier read it from here."""
    if not isinstance(conversation_id, str):
        return None
    prefix, sep, rest = conversation_id.partition(":")
    return CHANNEL_OF_PREFIX.get(prefix + sep) if rest else None


def neutralise_command(text: Optional[str]) -> str:
    """Strip leading slashes so citizen text can never be read as `/intent{...}` by Rasa."""
    cleaned = (text or "").strip()
    while cleaned.startswith("/"):
        cleaned = cleaned[1:].lstrip()
    return cleaned


def is_sendable(value: Any) -> bool:
    """Every string in a JSON value can be stored and sent: no lone surrogates (`\\ud800` in JSON), no nesting
    deeper than Python's recursion allows."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        return False
    return True
