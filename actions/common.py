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
from actions.texts import N_, has_text, text
from actions.interpret import SERVICE_FORMS, cancel_withdrawn, redoes
from actions.paused_task import SERVICE_OF_FORM, going_back_to, keep_cancelled, last_form, pause, taken_back_from_cancel
from actions.verification import OUTCOME_CANCELLED, OUTCOME_LOCKED, OUTCOME_PERSON, OUTCOME_SWITCH

_VERIFY_PARTIAL = ("phone", "birth_date", "otp_code", "verification_id", "masked_phone")


async def early_end(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """When the form ended early, the events that finish the turn: the citizen asked for a person or to stop
    (actions/interpret.py), was locked out, govapi was down, or there was nothing to do."""
    outcome = tracker.get_slot("form_outcome") or ""
    if outcome == OUTCOME_LOCKED:
        return await hand_off(dispatcher, tracker, "lockout")
    if outcome == OUTCOME_PERSON:
        return await hand_off(dispatcher, tracker, "requested")
    if outcome == OUTCOME_CANCELLED:
        return cancelled(dispatcher, tracker)
    if outcome.startswith(OUTCOME_SWITCH) and outcome[len(OUTCOME_SWITCH):] in SERVICE_FORMS:
        service = outcome[len(OUTCOME_SWITCH):]
        return switched(dispatcher, tracker, service) + [FollowupAction(SERVICE_FORMS[service])]
    if outcome or not conv.citizen_token(tracker):
        return clear_form_slots(tracker)
    return None


def cancelled(dispatcher: CollectingDispatcher, tracker: Tracker, was_active: bool = True) -> List[EventType]:
    """Stop what is in progress: its answers go; a finished verification stays for the session."""
    dispatcher.utter_message(text=text(N_("cancelled") if was_active else N_("nothing_to_cancel"), conv.language(tracker)))
    partial = [] if conv.citizen_token(tracker) else [
        SlotSet(s, None) for s in _VERIFY_PARTIAL if tracker.get_slot(s)]
    kept = keep_cancelled(tracker) if was_active and conv.citizen_token(tracker) else []
    return [ActiveLoop(None), SlotSet("requested_slot", None)] + clear_form_slots(tracker) + partial + kept


def yes_no_buttons(lang: str) -> List[Dict[str, str]]:
    # The titles are the catalogue's; a payload is what the citizen's choice sends back, read by actions/parsing.py.
    return [{"title": text("button_yes", lang), "payload": "네" if lang == "ko" else "yes"},
            {"title": text("button_no", lang), "payload": "아니요" if lang == "ko" else "no"}]


def ask_what_to_change(dispatcher: CollectingDispatcher, lang: str, fields: List[str]) -> None:
    """After "no" at a summary: which answer should change (each a button that names it), or go ahead as is."""
    labels = [text(f"field_{field}", lang) for field in fields]
    buttons = [{"title": label, "payload": label} for label in labels]
    buttons.append({"title": text("keep_as_is", lang), "payload": text("keep_as_is", lang)})
    dispatcher.utter_message(text=text("what_to_change", lang, fields=", ".join(labels)), buttons=buttons)


def then_offer_updates(events: List[EventType]) -> List[EventType]:
    """The rules always follow a service's answer with the offer of updates (action_offer_subscription);
    naming it as the follow-up spares Rasa one policy prediction per answer (bench/turns.py)."""
    return events + [FollowupAction("action_offer_subscription")]


class ActionCancel(Action):
    def name(self) -> Text:
        return "action_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        active = bool((tracker.active_loop or {}).get("name"))
        if not active:
            withdrawn = cancel_withdrawn(conv.latest_text(tracker)) and _just_cancelled(tracker)
            kept = taken_back_from_cancel(tracker) if withdrawn else None
            if kept is not None:  # "no wait, sorry, don't cancel. I do want to check it": back where it stopped
                form, tasks = kept
                return [tasks, FollowupAction(form)]
            form = last_form(tracker) if withdrawn else None
            if form in SERVICE_OF_FORM:  # cancelled before verification ended: nothing kept, the task from its start
                return [FollowupAction(str(form))]
            again = cancel_taken_back(tracker)
            if again:  # "아니다 … 다시 할게요" right after cancelling: the same service, from its start
                return [FollowupAction(again)]
            back = going_back_to(tracker, conv.latest_text(tracker))
            if back is not None:  # "ok back to the move" after a detour (NLU: cancel 0.85): the task left resumes
                return [FollowupAction(back)]
        return cancelled(dispatcher, tracker, was_active=active)


def cancel_taken_back(tracker: Tracker) -> Optional[str]:
    """The form just cancelled, when the next message takes the cancel back and asks for it again ("알아보니까 지금
    해도 된대요 전입신고 다시 할게요", "eh scratch that … let's pay it now"); NLU hears "cancel" in those."""
    if not redoes(conv.latest_text(tracker)) or not _just_cancelled(tracker):
        return None
    form = last_form(tracker)
    return form if form in SERVICE_OF_FORM else None


def _just_cancelled(tracker: Tracker) -> bool:
    """The assistant's last words were "cancelled", right before this message."""
    said = [e for e in tracker.events if e.get("event") in ("user", "bot")]
    if len(said) < 2 or said[-1].get("event") != "user" or said[-2].get("event") != "bot":
        return False
    return said[-2].get("text") in {text("cancelled", "ko"), text("cancelled", "en")}


class ActionSwitchService(Action):
    """Inside a form the citizen asked for another service: leave the form (verification so far is kept for the
    session) and say so; the rule then starts the new service's form (data/rules/rules_switch.yml)."""

    def name(self) -> Text:
        return "action_switch_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return switched(dispatcher, tracker, conv.latest_intent(tracker)[0] or "")


def switched(dispatcher: CollectingDispatcher, tracker: Tracker, service: str) -> List[EventType]:
    """Leave the form for another service (verification so far is kept for the session) and say so."""
    lang = conv.language(tracker)
    dispatcher.utter_message(text=text("switched_service", lang, service=text(f"service_{service}", lang)))
    return [ActiveLoop(None), SlotSet("requested_slot", None)] + clear_form_slots(tracker) + pause(tracker)


class ActionHelp(Action):
    """Explains what is expected at this step of the form, or what the assistant can do."""

    def name(self) -> Text:
        return "action_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        requested = tracker.get_slot("requested_slot")
        key = f"help_{requested}"
        if (tracker.active_loop or {}).get("name") and has_text(key):
            dispatcher.utter_message(text=text(key, lang))
        else:
            dispatcher.utter_message(text=text("help_general", lang))
        return []


def slot_values(tracker: Tracker, *names: str) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in names}
