"""The questions the forms ask, from the bilingual catalogue (actions/texts.py). Actions rather than
utter_ask_* responses so each question lives once, beside the help text for the same step."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.texts import N_, text

# slot -> catalogue key of its question
QUESTIONS = {"phone": N_("ask_phone"), "birth_date": N_("ask_birth_date"), "otp_code": N_("ask_otp"),
             "case_number": N_("ask_case_number"), "new_address": N_("ask_new_address"),
             "effective_date": N_("ask_effective_date"), "complaint_text": N_("ask_complaint_text"),
             "complaint_place": N_("ask_complaint_place"), "photo_id": N_("ask_photo_id")}


class _Ask(Action, ABC):
    slot = ""

    @abstractmethod
    def name(self) -> Text:
        """action_ask_<slot>; abstract so the SDK does not register this base class."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        masked = tracker.get_slot("masked_phone") or ""  # only the code question names the phone
        dispatcher.utter_message(text=text(QUESTIONS[self.slot], conv.language(tracker), masked=masked))
        return []


# One class per slot: the SDK registers every Action subclass of this package by its name().
for _slot in QUESTIONS:
    globals()[f"ActionAsk_{_slot}"] = type(f"ActionAsk_{_slot}", (_Ask,), {
        "slot": _slot, "name": lambda self, _name=f"action_ask_{_slot}": _name})
