"""Near matches for an address search that found nothing exactly: a road name with a typo ("테헤렌로"),
a wrong or missing district, no space before the number ("테헤란로12"), another romanisation
("Teheran ro", "Tehran-ro", "Kangnam-daero").

Korean is compared jamo by jamo (a syllable is 2-3 letters, so one wrong vowel is distance 1, not a
whole syllable); romanised names are compared case-, hyphen- and space-blind after folding the usual
spelling variants. The building number must be one the citizen typed. Pure functions, no I/O: the
route hands in the rows (the register is small; it prefilters them by the number in SQL).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from typing import Protocol

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
WORD = re.compile(r"\d+|[가-힣]+|[a-z]+")
MAX_WORDS = 8

# Romanisation variants folded to one spelling: McCune-Reischauer and older forms ("Kangnam",
# "Chongno", "Pusan"), "eo"/"o", "eu"/"u", doubled consonants, "road" for "ro".
ROMAN_FOLDS = (("road", "ro"), ("street", "gil"), ("ch", "j"), ("sh", "s"), ("eo", "o"), ("eu", "u"),
               ("ae", "e"), ("wo", "o"), ("k", "g"), ("p", "b"), ("t", "d"), ("r", "l"))


class AddressRow(Protocol):
    road_address: str
    road_address_en: str


def jamo(text: str) -> str:
    """Hangul syllables split into their letters (initial, vowel, final); other characters as they are."""
    out = []
    for ch in text:
        code = ord(ch)
        if HANGUL_FIRST <= code <= HANGUL_LAST:
            index = code - HANGUL_FIRST
            out.append(chr(0x1100 + index // 588))
            out.append(chr(0x1161 + index % 588 // 28))
            if index % 28:
                out.append(chr(0x11A7 + index % 28))
        else:
            out.append(ch)
    return "".join(out)


def roman(text: str) -> str:
    """A romanised name reduced to a spelling-blind key: lower case, letters only, variants folded."""
    key = re.sub(r"[^a-z]", "", text.lower())
    for variant, folded in ROMAN_FOLDS:
        key = key.replace(variant, folded)
    return re.sub(r"(.)\1+", r"\1", key)


@functools.lru_cache(maxsize=4096)  # district, city and road names repeat across the register
def key_of(text: str) -> str:
    return jamo(text) if re.search(r"[가-힣]", text) else roman(text)


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must be larger (the length gap is a free bound)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def allowed(key: str) -> int:
    """Edits tolerated for a road name of this many letters: 1 for short names, 2 or 3 for long ones."""
    return 1 if len(key) <= 6 else 2 if len(key) <= 12 else 3


@dataclasses.dataclass(frozen=True)
class Parts:
    building: str
    road_ko: str
    road_en: str
    places: tuple[str, ...]  # district and city names, both languages, as keys


def parts(row: AddressRow) -> Parts | None:
    """"서울특별시 강남구 테헤란로 152" + "152 Teheran-ro, Gangnam-gu, Seoul" -> their parts."""
    ko = row.road_address.split()
    en = [p.strip() for p in row.road_address_en.split(",")]
    first = en[0].split(maxsplit=1)
    if len(ko) < 2 or not ko[-1].isdigit() or len(first) != 2:
        return None
    places = [key_of(p) for p in ko[:-2]]
    places += [key_of(p.removesuffix("-gu").removesuffix("-si").removesuffix("-do")) for p in en[1:]]
    places += [key_of(p) for p in en[1:]]
    return Parts(ko[-1], key_of(ko[-2]), key_of(first[1]), tuple(places))


def words(query: str) -> list[str]:
    """Numbers, Hangul runs and Latin runs, apart: "테헤란로12" -> ["테헤란로", "12"]."""
    joined = re.sub(r"(?<=[a-z])-(?=[a-z])", "", query.lower())  # "teheran-ro", but "152-3" stays two numbers
    return WORD.findall(joined)[:MAX_WORDS]


def _spans(tokens: list[str]) -> Iterable[tuple[int, int, str]]:
    """Runs of up to three neighbouring words of one script, joined: "teheran" + "ro" -> "teheranro"."""
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + 3, len(tokens)) + 1):
            run = tokens[start:end]
            if any(t.isdigit() for t in run):
                break
            hangul = [bool(re.match(r"[가-힣]", t)) for t in run]
            if all(hangul) or not any(hangul):
                yield start, end, key_of("".join(run))


def _place_miss(word: str, places: tuple[str, ...]) -> bool:
    key = key_of(re.sub(r"(특별시|광역시|시|구|도|gu|si|do)$", "", word) or word)
    return not any(p.startswith(key) or distance(key, p, allowed(p)) <= allowed(p) for p in places)


def near(query: str, rows: Iterable[AddressRow], limit: int) -> list[AddressRow]:
    """Rows whose road is within a few edits of a run of the query's words and whose building number
    the query names, closest first; words naming another district or city only rank a row lower."""
    tokens = words(query)
    numbers = {t.lstrip("0") for t in tokens if t.isdigit()}
    spans = list(_spans(tokens))
    if not spans:
        return []
    road_cache: dict[tuple[str, str], tuple[int, tuple[int, int]] | None] = {}
    scored = []
    for row in rows:
        p = parts(row)
        if p is None or (numbers and p.building not in numbers):
            continue
        if (p.road_ko, p.road_en) not in road_cache:  # a road is scored once, however many buildings it has
            road_cache[(p.road_ko, p.road_en)] = _road_score(spans, p)
        best = road_cache[(p.road_ko, p.road_en)]
        if best is None:
            continue
        edits, (start, end) = best
        others = [t for i, t in enumerate(tokens) if not (start <= i < end) and not t.isdigit()]
        misses = sum(_place_miss(t, p.places) for t in others)
        scored.append((edits, misses, row.road_address.rsplit(" ", 1)[0], int(p.building), row))
    scored.sort(key=lambda s: s[:4])
    return [s[4] for s in scored[:limit]]


def _road_score(spans: list[tuple[int, int, str]], p: Parts) -> tuple[int, tuple[int, int]] | None:
    best: tuple[int, tuple[int, int]] | None = None
    for start, end, key in spans:
        road = p.road_ko if re.match(r"[\u1100-\u11ff]", key) else p.road_en
        edits = distance(key, road, allowed(road))
        if edits <= allowed(road) and (best is None or edits < best[0]):
            best = (edits, (start, end))
    return best
