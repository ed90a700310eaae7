"""The one weighing of mixed Korean and English text: is a message written in Korean? Shared by the NLU's
language entity (minwon_nlu/language.py) and the actions' language slot (actions/turn_language.py), which count
letters differently (the actions leave out short replies and known names) but must weigh them alike."""
from __future__ import annotations

import re

# A Korean predicate closing the message ("address 변경요", "card로 결제할게요", "status 확인해줘"): the sentence is
# Korean whatever nouns it borrows. Not a bare Hangul noun at the end ("I want to pay 과태료", "with 김민지").
_KOREAN_CLOSE = re.compile(r"[가-힣](요|니다|해|줘|할래|할게|하기|함|임|음|나요|까요|래요|게요)[\s.!?~]*$")


def closes_korean(text: str) -> bool:
    """A Korean predicate ends the message: Korean grammar, not a Korean name or term inside English."""
    return bool(_KOREAN_CLOSE.search(text or ""))


def is_korean(hangul: int, latin: int, text: str) -> bool:
    """Korean when its Hangul letters are more than half its Latin ones ("과태료 pay할래"), or when a Korean
    predicate closes it and Latin letters are not four times the Hangul ("address 변경요"). A tie is English, so a
    Korean name in a short English reply ("황민서 as well") keeps the conversation English."""
    if not hangul:
        return False
    return hangul * 2 > latin or (hangul * 4 > latin and closes_korean(text))
