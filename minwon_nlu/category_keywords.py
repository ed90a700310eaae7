"""Complaint categories from words: 가로등/streetlight -> street_lighting (pure functions).

The keyword table is built from the synonyms in the training data (data/nlu/*/synonyms), so the
category words live in one place.
"""
from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

CATEGORY_CODES = (
    "roads", "street_lighting", "noise", "waste", "illegal_parking",
    "transport", "parks", "staff_conduct", "proposal", "other",
)

_LATIN = re.compile(r"[a-z]")


def keyword_table(synonyms: Dict[str, str]) -> Dict[str, str]:
    """Keep the synonyms that point at a complaint category code (keys lower-cased)."""
    table = {code.replace("_", " "): code for code in CATEGORY_CODES if code != "other"}
    for text, value in synonyms.items():
        if value in CATEGORY_CODES and text.strip():
            table[text.strip().lower()] = value
    return table


def category_of(text: str, table: Dict[str, str]) -> Optional[Tuple[str, int, int]]:
    """(code, start, end) of the longest keyword in ``text``; English keywords as whole words."""
    lowered = text.lower()
    best: Optional[Tuple[str, int, int]] = None
    for keyword, code in table.items():
        if best and len(keyword) <= best[2] - best[1]:
            continue
        if _LATIN.search(keyword):
            pattern = r"(?<![a-z])" + re.escape(keyword) + r"(?![a-z])"
        else:
            pattern = re.escape(keyword)
        hit = re.search(pattern, lowered)
        if hit:
            best = (code, hit.start(), hit.end())
    return best
