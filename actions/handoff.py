"""Hand the conversation to a person: the handoff desk when HANDOFF_URL is set and answers, otherwise the
call-centre number. Reached by request_human (a button offers it after two misunderstandings in a row) and by a
verification lockout.
The way back (EXTERNAL_handback) is actions/handoff_return.py.
The desk gets context but never the citizen token, phone, birth date or code (docs/CONTRACTS.md "Handoff").
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.govapi_client import idempotency_key
from actions.interpret import wants_person
from actions.paused_task import keep_for_person
from actions.settings import load_settings
from actions.texts import text
from minwon_logs import outgoing_headers

logger = logging.getLogger(__name__)

# Slots a person may see to pick up the case; secrets and personal data stay on the Rasa side.
SHAREABLE_SLOTS = ("case_number", "fine_ids", "payment_id", "address_id", "address_label", "effective_date",
                   "member_ids", "complaint_category", "complaint_text", "complaint_place", "photo_id",
                   "payment_method", "requested_slot")
SKILLS = {"pay_fine_form": "payments", "change_address_form": "address", "file_complaint_form": "complaints"}


def handoff_request(tracker: Tracker, reason: str) -> Dict[str, Any]:
    form_name, asked = conv.form_of_this_turn(tracker)
    intent, _ = conv.latest_intent(tracker)
    last_errors = [tracker.get_slot("last_error")] if tracker.get_slot("last_error") else []
    return {
        "conversation_id": tracker.sender_id,
        "channel": conv.channel(tracker),
        "language": conv.language(tracker),
        "reason": reason,
        "verified": bool(conv.citizen_token(tracker)),
        "citizen_id": tracker.get_slot("citizen_id") if conv.citizen_token(tracker) else None,
        "skill": SKILLS.get(form_name or "", "general"),
        "intent": intent,
        "form": ({"name": form_name, "slots": {**{k: tracker.get_slot(k) for k in SHAREABLE_SLOTS
                                                  if tracker.get_slot(k) is not None},
                                               **({"requested_slot": asked} if asked else {})}}
                 if form_name else None),
        "last_errors": last_errors,
        "idempotency_key": idempotency_key(tracker.sender_id, "handoff", conv.turn_id(tracker)),
    }


async def call_desk(path: str, body: Dict[str, Any]) -> Optional[Tuple[int, Dict[str, Any]]]:
    """POST `{HANDOFF_URL}{path}` with the handoff token: the status and the JSON answer, or None when there is no
    desk or it cannot be reached (logged by the error's type only)."""
    settings = load_settings()
    if not settings.handoff_url:
        return None
    try:
        timeout = aiohttp.ClientTimeout(total=settings.handoff_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(f"{settings.handoff_url}{path}", json=body,
                                    headers={**outgoing_headers(), "Authorization": f"Bearer {settings.handoff_token}"}) as resp:
                try:
                    answer = await resp.json(content_type=None)
                except ValueError:
                    answer = {}
                return resp.status, answer if isinstance(answer, dict) else {}
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.warning("handoff desk unreachable: %s", type(exc).__name__)
    return None


async def _post_to_desk(body: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    answered = await call_desk("/v1/handoffs", body)
    if answered is None:
        return None
    status, answer = answered
    if status in (200, 201):
        return answer
    logger.warning("handoff desk answered %s", status)
    return None


async def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[EventType]:
    lang = conv.language(tracker)
    answer = await _post_to_desk(handoff_request(tracker, reason))
    events: List[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)] + conv.clear_form_slots(tracker)
    if not answer:
        dispatcher.utter_message(text=text("handoff_call_centre", lang))
        return events
    if answer.get("open", True):
        minutes = max(1, round((answer.get("estimated_wait_seconds") or 60) / 60))
        dispatcher.utter_message(text=text("handoff_queued", lang, position=answer.get("position", 1),
                                           minutes=minutes))
        # The task in hand is kept: the citizen may take the request back while still queued (handoff_waiting.py).
        return events + keep_for_person(tracker) + [SlotSet("handoff_id", answer.get("handoff_id")),
                                                    ConversationPaused()]
    # Out of hours the desk made a callback ticket for the next shift; nobody will resume a paused
    # conversation tonight, so the bot keeps answering.
    dispatcher.utter_message(text=text("handoff_callback", lang, ticket=answer.get("callback_ticket"),
                                       when=answer.get("next_opening")))
    return events + [SlotSet("handoff_id", answer.get("handoff_id"))]


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await hand_off(dispatcher, tracker, "requested")


# What a clarifying question may offer, and the command its button sends (a server-issued payload: connectors
# neutralise a typed "/", never a pressed button). Small talk and answers (inform, affirm, ...) are not offered.
CLARIFIABLE = ("check_application_status", "list_applications", "check_payment", "pay_fine", "change_address",
               "file_complaint", "subscribe_updates", "request_human", "help")
CLARIFY_MIN_CONFIDENCE = 0.1


def clarify_candidates(ranking: List[Dict[str, Any]], limit: int = 2) -> List[str]:
    """The likeliest things the citizen may have meant, best first (NLU's ranking without the fallback)."""
    ranked = sorted((r for r in ranking if r.get("name") in CLARIFIABLE
                     and float(r.get("confidence") or 0) >= CLARIFY_MIN_CONFIDENCE),
                    key=lambda r: -float(r.get("confidence") or 0))
    return [str(r["name"]) for r in ranked[:limit]]


def likely_services(tracker: Tracker, limit: int = 2) -> List[str]:
    """clarify_candidates, with a complaint first when the words describe a problem a complaint is for ("밤에 가로등이
    다 꺼져 있어서 골목이 너무 어두워요" read as a bare answer, inform, outside any form)."""
    from actions.complaints import guess_category  # here: complaints' own imports reach this module

    message = tracker.latest_message or {}
    candidates = clarify_candidates(message.get("intent_ranking") or [], limit)
    if guess_category(message.get("text") or "", []) and "file_complaint" not in candidates:
        candidates = ["file_complaint"] + candidates[:limit - 1]
    return candidates


class ActionNluFallback(Action):
    """Not understood: the first time, "did you mean A or B?" with a button each (two-stage fallback, in the
    citizen's language; a plain request to rephrase when NLU has no likely reading); the second time in a row, a
    person is offered."""

    def name(self) -> Text:
        return "action_nlu_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        user_intents = [e.get("parse_data", {}).get("intent", {}).get("name")
                        for e in tracker.events if e.get("event") == "user"]
        if len(user_intents) >= 2 and user_intents[-2] == "nlu_fallback":
            dispatcher.utter_message(text=text("fallback_offer_person", lang),
                                     buttons=[{"title": text("intent_request_human", lang), "payload": "/request_human"},
                                              {"title": text("intent_help", lang), "payload": "/help"}])
            return []
        if person_asked_in_words(tracker):
            return [FollowupAction("action_handoff")]
        from actions.plain_requests import start_plain_request  # here: it imports complaints, which import this

        started = start_plain_request(tracker)
        if started:
            return started  # the words name one service beyond doubt: no "did you mean …?"
        if not offer_likely_services(dispatcher, tracker, lang):
            dispatcher.utter_message(text=text("fallback", lang))
        return []


def person_asked_in_words(tracker: Tracker) -> bool:
    """A person asked for in words where NLU heard no clear request ("… 상담원분과 직접 이야기하면서 확인하고 싶은데 연결해
    주실 수 있겠습니까?": out of scope or unsure to NLU), read as strictly as inside a description: "상담원이
    불친절했어요" tells of staff and asks for nobody."""
    intent, confidence = conv.latest_intent(tracker)
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return wants_person(conv.latest_text(tracker), intent, confidence, ranking, "complaint_text")


def offer_likely_services(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> bool:
    """ "Did you mean A or B?" with a button each and one for a person; False when nothing is likely."""
    candidates = likely_services(tracker)
    if not candidates:
        return False
    buttons = [{"title": text(f"intent_{name}", lang), "payload": f"/{name}"} for name in candidates]
    if "request_human" not in candidates:
        buttons.append({"title": text("intent_request_human", lang), "payload": "/request_human"})
    dispatcher.utter_message(text=text("did_you_mean", lang), buttons=buttons)
    return True
