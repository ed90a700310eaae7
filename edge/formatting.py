"""Reply formatting shared by all channels.

Rasa answers a turn with a list of message dicts (text, buttons, image, custom). Each channel
turns that list into what it can carry: Telegram messages under 4096 characters with inline
keyboards, one compact SMS with numbered choices, JSON for the web chat.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from minwon_core import segments

TELEGRAM_MAX_UTF16 = 4096
TELEGRAM_CALLBACK_MAX_BYTES = 64
SPECIAL_PAYLOADS = {"__request_contact__", "__request_location__"}  # Telegram reply-keyboard requests
URL_RE = re.compile(r"https?://[^\s<>\"']+")
# A title that numbers itself: "1. 카드 결제 링크", "2) Virtual account", "3번", "4".
_OWN_NUMBER_RE = re.compile(r"\s*(\d+)\s*(?:[.):]|번|$)")


@dataclass
class Button:
    title: str
    payload: Optional[str] = None  # sent back to Rasa when chosen
    url: Optional[str] = None  # a link button instead


@dataclass
class ReplyPart:
    text: str = ""
    buttons: List[Button] = field(default_factory=list)
    image: Optional[str] = None


def parts_from_rasa(messages: Sequence[Dict[str, Any]]) -> List[ReplyPart]:
    """Normalise Rasa's message dicts (text/buttons/quick_replies/image/custom) into ReplyParts."""
    parts: List[ReplyPart] = []
    for message in messages:
        text = str(message.get("text") or "")
        raw_buttons = message.get("buttons") or message.get("quick_replies") or []
        custom = message.get("custom")
        if isinstance(custom, dict) and not text:
            text = str(custom.get("text") or "")
            raw_buttons = raw_buttons or custom.get("buttons") or []
        buttons = []
        for raw in raw_buttons:
            if not isinstance(raw, dict) or not raw.get("title"):
                continue
            if raw.get("url") or raw.get("type") == "web_url":
                buttons.append(Button(title=str(raw["title"]), url=str(raw.get("url") or raw.get("payload"))))
            else:
                buttons.append(Button(title=str(raw["title"]), payload=str(raw.get("payload") or raw["title"])))
        image = message.get("image")
        if text or buttons or image:
            parts.append(ReplyPart(text=text, buttons=buttons, image=str(image) if image else None))
    return parts


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_for_telegram(text: str, limit: int = TELEGRAM_MAX_UTF16) -> List[str]:
    """Split text into chunks of at most `limit` UTF-16 units, preferring paragraph and line breaks."""
    if utf16_len(text) <= limit:
        return [text] if text else []
    chunks: List[str] = []
    rest = text
    while rest:
        if utf16_len(rest) <= limit:
            chunks.append(rest)
            break
        # Largest prefix that fits, measured in UTF-16 units.
        cut, size = 0, 0
        for i, ch in enumerate(rest):
            size += 2 if ord(ch) > 0xFFFF else 1
            if size > limit:
                break
            cut = i + 1
        window = rest[:cut]
        for sep in ("\n\n", "\n", ". ", " "):
            at = window.rfind(sep)
            if at > cut // 2:
                cut = at + len(sep)
                break
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [c for c in chunks if c]


def callback_data_fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= TELEGRAM_CALLBACK_MAX_BYTES


def sms_body(parts: Sequence[ReplyPart], shorten=lambda url: url) -> tuple[str, List[Button]]:
    """One compact SMS body for a whole turn, with buttons as numbered choices.

    Returns the body and the choosable buttons in the order of their numbers.
    """
    lines: List[str] = []
    choices: List[Button] = []
    for part in parts:
        if part.text:
            lines.append(part.text)
        if part.image:
            lines.append(part.image)
        for button in part.buttons:
            if button.url and button.url not in part.text:  # links already in the text stay once
                lines.append(f"{button.title}: {button.url}")
        offered = [b for b in part.buttons if not b.url and b.payload not in SPECIAL_PAYLOADS]
        # Buttons whose payload is their own title ("1", "네", "all") need no numbering: the
        # citizen types the title. Only the others become numbered choices.
        if any(b.payload != b.title for b in offered):
            options = []
            for button in offered:
                choices.append(button)
                options.append(choice_label(len(choices), button.title))
            lines.append(" / ".join(options))
    body = "\n".join(lines)
    body = URL_RE.sub(lambda m: shorten(m.group(0)), body)
    return compact_sms(body), choices


def choice_label(number: int, title: str) -> str:
    """A numbered choice; a title that already starts with this number is not numbered again ("1 1. ...")."""
    own = _OWN_NUMBER_RE.match(title)
    if own and int(own.group(1)) == number:
        return title.strip()
    return f"{number} {title}"


def compact_sms(text: str) -> str:
    """Fewer segments for the same words: squeeze whitespace, keep GSM-7 when the words allow."""
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{2,}", "\n", text).strip()
    return segments.to_gsm7_if_possible(text)


def split_sms(text: str, max_chars: int = 1600) -> List[str]:
    """Twilio takes at most 1600 characters per message; split longer bodies on line breaks."""
    if len(text) <= max_chars:
        return [text] if text else []
    out, current = [], ""
    for line in text.split("\n"):
        while len(line) > max_chars:
            if current:
                out.append(current)
                current = ""
            out.append(line[:max_chars])
            line = line[max_chars:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > max_chars:
            out.append(current)
            current = line
        else:
            current = candidate
    if current:
        out.append(current)
    return out
