"""The language of a turn, and whether the turn-start action has anything to do: pure functions of the
latest message and a few slots, with no Rasa SDK objects, so that the Rasa server can ask the same
question before it calls the action (minwon_rasa/turn_start_gate.py) and skip a call that would change
nothing (one action-server call of the two a typical turn makes).

The one language rule: a message changes the language only when it carries real words of the other
language, or asks for a language. What carries no words never changes it: a button press (the connectors
mark it in the metadata, `{"input": "button"}`; its text is the button's payload, such as "/affirm" or
"yes", whatever language the button's title was in), a Rasa command ("/affirm"), short replies ("ok", "y",
"ㅇㅇ", "네", "아니요"), digits, case and fine numbers, phone numbers and dates; and once the conversation has a
language, one lone choice word of the other while a question is open ("card" typed at a Korean question).
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional

from actions.survey import survey_update
from minwon_core.language import closes_korean, is_korean

_SWITCH_EN = re.compile(r"(english|영어|영문)", re.IGNORECASE)
_SWITCH_KO = re.compile(r"(korean|한국어|한글|국어)", re.IGNORECASE)
# A sentence that only asks for a language ("영어로 해 주세요.", "English please!"): no part of what the citizen
# reports, so it is left out of a description.
_LANGUAGE_ASK = re.compile(r"(?:^|(?<=[.!?]))\s*(?:please\s+|pls\s+)?(?:(?:speak|reply|answer|talk|write)\s+(?:to me\s+)?)?"
                           r"(?:in\s+)?(?:english|korean|영어로|한국어로|영문으로|영어|한국어)\s*"
                           r"(?:please|pls|plz|해\s*주세요|해\s*줘|해\s*주실래요|부탁(?:해요|드려요|합니다)|말해\s*주세요|요)?"
                           r"\s*(?:[.!?]+|$)", re.IGNORECASE)


def without_language_ask(text: str) -> str:
    """'영어로 해 주세요. There is construction noise…' -> 'There is construction noise…'."""
    rest = _LANGUAGE_ASK.sub(" ", text or "").strip()
    return rest or (text or "")


SWITCH_INTENT = "switch_language"
SYSTEM_INTENT_PREFIX = "EXTERNAL_"  # reminders, desk hand-back: no citizen's words
INPUT_KEY, BUTTON_INPUT = "input", "button"  # metadata the connectors set on a button press / SMS numbered choice

# Short replies that say yes/no/ok in either language (compared after repeated letters are squeezed).
SHORT_REPLIES = frozenset({
    "ok", "okay", "okey", "oki", "okie", "k", "y", "yes", "yeah", "yea", "yep", "yup", "ya", "n", "no", "nope",
    "nah", "sure",
    "네", "넵", "넹", "녜", "예", "옙", "응", "웅", "엉", "어", "아니", "아니요", "아니오", "아뇨", "노", "오케이", "오키", "콜",
})
# One word that names an answer to a choice question in either script ("card" at "결제 방법을 골라주세요").
CHOICE_WORDS = frozenset({"card", "account", "transfer", "all", "both", "none", "skip", "카드", "계좌", "계좌이체", "전부",
                          "둘다", "없음"})
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A Korean road address ("역삼로 12, 강남구"): a value, and at the place question the place as its signs write it.
_KO_ROAD = re.compile(r"(?:(?:[가-힣]+(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구)|서울|부산|인천|대구|대전|광주|울산|세종|경기|제주)\s+)*"
                      r"[가-힣0-9]+(?:대로|로|길)\s*\d+(?:-\d+)?"
                      r"(?:\s*번길\s*\d+)?(?:\s*,?\s*[가-힣]+(?:구|시|군|동)(?![가-힣]))*")
_NO_WORDS = [  # removed before the words are read: identifiers, phones, dates, times, ordinals
    re.compile(r"(?<![a-z0-9])(?:ap|cp|mv|fn|py|rc)[-\s]?\d[\d-]*", re.IGNORECASE),
    re.compile(rf"\d+(?:st|nd|rd|th)?\s*{_MONTH}|{_MONTH}\s*\d+", re.IGNORECASE),
    re.compile(r"\d+\s*(?:년|월|일|시|분|초|st|nd|rd|th|am|pm|a\.m\.|p\.m\.)", re.IGNORECASE),
    # a road address copied from a lease or a letter is a value in either script ("the lease says 서울특별시 강남구
    # 강남대로 343", "12 Teheran-ro, Gangnam-gu"), not words of a language
    _KO_ROAD,
    re.compile(r"\d+(?:-\d+)?\s*,?\s*[A-Za-z]+-(?:daero|ro|gil)\b(?:\s*,?\s*[A-Za-z]+-(?:gu|si|gun|dong))*"
               r"(?:\s*,?\s*(?:Seoul|Busan|Incheon|Daegu|Daejeon|Gwangju|Ulsan|Sejong|Suwon))?", re.IGNORECASE),
]
_PLACE_QUESTIONS = ("complaint_place", "new_address")
_WORD = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]+|[A-Za-z]+")
_JAMO_ONLY = re.compile(r"^[ㄱ-ㅎㅏ-ㅣ]+$")  # ㅇㅇ, ㅋㅋ, ㄴㄴ: no word of either language
_SQUEEZE = re.compile(r"(.)\1+")


def _squeezed(word: str) -> str:
    return _SQUEEZE.sub(r"\1", word.lower())


def language_words(text: str) -> List[str]:
    """The words of the text that tell its language (none for a command, a short reply or a number)."""
    if not text or text.lstrip().startswith("/"):  # "/affirm": a button's payload, never a citizen's words
        return []
    for pattern in _NO_WORDS:
        text = pattern.sub(" ", text)
    return [w for w in _WORD.findall(text)
            if w.lower() not in SHORT_REPLIES and _squeezed(w) not in SHORT_REPLIES and not _JAMO_ONLY.match(w)
            and not (len(w) == 1 and w.isascii())]


def detect_language(text: str) -> Optional[str]:
    """'ko' or 'en' from the words the text carries; None when it carries none (keep the last language).

    Mixed text is weighed as the NLU does (minwon_core.language.is_korean): "과태료 pay할래" and "address 변경요"
    are Korean, "I want to pay 과태료" English; a Korean name in a short English reply ("황민서 as well") does not
    turn the conversation Korean."""
    words = language_words(text)
    if not words:
        return None
    hangul = sum(len(w) for w in words if not w.isascii())
    latin = sum(len(w) for w in words if w.isascii())
    return "ko" if is_korean(hangul, latin, text) else "en"


def _without_names(text: str, slots: Mapping[str, Any]) -> str:
    """The text without the names of people the conversation already knows (the citizen, household members): a
    name is no word of either language."""
    names = [str(m.get("name") or "") for m in slots.get("household_options") or [] if isinstance(m, Mapping)]
    names.append(str(slots.get("citizen_name") or ""))
    for name in sorted((n for n in names if len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def _lone_hangul_word(text: str) -> bool:
    """One Hangul word of at most four syllables among Latin words."""
    words = language_words(text)
    hangul = [w for w in words if not w.isascii()]
    return len(hangul) == 1 and len(hangul[0]) <= 4 and len(words) > 1


def _korean_around_one_english_word(text: str) -> bool:
    words = language_words(text)
    latin = [w for w in words if w.isascii()]
    return len(latin) == 1 and len(words) > 1


def is_button_press(metadata: Optional[Mapping[str, Any]]) -> bool:
    return isinstance(metadata, Mapping) and metadata.get(INPUT_KEY) == BUTTON_INPUT


def language_update(intent: Optional[str], text: str, language_requested: bool,
                    entities: Iterable[Mapping[str, Any]], slots: Mapping[str, Any],
                    metadata: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Slot updates for the language of this turn: an explicit switch sticks; otherwise follow the words."""
    # The NLU marks an explicit request ("in English please") with `language_requested` and a language entity.
    if intent == SWITCH_INTENT or language_requested:
        wanted = next((e.get("value") for e in entities if e.get("entity") == "language"), None)
        if wanted not in ("ko", "en"):
            wanted = "en" if _SWITCH_EN.search(text) else ("ko" if _SWITCH_KO.search(text) else None)
        if wanted:
            return {"language": wanted, "language_locked": True}
    if slots.get("language_locked"):
        return {}
    detected = None if is_button_press(metadata) else detect_language(_without_names(text, slots))
    if detected == "ko" and slots.get("language") == "en" and _lone_hangul_word(text) and not closes_korean(text):
        detected = None  # "me and 이서연", "the 과태료 one": a name or a term inside English, not a switch
    if detected == "ko" and slots.get("language") == "en" and slots.get("requested_slot") in _PLACE_QUESTIONS \
            and _KO_ROAD.search(text) and len(language_words(text)) <= 4 and not closes_korean(text):
        detected = None  # "강남구 역삼로 25 옆 놀이터" at the place question: the place as its signs write it
    if detected == "en" and slots.get("language") == "ko" and _korean_around_one_english_word(text):
        detected = None  # "card로요", "ok 카드요": one English word in Korean grammar
    if detected and slots.get("language") and detected != slots.get("language") and slots.get("requested_slot") \
            and [w.lower() for w in language_words(text)] in ([w] for w in CHOICE_WORDS):
        detected = None  # "card" alone at a Korean question: a choice typed in the other script, not a new language
    if detected and detected != slots.get("language"):
        return {"language": detected}
    if slots.get("language") is None:
        return {"language": detected or "ko"}
    return {}


def is_system_turn(intent: Optional[str]) -> bool:
    return bool(intent and intent.startswith(SYSTEM_INTENT_PREFIX))


def turn_start_updates(intent: Optional[str], text: str, language_requested: bool,
                       entities: Iterable[Mapping[str, Any]], slots: Mapping[str, Any],
                       metadata: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The slot updates of the turn-start action: the turn's language, and a survey question the message
    does not answer dropped (actions/survey.py)."""
    updates = language_update(intent, text, language_requested, entities, slots, metadata)
    updates.update(survey_update(intent, text, slots))
    return updates


def turn_start_has_work(intent: Optional[str], text: str, language_requested: bool,
                        entities: Iterable[Mapping[str, Any]], slots: Mapping[str, Any],
                        metadata: Optional[Mapping[str, Any]] = None) -> bool:
    """False when actions/pending.ActionTurnStart would return no event and say nothing."""
    if is_system_turn(intent):
        return False
    if isinstance(slots.get("pending_request"), dict):
        return True  # a kept request is retried
    return bool(turn_start_updates(intent, text, language_requested, entities, slots, metadata))
