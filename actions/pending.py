"""A state change that govapi could not take (down or slow) is kept in the `pending_request` slot with its
idempotency key, and retried at the start of every later turn until it goes through. The same key means
govapi applies it once even if the first attempt did arrive after all.

The turn-start action runs on every user message, before any prediction: it is Rasa's global slot validation
action (`action_validate_slot_mappings`, called by `action_extract_slots` each turn; its messages reach the
citizen, unlike those of a custom slot-mapping action, which Rasa drops). It also keeps the `language` slot
in step with the citizen.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.govapi_client import ErrKind, Result, get_client
from actions.texts import text

logger = logging.getLogger(__name__)

# kind -> (perform(client, token, payload, key) -> Result, reply(dispatcher, tracker, lang, value) -> None)
Performer = Callable[..., Awaitable[Result]]
Replier = Callable[[CollectingDispatcher, Tracker, str, Dict[str, Any]], None]
_KINDS: Dict[str, tuple] = {}


def register(kind: str, perform: Performer, reply: Replier) -> None:
    _KINDS[kind] = (perform, reply)


def keep(kind: str, payload: Dict[str, Any], key: str) -> SlotSet:
    return SlotSet("pending_request", {"kind": kind, "payload": payload, "idempotency_key": key,
                                       "kept_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})


async def perform_or_keep(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str,
                          payload: Dict[str, Any], key: str) -> List[EventType]:
    """Try the change now and answer the citizen: done (the service's reply), refused (why), or kept
    (govapi down or slow: the returned event keeps it for the next turn)."""
    perform, reply = _kinds()[kind]
    lang = conv.language(tracker)
    result = await perform(get_client(), conv.citizen_token(tracker), payload, key)
    if result.ok:
        reply(dispatcher, tracker, lang, result.value)
        return []
    if result.kind == ErrKind.UNAVAILABLE:
        dispatcher.utter_message(text=text("kept_for_later", lang))
        return [keep(kind, payload, key)]
    _explain(dispatcher, lang, result)
    return []


def _explain(dispatcher: CollectingDispatcher, lang: str, result: Any) -> None:
    if result.kind == ErrKind.UNAUTHORIZED:
        dispatcher.utter_message(text=text("session_expired", lang))
    elif result.code == "fine_not_payable":
        dispatcher.utter_message(text=text("fine_not_payable", lang))
    elif result.code in ("same_address", "not_household_member"):
        dispatcher.utter_message(text=text(result.code, lang))
    elif result.code == "invalid_date":
        dispatcher.utter_message(text=text("date_out_of_range", lang))
    elif result.kind == ErrKind.NOT_FOUND:
        dispatcher.utter_message(text=text("address_not_found", lang))
    else:
        dispatcher.utter_message(text=text("pending_failed", lang))


def _kinds() -> Dict[str, tuple]:
    if not _KINDS:  # the service modules register themselves on import
        from actions import address, complaints, fines  # noqa: F401
    return _KINDS


_SWITCH_EN = re.compile(r"(english|영어|영문)", re.IGNORECASE)
_SWITCH_KO = re.compile(r"(korean|한국어|한글|국어)", re.IGNORECASE)


def next_language(tracker: Tracker) -> Dict[Text, Any]:
    """Slot updates for the language of this turn: an explicit switch sticks; otherwise follow the text."""
    intent, _ = conv.latest_intent(tracker)
    message = conv.latest_text(tracker)
    # The NLU marks an explicit request ("in English please") with `language_requested` and a language entity.
    if intent == "switch_language" or (tracker.latest_message or {}).get("language_requested"):
        wanted = next((e.get("value") for e in (tracker.latest_message or {}).get("entities", [])
                       if e.get("entity") == "language"), None)
        if wanted not in ("ko", "en"):
            wanted = "en" if _SWITCH_EN.search(message) else ("ko" if _SWITCH_KO.search(message) else None)
        if wanted:
            return {"language": wanted, "language_locked": True}
    if tracker.get_slot("language_locked"):
        return {}
    detected = conv.detect_language(message)
    if detected and detected != tracker.get_slot("language"):
        return {"language": detected}
    if tracker.get_slot("language") is None:
        return {"language": detected or "ko"}
    return {}


class ActionTurnStart(Action):
    """Runs before every prediction: language of the turn, then a kept request retried."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        updates = next_language(tracker)
        events: List[EventType] = [SlotSet(k, v) for k, v in updates.items()]
        tracker.slots.update(updates)
        pending = tracker.get_slot("pending_request")
        if isinstance(pending, dict) and pending.get("kind") in _kinds():
            events += await self._retry(dispatcher, tracker, pending)
        return events

    async def _retry(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     pending: Dict[str, Any]) -> List[EventType]:
        perform, reply = _kinds()[pending["kind"]]
        lang = conv.language(tracker)
        result = await perform(get_client(), conv.citizen_token(tracker), pending.get("payload") or {},
                               pending["idempotency_key"])
        if not result.ok and result.kind == ErrKind.UNAVAILABLE:
            return []  # still down: keep it, stay quiet (the citizen was told once)
        if result.ok:
            done_at = conv.now_local().strftime("%H:%M")
            dispatcher.utter_message(text=text("pending_done", lang, time=done_at))
            reply(dispatcher, tracker, lang, result.value)
        else:
            logger.info("kept %s request refused on retry: %s", pending["kind"], result.code)
            _explain(dispatcher, lang, result)
        return [SlotSet("pending_request", None)]
