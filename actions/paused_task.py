"""A task left for another service, and the way back to it.

"아 그 전에 AP-2026-000017 어떻게 됐는지 먼저 봐주실 수 있어요?" in the middle of a complaint switches to the status
check (actions/common.switched); the complaint's answers so far are kept in the `paused_task` slot. When the citizen
goes back with words that say so ("그럼 아까 놀이터 민원 계속 할게요", "ok, back to my address change"), the form
starts again with those answers and asks the question where it stopped. Starting the same service without such
words is a new task: the paused answers are dropped then, never mixed into it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

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


def _answers(tracker: Tracker, not_kept: set) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in FORM_SLOTS
            if slot not in not_kept and tracker.get_slot(slot) is not None}


def _kept_first(tracker: Tracker, task: Dict[str, Any]) -> List[EventType]:
    """`task` kept in front of the other paused tasks (one per form), newest first."""
    others = [kept for kept in _paused(tracker) if kept.get("form") != task["form"]]
    return [SlotSet("paused_task", ([task] + others)[:MAX_PAUSED])]


def pause(tracker: Tracker) -> List[EventType]:
    """Keep the answers of the form being left (nothing when it had none beyond verification), newest first."""
    form = last_form(tracker)
    answers = _answers(tracker, _NOT_KEPT)
    if form not in SERVICE_OF_FORM or not answers:
        return []
    return _kept_first(tracker, {"form": form, "slots": answers})


# A handoff keeps the form's state too: the citizen may take the request for a person back before anyone picks
# it up (actions/handoff_waiting.py), and the form then goes on where it stopped.
_NOT_KEPT_FOR_PERSON = {"form_outcome", "summary_change", "summary_undo", "last_error"}


def form_when_spoken(tracker: Tracker) -> Optional[str]:
    """The form that was asking when the citizen sent this turn's message (the form may have let go since)."""
    active = (tracker.active_loop or {}).get("name")
    if active:
        return str(active)
    spoken = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            spoken = True
        elif kind == "active_loop" and spoken:
            name = event.get("name")
            return str(name) if name else None
    return None


def keep_for_person(tracker: Tracker) -> List[EventType]:
    """The task in hand when a person is asked for (any form, verification included), newest first."""
    form = form_when_spoken(tracker)
    if not form:
        return []
    return _kept_first(tracker, {"form": form, "slots": _answers(tracker, _NOT_KEPT_FOR_PERSON), "handoff": True})


def keep_cancelled(tracker: Tracker) -> List[EventType]:
    """The task just cancelled, kept until the citizen takes the cancel back ("아 아니에요 취소 말고 계속할게요")."""
    form = form_when_spoken(tracker)
    if form not in SERVICE_OF_FORM:
        return []
    return _kept_first(tracker, {"form": form, "slots": _answers(tracker, _NOT_KEPT), "cancelled": True})


def taken_back_from_cancel(tracker: Tracker) -> Optional[Tuple[str, SlotSet]]:
    """The form kept when it was cancelled, marked to resume now."""
    tasks = _paused(tracker)
    if not tasks or not tasks[0].get("cancelled") or not isinstance(tasks[0].get("form"), str):
        return None
    first = {**{k: v for k, v in tasks[0].items() if k != "cancelled"}, "taken_back": True}
    return str(first["form"]), SlotSet("paused_task", [first] + tasks[1:])


def taken_back_from_person(tracker: Tracker) -> Optional[Tuple[str, SlotSet]]:
    """The form kept when the person was asked for, and the paused tasks with it marked to resume now."""
    tasks = _paused(tracker)
    if not tasks or not tasks[0].get("handoff") or not isinstance(tasks[0].get("form"), str):
        return None
    first = {**tasks[0], "taken_back": True}
    return str(first["form"]), SlotSet("paused_task", [first] + tasks[1:])


def forget_person_task(tracker: Tracker) -> List[EventType]:
    """After a person handed back (actions/handoff_return.py resumes the form from the events), the task kept for
    taking the request back is stale: dropped, so "back to my payment" never brings back the old answers."""
    tasks = _paused(tracker)
    rest = [task for task in tasks if not task.get("handoff")]
    return [SlotSet("paused_task", rest or None)] if len(rest) != len(tasks) else []


def paused_here(tracker: Tracker, form: str) -> bool:
    return any(task.get("form") == form for task in _paused(tracker))


def resumed(tracker: Tracker, form: str, message: str) -> Optional[Dict[str, Any]]:
    """The paused answers of `form` when the message goes back to it, else None."""
    task = next((task for task in _paused(tracker) if task.get("form") == form), None)
    if task is None or not (task.get("taken_back") or resumes_task(message, SERVICE_OF_FORM.get(form, ""))):
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


def queue(tracker: Tracker, form: str) -> SlotSet:
    """The other of two things asked for at once ("과태료도 내고 주소도 바꿔야 해요"), kept with no answers after the tasks
    paused before it: words that go back to it ("이제 과태료요", "ok now the fine") start it (`resumed`)."""
    others = [task for task in _paused(tracker) if task.get("form") != form]
    return SlotSet("paused_task", (others + [{"form": form, "slots": {}, "queued": True}])[:MAX_PAUSED])


def never_begun(tracker: Tracker, form: str) -> bool:
    """`form`'s paused task was asked for beside another and never begun (`queue`)."""
    return any(task.get("form") == form and task.get("queued") for task in _paused(tracker))


def without(tracker: Tracker, form: str) -> SlotSet:
    """The paused tasks but `form`'s (resumed, or started afresh)."""
    rest = [task for task in _paused(tracker) if task.get("form") != form]
    return SlotSet("paused_task", rest or None)
