"""Thanks and goodbye outside a form, unless the same message goes on to a service.

NLU hears the thanks in "thanks. ok now the fine" or "됐네요 이제 과태료 볼게요" and the rules would answer "You're
welcome" and stop; the citizen then has to ask again. Here the words after the thanks are read first: a task asked
for earlier and kept (`paused_task`), or one service named after a word that moves on ("now", "이제", "also"),
starts; anything else gets the usual reply. Starting writes nothing: every service verifies, asks and shows a summary.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.interpret import SERVICE_FORMS, asks, puts_off, services_named
from actions.paused_task import going_back_to
from actions.plain_requests import start_plain_request

# A word that moves on to something after the thanks ("thanks! now I'd like to pay my fine", "고마워요 그리고 민원도").
_GOES_ON = re.compile(r"(이제|그럼|그리고|다음|하나\s*더|또\s|\bnow\b|\bnext\b|\balso\b|\band then\b|\bone more\b|"
                      r"\banother thing\b|\bwhile i'?m here\b)", re.IGNORECASE)


def next_task(tracker: Tracker) -> Optional[List[EventType]]:
    """The events that start the task a thanks or goodbye goes on to, or None when it only thanks or leaves."""
    words = conv.latest_text(tracker)
    if puts_off(words):
        return None  # "thanks, I'll pay the fine another day"
    back = going_back_to(tracker, words)
    if back is not None:
        return [FollowupAction(back)]  # the other of two services asked for at once, or a paused task
    if not _GOES_ON.search(words) or asks(words):
        return None
    named = services_named(words)
    if len(named) == 1:
        return [FollowupAction(SERVICE_FORMS[named[0]])]
    return start_plain_request(tracker)


class _SmallTalk(Action, ABC):
    """The usual reply (`response`), unless the message goes on to a task (`next_task`)."""

    response = ""

    @abstractmethod
    def name(self) -> Text:
        """action_thank / action_goodbye; abstract so the SDK does not register this base class."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        started = next_task(tracker)
        if started:
            return started
        dispatcher.utter_message(response=self.response)
        return []


class ActionThank(_SmallTalk):
    response = "utter_you_are_welcome"

    def name(self) -> Text:
        return "action_thank"


class ActionGoodbye(_SmallTalk):
    response = "utter_goodbye"

    def name(self) -> Text:
        return "action_goodbye"
