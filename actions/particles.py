"""Korean particles after a value known only at render time ("{masked|로}" -> "010-****-5670으로").

The particle is chosen by `tossi` (PyPI, BSD): it reads the last Hangul syllable's final consonant and reads
a trailing number the Korean way (5670 -> 오천육백칠십 -> 십: 으로; 5671 -> ...일: 로, since ㄹ takes 로).
tossi gives up on Latin letters and writes the both-forms fallback "(으)로"; our values end in Latin letters
too (a name typed in English, "Gov24"-like labels, an identifier such as "CB-1A2B3C4D"), so `final_consonant`
first reads a trailing Latin letter by its Korean letter name (L 엘, M 엠, N 엔, R 알 end in a consonant;
the other letter names end in a vowel) and hands everything else to tossi.
"""
from __future__ import annotations

import re

import tossi
from tossi.coda import filter_only_significant

# Korean names of the Latin letters that end in a final consonant (국립국어원 외래어 표기: 엘, 엠, 엔, 알);
# every other letter name ends in a vowel (에이, 비, 씨, ... 제트 ends in the vowel of 트).
_LETTER_CODA = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}
_LATIN_END = re.compile(r"[A-Za-z]$")

# The particles a template may ask for, written as either form; tossi takes the both-forms spelling.
PARTICLES = {
    "로": "(으)로", "으로": "(으)로",
    "이": "이(가)", "가": "이(가)",
    "을": "을(를)", "를": "을(를)",
    "은": "은(는)", "는": "은(는)",
    "과": "과(와)", "와": "과(와)",
    "이에요": "(이)에요", "예요": "(이)에요",
    "이나": "(이)나", "나": "(이)나",
}


def final_consonant(word: str) -> str | None:
    """The final consonant the word is read with ('' for a vowel), or None when it cannot be read."""
    significant = filter_only_significant(word)
    if significant and _LATIN_END.search(significant):
        return _LETTER_CODA.get(significant[-1].lower(), "")
    return tossi.guess_coda(word)


def particle(word: str, name: str) -> str:
    """The allomorph of particle `name` (either spelling, e.g. '로' or '으로') that follows `word`."""
    form = PARTICLES[name]
    return tossi.pick(word, form, guess_coda=final_consonant)


def attach(word: str, name: str) -> str:
    return word + particle(word, name)
