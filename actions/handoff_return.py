"""After a person hands the conversation back (intent EXTERNAL_handback from the desk, CONTRACTS.md "Handoff"):
say the assistant is back, ask the 1-5 satisfaction question when the desk asks for it, record the score at the
desk, then continue the form the handoff interrupted or ask what is next.

The handoff action closes the form and clears its slots before pausing, so the interrupted form is rebuilt
from the tracker's own events: the active form and slot values just before the action that paused.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import load_settings

logger = logging.getLogger(__name__)

PAUSING_ACTIONS = {"action_handoff", "action_nlu_fallback"}
# Forms worth continuing after a person helped; verification is started again by the service that needs it.
RESUMABLE_FORMS = {"pay_fine_form", "change_address_form", "file_complaint_form", "status_form"}
NOT_RESTORED = {"requested_slot", "citizen_token", "otp_code", "verification_id", "last_error", "form_outcome"}
WORD_SCORES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
               "하나": 1, "둘": 2, "셋": 3, "넷": 4, "다섯": 5, "한": 1, "두": 2, "세": 3, "네": 4}
_DIGIT = re.compile(r"(?<!\d)([1-5])(?!\d)")


TEXTS = {
    "returned": {"ko": "상담원 상담이 끝났어요. 다시 챗봇이 도와드릴게요.",
                 "en": "The agent has finished. I'm the assistant again."},
    "ask_score": {"ko": "상담은 어떠셨나요? 1(나쁨)~5(좋음) 숫자로 답해주세요.",
                  "en": "How was the agent's help? Reply 1 (poor) to 5 (great)."},
    "thanks": {"ko": "평가 감사합니다.", "en": "Thank you for your score."},
    "skipped": {"ko": "평가는 건너뛸게요.", "en": "No score noted. That's fine."},
    "resume_form": {"ko": "하던 일을 이어서 할게요.", "en": "Let's continue where we stopped."},
    "what_next": {"ko": "더 도와드릴 일이 있을까요?", "en": "What else can I do for you?"},
}
SCORE_BUTTONS = [{"title": str(n), "payload": str(n)} for n in range(1, 6)]


def say(key: str, language: str) -> str:
    return TEXTS[key]["en" if language == "en" else "ko"]


def language_before_trigger(tracker: Tracker) -> str:
    """The citizen's language as it was before the desk's trigger: the trigger's own text
    ("/EXTERNAL_handback") must not switch a Korean conversation to English."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "slot" and event.get("name") == "language" and event.get("value") in ("ko", "en"):
            return event["value"]
    return "en" if tracker.get_slot("language") == "en" else "ko"


def _entity(tracker: Tracker, name: str) -> Any:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name:
            return entity.get("value")
    return None


def interrupted_form(events: List[Dict[str, Any]]) -> Tuple[Optional[str], Dict[str, Any]]:
    """The form that was active, and its slots, right before the last pause of the conversation."""
    pause = max((i for i, e in enumerate(events) if e.get("event") == "pause"), default=None)
    if pause is None:
        return None, {}
    cut = pause
    for i in range(pause, -1, -1):  # the action that paused returned its events after its own action event
        event = events[i]
        if event.get("event") == "action" and event.get("name") in PAUSING_ACTIONS:
            cut = i
            break
        if event.get("event") == "user":
            break
    loop: Optional[str] = None
    slots: Dict[str, Any] = {}
    for event in events[:cut]:
        kind = event.get("event")
        if kind == "active_loop":
            loop = event.get("name")
        elif kind == "slot":
            slots[event.get("name")] = event.get("value")
        elif kind == "restart":
            loop, slots = None, {}
    if loop not in RESUMABLE_FORMS:
        return None, {}
    return loop, {k: v for k, v in slots.items() if v is not None and k not in NOT_RESTORED}


def parse_score(text: str) -> Optional[int]:
    """'5', '4점', 'four', '다섯' -> the score; anything else -> None."""
    text = (text or "").strip().lower()
    found = _DIGIT.search(text)
    if found:
        return int(found.group(1))
    for word, score in WORD_SCORES.items():
        if re.search(rf"(?<![가-힣a-z]){word}(?![a-z])", text):
            return score
    return None


def continue_after(dispatcher: CollectingDispatcher, resume: Optional[Dict[str, Any]], language: str) -> List[EventType]:
    """Back to the interrupted form with its answers so far, or ask what is next."""
    if resume and resume.get("form"):
        dispatcher.utter_message(text=say("resume_form", language))
        restored = [SlotSet(name, value) for name, value in (resume.get("slots") or {}).items()]
        return restored + [SlotSet("handoff_resume", None), FollowupAction(resume["form"])]
    dispatcher.utter_message(text=say("what_next", language))
    return [SlotSet("handoff_resume", None)]


SCORE_ATTEMPTS = 3  # setting a score twice is harmless, so a busy or restarting desk gets another try


async def report_score(handoff_id: str, score: int) -> bool:
    settings = load_settings()
    if not settings.handoff_url:
        return False
    timeout = aiohttp.ClientTimeout(total=settings.handoff_timeout_s)
    for attempt in range(1, SCORE_ATTEMPTS + 1):
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(f"{settings.handoff_url}/v1/handoffs/{handoff_id}/satisfaction",
                                        json={"score": score},
                                        headers={"Authorization": f"Bearer {settings.handoff_token}"}) as resp:
                    if resp.status == 200:
                        return True
                    logger.warning("handoff desk refused the satisfaction score (%s), attempt %d",
                                   resp.status, attempt)
                    if resp.status < 500:
                        return False  # the desk said no; asking again would change nothing
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("handoff desk unreachable for the satisfaction score: %s, attempt %d",
                           type(exc).__name__, attempt)
        await asyncio.sleep(0.5 * attempt)
    return False


class ActionHandoffReturn(Action):
    def name(self) -> Text:
        return "action_handoff_return"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        handoff_id = _entity(tracker, "handoff_id") or tracker.get_slot("handoff_id")
        survey = _entity(tracker, "satisfaction_survey") not in (None, False, "false", "False", 0)
        form, slots = interrupted_form(tracker.events)
        resume = {"form": form, "slots": slots} if form else None
        language = language_before_trigger(tracker)
        dispatcher.utter_message(text=say("returned", language))
        events: List[EventType] = [SlotSet("language", language), SlotSet("handoff_id", handoff_id)]
        if survey and handoff_id:
            dispatcher.utter_message(text=say("ask_score", language), buttons=SCORE_BUTTONS)
            return events + [SlotSet("handoff_resume", resume), SlotSet("satisfaction_pending", True)]
        return events + continue_after(dispatcher, resume, language)


class ActionRecordSatisfaction(Action):
    def name(self) -> Text:
        return "action_record_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        score = parse_score((tracker.latest_message or {}).get("text") or "")
        handoff_id = tracker.get_slot("handoff_id")
        language = "en" if tracker.get_slot("language") == "en" else "ko"
        if score is None:
            dispatcher.utter_message(text=say("skipped", language))
        else:
            if handoff_id:
                await report_score(handoff_id, score)
            dispatcher.utter_message(text=say("thanks", language))
        events: List[EventType] = [SlotSet("satisfaction_pending", False), SlotSet("handoff_id", None)]
        return events + continue_after(dispatcher, tracker.get_slot("handoff_resume"), language)
