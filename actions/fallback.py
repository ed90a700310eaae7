"""action_default_fallback: what Rasa runs when no next action is confident enough (RulePolicy
core_fallback_action_name in config.yml).

It replaces Rasa's built-in one (listed under `actions:` in domain.yml) so its text lives with every other
action text, in the citizen's language, instead of an `utter_default` response. Like the built-in one it
rewinds the user's message, so the turn that confused the bot does not shape the next prediction. A choice made
just after the list of applications ("1번": NLU's "choose", which no rule answers outside a form) shows that case.
"""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.complaints import problem_words
from actions.handoff import offer_likely_services, person_asked_in_words
from actions.interpret import puts_off
from actions.plain_requests import start_plain_request
from actions.status_followups import listed_pick
from actions.texts import text


class ActionDefaultFallback(Action):
    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        picked = listed_pick(tracker)
        if picked is not None and conv.citizen_token(tracker):
            # "1번" just after the list of applications: that application's status
            return [SlotSet("case_number", picked), FollowupAction("action_check_status")]
        # A line understood as a bare answer with no question open ("골목이 너무 어두워요") may still name what the
        # citizen wants: offer it, as the NLU fallback does.
        started = start_plain_request(tracker)
        if started:
            return started  # "과태료 낼래요 생년월일 1992-05-02": the words name the service; the message stays
        lang = conv.language(tracker)
        if puts_off(conv.latest_text(tracker)):
            dispatcher.utter_message(text=text("put_off", lang))  # "I'll do the streetlight another time"
            return []
        if not offer_likely_services(dispatcher, tracker, lang):
            dispatcher.utter_message(text=text("default_fallback", lang))
        # The rewind also undoes this turn's language ("The street lamp … is out" then a bare phone number was
        # answered in Korean): the language the reply was written in stays
        return [UserUtteranceReverted(), SlotSet("language", lang)]


class ActionOutOfScope(Action):
    """Out of scope outside a form. A problem a complaint is for, told without asking for a complaint ("the bar
    downstairs plays loud music every night till 3am"), starts one or is offered; anything else is declined."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        said = conv.latest_text(tracker)
        if person_asked_in_words(tracker):  # a person asked for in words is a person, as at any question
            return [FollowupAction("action_handoff")]
        started = start_plain_request(tracker)
        if started:
            return started
        lang = conv.language(tracker)
        if problem_words(said) >= 2 and offer_likely_services(dispatcher, tracker, lang):
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
