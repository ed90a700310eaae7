"""After a person hands the conversation back (intent EXTERNAL_handback from the desk, CONTRACTS.md "Handoff"):
say the agent has finished (whether the citizen asked for a person or an agent took the conversation over),
ask the 1-5 satisfaction question when the desk asks for it, record the score at the desk, then continue the
form the handoff interrupted or ask what is next.

The handoff action closes the form and clears its slots before pausing, so the interrupted form is rebuilt
from the tracker's own events: the active form and slot values just before the action that paused. A
takeover pauses with the form still active: it is rebuilt the same way, and closed while the survey waits.

The survey takes a score or lets anything else through (actions/survey.py says which reply is which):
- a score ("4", "4점", "four") or an explicit "no thanks" ("skip", "괜찮아요") is taken by the one survey rule
  (data/rules/rules_handoff_return.yml: `satisfaction_pending` set, no form, one of the intents such replies are
  read as) and answered here: recorded ("thanks") or skipped ("No score noted" only then);
- any other message is a new turn: the turn-start action (actions/pending.ActionTurnStart, before Rasa
  predicts) clears `satisfaction_pending` silently, so the survey rule cannot match and the message is
  handled as it would be without the survey ("I want to pay a fine" pays, "상담원" asks for a person).
The slot goes back to None (not False), so the rest of the conversation is predicted as if no survey was asked.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.paused_task import forget_person_task
from actions.settings import load_settings
from actions.survey import is_decline, parse_score
from actions.texts import text
from actions.turn_language import language_update

logger = logging.getLogger(__name__)

# Forms worth continuing after a person helped; verification is started again by the service that needs it.
RESUMABLE_FORMS = {"pay_fine_form", "change_address_form", "file_complaint_form", "status_form"}
NOT_RESTORED = {"requested_slot", "citizen_token", "otp_code", "verification_id", "last_error", "form_outcome",
                # the conversation's own, not the form's: restoring them would undo what changed since
                "language", "language_locked", "handoff_id", "handoff_resume", "satisfaction_pending",
                "pending_request", "subscription_offer"}


SCORE_BUTTONS = [{"title": str(n), "payload": str(n)} for n in range(1, 6)]


def language_before_trigger(tracker: Tracker) -> str:
    """The citizen's language at the hand-back: the slot before the desk's trigger (whose own text,
    "/EXTERNAL_handback", must not switch a Korean conversation to English), then what the citizen wrote to the
    agent while the bot was paused (the turn-start action did not run for those messages)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    slots: Dict[str, Any] = {}
    for event in reversed(events[:last_user]):  # the latest value of each, as it was before the trigger
        name = event.get("name") if event.get("event") == "slot" else None
        if name in ("language", "language_locked") and name not in slots:
            slots[name] = event.get("value")
    if slots.get("language") not in ("ko", "en"):
        slots["language"] = "en" if tracker.get_slot("language") == "en" else "ko"
    pause = max((i for i, e in enumerate(events[:last_user]) if e.get("event") == "pause"), default=last_user)
    for event in events[pause:last_user]:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        slots.update(language_update((parse.get("intent") or {}).get("name"), event.get("text") or "",
                                     bool(parse.get("language_requested")), parse.get("entities") or [], slots,
                                     event.get("metadata") or {}))
    return slots["language"]


def _entity(tracker: Tracker, name: str) -> Any:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name:
            return entity.get("value")
    return None


def interrupted_form(events: List[Dict[str, Any]]) -> Tuple[Optional[str], Dict[str, Any]]:
    """The form that was active, and its slots, right before the last pause of the conversation."""
    pause = max((i for i, e in enumerate(events) if e.get("event") == "pause"), default=None)
    if pause is None:
        return None, {}
    # The form as the pause found it; but when the citizen's last message closed the form on its way to the person
    # (a request for a person ends the form first: actions/interpret.py, then its submit action hands off), the
    # form and its answers as that message found them.
    last_user = next((i for i in range(pause, -1, -1) if events[i].get("event") == "user"), None)
    loop: Optional[str] = None
    slots: Dict[str, Any] = {}
    at_message: Tuple[Optional[str], Dict[str, Any]] = (None, {})
    for index, event in enumerate(events[:pause]):
        if index == last_user:
            at_message = (loop, dict(slots))
        kind = event.get("event")
        if kind == "active_loop":
            loop = event.get("name")
        elif kind == "slot":
            slots[event.get("name")] = event.get("value")
        elif kind == "restart":
            loop, slots = None, {}
    if loop is None and at_message[0] is not None:
        loop, slots = at_message
    if loop not in RESUMABLE_FORMS:
        return None, {}
    return loop, {k: v for k, v in slots.items() if v is not None and k not in NOT_RESTORED}


