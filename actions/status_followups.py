"""Follow-ups after a list: "나머지는요?" / "the rest" shows what the last list left out; "1번", "the second one"
picks one of the cases it showed (`listed_pick`, read by the core fallback: NLU's "choose" has no rule outside a form).

The list itself is actions/applications.list_applications; `listed_cases` says which list it was and what it
showed. A follow-up about one case ("AP-2026-000002는요?", "그거 언제 끝나요?") is the status form's: it finds
the number in the message or takes `last_case` (actions/applications.py).
"""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.applications import list_applications
from actions.parsing import parse_choices
from actions.plain_requests import PAY_VERB
from actions.texts import text

# The kind of list -> what shows its next page (other lists can add theirs here).
CONTINUATIONS = {"applications": list_applications}


def listed_pick(tracker: Tracker) -> Optional[str]:
    """The one case of the last list the message picks by its place ("1번", "the second one"), or None."""
    listed = tracker.get_slot("listed_cases")
    shown = [str(n) for n in listed.get("shown") or []] if isinstance(listed, dict) else []
    if not shown or conv.latest_intent(tracker)[0] != "choose":
        return None
    picked = parse_choices(conv.latest_text(tracker), len(shown))
    return shown[picked[0]] if picked is not None and len(picked) == 1 else None


class ActionShowMore(Action):
    def name(self) -> Text:
        return "action_show_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        listed = tracker.get_slot("listed_cases")
        kind = listed.get("kind") if isinstance(listed, dict) else None
        if kind not in CONTINUATIONS:
            last = tracker.get_slot("last_case")
            if isinstance(last, str) and last.startswith(("PY-", "RC-")) and PAY_VERB.search(conv.latest_text(tracker)):
                # "아 하는 김에 나머지 하나도 낼게요" just after paying one fine: the rest are paid the same way
                return [FollowupAction("pay_fine_form")]
            dispatcher.utter_message(text=text("nothing_listed", lang))
            return []
        if not conv.citizen_token(tracker):  # the verification of the session ran out since the list
            dispatcher.utter_message(text=text("session_expired", lang))
            return []
        return await CONTINUATIONS[kind](dispatcher, tracker, more=True)
