"""Is this message already a saved turn? And if so, what did that turn answer and change?

The one "already applied?" check of the project. A message may reach Rasa twice: the channel edge retries a
call whose answer it lost, or an instance takes over the accepted messages of one that died after Rasa had
saved the turn. Under the conversation's lock (Rasa's lock store), `saved_turn` looks for the user event with
the message's `message_id`: found, the turn is not run again and its saved replies are answered instead.
Used by the internal turn channel (minwon_rasa/internal_channel.py), the edge's only way to run a turn.

A turn is the user event and every event after it up to the next user event or `action_listen` (a paused
conversation's turn is the user event alone). Desk agents' lines (bot events with metadata `agent`) are never
part of a turn's replies.

On Rasa's SQL tracker store (and our guarded one) this reads rows, not trackers: the conversation's user rows
that contain the id (then checked exactly), the rows of that one turn, and the last `language` slot row
(`action_name` holds a slot event's name). Building the full tracker instead would replay every event of the
conversation on every turn, the cost minwon_rasa/recent_trackers.py exists to avoid. Other stores (tests'
in-memory one) are read through `retrieve_full_tracker`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)

REPLY_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "custom", "elements")
LANGUAGE_SLOT = "language"
HANDOFF_SLOT = "handoff_id"  # set by actions/handoff.py when the desk took the request (queued or call-back)
MAX_TURN_EVENTS = 500  # far more than one turn saves (Rasa predicts at most 10 actions per message)


@dataclass(frozen=True)
class SavedTurn:
    replies: List[Dict[str, Any]]  # what the bot said in that turn, as Rasa hands replies to a channel
    paused: bool  # the turn handed the conversation to a person (ConversationPaused)
    handoff_started: bool  # the turn set a handoff (queued for a person, or a call-back ticket)
    language: Optional[str]  # the conversation's `language` slot as last saved


def reply_of(message: Dict[str, Any]) -> Dict[str, Any]:
    """A bot message (BotUttered.message(), what Rasa gives an output channel) reduced to what a channel shows."""
    reply = {key: message[key] for key in REPLY_KEYS if message.get(key) is not None}
    if "attachment" in reply and reply.get("attachment") == reply.get("image"):
        del reply["attachment"]  # Rasa's old habit of copying the image into the attachment
    return reply


def turn_of(events: Iterable[Dict[str, Any]], message_id: str, language: Optional[str]) -> Optional[SavedTurn]:
    """The saved turn of `message_id` among serialised events (Event.as_dict(), in order), or None."""
    found = False
    replies: List[Dict[str, Any]] = []
    paused = handoff = False
    for event in events:
        kind = event.get("event")
        if not found:
            found = kind == UserUttered.type_name and event.get("message_id") == message_id
            continue
        if kind == UserUttered.type_name or (kind == ActionExecuted.type_name
                                             and event.get("name") == ACTION_LISTEN_NAME):
            break
        if kind == BotUttered.type_name and not (event.get("metadata") or {}).get("agent"):
            replies.append(reply_of({**(event.get("data") or {}), "text": event.get("text"),
                                     **(event.get("metadata") or {})}))
        elif kind == ConversationPaused.type_name:
            paused = True
        elif kind == ConversationResumed.type_name:
            paused = False
        elif kind == SlotSet.type_name and event.get("name") == HANDOFF_SLOT:
            handoff = event.get("value") is not None
    if not found:
        return None
    return SavedTurn(replies=replies, paused=paused, handoff_started=handoff, language=language)


def _language(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    value = None
    for event in events:
        if event.get("event") == SlotSet.type_name and event.get("name") == LANGUAGE_SLOT:
            value = event.get("value")
    return value


async def saved_turn(tracker_store: Any, sender_id: str, message_id: str) -> Optional[SavedTurn]:
    """The saved turn of `message_id` in the conversation, or None. Raises what the store raises (unreachable
    store): the caller must then neither run the message nor drop it."""
    if isinstance(tracker_store, SQLTrackerStore):
        return _saved_turn_from_rows(tracker_store, sender_id, message_id)
    tracker = await tracker_store.retrieve_full_tracker(sender_id)
    events = [event.as_dict() for event in tracker.events] if tracker else []
    return turn_of(events, message_id, _language(events))


async def turn_just_saved(tracker_store: Any, sender_id: str, message_id: str) -> Optional[SavedTurn]:
    """`saved_turn` right after this instance ran the turn, still under the conversation's lock: read from the
    tracker the guarded store kept when it saved the turn (no query; the same answer as the rows), else as
    `saved_turn`. The rows cost three queries a turn (bench/cpu_profile.py put the check at 11% of Rasa's
    Python time under load)."""
    saved_tracker = getattr(tracker_store, "saved_tracker", None)
    tracker = saved_tracker(sender_id) if saved_tracker is not None else None
    found = _turn_in_tracker(tracker, message_id) if tracker is not None else None
    return found if found is not None else await saved_turn(tracker_store, sender_id, message_id)


def _turn_in_tracker(tracker: Any, message_id: str) -> Optional[SavedTurn]:
    """The turn of `message_id` among the tracker's events, or None when the tracker lacks it or the language
    slot's last SlotSet (the rows' answer may come from an earlier session then)."""
    events = list(tracker.events)
    start = next((i for i in range(len(events) - 1, -1, -1)
                  if isinstance(events[i], UserUttered) and events[i].message_id == message_id), None)
    language_set = next((event for event in reversed(events)
                         if isinstance(event, SlotSet) and event.key == LANGUAGE_SLOT), None)
    if start is None or language_set is None:
        return None
    return turn_of((event.as_dict() for event in events[start:]), message_id, language_set.value)


def _saved_turn_from_rows(store: SQLTrackerStore, sender_id: str, message_id: str) -> Optional[SavedTurn]:
    table = store.SQLEvent
    needle = json.dumps(message_id)[1:-1]  # the id as it stands inside the stored JSON
    with store.session_scope() as session:
        candidates = (session.query(table.id, table.data)
                      .filter(table.sender_id == sender_id, table.type_name == UserUttered.type_name,
                              table.data.contains(needle, autoescape=True))
                      .order_by(table.id).all())
        start = next((row for row in candidates if json.loads(row.data).get("message_id") == message_id), None)
        if start is None:
            return None
        rows = (session.query(table.data).filter(table.sender_id == sender_id, table.id > start.id)
                .order_by(table.id).limit(MAX_TURN_EVENTS).all())
        language_row = (session.query(table.data)
                        .filter(table.sender_id == sender_id, table.type_name == SlotSet.type_name,
                                table.action_name == LANGUAGE_SLOT)
                        .order_by(table.id.desc()).first())
    events = [json.loads(start.data)] + [json.loads(row.data) for row in rows]
    language = json.loads(language_row.data).get("value") if language_row else None
    return turn_of(events, message_id, language)
