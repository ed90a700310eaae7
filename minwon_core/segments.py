"""SMS segment arithmetic: GSM-7 (160 / 153 per part) or UCS-2 (70 / 67 per part)."""
from __future__ import annotations

import math

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")

# Typographic characters that would force UCS-2 although a plain GSM-7 look-alike exists.
GSM7_LOOKALIKES = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u00a0": " ", "\u2022": "-", "\u00b7": "-", "\u20a9": "KRW ", "\u2192": "->",
    "\t": " ",
}


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def to_gsm7_if_possible(text: str) -> str:
    """Swap typographic look-alikes for GSM-7 ones, but only if that makes the whole text GSM-7."""
    swapped = "".join(GSM7_LOOKALIKES.get(ch, ch) for ch in text)
    return swapped if is_gsm7(swapped) else text


def units(text: str) -> int:
    """Length in the encoding the text will travel in (septets or UTF-16 code units)."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def count_segments(text: str) -> int:
    if not text:
        return 0
    n = units(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if n <= single else math.ceil(n / multi)