def continue_after(dispatcher: CollectingDispatcher, resume: Optional[Dict[str, Any]], language: str) -> List[EventType]:
    """Back to the interrupted form with its answers so far, or ask what is next."""
    if resume and resume.get("form"):
        dispatcher.utter_message(text=text("handback_resume_form", language))
        restored = [SlotSet(name, value) for name, value in (resume.get("slots") or {}).items()]
        return restored + [SlotSet("handoff_resume", None), FollowupAction(resume["form"])]
    dispatcher.utter_message(text=text("handback_what_next", language))
    return [SlotSet("handoff_resume", None)]


SCORE_ATTEMPTS = 3  # setting a score twice is harmless, so a busy or restarting desk gets another try


async def report_score(handoff_id: str, score: int) -> bool:
    settings = load_settings()
    if not settings.handoff_url:
        return False
    timeout = aiohttp.ClientTimeout(total=settings.handoff_timeout_s)
    for attempt in range(1, SCORE_ATTEMPTS + 1):
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(f"{settings.handoff_url}/v1/handoffs/{handoff_id}/satisfaction",
                                        json={"score": score},
                                        headers={"Authorization": f"Bearer {settings.handoff_token}"}) as resp:
                    if resp.status == 200:
                        return True
                    logger.warning("handoff desk refused the satisfaction score (%s), attempt %d",
                                   resp.status, attempt)
                    if resp.status < 500:
                        return False  # the desk said no; asking again would change nothing
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("handoff desk unreachable for the satisfaction score: %s, attempt %d",
                           type(exc).__name__, attempt)
        await asyncio.sleep(0.5 * attempt)
    return False


class ActionHandoffReturn(Action):
    def name(self) -> Text:
        return "action_handoff_return"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        handoff_id = _entity(tracker, "handoff_id") or tracker.get_slot("handoff_id")
        survey = _entity(tracker, "satisfaction_survey") not in (None, False, "false", "False", 0)
        form, slots = interrupted_form(tracker.events)
        resume = {"form": form, "slots": slots} if form else None
        language = language_before_trigger(tracker)
        dispatcher.utter_message(text=text("handback_returned", language))
        events: List[EventType] = [SlotSet("language", language), SlotSet("handoff_id", handoff_id),
                                   *forget_person_task(tracker)]
        if survey and handoff_id:
            dispatcher.utter_message(text=text("handback_ask_score", language), buttons=SCORE_BUTTONS)
            if (tracker.active_loop or {}).get("name"):  # taken over mid-form: the survey answer is not the form's
                events += [ActiveLoop(None), SlotSet("requested_slot", None)]
            return events + [SlotSet("handoff_resume", resume), SlotSet("satisfaction_pending", True)]
        return events + continue_after(dispatcher, resume, language)


class ActionRecordSatisfaction(Action):
    """The survey rule's action: a score is recorded, an explicit "no thanks" skipped (see the module doc)."""

    def name(self) -> Text:
        return "action_record_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        said = (tracker.latest_message or {}).get("text") or ""
        score = parse_score(said)
        handoff_id = tracker.get_slot("handoff_id")
        language = "en" if tracker.get_slot("language") == "en" else "ko"
        if score is not None:
            if handoff_id:
                await report_score(handoff_id, score)
            dispatcher.utter_message(text=text("handback_thanks", language))
        elif is_decline(said):
            dispatcher.utter_message(text=text("handback_skipped", language))
        events: List[EventType] = [SlotSet("satisfaction_pending", None), SlotSet("handoff_id", None)]
        return events + continue_after(dispatcher, tracker.get_slot("handoff_resume"), language)
