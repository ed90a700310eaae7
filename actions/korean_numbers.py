"""Korean numbers said in words (Sino-Korean: 일 이 삼 … 십 백 천), as speech-to-text writes them, made digits where
they are plainly numbers. One job, no imports of the actions: the date, choice and address parsers all use it."""
from __future__ import annotations

import re
from typing import Optional

_SINO_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7, "팔": 8, "구": 9}
_SINO_UNITS = {"십": 10, "백": 100, "천": 1000}
# Where a run of Sino-Korean numerals is a number (dictation writes "역삼로 백팔십", "십이월 오일", "일 번"): after a
# road's name, or before a counter. Particles after the number count only after a road; they must fit the
# number's last sound ("백팔십이에요" is 180 + 이에요, "십이가" is 12 + 가).
_SINO_RUN = re.compile(r"(?P<road>[가-힣0-9]+(?:대로|로|길)\s*)?(?<![가-힣])(?P<run>[일이삼사오육륙칠팔구십백천]+)"
                       r"(?=(?P<space>\s?)(?P<rest>[가-힣]*))")  # what follows is read, not replaced
_COUNTERS = ("번지", "번째", "번", "월", "년", "층", "호")
_AFTER_CONSONANT = ("이에요", "이예요", "이요", "이고", "이라고", "이랑", "으로", "이", "은", "을", "에", "쯤", "")
_AFTER_VOWEL = ("예요", "요", "고", "라고", "랑", "로", "가", "는", "를", "에", "쯤", "")
_BESIDE = re.compile(r"(앞|옆|뒤|근처|건너편|맞은편|쪽)")  # "역삼로 백팔십 앞": a building number ("역삼로 이 근처" is "this")


def sino_value(word: str) -> Optional[int]:
    """"백팔십" -> 180, "이십오" -> 25, "십이" -> 12; None for a run that is no number ("이이", "십백")."""
    total, digit, last_unit = 0, None, 10_000
    for char in word:
        if char in _SINO_DIGITS:
            if digit is not None:
                return None
            digit = _SINO_DIGITS[char]
        else:
            unit = _SINO_UNITS[char]
            if unit >= last_unit or digit == 1:
                return None  # "일십" is said "십"
            total, digit, last_unit = total + (digit or 1) * unit, None, unit
    return total + (digit or 0) if word else None


def sino_numbers(text: str) -> str:
    """Sino-Korean numbers in words as digits where they are plainly numbers: "역삼로 백팔십이에요" -> "역삼로 180이에요",
    "십이월 오일" -> "12월 5일", "일 번" -> "1 번"; "이번 달", "오늘", "구청" stay as they are."""
    def convert(match: "re.Match[str]") -> str:
        road, run, space, rest = match.group("road") or "", match.group("run"), match.group("space"), match.group("rest")
        month_before = re.search(r"\d+\s*월\s*$", match.string[:match.start()]) is not None
        for cut in range(len(run), 0, -1):
            number, tail = run[:cut], run[cut:] + space + rest
            value = sino_value(number)
            if value is None:
                continue
            counter = next((c for c in _COUNTERS if tail.lstrip().startswith(c)), None)
            kept = run[cut:]  # the rest of the run, a particle's first sound ("백팔십|이에요")
            if counter and (road or not (number == "이" and tail.startswith("번"))):  # "이번" is "this time"
                return road + str(value) + kept
            if tail.startswith("일") and month_before and not road:
                return str(value) + kept  # "12월 오일" -> "12월 5일"
            endings = _AFTER_VOWEL if number[-1] in "이사오구" else _AFTER_CONSONANT
            if road and (tail.lstrip() in endings or (len(number) > 1 and _BESIDE.match(tail.lstrip()))):
                return road + str(value) + kept
        return match.group(0)
    once = _SINO_RUN.sub(convert, text or "")
    return _SINO_RUN.sub(convert, once)  # days after a month made digits ("십이월 오일")
