"""The Rasa HTTP API as the desk uses it: read the tracker, append events, resume, trigger hand-back."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp

from bot.desk.errors import UpstreamError
from bot.desk.masking import code_steps

HANDBACK_INTENT = "EXTERNAL_handback"


class RasaClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str, *, timeout_seconds: float = 5.0,
                 handback_timeout_seconds: float = 70.0) -> None:
        self.http = http
        self.base = base_url.rstrip("/")
        self.token = token
        self.timeout_seconds = timeout_seconds  # the session's own timeout (reads, notes in the transcript)
        # The hand-back waits for Rasa's answer longer than the load balancer waits for Rasa: when its call ends,
        # Rasa no longer runs it (bot/desk/service.py close).
        self.handback_timeout_seconds = handback_timeout_seconds

    def _url(self, conversation_id: str, tail: str) -> str:
        # ':' and '+' stay as they are: Rasa's Sanic does not decode %2B in a path, so 'sms:%2B8210...' would
        # be another conversation. Conversation ids never hold '/', '?' or '#'.
        return f"{self.base}/conversations/{quote(conversation_id, safe=':+')}/{tail}"

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        params = {"token": self.token, **kwargs.pop("params", {})}
        try:
            async with self.http.request(method, url, params=params, **kwargs) as resp:
                if resp.status >= 400:
                    raise UpstreamError(f"Rasa answered {resp.status}", status=resp.status)
                return await resp.json(content_type=None)
        except aiohttp.ClientError as exc:
            raise UpstreamError(f"Rasa is not reachable ({type(exc).__name__})") from None
        except TimeoutError:
            raise UpstreamError("Rasa did not answer in time") from None

    async def tracker(self, conversation_id: str, timeout: aiohttp.ClientTimeout | None = None) -> dict[str, Any]:
        return await self._call("GET", self._url(conversation_id, "tracker"), **({"timeout": timeout} if timeout else {}))

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]] | dict[str, Any],
                            timeout: aiohttp.ClientTimeout | None = None) -> None:
        await self._call("POST", self._url(conversation_id, "tracker/events"), json=events,
                         **({"timeout": timeout} if timeout else {}))

    async def append_bot_text(self, conversation_id: str, text: str, agent: str) -> None:
        await self.append_events(conversation_id, {"event": "bot", "text": text, "metadata": {"agent": agent}})

    async def pause(self, conversation_id: str) -> None:
        await self.append_events(conversation_id, {"event": "pause"})

    async def hand_back(self, conversation_id: str, survey: bool, handoff_id: str) -> None:
        """Resume the bot, then let it continue the interrupted form and ask for the satisfaction score."""
        timeout = aiohttp.ClientTimeout(total=self.handback_timeout_seconds)
        # While paused, citizen messages were logged without an action_listen after them; one here makes the
        # trigger a fresh turn, so the rule "EXTERNAL_handback -> action_handoff_return" matches.
        # A takeover pauses mid-form: with the form still active, Rasa's RulePolicy predicts the form before any
        # rule (its "loop happy path"), so the form asked its question again and the citizen never heard that the
        # agent had finished. Ending the loop here lets the rule match; action_handoff_return still rebuilds the
        # form from the events before the pause and continues it. Sent again by a retried close whose first try
        # stopped after them, these events change nothing more.
        await self.append_events(conversation_id, [{"event": "resume"}, {"event": "active_loop", "name": None},
                                                   {"event": "slot", "name": "requested_slot", "value": None},
                                                   {"event": "action", "name": "action_listen"}], timeout=timeout)
        await self._call(
            "POST",
            self._url(conversation_id, "trigger_intent"),
            params={"output_channel": "latest"},
            json={"name": HANDBACK_INTENT,
                  "entities": {"satisfaction_survey": survey, "handoff_id": handoff_id}},
            timeout=timeout,
        )

    async def handed_back(self, conversation_id: str, handoff_id: str) -> bool:
        """Whether Rasa's tracker holds this handoff's hand-back (see handed_back_in). It waits as long as the
        hand-back would: under load a busy Rasa answered this read after the session's 5 s, and the close failed
        before it had begun (the load benchmark at 30 messages/s)."""
        timeout = aiohttp.ClientTimeout(total=self.handback_timeout_seconds)
        return handed_back_in(await self.tracker(conversation_id, timeout=timeout), handoff_id)


def handed_back_in(tracker: dict[str, Any], handoff_id: str) -> bool:
    """Whether the tracker holds the EXTERNAL_handback of this handoff: Rasa stores a trigger_intent as a user event
    whose parse_data names the intent and lists the entities it was given (handoff ids are never reused)."""
    for event in tracker.get("events") or []:
        if not isinstance(event, dict) or event.get("event") != "user":
            continue
        parsed = event.get("parse_data") or {}
        if (parsed.get("intent") or {}).get("name") != HANDBACK_INTENT:
            continue
        if any(isinstance(e, dict) and e.get("entity") == "handoff_id" and e.get("value") == handoff_id
               for e in parsed.get("entities") or []):
            return True
    return False


def transcript(tracker: dict[str, Any]) -> list[dict[str, Any]]:
    """User and bot turns of a Rasa tracker, oldest first, in a shape the console shows; `code_step` marks the
    turns of the verification step, whose one-time code the console never shows."""
    out = []
    events = [e for e in tracker.get("events") or [] if isinstance(e, dict)]
    for event, code_step in zip(events, code_steps(events)):
        kind = event.get("event")
        if kind not in ("user", "bot") or not event.get("text"):
            continue
        agent = (event.get("metadata") or {}).get("agent")
        out.append({
            "who": "citizen" if kind == "user" else ("agent" if agent else "bot"),
            "author": agent,
            "text": event["text"],
            "at": event.get("timestamp"),
            "intent": ((event.get("parse_data") or {}).get("intent") or {}).get("name") if kind == "user" else None,
            "code_step": code_step,
        })
    return out


def current_state(tracker: dict[str, Any]) -> dict[str, Any]:
    """The intent of the last citizen message and the active form with its filled slots."""
    latest = tracker.get("latest_message") or {}
    loop = (tracker.get("active_loop") or {}).get("name")
    slots = tracker.get("slots") or {}
    return {
        "intent": (latest.get("intent") or {}).get("name"),
        "form": loop,
        "slots": {k: v for k, v in slots.items() if v is not None},
        "paused": bool(tracker.get("paused")),
    }
