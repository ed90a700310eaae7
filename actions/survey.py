"""The satisfaction question after a hand-back: which replies answer it (pure functions, no Rasa objects).

While `satisfaction_pending` is set, a reply that is a score ("4", "4점", "four", "다섯") or an explicit
"no thanks" ("skip", "괜찮아요") answers the survey; anything else is a new request, and the turn-start action
clears the question before the turn is predicted, so the request is handled as the normal turn it is.
Used by the action server (actions/pending.ActionTurnStart, actions/handoff_return.py) and, through
actions/turn_language.turn_start_has_work, by the Rasa server's turn-start gate.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional

# The intents a score or a "no thanks" is read as; data/rules/rules_handoff_return.yml has the same list.
SURVEY_INTENTS = frozenset({"choose", "inform", "deny", "affirm", "thank", "nlu_fallback", "out_of_scope"})
CLEARED = {"satisfaction_pending": None, "handoff_resume": None}

_MAX_WORDS = 5  # "I'd give it a 4" is a score; a longer message is something else that holds a digit
_DIGIT = re.compile(r"(?<![\d.,:/-])([1-5])(?![\d.,:-])")  # "4", "4점", "3/5"; not "10", "2.5", "010-1234-..."
_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# Native Korean numbers; the short forms (한/두/세/네) only with a unit, since "네" alone means "yes".
_KO_WORD = re.compile(r"(?<![가-힣])(?:(하나|둘|셋|넷|다섯)|(한|두|세|네|일|이|삼|사|오)\s*(?=점|개))"
                      r"(?:\s*(?:점|개))?(?:이?요|이에요|입니다|이요)?(?![가-힣])")
_KO_VALUES = {"하나": 1, "한": 1, "일": 1, "둘": 2, "두": 2, "이": 2, "셋": 3, "세": 3, "삼": 3,
              "넷": 4, "네": 4, "사": 4, "다섯": 5, "오": 5}
_DECLINE_HEAD = (r"no|nope|nah|skip|pass|not now|later|maybe later|no need|rather not|i'?d rather not|"
                 r"아니요|아뇨|아니오|아니|괜찮아요|괜찮습니다|괜찮아|됐어요|됐습니다|안 할래요|안할래요|안 해요|안해요|"
                 r"건너뛸게요|건너뛸래요|건너뛰기|넘어갈게요|패스|다음에요|다음에|싫어요")
_DECLINE_TAIL = r"thanks|thank you|thx|감사합니다|고마워요|괜찮아요"
_DECLINE = re.compile(rf"^\s*(?:평가는?\s*|survey\s*)?(?:{_DECLINE_HEAD})(?:[\s,.!~]+(?:{_DECLINE_HEAD}|{_DECLINE_TAIL}))*"
                      r"[\s,.!~]*$", re.IGNORECASE)


def parse_score(text: str) -> Optional[int]:
    """'5', '4점', '3/5', 'four', '다섯' -> the score; anything else, or a long message, -> None."""
    text = (text or "").strip().lower()
    if not text or len(text.split()) > _MAX_WORDS:
        return None
    found = _DIGIT.search(text)
    if found:
        return int(found.group(1))
    for word, score in _EN_WORDS.items():
        if re.search(rf"(?<![a-z]){word}(?![a-z])", text):
            return score
    korean = _KO_WORD.search(text)
    if korean:
        return _KO_VALUES[korean.group(1) or korean.group(2)]
    return None


def is_decline(text: str) -> bool:
    """An explicit 'no score, thanks' ("skip", "no thanks", "괜찮아요")."""
    return bool(_DECLINE.match(text or ""))


def answers_survey(intent: Optional[str], text: str) -> bool:
    """True when the survey rule will take this message: a score or a decline, read as one of its intents."""
    return intent in SURVEY_INTENTS and (parse_score(text) is not None or is_decline(text))


def survey_update(intent: Optional[str], text: str, slots: Mapping[str, Any]) -> Dict[str, Any]:
    """Slot updates at the start of a turn: the pending question is dropped unless this message answers it."""
    if not slots.get("satisfaction_pending") or answers_survey(intent, text):
        return {}
    return dict(CLEARED)
