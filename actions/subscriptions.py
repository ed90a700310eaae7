"""Subscribing to notifications in the conversation: offer, subscribe, list, cancel (issue 6), and the automatic
follow of a change the citizen just made (issue 11).

The notifier (bot/notifier, `python -m bot.notifier`) keeps the subscriptions and sends the messages; these
actions only talk to its HTTP API. The citizen must be verified: the citizen id comes from the verification
(`citizen_id` slot) or govapi `GET /v1/me` with the `citizen_token` slot, never from what the citizen types.

- A change that went through (payment, move-in report, complaint; actions/pending.py) is followed at once:
  its result (receipt, agencies told, answer) comes to this conversation without a subscription, and the
  citizen is told so (`follow_result`). No offer follows it: the result comes anyway.
- A case shown by a status check that can still move is offered (`offer_case`, called by the status check;
  `action_offer_subscription` right after asks about exactly that case unless this conversation already
  hears about it); "yes" subscribes to that case. "All my cases" / "내 신청 전부" subscribes to everything asked.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.govapi_client import get_client
from actions.parsing import is_yes
from actions.interpret import SERVICE_FORMS, resumed_service
from actions.texts import N_, ntext, text
from minwon_logs import outgoing_headers

logger = logging.getLogger(__name__)

TOPICS = ("application_status", "fine_due", "complaint_answered", "payment_receipt", "address_deliveries")
TOPIC_LABELS = {
    "application_status": N_("label_topic_application_status"),
    "fine_due": N_("label_topic_fine_due"),
    "complaint_answered": N_("label_topic_complaint_answered"),
    "payment_receipt": N_("label_topic_payment_receipt"),
    "address_deliveries": N_("label_topic_address_deliveries"),
}
# The channel a subscription sends on, as the citizen calls it (any other: the notifier's own name for it).
CHANNEL_LABELS = {"telegram": N_("label_channel_telegram"), "sms": N_("label_channel_sms"),
                  "web": N_("label_channel_web")}
TOPIC_OF_PREFIX = {"AP": "application_status", "CP": "complaint_answered", "MV": "address_deliveries",
                   "FN": "fine_due", "PY": "payment_receipt", "RC": "payment_receipt"}
# A case in one of these states moves no more: nothing to offer (govapi's statuses per case type).
FINAL = {"application": {"rejected", "completed"}, "complaint": {"answered", "closed"},
         "payment": {"paid", "expired", "cancelled"}, "address_change": {"completed"}, "fine": {"paid"}}
FOLLOWED_PREFIXES = ("PY", "MV", "CP")  # changes whose result comes to the conversation by itself
KEYWORDS = (  # words in a request that name a topic ("remind me before my fine gets a late fee")
    ("fine_due", ("과태료", "범칙금", "가산금", "납부기한", "fine", "late fee", "penalty")),
    ("payment_receipt", ("영수증", "납부 완료", "결제", "receipt", "payment")),
    ("complaint_answered", ("민원 답변", "답변", "신문고", "complaint", "answer")),
    ("address_deliveries", ("전입", "주소", "이사", "address", "move")),
    # Not "신청": "알림 신청" (subscribe) says nothing about which case.
    ("application_status", ("여권", "진행", "처리", "면허", "허가", "수당", "passport", "application", "licence",
                            "permit")),
)
# "진행되면 알려줘" / "tell me when it moves" say when, not what: about the case just discussed, if there is one.
GENERIC = re.compile(r"(진행|처리|\bmoves?\b|\bprogress\b|\bupdates?\b)", re.IGNORECASE)
ALL_CASES = re.compile(r"(전부|모두|모든|전체|다\s*알려|\ball\b|\bevery)", re.IGNORECASE)
MY_APPLICATIONS = re.compile(r"((내|제|모든)\s*신청|신청\s*(건|전부|모두|전체)|\bapplications\b)", re.IGNORECASE)
LIST_WORDS = ("목록", "뭐 받", "무슨 알림", "알림 확인", "내 알림", "list", "which notifications", "my notifications",
              "my subscriptions")
CANCEL_WORDS = ("취소", "해지", "끄", "꺼", "그만", "중단", "받지 않", "stop", "cancel", "unsubscribe", "turn off")
CASE_NUMBER = re.compile(r"\b(AP|CP|MV|FN|PY|RC)-?(\d{4})-?(\d{6})\b", re.IGNORECASE)


@dataclass(frozen=True)
class NotifierSettings:
    url: str
    token: str
    timeout_s: float


def notifier_settings() -> NotifierSettings:
    raw_timeout = os.environ.get("NOTIFIER_TIMEOUT_S") or "3"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        raise ValueError(f"NOTIFIER_TIMEOUT_S must be a number, got {raw_timeout!r}") from None
    token = os.environ.get("NOTIFIER_TOKEN") or "dev-notifier-token"
    if os.environ.get("MINWON_ENV") == "production" and token.startswith("dev-"):
        raise ValueError("NOTIFIER_TOKEN still holds the development placeholder; set a real secret in production")
    return NotifierSettings(url=(os.environ.get("NOTIFIER_URL") or "http://127.0.0.1:8400").rstrip("/"),
                            token=token, timeout_s=timeout)


class NotifierUnavailable(Exception):
    """The notifier did not answer or answered badly; the citizen is told plainly."""


async def _notifier(method: str, path: str, *, json: Any = None, params: Optional[Dict[str, str]] = None) -> Any:
    settings = notifier_settings()
    timeout = aiohttp.ClientTimeout(total=settings.timeout_s)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.request(method, settings.url + path, json=json, params=params,
                                       headers={**outgoing_headers(), "Authorization": f"Bearer {settings.token}"}) as resp:
                if resp.status >= 300:
                    logger.warning("notifier %s %s answered %s", method, path.split("/")[2], resp.status)
                    raise NotifierUnavailable(f"notifier answered {resp.status}")
                return await resp.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("notifier unreachable: %s", type(exc).__name__)
        raise NotifierUnavailable(type(exc).__name__) from None


async def citizen_id(tracker: Tracker) -> Optional[str]:
    token = conv.citizen_token(tracker)
    if not token:
        return None
    result = await get_client()._request("GET", "me", "/v1/me", token=token)
    return result.value.get("id") if result.ok else None


def _text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").lower()


def case_number_in(tracker: Tracker) -> Optional[str]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "case_number" and entity.get("value"):
            match = CASE_NUMBER.search(str(entity["value"]))
            if match:
                return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"
    match = CASE_NUMBER.search(_text(tracker))
    return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}" if match else None


def named_topics(text: str) -> List[str]:
    return sorted({topic for topic, words in KEYWORDS if any(w in text for w in words)})


def _followable(number: Any) -> Optional[str]:
    """A case number whose news can be followed (a receipt number RC-... is news already told)."""
    value = str(number or "").upper()
    return value if CASE_NUMBER.fullmatch(value) and value[:2] in TOPIC_OF_PREFIX and value[:2] != "RC" else None


def _said_yes(tracker: Tracker) -> bool:
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return intent == "affirm" or is_yes(_text(tracker))


def what_to_subscribe(tracker: Tracker) -> Tuple[List[str], Optional[str]]:
    """(topics, case number) the citizen asks for: a number they typed; the offered case when they say yes;
    everything when they say "all"; else the case just discussed, unless they name another kind of news."""
    said = _text(tracker)
    number = case_number_in(tracker)
    if number:
        return [TOPIC_OF_PREFIX[number[:2]]], number
    offered = _followable(tracker.get_slot("offered_case"))
    if offered and _said_yes(tracker):
        return [TOPIC_OF_PREFIX[offered[:2]]], offered
    if ALL_CASES.search(said):
        named = named_topics(said)
        return named or (["application_status"] if MY_APPLICATIONS.search(said) else list(TOPICS)), None
    current = offered or _followable(tracker.get_slot("last_case"))
    if current:
        named = named_topics(GENERIC.sub(" ", said))
        if not named or TOPIC_OF_PREFIX[current[:2]] in named:
            return [TOPIC_OF_PREFIX[current[:2]]], current
        return named, None
    return named_topics(said) or list(TOPICS), None


def topics_text(topics: List[str], lang: str) -> str:
    return ", ".join(text(TOPIC_LABELS[t], lang) for t in topics if t in TOPIC_LABELS)


def quiet_text(subscription: Dict[str, Any], lang: str) -> str:
    quiet = subscription.get("quiet_hours")
    if not quiet:
        return ""
    return " " + text("subscription_quiet_hours", lang, start=quiet["start"], end=quiet["end"])


async def _unpaid_fines(tracker: Tracker) -> List[Dict[str, Any]]:
    token = conv.citizen_token(tracker)
    result = await get_client().fines(token) if token else None
    if not result or not result.ok:
        return []
    return [{"notice_number": f["notice_number"], "due_date": f["due_date"], "amount_due": f.get("amount_due")}
            for f in result.value.get("fines", []) if f.get("status") == "unpaid" and not f.get("overdue")]


async def subscribe(dispatcher: CollectingDispatcher, tracker: Tracker,
                    topics: Optional[List[str]] = None, case_number: Optional[str] = None) -> List[EventType]:
    """Subscribe this conversation; the dialogue's verify step calls this after verification too."""
    lang = conv.language(tracker)
    if topics is None:
        topics, case_number = what_to_subscribe(tracker)
    done = [SlotSet("subscription_offer", None)] + ([SlotSet("offered_case", None)]
                                                    if tracker.get_slot("offered_case") else [])
    cid = await citizen_id(tracker)
    if cid is None:
        # Keep what was asked for: after verification the latest message is the one-time code, not the request.
        dispatcher.utter_message(text=text("subscription_needs_verification", lang))
        return [SlotSet("subscription_offer", f"{','.join(topics)}|{case_number or ''}"), FollowupAction("verify_form")]
    body: Dict[str, Any] = {"citizen_id": cid, "conversation_id": tracker.sender_id, "topics": topics,
                            "language": lang, "case_number": case_number}
    if "fine_due" in topics:
        body["fines"] = await _unpaid_fines(tracker)
    try:
        sub = await _notifier("POST", "/v1/subscriptions", json=body)
    except NotifierUnavailable:
        dispatcher.utter_message(text=text("subscription_unavailable", lang))
        return done
    what = topics_text(sub["topics"], lang) + (f" ({case_number})" if case_number else "")
    dispatcher.utter_message(text=text("subscribed", lang, topics=what, quiet=quiet_text(sub, lang)))
    return done


