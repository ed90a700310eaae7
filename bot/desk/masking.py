"""What the agent's view hides by default: one-time codes always, phone numbers and birth dates until an
agent reveals them on purpose (an audited action). Applied to every transcript and id the console serves."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.desk.errors import InvalidRequest
from bot.desk.texts import mask_phone

PHONE, BIRTH_DATE = "phone", "birth_date"
REVEALABLE = (PHONE, BIRTH_DATE)
CODE_MASK = "******"
DATE_MASK = "****-**-**"

_PHONE = re.compile(r"(?<![\d+])(?:\+82[\s.-]?0?|0)1\d[\s.)-]?\d{3,4}[\s.-]?\d{4}(?!\d)"
                    r"|(?<![\d+])(?:\+82[\s.-]?0?|0)[2-6]\d?[\s.)-]\d{3,4}[\s.-]\d{4}(?!\d)")
_MONTH, _DAY = r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = re.compile(
    rf"(?<![\d-])(?:19|20)\d\d\s*[-./년]\s*{_MONTH}\s*[-./월]\s*{_DAY}(?:\s*일)?(?![\d-])"  # 1985-03-14, 1985년 3월 14일
    r"|(?<![\d-])(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\d-])"  # 19850314
    r"|(?<![\d-])\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\d-])")  # 850314
_CODE = re.compile(r"(?<!\d)\d(?:[\s-]?\d){5}(?!\d)")
# The bot's verification step: asking for the code (the "code sent" message) and the citizen's answer.
CODE_SLOTS = {"otp_code"}
CODE_ACTIONS = {"action_ask_otp_code", "utter_ask_otp_code", "action_resend_otp"}


def mask_text(text: str, reveal: Iterable[str] = (), code_step: bool = False) -> str:
    reveal = set(reveal)
    if code_step:  # never revealed
        text = _CODE.sub(CODE_MASK, text)
    if PHONE not in reveal:
        text = _PHONE.sub(lambda m: mask_phone(m.group(0)) or "****", text)
    if BIRTH_DATE not in reveal:
        text = _DATE.sub(DATE_MASK, text)
    return text


def mask_conversation_id(conversation_id: str, reveal: Iterable[str] = ()) -> str:
    """sms ids are the citizen's phone number; web ids are the web chat's session credential."""
    channel, _, rest = conversation_id.partition(":")
    if channel == "sms" and PHONE not in set(reveal):
        return f"sms:{mask_phone(rest)}"
    if channel == "web":
        return f"web:{rest[:8]}…"
    return conversation_id


def code_steps(events: list[dict[str, Any]]) -> list[bool]:
    """For each tracker event, whether it belongs to the verification step where a one-time code is asked and typed."""
    requested, last_action, bot_asked = None, None, False
    steps = []
    for event in events:
        kind = event.get("event")
        step = False
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "active_loop" and not event.get("name"):
            requested = None
        elif kind == "action":
            last_action = event.get("name")
        elif kind == "bot":
            utter = (event.get("metadata") or {}).get("utter_action")
            step = requested in CODE_SLOTS or last_action in CODE_ACTIONS or utter in CODE_ACTIONS
            bot_asked = step
        elif kind == "user":
            step = requested in CODE_SLOTS or bot_asked
            bot_asked = False
        steps.append(step)
    return steps


def reveal_fields(value: Any) -> tuple[str, ...]:
    """The `fields` of a reveal request, checked: a list naming phone and/or birth_date."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v in REVEALABLE for v in value):
        raise InvalidRequest(f"fields must be a list naming {' and/or '.join(REVEALABLE)}")
    return tuple(sorted(set(value)))
