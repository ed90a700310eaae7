"""What every action reads from a tracker: language, channel metadata, the current turn, the citizen token."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.govapi_client import idempotency_key
from minwon_core.channel_text import channel_of
from actions.turn_language import detect_language  # noqa: F401  (actions read it from here)

def language(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "ko"


def metadata(tracker: Tracker) -> Dict[str, Any]:
    meta = (tracker.latest_message or {}).get("metadata") or {}
    return meta if isinstance(meta, dict) else {}


def channel(tracker: Tracker) -> Optional[str]:
    """The turn's channel as the edge sent it, else the one its conversation id names (None for no channel's id)."""
    meta_channel = metadata(tracker).get("channel")
    if meta_channel:
        return str(meta_channel)
    return channel_of(tracker.sender_id)


def latest_text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def latest_intent(tracker: Tracker) -> tuple:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def turn_id(tracker: Tracker) -> str:
    """Identifies the user message being answered; a retried delivery of the same message keeps it."""
    message_id = (tracker.latest_message or {}).get("message_id")
    if message_id:
        return str(message_id)
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return str(event.get("timestamp"))
    return "no-turn"


def state_change_key(tracker: Tracker, kind: str) -> str:
    return idempotency_key(tracker.sender_id, kind, turn_id(tracker))


def citizen_token(tracker: Tracker) -> Optional[str]:
    """The citizen's govapi token while it is valid, else None."""
    token = tracker.get_slot("citizen_token")
    if not token or not tracker.get_slot("verified"):
        return None
    expires = tracker.get_slot("citizen_token_expires")
    if expires:
        try:
            when = datetime.fromisoformat(str(expires).replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            if when <= datetime.now(timezone.utc):
                return None
        except ValueError:
            pass
    return token


def form_of_this_turn(tracker: Tracker) -> tuple:
    """(form, asked slot) as the citizen's latest message found them: a request for a person or to stop closes the
    form before its answering action runs (actions/interpret.py), which still acts for that form."""
    active = (tracker.active_loop or {}).get("name")
    if active:
        return active, tracker.get_slot("requested_slot")
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    form, asked = None, None
    for event in events[:max(last_user, 0)]:
        if event.get("event") == "active_loop":
            form = event.get("name")
        elif event.get("event") == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
    return form, (asked if form else None)


def now_local(tz_name: str = "Asia/Seoul") -> datetime:
    try:
        from zoneinfo import ZoneInfo
        return datetime.now(ZoneInfo(tz_name))
    except Exception:  # no tz database: UTC is still a correct instant
        return datetime.now(timezone.utc)


# Per-request slots, cleared when a form ends so the next request starts fresh. Verification slots stay
# (remembered for the session); `pending_request` stays until it went through.
FORM_SLOTS = ("case_number", "fine_ids", "fine_options", "fines_as_of", "payment_method", "new_address",
              "address_id", "address_label", "address_options", "effective_date", "member_ids", "household_options",
              "address_confirm", "complaint_text", "complaint_category", "complaint_category_guess",
              "complaint_place", "photo_id", "payment_confirm", "complaint_confirm", "summary_change", "summary_undo", "form_outcome",
              "verify_purpose", "last_error")


def clear_form_slots(tracker: Tracker) -> List[EventType]:
    """Resets only the slots that hold something: every event costs Rasa time (it validates each action
    response against a JSON schema), so a turn should not carry twenty no-op resets."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS if tracker.get_slot(slot) is not None]
