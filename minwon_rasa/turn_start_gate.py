"""Whether this turn needs a call to the turn-start action (`action_validate_slot_mappings`).

Rasa calls the global slot validation action on every user message, and again when a form activates in the
same turn. Ours (actions/pending.ActionTurnStart) only keeps the language slot in step, drops a satisfaction
question the message does not answer, and retries a kept request; on most turns it returns nothing, and the
call (the whole tracker sent to the action server and read back, plus Rasa rebuilding the tracker for it) was
about a tenth of the stack's CPU per turn. The question "has it anything to do?" is answered by the same
function the action uses (actions.turn_language.turn_start_has_work), on the slots as they will be after this
turn's extraction and the message's metadata (a button press).
A skipped call gives what a call returning no events gives: the extracted slots, unvalidated.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.shared.core.events import SlotSet

from actions.turn_language import turn_start_has_work

WATCHED_SLOTS = ("language", "language_locked", "pending_request", "satisfaction_pending", "requested_slot")


def needs_call(tracker: Any, extraction_events: List[Any]) -> bool:
    message = tracker.latest_message
    if message is None:
        return True  # not a user turn: let Rasa do as it does
    slots: Dict[str, Any] = {name: tracker.get_slot(name) for name in WATCHED_SLOTS}
    for event in extraction_events:
        if isinstance(event, SlotSet) and event.key in slots:
            slots[event.key] = event.value
    parse_data = message.parse_data or {}
    intent = (message.intent or {}).get("name")
    return turn_start_has_work(intent, message.text or "", bool(parse_data.get("language_requested")),
                               message.entities or [], slots, message.metadata or {})
