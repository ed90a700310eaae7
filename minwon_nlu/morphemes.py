"""Turn Kiwi morphemes into non-overlapping surface spans (pure functions, easy to test).

Kiwi reports morphemes with character offsets into the input; contracted forms share characters
(했어요 -> 하/VV 0-1, 었/EP 0-1, 어요/EF 1-3). Rasa tokens must not overlap, so morphemes whose
spans overlap are merged into one token whose text is the surface text and whose lemma is the
stem of the first morpheme (했 -> 하, 바꿀래 -> 바꾸), which normalises conjugations for features.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Sequence, Tuple

# (form, tag, start, end) as reported by the analyser, end exclusive.
Morpheme = Tuple[str, str, int, int]


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int
    lemma: str


def merge_morphemes(text: str, morphemes: Iterable[Morpheme]) -> List[Span]:
    """Group morphemes whose character ranges overlap and return one span per group."""
    groups: List[List[Morpheme]] = []
    group_end = -1
    for form, tag, start, end in sorted(morphemes, key=lambda m: (m[2], m[3])):
        start = max(0, min(start, len(text)))
        end = max(start, min(end, len(text)))
        if end == start:
            end = min(start + 1, len(text))
        if groups and start < group_end:
            groups[-1].append((form, tag, start, end))
            group_end = max(group_end, end)
        else:
            groups.append([(form, tag, start, end)])
            group_end = end
    spans = []
    for group in groups:
        start = group[0][2]
        end = max(m[3] for m in group)
        surface = text[start:end]
        if not surface.strip():
            continue
        spans.append(Span(surface, start, end, _lemma(group, surface)))
    return spans


def _lemma(group: Sequence[Morpheme], surface: str) -> str:
    if len(group) == 1:
        return surface
    return group[0][0]


HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_WORD = re.compile(r"\S+")
# Words of Latin letters and digits keep inner hyphens/apostrophes/dots together
# (don't, Teheran-ro, AP-2026-000123, 010-1234-5678); other symbols stand alone.
_LATIN_PIECE = re.compile(r"[^\W_]+(?:[-'’./][^\W_]+)*|[^\w\s]|_+")


def retokenize_non_hangul_words(text: str, spans: List[Span]) -> List[Span]:
    """Replace the analyser's spans inside words without Hangul by plain word pieces.

    Kiwi is built for Korean; on English it splits "don't" and "Teheran-ro". Words that contain
    Hangul keep the morphological spans.
    """
    result: List[Span] = []
    for word in _WORD.finditer(text):
        if HANGUL.search(word.group()):
            result.extend(s for s in spans if word.start() <= s.start < word.end())
            continue
        for piece in _LATIN_PIECE.finditer(word.group()):
            start, end = word.start() + piece.start(), word.start() + piece.end()
            result.append(Span(text[start:end], start, end, text[start:end]))
    return result
