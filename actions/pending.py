"""A state change that govapi could not take (down or slow) is kept in the `pending_request` slot with its
idempotency key, and retried at the start of every later turn until it goes through. The same key means
govapi applies it once even if the first attempt did arrive after all.

While the citizen is silent the request is also retried by itself: keeping it schedules a Rasa reminder
(intent EXTERNAL_retry_kept, after PENDING_RETRY_DELAYS_S[0]); `action_retry_kept` tries again and, while
govapi is still down, schedules the next one, until the list of pauses ends. A citizen message cancels the
reminder (kill_on_user_message) and retries at once. Reminders live in the memory of the Rasa instance that
scheduled them: if it restarts, the request still completes with the citizen's next message.

The turn-start action runs on a user message, before any prediction: it is Rasa's global slot validation
action (`action_validate_slot_mappings`, called by `action_extract_slots` each turn; its messages reach the
citizen, unlike those of a custom slot-mapping action, which Rasa drops). It also keeps the `language` slot
in step with the citizen and drops the satisfaction question when the message is not its answer
(actions/survey.py). The Rasa server calls it only when `actions.turn_language.turn_start_has_work` says it
has something to do (minwon_rasa/turn_start_gate.py).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.govapi_client import ErrKind, Result, get_client
from actions.settings import load_settings
from actions.subscriptions import follow_result
from actions.texts import N_, text
from actions.turn_language import is_system_turn, turn_start_updates

logger = logging.getLogger(__name__)

# kind -> (perform(client, token, payload, key) -> Result, reply(dispatcher, tracker, lang, value) -> None)
Performer = Callable[..., Awaitable[Result]]
Replier = Callable[[CollectingDispatcher, Tracker, str, Dict[str, Any]], None]
_KINDS: Dict[str, tuple] = {}


def register(kind: str, perform: Performer, reply: Replier) -> None:
    _KINDS[kind] = (perform, reply)


RETRY_INTENT = "EXTERNAL_retry_kept"
RETRY_REMINDER = "minwon_retry_kept"  # one per conversation: a new one replaces the last


def keep(kind: str, payload: Dict[str, Any], key: str, retries: int = 0) -> SlotSet:
    return SlotSet("pending_request", {"kind": kind, "payload": payload, "idempotency_key": key,
                                       "kept_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                       "retries": retries})


def retry_delay(retries: int) -> Optional[float]:
    """Seconds until the next retry on its own, after `retries` retries; None when no more are planned."""
    delays = load_settings().pending_retry_delays_s
    return delays[retries] if retries < len(delays) else None


def retry_reminder(delay_s: float) -> EventType:
    # Rasa schedules it on the instance that runs this turn, in that server's local time (naive, as Rasa's
    # own examples do); the citizen's next message cancels it.
    return ReminderScheduled(RETRY_INTENT, datetime.now() + timedelta(seconds=delay_s), name=RETRY_REMINDER,
                             kill_on_user_message=True)


def _minutes(delay_s: float) -> int:
    return max(1, round(delay_s / 60))


async def perform_or_keep(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str,
                          payload: Dict[str, Any], key: str) -> List[EventType]:
    """Try the change now and answer the citizen: done (the service's reply), refused (why), or kept
    (govapi down or slow: the returned event keeps it for the next turn)."""
    perform, reply = _kinds()[kind]
    lang = conv.language(tracker)
    result = await perform(get_client(), conv.citizen_token(tracker), payload, key)
    if result.ok:
        reply(dispatcher, tracker, lang, result.value)
        return await went_through(dispatcher, tracker, result.value)
    if result.kind == ErrKind.UNAVAILABLE:
        delay = retry_delay(0)
        if delay is None:
            dispatcher.utter_message(text=text("kept_for_later", lang))
            return [keep(kind, payload, key)]
        dispatcher.utter_message(text=text("kept_retry_in", lang, minutes=_minutes(delay)))
        return [keep(kind, payload, key), retry_reminder(delay)]
    _explain(dispatcher, lang, result)
    return []


def _explain(dispatcher: CollectingDispatcher, lang: str, result: Any) -> None:
    if result.kind == ErrKind.UNAUTHORIZED:
        dispatcher.utter_message(text=text("session_expired", lang))
    elif result.code == "fine_not_payable":
        dispatcher.utter_message(text=text("fine_not_payable", lang))
    elif result.code in (N_("same_address"), N_("not_household_member")):
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


def turn_updates(tracker: Tracker) -> Dict[Text, Any]:
    """Slot updates of this turn (actions/turn_language.py): its language (an explicit switch sticks; otherwise
    the citizen's words, never a button press), and a satisfaction question the message does not answer dropped."""
    intent, _ = conv.latest_intent(tracker)
    latest = tracker.latest_message or {}
    return turn_start_updates(intent, conv.latest_text(tracker), bool(latest.get("language_requested")),
                              latest.get("entities") or [], tracker.slots, conv.metadata(tracker))


def is_external(tracker: Tracker) -> bool:
    """A turn started by the system (reminder, desk hand-back), not by a citizen's message."""
    intent, _ = conv.latest_intent(tracker)
    return is_system_turn(intent)


class ActionTurnStart(Action):
    """Runs before every prediction: language of the turn, an unanswered survey dropped, a kept request retried."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if is_external(tracker):
            return []  # its text ("EXTERNAL: ...") is no citizen's language; its own action does the work
        updates = turn_updates(tracker)
        events: List[EventType] = [SlotSet(k, v) for k, v in updates.items()]
        tracker.slots.update(updates)
        pending = tracker.get_slot("pending_request")
        if isinstance(pending, dict) and pending.get("kind") in _kinds():
            retried, _ = await retry_kept(dispatcher, tracker, pending)
            events += retried
        return events


class ActionRetryKept(Action):
    """The reminder of a kept request fired (the citizen was silent): try again, or plan the next try."""

    def name(self) -> Text:
        return "action_retry_kept"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        pending = tracker.get_slot("pending_request")
        if not isinstance(pending, dict) or pending.get("kind") not in _kinds():
            return []
        events, still_down = await retry_kept(dispatcher, tracker, pending)
        if not still_down:
            return events
        retries = int(pending.get("retries") or 0) + 1
        delay = retry_delay(retries)
        kept = SlotSet("pending_request", {**pending, "retries": retries})
        return [kept] if delay is None else [kept, retry_reminder(delay)]


async def retry_kept(dispatcher: CollectingDispatcher, tracker: Tracker,
                     pending: Dict[str, Any]) -> tuple:
    """Try a kept request again with its idempotency key: (events, still down)."""
    perform, reply = _kinds()[pending["kind"]]
    lang = conv.language(tracker)
    result = await perform(get_client(), conv.citizen_token(tracker), pending.get("payload") or {},
                           pending["idempotency_key"])
    if not result.ok and result.kind == ErrKind.UNAVAILABLE:
        return [], True  # still down: keep it, stay quiet (the citizen was told once)
    if result.ok:
        done_at = conv.now_local().strftime("%H:%M")
        dispatcher.utter_message(text=text("pending_done", lang, time=done_at))
        reply(dispatcher, tracker, lang, result.value)
        return [SlotSet("pending_request", None)] + await went_through(dispatcher, tracker, result.value), False
    logger.info("kept %s request refused on retry: %s", pending["kind"], result.code)
    _explain(dispatcher, lang, result)
    return [SlotSet("pending_request", None)], False


async def went_through(dispatcher: CollectingDispatcher, tracker: Tracker, value: Dict[str, Any]) -> List[EventType]:
    """A state change went through (now or on a retry): its case becomes the conversation's last case, and its
    result (receipt, agencies told, answer) will come to this conversation by itself (the notifier follows it)."""
    return await follow_result(dispatcher, tracker, value)
