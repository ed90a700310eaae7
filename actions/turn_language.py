"""The language of a turn, and whether the turn-start action has anything to do: pure functions of the
latest message and a few slots, with no Rasa SDK objects, so that the Rasa server can ask the same
question before it calls the action (minwon_rasa/turn_start_gate.py) and skip a call that would change
nothing (one action-server call of the two a typical turn makes).
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Mapping, Optional

_HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_SWITCH_EN = re.compile(r"(english|영어|영문)", re.IGNORECASE)
_SWITCH_KO = re.compile(r"(korean|한국어|한글|국어)", re.IGNORECASE)
_IDENTIFIER_PREFIXES = ("ap-", "cp-", "mv-", "fn-", "py-", "rc-")
SWITCH_INTENT = "switch_language"
SYSTEM_INTENT_PREFIX = "EXTERNAL_"  # reminders, desk hand-back: no citizen's words


def detect_language(text: str) -> Optional[str]:
    """Hangul anywhere -> ko; Latin words and no Hangul -> en; digits or symbols only -> None (keep the last)."""
    if not text:
        return None
    if _HANGUL.search(text):
        return "ko"
    if _LATIN.search(text) and not text.strip().lower().startswith(_IDENTIFIER_PREFIXES):
        return "en"
    return None


def language_update(intent: Optional[str], text: str, language_requested: bool,
                    entities: Iterable[Mapping[str, Any]], slots: Mapping[str, Any]) -> Dict[str, Any]:
    """Slot updates for the language of this turn: an explicit switch sticks; otherwise follow the text."""
    # The NLU marks an explicit request ("in English please") with `language_requested` and a language entity.
    if intent == SWITCH_INTENT or language_requested:
        wanted = next((e.get("value") for e in entities if e.get("entity") == "language"), None)
        if wanted not in ("ko", "en"):
            wanted = "en" if _SWITCH_EN.search(text) else ("ko" if _SWITCH_KO.search(text) else None)
        if wanted:
            return {"language": wanted, "language_locked": True}
    if slots.get("language_locked"):
        return {}
    detected = detect_language(text)
    if detected and detected != slots.get("language"):
        return {"language": detected}
    if slots.get("language") is None:
        return {"language": detected or "ko"}
    return {}


def is_system_turn(intent: Optional[str]) -> bool:
    return bool(intent and intent.startswith(SYSTEM_INTENT_PREFIX))


def turn_start_has_work(intent: Optional[str], text: str, language_requested: bool,
                        entities: Iterable[Mapping[str, Any]], slots: Mapping[str, Any]) -> bool:
    """False when actions/pending.ActionTurnStart would return no event and say nothing."""
    if is_system_turn(intent):
        return False
    if isinstance(slots.get("pending_request"), dict):
        return True  # a kept request is retried
    return bool(language_update(intent, text, language_requested, entities, slots))
