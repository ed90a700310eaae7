"""What the desk itself tells a citizen (short enough for one SMS in Korean), in Korean and English."""
from __future__ import annotations

TEXTS = {
    "position": {
        "ko": "상담원 연결 대기 {position}번째입니다. 예상 대기 약 {minutes}분.",
        "en": "You are number {position} in line for an agent, about {minutes} min.",
    },
    "no_answer": {
        "ko": "지금 상담원이 모두 바쁩니다. 콜백 {ticket} 접수: {when}에 연락드립니다.",
        "en": "All agents are busy. Callback {ticket} booked; we will contact you {when}.",
    },
    "claimed": {
        "ko": "상담원 {agent}이(가) 연결되었습니다.",
        "en": "Agent {agent} is with you now.",
    },
    "transferred": {
        "ko": "다른 상담원에게 연결 중입니다. 잠시만 기다려 주세요.",
        "en": "Passing you to a colleague. Please wait a moment.",
    },
}


def say(key: str, language: str, **values: object) -> str:
    texts = TEXTS[key]
    return texts.get(language, texts["ko"]).format(**values)


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
