"""A task left for another service, and the way back to it.

"아 그 전에 AP-2026-000017 어떻게 됐는지 먼저 봐주실 수 있어요?" in the middle of a complaint switches to the status
check (actions/common.switched); the complaint's answers so far are kept in the `paused_task` slot. When the citizen
goes back with words that say so ("그럼 아까 놀이터 민원 계속 할게요", "ok, back to my address change"), the form
starts again with those answers and asks the question where it stopped. Starting the same service without such
words is a new task: the paused answers are dropped then, never mixed into it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.conversation import FORM_SLOTS
from actions.interpret import SERVICE_FORMS, resumes_task

# Answers worth keeping; the rest says how the form ended or what a summary was doing.
_NOT_KEPT = {"form_outcome", "summary_change", "summary_undo", "last_error", "verify_purpose", "payment_confirm",
             "complaint_confirm", "address_confirm"}
SERVICE_OF_FORM = {form: service for service, form in SERVICE_FORMS.items()}


def last_form(tracker: Tracker) -> Optional[str]:
    """The form active now, or the last one that was (a submit action runs after its form closed)."""
    active = (tracker.active_loop or {}).get("name")
    if active:
        return active
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return str(event["name"])
    return None


MAX_PAUSED = 3  # a detour inside a detour ("before that, my fines?" then "finish the move first") keeps both


def _paused(tracker: Tracker) -> List[Dict[str, Any]]:
    value = tracker.get_slot("paused_task")
    return [task for task in value if isinstance(task, dict)] if isinstance(value, list) else []


def pause(tracker: Tracker) -> List[EventType]:
    """Keep the answers of the form being left (nothing when it had none beyond verification), newest first."""
    form = last_form(tracker)
    if form not in SERVICE_OF_FORM:
        return []
    answers = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS
               if slot not in _NOT_KEPT and tracker.get_slot(slot) is not None}
    if not answers:
        return []
    others = [task for task in _paused(tracker) if task.get("form") != form]
    return [SlotSet("paused_task", ([{"form": form, "slots": answers}] + others)[:MAX_PAUSED])]


def paused_here(tracker: Tracker, form: str) -> bool:
    return any(task.get("form") == form for task in _paused(tracker))


def resumed(tracker: Tracker, form: str, message: str) -> Optional[Dict[str, Any]]:
    """The paused answers of `form` when the message goes back to it, else None."""
    task = next((task for task in _paused(tracker) if task.get("form") == form), None)
    if task is None or not resumes_task(message, SERVICE_OF_FORM.get(form, "")):
        return None
    slots = task.get("slots")
    return dict(slots) if isinstance(slots, dict) else None


def going_back_to(tracker: Tracker, message: str) -> Optional[str]:
    """The paused form a message goes back to when NLU named no service ("ok thanks. back to the broken swing then"):
    the one whose service it names, or the newest when it names none."""
    forms = [task.get("form") for task in _paused(tracker)]
    for form in forms:
        if isinstance(form, str) and resumes_task(message, SERVICE_OF_FORM.get(form, "")):
            return form
    return None


def without(tracker: Tracker, form: str) -> SlotSet:
    """The paused tasks but `form`'s (resumed, or started afresh)."""
    rest = [task for task in _paused(tracker) if task.get("form") != form]
    return SlotSet("paused_task", rest or None)
