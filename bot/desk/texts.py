"""What the desk itself tells a citizen, in Korean (해요체, one SMS) and English (docs/GLOSSARY.md).

No staff login name ever reaches a citizen: "claimed" says an agent is there, not who. A callback time is a
datetime (or the caller's "%m/%d %H:%M" text) shown as "12월 7일 09:00에" / "on 7 Dec at 09:00"; no time
(or "곧"/"soon") means within opening hours and reads "곧" / "soon", never "곧에".
"""
from __future__ import annotations

import datetime as dt
import re

TEXTS = {
    "position": {
        "ko": "상담원 연결 대기 {position}번째예요. 약 {minutes}분 걸려요.",
        "en": "You are number {position} in line for an agent, about {minutes} min.",
    },
    "no_answer": {
        "ko": "상담원이 모두 바빠 콜백 요청(번호 {ticket})을 받았어요. 상담원이 {when} 연락드릴게요.",
        "en": "All agents are busy. Callback request {ticket} is booked; an agent will contact you {when}.",
    },
    "claimed": {
        "ko": "상담원이 연결됐어요. 이제 상담원과 이야기하시면 돼요.",
        "en": "An agent is with you now.",
    },
    "transferred": {
        "ko": "다른 상담원에게 연결하고 있어요. 잠시만 기다려 주세요.",
        "en": "Passing you to a colleague. Please wait a moment.",
    },
}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
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
        return "곧" if lang == "ko" else "soon"
    month, day, hour, minute = moment
    if lang == "ko":
        return f"{month}월 {day}일 {hour:02d}:{minute:02d}에"
    return f"on {day} {_MONTHS[month - 1]} at {hour:02d}:{minute:02d}"


def say(key: str, language: str, **values: object) -> str:
    """The text for `key`; values it does not name (e.g. the agent's login) are ignored on purpose."""
    texts = TEXTS[key]
    lang = "en" if language == "en" else "ko"
    if "when" in values:
        values = {**values, "when": when_phrase(values["when"], lang)}
    shown = {name: ("" if value is None else value) for name, value in values.items()}
    return texts[lang].format(**shown)


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
