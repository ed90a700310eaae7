"""Greetings, thanks and goodbye outside a form, unless the same message goes on to a service.

NLU hears the thanks in "thanks. ok now the fine" or "됐네요 이제 과태료 볼게요" and the rules would answer "You're
welcome" and stop; the citizen then has to ask again. Here the words after the thanks are read first: a task asked
for earlier and kept (`paused_task`), or one service named after a word that moves on ("now", "이제", "also"),
starts; anything else gets the usual reply. A greeting that names one service asks for it ("안녕하세요 민원 좀
넣을라고요": NLU hears the greeting). Starting writes nothing: every service verifies, asks and shows a summary.
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
from actions.interpret import SERVICE_FORMS, WANT, asks, puts_off, services_named
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


def greeted_task(tracker: Tracker) -> Optional[List[EventType]]:
    """The task a greeting asks for in the same message: one service named, not put off, no question about it
    unless it asks to do it ("hi, can I pay my fine here?"; not "hello, how long does a move-in report take?")."""
    words = conv.latest_text(tracker)
    named = services_named(words)
    if len(named) != 1 or puts_off(words) or (asks(words) and not WANT.search(words)):
        return None
    return [FollowupAction(SERVICE_FORMS[named[0]])]


class _SmallTalk(Action, ABC):
    """The usual reply (`response`), unless the message goes on to a task (`next_task`)."""

    response = ""

    @abstractmethod
    def name(self) -> Text:
        """action_greet / action_thank / action_goodbye; abstract so the SDK does not register this base class."""

    def started(self, tracker: Tracker) -> Optional[List[EventType]]:
        return next_task(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        started = self.started(tracker)
        if started:
            return started
        dispatcher.utter_message(response=self.response)
        return []


class ActionGreet(_SmallTalk):
    response = "utter_greet"

    def name(self) -> Text:
        return "action_greet"

    def started(self, tracker: Tracker) -> Optional[List[EventType]]:
        return greeted_task(tracker)


class ActionThank(_SmallTalk):
    response = "utter_you_are_welcome"

    def name(self) -> Text:
        return "action_thank"


class ActionGoodbye(_SmallTalk):
    response = "utter_goodbye"

    def name(self) -> Text:
        return "action_goodbye"
