"""The one client of Rasa's internal turn channel (minwon_rasa/internal_channel.py): `POST
{RASA_URL}/webhooks/internal/turn` with `Authorization: Bearer <INTERNAL_CHANNEL_TOKEN>`.

It returns what happened and leaves the decision to the caller:
- `Replies`: the turn ran now; its replies.
- `AlreadyApplied`: this message id was a saved turn already (a re-send after a lost answer, or a takeover);
  not run again, the replies that turn saved are given back so the caller can send them again.
- `Unavailable`: Rasa cannot run it now (connection error, timeout, 5xx, 503, and also 401: a token the two
  sides disagree on is an operator's mistake, not the citizen's message's fault); send the same message id
  again later, the message is kept. `turn_failed` marks Rasa's 500 (the turn itself raised), which a retry
  may never cure.
- `Invalid`: Rasa refused the body (400/413): sending it again will not help.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Union

import aiohttp

logger = logging.getLogger("minwon.edge.rasa")

TURN_PATH = "/webhooks/internal/turn"


@dataclass(frozen=True)
class TurnRequest:
    conversation_id: str
    message_id: str
    text: Optional[str] = None  # the citizen's words (Rasa neutralises a leading /)
    payload: Optional[str] = None  # a command the edge vouches for (starts with /)
    metadata: Dict[str, Any] = field(default_factory=dict)

    def body(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"conversation_id": self.conversation_id, "message_id": self.message_id,
                                "metadata": self.metadata}
        if self.payload is not None:
            body["payload"] = self.payload
        else:
            body["text"] = self.text or ""
        return body


def vouched(conversation_id: str, message_id: str, command: str, metadata: Dict[str, Any]) -> TurnRequest:
    """A button payload or a command of the edge's own: a `/...` goes as payload; anything else (a button
    whose payload is plain words, "continue please") as text, which Rasa reads as words anyway."""
    if command.startswith("/"):
        return TurnRequest(conversation_id, message_id, payload=command, metadata=metadata)
    return TurnRequest(conversation_id, message_id, text=command, metadata=metadata)


@dataclass(frozen=True)
class Replies:
    replies: List[Dict[str, Any]]
    language: Optional[str] = None
    saved: bool = True
    handoff_started: bool = False
    paused: bool = False


@dataclass(frozen=True)
class AlreadyApplied:
    replies: List[Dict[str, Any]]
    language: Optional[str] = None


@dataclass(frozen=True)
class Unavailable:
    reason: str
    turn_failed: bool = False  # Rasa answered 500 turn_failed: the turn itself broke (the caller may stop trying)


@dataclass(frozen=True)
class Invalid:
    message: str


TurnOutcome = Union[Replies, AlreadyApplied, Unavailable, Invalid]


OUTCOME_NAMES = {Replies: "replies", AlreadyApplied: "already_applied", Unavailable: "unavailable", Invalid: "invalid"}


class RasaClient:
    def __init__(self, session: aiohttp.ClientSession, rasa_url: str, token: str, timeout_s: float = 60.0,
                 observe: Optional[Callable[[str, float], None]] = None) -> None:
        self._session = session
        self._url = rasa_url.rstrip("/") + TURN_PATH
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(5.0, timeout_s))
        self._observe = observe  # (outcome name, seconds) of each call: edge/metrics.py

    async def turn(self, request: TurnRequest) -> TurnOutcome:
        started = time.perf_counter()
        outcome = await self._turn(request)
        if self._observe is not None:
            self._observe(OUTCOME_NAMES[type(outcome)], time.perf_counter() - started)
        return outcome

    async def _turn(self, request: TurnRequest) -> TurnOutcome:
        try:
            async with self._session.post(self._url, json=request.body(), headers=self._headers,
                                          timeout=self._timeout) as response:
                status = response.status
                raw = await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            return Unavailable(type(error).__name__)
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if status == 200:
            replies = data.get("replies")
            if not isinstance(replies, list):
                return Unavailable("malformed answer")
            replies = [r for r in replies if isinstance(r, dict)]
            language = data.get("language") if isinstance(data.get("language"), str) else None
            if data.get("already_applied"):
                return AlreadyApplied(replies, language)
            return Replies(replies, language, bool(data.get("saved", True)), bool(data.get("handoff_started")),
                           bool(data.get("paused")))
        if status in (400, 413):
            return Invalid(str(data.get("message") or data.get("code") or status)[:200])
        if status == 401:
            logger.error("rasa refused the internal channel token (INTERNAL_CHANNEL_TOKEN differs?)")
            return Unavailable("unauthorized")
        return Unavailable(f"HTTP {status}", turn_failed=status == 500)
