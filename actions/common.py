"""What every service shares: ending a form cleanly, cancel, help for the current step, early form endings."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.conversation import clear_form_slots
from actions.handoff import hand_off
from actions.texts import TEXTS, text
from actions.verification import OUTCOME_LOCKED


async def early_end(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """When the form ended early (lockout, govapi down, nothing to do), the events that finish the turn."""
    outcome = tracker.get_slot("form_outcome")
    if outcome == OUTCOME_LOCKED:
        return await hand_off(dispatcher, tracker, "lockout")
    if outcome or not conv.citizen_token(tracker):
        return clear_form_slots(tracker)
    return None


def then_offer_updates(events: List[EventType]) -> List[EventType]:
    """The rules always follow a service's answer with the offer of updates (action_offer_subscription);
    naming it as the follow-up spares Rasa one policy prediction per answer (bench/turns.py)."""
    return events + [FollowupAction("action_offer_subscription")]


class ActionCancel(Action):
    def name(self) -> Text:
        return "action_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        active = (tracker.active_loop or {}).get("name")
        dispatcher.utter_message(text=text("cancelled" if active else "nothing_to_cancel", lang))
        # Half-typed verification is dropped too; a finished verification stays for the session.
        partial = [] if conv.citizen_token(tracker) else [
            SlotSet(s, None) for s in ("phone", "birth_date", "otp_code", "verification_id") if tracker.get_slot(s)]
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + clear_form_slots(tracker) + partial


class ActionSwitchService(Action):
    """Inside a form the citizen asked for another service: leave the form (verification so far is kept for the
    session) and say so; the rule then starts the new service's form (data/rules/rules_switch.yml)."""

    def name(self) -> Text:
        return "action_switch_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        intent, _ = conv.latest_intent(tracker)
        dispatcher.utter_message(text=text("switched_service", lang, service=text(f"service_{intent}", lang)))
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + clear_form_slots(tracker)


class ActionHelp(Action):
    """Explains what is expected at this step of the form, or what the assistant can do."""

    def name(self) -> Text:
        return "action_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        requested = tracker.get_slot("requested_slot")
        key = f"help_{requested}"
        if (tracker.active_loop or {}).get("name") and key in TEXTS:
            dispatcher.utter_message(text=text(key, lang))
        else:
            dispatcher.utter_message(text=text("help_general", lang))
        return []


def slot_values(tracker: Tracker, *names: str) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in names}
