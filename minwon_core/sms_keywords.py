"""SMS keywords every carrier expects, in English and Korean, and the texts that answer them."""
from __future__ import annotations

from typing import Optional

from minwon_core import texts
from minwon_core.texts import N_

OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "수신거부", "중지"}
OPT_IN = {"START", "UNSTOP", "재개"}
HELP = {"HELP", "INFO", "도움말"}

# What the edge answers each keyword with (the services' catalogue, sms_*).
KEYS = {"opted_out": N_("sms_opted_out"), "opted_in": N_("sms_opted_in"), "help": N_("sms_help")}


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
    return texts.msg(KEYS[kind], language_of(body))
