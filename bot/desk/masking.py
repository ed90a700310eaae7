"""What the agent's view hides by default: one-time codes always, phone numbers and birth dates until an
agent reveals them on purpose (an audited action). Applied to every transcript and id the console serves,
and to the desk's own message rows before they are stored (bot.desk.service.DeskService.stored_text)."""
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


def code_expected(events: list[dict[str, Any]]) -> bool:
    """Whether a citizen line arriving now would answer the code question: the form asks for the code, or the last
    thing the bot said asked for it. The same reading as code_steps, but the citizen's own lines do not end the step
    (the tracker may already hold the very line being stored, and a code may come a line late)."""
    said = [e for e in events if isinstance(e, dict) and e.get("event") != "user"]
    return code_steps(said + [{"event": "user"}])[-1]


def reveal_stored(stored: str, raw_lines: list[str], reveal: Iterable[str]) -> str:
    """A stored (masked at rest) line shown with `reveal` applied, from the tracker's raw copy of the same line.

    The desk keeps phone numbers and birth dates masked in its own rows; Rasa's tracker keeps every line of the
    conversation as typed (citizen lines while paused, agent lines appended by the desk). The raw line whose masked
    form equals the stored one is that line; it is taken from `raw_lines` so each raw line serves once. A code is
    masked again whatever `reveal` says. Without a matching raw line the stored text is all there is."""
    reveal = tuple(reveal)
    for index, raw in enumerate(raw_lines):
        for code_step in (True, False):
            if mask_text(raw, code_step=code_step) == stored:
                del raw_lines[index]
                return mask_text(raw, reveal, code_step=code_step)
    return stored


def reveal_fields(value: Any) -> tuple[str, ...]:
    """The `fields` of a reveal request, checked: a list naming phone and/or birth_date."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v in REVEALABLE for v in value):
        raise InvalidRequest(f"fields must be a list naming {' and/or '.join(REVEALABLE)}")
    return tuple(sorted(set(value)))
