"""What the desk itself tells a citizen, in Korean (해요체, one SMS) and English (docs/GLOSSARY.md): the texts are in
the services' gettext catalogue (desk_*, minwon_core/texts.py).

No staff login name ever reaches a citizen: "claimed" says an agent is there, not who. A callback time is a
datetime (or the caller's "%m/%d %H:%M" text) shown as "12월 7일 09:00에" / "on 7 Dec at 09:00"; no time
(or "곧"/"soon") means within opening hours and reads "곧" / "soon", never "곧에".
"""
from __future__ import annotations

import datetime as dt
import re

from minwon_core.texts import N_, msg

# The desk's own keys (the calls in bot/desk/service.py) -> catalogue keys (locale/*/LC_MESSAGES/services.po).
KEYS = {"position": N_("desk_position"), "no_answer": N_("desk_no_answer"), "claimed": N_("desk_claimed"),
        "transferred": N_("desk_transferred")}
_MONTHS = (N_("month_1"), N_("month_2"), N_("month_3"), N_("month_4"), N_("month_5"), N_("month_6"), N_("month_7"),
           N_("month_8"), N_("month_9"), N_("month_10"), N_("month_11"), N_("month_12"))  # "7 Dec" / "12월 7일"
_SHORT = re.compile(r"^(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})$")  # what service.sweep formats today


def when_phrase(value: object, language: str) -> str:
    """The callback time as it is said in a sentence, its particle included."""
    lang = "en" if language == "en" else "ko"
    moment = None
    if isinstance(value, dt.datetime):
        moment = (value.month, value.day, value.hour, value.minute)
    elif isinstance(value, str) and _SHORT.match(value.strip()):
        moment = tuple(int(g) for g in _SHORT.match(value.strip()).groups())
    if moment is None:  # None, "", "곧", "soon": during opening hours
        return msg("desk_when_soon", lang)
    month, day, hour, minute = moment
    return msg("desk_when_at", lang, month=msg(_MONTHS[month - 1], lang), day=day,
                time=f"{hour:02d}:{minute:02d}")


def say(key: str, language: str, **values: object) -> str:
    """The text for the desk's `key`; values it does not name (e.g. the agent's login) are ignored on purpose."""
    lang = "en" if language == "en" else "ko"
    if "when" in values:
        values = {**values, "when": when_phrase(values["when"], lang)}
    return msg(KEYS[key], lang, **values)


def minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def mask_phone(phone: str | None) -> str | None:
    """+821012345678 / 010-1234-5678 -> 010-****-5678 (only the last four digits stay)."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+82") or digits.startswith("82"):
        digits = "0" + digits[2:]
    if len(digits) < 8:
        return "****"
    return f"{digits[:3]}-****-{digits[-4:]}"
