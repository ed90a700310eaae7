"""What the stand-ins remember (in memory: they are for one test run or one demo)."""
from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set


@dataclass
class Failure:
    """Answer the next `times` calls of `method` with this error instead of the real result."""

    method: str
    error_code: int
    description: str
    retry_after: Optional[int] = None
    times: int = 1


@dataclass
class StoredFile:
    data: bytes
    content_type: str
    path: str


@dataclass
class TelegramState:
    calls: List[Dict[str, Any]] = field(default_factory=list)
    failures: List[Failure] = field(default_factory=list)
    blocked: Set[str] = field(default_factory=set)
    files: Dict[str, StoredFile] = field(default_factory=dict)
    webhook: Dict[str, Any] = field(default_factory=dict)
    message_ids: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1000))
    update_ids: "itertools.count[int]" = field(default_factory=lambda: itertools.count(int(time.time())))
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)  # woken on every recorded call
    # The same calls by chat: a load benchmark's long polls read one chat's calls thousands of times.
    calls_by_chat: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)

    def record(self, call: Dict[str, Any]) -> None:
        self.calls.append(call)
        self.calls_by_chat.setdefault(str(call["params"].get("chat_id")), []).append(call)

    def calls_of(self, chat: Optional[str]) -> List[Dict[str, Any]]:
        return self.calls if chat is None else self.calls_by_chat.get(chat, [])

    def take_failure(self, method: str) -> Optional[Failure]:
        for failure in self.failures:
            if failure.method == method and failure.times > 0:
                failure.times -= 1
                return failure
        return None


@dataclass
class TwilioState:
    messages: List[Dict[str, Any]] = field(default_factory=list)  # REST sends, newest last
    twiml: List[Dict[str, Any]] = field(default_factory=list)  # replies the simulator got as TwiML
    undeliverable: Set[str] = field(default_factory=set)
    media: Dict[str, StoredFile] = field(default_factory=dict)
    sequence: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))
    by_phone: Dict[str, Dict[str, List[Dict[str, Any]]]] = field(default_factory=dict)  # to -> kind -> items

    def record(self, kind: str, item: Dict[str, Any]) -> None:
        """kind: "messages" (REST sends) or "twiml"."""
        getattr(self, kind).append(item)
        self.by_phone.setdefault(item["to"], {}).setdefault(kind, []).append(item)

    def sent_to(self, kind: str, to: Optional[str]) -> List[Dict[str, Any]]:
        return getattr(self, kind) if to is None else self.by_phone.get(to, {}).get(kind, [])
