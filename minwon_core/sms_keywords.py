"""SMS keywords every carrier expects, in English and Korean, and the texts that answer them."""
from __future__ import annotations

from typing import Optional

OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "수신거부", "중지"}
OPT_IN = {"START", "UNSTOP", "재개"}
HELP = {"HELP", "INFO", "도움말"}

TEXTS = {
    "opted_out": {
        "ko": "minwon 문자 수신이 거부되었습니다. 다시 받으려면 재개 라고 보내세요.",
        "en": "You will get no more texts from minwon. Reply START to resume.",
    },
    "opted_in": {
        "ko": "minwon 문자 수신을 다시 시작합니다. 무엇을 도와드릴까요?",
        "en": "Texts from minwon are back on. How can I help?",
    },
    "help": {
        "ko": "minwon 민원 도우미: 신청 현황, 과태료 납부, 전입신고, 민원 접수. 상담원: 110. 수신거부: 중지",
        "en": "minwon help: application status, fines, address change, complaints. Agent: 110. Stop: STOP",
    },
}


def keyword(body: str) -> Optional[str]:
    """'opt_out', 'opt_in', 'help' or None: only a message that is just the keyword counts."""
    word = body.strip().strip(".!").upper()
    if word in OPT_OUT:
        return "opt_out"
    if word in OPT_IN:
        return "opt_in"
    if word in HELP:
        return "help"
    return None


def language_of(body: str) -> str:
    return "ko" if any("\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e" for ch in body) else "en"


def text(kind: str, body: str) -> str:
    return TEXTS[kind][language_of(body)]