async def subscribe_after_verification(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Subscribe to what was offered or asked for before verification (the `subscription_offer` slot).
    The dialogue's verified-request action calls this when verify_purpose is subscribe_updates."""
    offer = tracker.get_slot("subscription_offer")
    if not offer:
        return await subscribe(dispatcher, tracker)
    topics_part, _, number = str(offer).partition("|")
    topics = [t for t in topics_part.split(",") if t in TOPICS] or list(TOPICS)
    return await subscribe(dispatcher, tracker, topics, number or None)


async def list_subscriptions(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    lang = conv.language(tracker)
    cid = await citizen_id(tracker)
    if cid is None:
        dispatcher.utter_message(text=text("subscription_needs_verification", lang))
        return [FollowupAction("verify_form")]
    try:
        subs = (await _notifier("GET", "/v1/subscriptions", params={"citizen_id": cid}))["subscriptions"]
    except NotifierUnavailable:
        dispatcher.utter_message(text=text("subscription_unavailable", lang))
        return []
    if not subs:
        dispatcher.utter_message(text=text("no_subscriptions", lang))
        return []
    items = "\n".join(f"{i}. {topics_text(s['topics'], lang)}" + (f" ({s['case_number']})" if s["case_number"] else "")
                      + f" - {_channel_name(s['channel'], lang)}" for i, s in enumerate(subs, 1))
    dispatcher.utter_message(text=text("subscriptions_list", lang, items=items))
    return []


async def cancel_subscriptions(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Cancels this conversation's subscriptions (only the one for a case number, if the citizen named one)."""
    lang = conv.language(tracker)
    cid = await citizen_id(tracker)
    if cid is None:
        dispatcher.utter_message(text=text("subscription_needs_verification", lang))
        return [FollowupAction("verify_form")]
    number = case_number_in(tracker)
    try:
        subs = (await _notifier("GET", "/v1/subscriptions",
                                params={"citizen_id": cid, "conversation_id": tracker.sender_id}))["subscriptions"]
        chosen = [s for s in subs if not number or s["case_number"] == number]
        for sub in chosen:
            await _notifier("DELETE", f"/v1/subscriptions/{sub['id']}", params={"citizen_id": cid})
    except NotifierUnavailable:
        dispatcher.utter_message(text=text("subscription_unavailable", lang))
        return []
    if not chosen:
        dispatcher.utter_message(text=text("no_subscriptions", lang))
    else:
        dispatcher.utter_message(text=ntext("subscriptions_cancelled", lang, count=len(chosen)))
    return []


def _channel_name(channel: str, lang: str) -> str:
    return text(CHANNEL_LABELS[channel], lang) if channel in CHANNEL_LABELS else channel


def _wants(text: str) -> str:
    if any(w in text for w in CANCEL_WORDS):
        return "cancel"
    if any(w in text for w in LIST_WORDS):
        return "list"
    return "subscribe"


_UNSET = object()


def set_this_turn(tracker: Tracker, slot: str) -> Any:
    """The value this turn's actions gave `slot` (after the citizen's latest message), or _UNSET."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return _UNSET


def offer_case(found: Dict[str, Any]) -> List[EventType]:
    """For the status check: govapi's `GET /v1/cases/{number}` answer -> the events that make the offer right
    after it (action_offer_subscription) ask about this case, when the case can still move."""
    case = found.get("case") or {}
    number = _followable(case.get("number") or case.get("tracking_number") or case.get("payment_id")
                         or case.get("notice_number"))
    if not number or str(case.get("status") or "") in FINAL.get(str(found.get("type") or ""), ()):
        return []
    if found.get("type") == "fine" and case.get("overdue"):
        return []  # a reminder before the due date can no longer come
    return [SlotSet("offered_case", number)]


async def _hears_about(tracker: Tracker, number: str) -> bool:
    """Whether this conversation already gets this case's news (its own subscription, one for every case of the
    kind, or the automatic follow of a change made here). Unknown (notifier away) counts as yes: no offer."""
    params = {"conversation_id": tracker.sender_id, "follows": "1"}
    if tracker.get_slot("citizen_id"):
        params["citizen_id"] = str(tracker.get_slot("citizen_id"))
    try:
        subs = (await _notifier("GET", "/v1/subscriptions", params=params))["subscriptions"]
    except NotifierUnavailable:
        return True
    topic = TOPIC_OF_PREFIX[number[:2]]
    return any(s.get("case_number") == number or (not s.get("case_number") and topic in s.get("topics", []))
               for s in subs)


def case_number_of(value: Dict[str, Any]) -> Optional[str]:
    """The case a state change created: a payment's PY-..., a move-in report's MV-..., a complaint's CP-..."""
    for key in ("payment_id", "tracking_number", "number"):
        number = _followable(value.get(key))
        if number:
            return number
    return None


async def follow_result(dispatcher: CollectingDispatcher, tracker: Tracker, value: Dict[str, Any]) -> List[EventType]:
    """A state change went through (actions/pending.py): remember its case (what "그거" means next) and have
    its result (receipt, agencies told, answer) sent to this conversation, in its language, with no
    subscription. If the notifier is away the citizen can still ask; the service's reply says how."""
    number = case_number_of(value)
    if number is None:
        return []
    events: List[EventType] = [SlotSet("last_case", number)]
    if number[:2] not in FOLLOWED_PREFIXES:
        return events
    lang = conv.language(tracker)
    cid = tracker.get_slot("citizen_id") or await citizen_id(tracker)
    if not cid:
        return events
    try:
        await _notifier("POST", "/v1/follows", json={"citizen_id": cid, "conversation_id": tracker.sender_id,
                                                     "case_number": number, "language": lang})
    except NotifierUnavailable:
        return events
    dispatcher.utter_message(text=text(f"follow_{number[:2]}", lang))
    return events + [SlotSet("followed_case", number)]


class ActionSubscribeUpdates(Action):
    """subscribe_updates: subscribe, or list / cancel when the citizen's words say so."""

    def name(self) -> Text:
        return "action_subscribe_updates"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        wants = _wants(_text(tracker))
        if wants == "cancel":
            return await cancel_subscriptions(dispatcher, tracker)
        if wants == "list":
            return await list_subscriptions(dispatcher, tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        resumed = resumed_service(_text(tracker)) if intent == "affirm" else None
        if resumed:
            return [FollowupAction(SERVICE_FORMS[resumed])]  # "네 확인했어요. 아까 하던 민원 이어서 할게요"
        if intent == "affirm" and not tracker.get_slot("offered_case"):
            # A bare "네" after a service answer that offered nothing is no request to subscribe. After "I'll tell
            # you here when it is answered" it agrees: the follow stands.
            followed = _followable(tracker.get_slot("followed_case"))
            dispatcher.utter_message(text=text(N_("follow_confirmed") if followed else N_("subscription_hint"),
                                               conv.language(tracker)))
            return [SlotSet("followed_case", None)] if followed else []
        return await subscribe(dispatcher, tracker)


class ActionOfferSubscription(Action):
    """Called by the dialogue after a status check, a payment, an address change or a complaint."""

    def name(self) -> Text:
        return "action_offer_subscription"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # What this turn's service left: a case to offer, a change followed. Older values are stale: cleared,
        # so a later "yes" never subscribes to a case offered turns ago.
        events: List[EventType] = [SlotSet(slot, None) for slot in ("offered_case", "followed_case")
                                   if tracker.get_slot(slot) and set_this_turn(tracker, slot) is _UNSET]
        number = _followable(set_this_turn(tracker, "offered_case"))
        if number is None:
            return events
        if not conv.citizen_token(tracker) or await _hears_about(tracker, number):
            return events + [SlotSet("offered_case", None)]
        lang = conv.language(tracker)
        dispatcher.utter_message(text=text(f"subscription_offer_{number[:2]}", lang, number=number),
                                 buttons=[{"title": text("subscription_offer_yes", lang), "payload": "/affirm"},
                                          {"title": text("subscription_offer_no", lang), "payload": "/deny"}])
        return events


class ActionDeclineSubscription(Action):
    def name(self) -> Text:
        return "action_decline_subscription"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        followed = _followable(tracker.get_slot("followed_case"))
        if followed and not tracker.get_slot("offered_case") and await _unfollow(tracker, followed):
            # "아니요" to "I'll tell you here when it is answered": then nothing comes.
            dispatcher.utter_message(text=text("follow_dropped", lang))
        else:
            dispatcher.utter_message(text=text("subscription_declined", lang))
        return [SlotSet(slot, None) for slot in ("subscription_offer", "offered_case", "followed_case")
                if tracker.get_slot(slot)]


async def _unfollow(tracker: Tracker, number: str) -> bool:
    """Ends this conversation's automatic follow of the case; False when there is none or the notifier is away."""
    try:
        subs = (await _notifier("GET", "/v1/subscriptions",
                                params={"conversation_id": tracker.sender_id, "follows": "1"}))["subscriptions"]
        for sub in subs:
            if sub.get("automatic") and sub.get("case_number") == number:
                await _notifier("DELETE", f"/v1/subscriptions/{sub['id']}")
                return True
    except NotifierUnavailable:
        pass
    return False


class ActionListSubscriptions(Action):
    def name(self) -> Text:
        return "action_list_subscriptions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await list_subscriptions(dispatcher, tracker)


class ActionCancelSubscriptions(Action):
    def name(self) -> Text:
        return "action_cancel_subscriptions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await cancel_subscriptions(dispatcher, tracker)
