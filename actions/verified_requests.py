"""After the bare verification form: answer what the citizen asked for ('my applications', 'did my payment
go through', 'tell me when it moves')."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications import list_applications
from actions.common import early_end
from actions.conversation import clear_form_slots
from actions.fines import check_payment
from actions.subscriptions import subscribe_after_verification


class ActionVerifiedRequest(Action):
    def name(self) -> Text:
        return "action_verified_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ended = await early_end(dispatcher, tracker)
        if ended is not None:
            return ended
        events: List[EventType] = []
        purpose = tracker.get_slot("verify_purpose")
        if purpose == "check_payment":
            events = await check_payment(dispatcher, tracker)
        elif purpose == "subscribe_updates":
            events = await subscribe_after_verification(dispatcher, tracker)
        else:
            events = await list_applications(dispatcher, tracker)
        return clear_form_slots(tracker) + events
