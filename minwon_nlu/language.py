"""Which language a message is in, and whether it asks to switch (pure functions).

Hangul syllables carry more per character than Latin letters; minwon_core.language weighs them (the
actions' language slot weighs the same way): "과태료 pay할래" and "address 변경요" are Korean, "I want to
pay 과태료" is English. Identifiers (AP-2026-000123) and digits say nothing about the language.
An explicit request ("in English please", "한국어로 해줘") wins over what the text is written in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from minwon_core.language import is_korean
from minwon_nlu.identifiers import find_identifiers

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")

# "written only in Korean", "the letter is in Korean": what a text is in, no request for the conversation.
# "sorry typing in english, reply in Korean pls": how the citizen types, no request either
_NOT_TOLD = r"(?<!\btyping )(?<!\btyped )(?<!\bwriting )(?<!\btexting )(?<!\bwrote )(?<!\bwritten )(?<!\bonly )(?<!\bprinted )(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\ball )(?<!\bit's )(?<!\bswitched )(?<!\bchanged )(?<!\bset )"
# "I got a letter in Korean": a thing written in the language, no request either
_NOT_TOLD += "".join(rf"(?<!\b{noun} )" for noun in (
    "letter", "letters", "notice", "document", "documents", "paper", "papers", "form", "forms", "email", "mail",
    "sign", "signs", "website", "page", "message", "messages", "name", "names", "contract", "lease"))
# Group "w" is the language word; its span becomes the entity span.
_TO_ENGLISH = re.compile(
    r"(?:\b" + _NOT_TOLD + r"(?:in|into|to|switch to|change to|speak|use)\s+(?P<w>english)\b"
    r"|\b(?P<w2>english)\s*(?:please|pls|plz|only)\b|^\s*(?P<w3>english)\s*[.!?]*\s*$"
    r"|(?P<w4>영어로|영문으로|잉글리시로)(?!\s*(?:쳐|써|적|입력|타이핑|치))"  # "영어로 쳐서 죄송해요": how it was typed
    r"|(?P<w5>영어)(?=\s*(?:해|버전|모드|주세요|줘|가능|할\s*수|되나|돼)))",
    re.IGNORECASE,
)
_TO_KOREAN = re.compile(
    r"(?:\b" + _NOT_TOLD + r"(?:in|into|to|switch to|change to|speak|use)\s+(?P<w>korean)\b"
    r"|\b(?P<w2>korean)\s*(?:please|pls|plz|only)\b|^\s*(?P<w3>korean)\s*[.!?]*\s*$"
    r"|(?P<w4>한국어로|한국말로|한글로)(?!\s*(?:쳐|써|적|입력|타이핑|치))"
    r"|(?P<w5>한국어)(?=\s*(?:해|버전|모드|주세요|줘|가능|할\s*수|되나|돼|\s*$)))",
    re.IGNORECASE,
)


_UNABLE = re.compile(r"\bi\s*(?:do\s*n'?t|do not|cannot|can'?t|am not able to|'?m not able to|am unable to|'?m unable to)\s+"
                     r"(?:really\s+|know how to\s+|yet\s+)?(?:write|type|read|spell|speak|understand)\b", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageGuess:
    value: str  # "ko" | "en"
    requested: bool  # True when the citizen asked for it explicitly
    start: int  # span that carries the evidence (switch phrase or first word of that script)
    end: int


def requested_language(text: str) -> Optional[LanguageGuess]:
    """The language the citizen explicitly asks for, if any."""
    hits = []
    for value, pattern in (("en", _TO_ENGLISH), ("ko", _TO_KOREAN)):
        m = pattern.search(text)
        if m and _UNABLE.search(text[: m.start()]):
            continue  # "I don't know how to write my new address in Korean": what the citizen cannot do, no request
        if m:
            group = next(g for g in ("w", "w2", "w3", "w4", "w5") if m.group(g))
            hits.append(LanguageGuess(value, True, m.start(group), m.end(group)))
    if len(hits) != 1:  # none, or "english or korean?" (a question, not a request)
        return None
    return hits[0]


def written_language(text: str) -> Optional[str]:
    """'ko', 'en', or None when the text has no letters to judge by."""
    stripped = text
    for found in reversed(find_identifiers(text)):
        stripped = stripped[: found.start] + " " + stripped[found.end :]
    stripped = re.sub(r"(?i)\b(?:AP|CP|MV|FN|PY|RC)-?\d+", " ", stripped)
    hangul = len(_HANGUL.findall(stripped))
    latin = len(_LATIN.findall(stripped))
    if is_korean(hangul, latin, stripped):
        return "ko"
    if latin >= 2:
        return "en"
    return None


def detect_language(text: str) -> Optional[LanguageGuess]:
    """The explicit request if there is one, otherwise the written language."""
    requested = requested_language(text)
    if requested:
        return requested
    value = written_language(text)
    if value is None:
        return None
    return LanguageGuess(value, False, 0, len(text))
