"""While a conversation waits for a person: the citizen may take the request back before anyone picks it up.

Rasa runs this action once for each message of a conversation paused for a handoff the bot asked for
(minwon_rasa/waiting_for_person.py). Most messages are for the agent to come: nothing happens, nothing is said
(the edge copies them to the desk). A message that takes the request back ("아 아니에요 그냥 할게요", "nah forget it,
I'll just do it myself") withdraws the handoff at the desk (`POST /v1/handoffs/{id}/withdraw`: only while still
queued), resumes the conversation and the task where it stopped (actions/paused_task.keep_for_person kept it at
the handoff). Once an agent has it, or while the desk cannot be reached, the citizen stays with the person.
"""
from __future__ import annotations

import logging
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationResumed, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.handoff import call_desk
from actions.interpret import person_not_needed
from actions.paused_task import taken_back_from_person
from actions.texts import text

logger = logging.getLogger(__name__)


async def withdraw_at_desk(handoff_id: str, conversation_id: str) -> bool:
    """True when the desk took the handoff out of its queue; False when someone has it or the desk is away."""
    answered = await call_desk(f"/v1/handoffs/{handoff_id}/withdraw", {"conversation_id": conversation_id})
    if answered is None:
        return False
    status, answer = answered
    if status != 200 and status != 409:  # 409: an agent has it already, the normal race
        logger.warning("handoff desk refused a withdrawal: %s", status)
    return status == 200 and bool(answer.get("withdrawn"))


class ActionHandoffWaiting(Action):
    def name(self) -> Text:
        return "action_handoff_waiting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        handoff_id: Optional[str] = tracker.get_slot("handoff_id")
        if not handoff_id or not person_not_needed(conv.latest_text(tracker)):
            return []
        if not await withdraw_at_desk(str(handoff_id), tracker.sender_id):
            return []
        dispatcher.utter_message(text=text("handoff_withdrawn", conv.language(tracker)))
        events: List[EventType] = [ConversationResumed(), SlotSet("handoff_id", None)]
        kept = taken_back_from_person(tracker)
        if kept is not None:
            form, tasks = kept
            events += [tasks, FollowupAction(form)]
        return events
