"""Subscribing to notifications in the conversation: offer, subscribe, list, cancel (issue 6).

The notifier (bot/notifier, `python -m bot.notifier`) keeps the subscriptions and sends the messages; these
actions only talk to its HTTP API. The citizen must be verified: the citizen id comes from govapi `GET /v1/me`
with the `citizen_token` slot, never from what the citizen types.
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
from actions.texts import text
from minwon_logs import outgoing_headers

logger = logging.getLogger(__name__)

TOPICS = ("application_status", "fine_due", "complaint_answered", "payment_receipt", "address_deliveries")
TOPIC_LABELS = {
    "application_status": {"ko": "신청 진행", "en": "application status"},
    "fine_due": {"ko": "과태료 납부기한", "en": "fine due dates"},
    "complaint_answered": {"ko": "민원 답변", "en": "complaint answers"},
    "payment_receipt": {"ko": "납부 영수증", "en": "payment receipts"},
    "address_deliveries": {"ko": "전입신고 통보", "en": "move-in report updates"},
}
TOPIC_OF_PREFIX = {"AP": "application_status", "CP": "complaint_answered", "MV": "address_deliveries",
                   "FN": "fine_due", "PY": "payment_receipt", "RC": "payment_receipt"}
# What the citizen just did -> what we offer to tell them about.
TOPIC_OF_INTENT = {"check_application_status": "application_status", "list_applications": "application_status",
                   "pay_fine": "payment_receipt", "check_payment": "payment_receipt",
                   "change_address": "address_deliveries", "file_complaint": "complaint_answered"}
KEYWORDS = (  # words in a request that name a topic ("remind me before my fine gets a late fee")
    ("fine_due", ("과태료", "범칙금", "가산금", "납부기한", "fine", "late fee", "penalty")),
    ("payment_receipt", ("영수증", "납부 완료", "결제", "receipt", "payment")),
    ("complaint_answered", ("민원 답변", "답변", "신문고", "complaint", "answer")),
    ("address_deliveries", ("전입", "주소", "이사", "address", "move")),
    # Not "신청": "알림 신청" (subscribe) says nothing about which case.
    ("application_status", ("여권", "진행", "처리", "면허", "허가", "수당", "passport", "application", "licence",
                            "permit")),
)
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


def requested_topics(text: str, case_number: Optional[str]) -> List[str]:
    """Topics named in the request; a case number decides alone; nothing named means every topic."""
    if case_number:
        return [TOPIC_OF_PREFIX[case_number[:2]]]
    named = [topic for topic, words in KEYWORDS if any(w in text for w in words)]
    return sorted(set(named)) or list(TOPICS)


def topics_text(topics: List[str], lang: str) -> str:
    return ", ".join(TOPIC_LABELS[t][lang] for t in topics if t in TOPIC_LABELS)


def quiet_text(subscription: Dict[str, Any], lang: str) -> str:
    quiet = subscription.get("quiet_hours")
    if not quiet:
        return ""
    if lang == "en":
        return f" Nothing is sent between {quiet['start']} and {quiet['end']}; it waits until morning."
    return f" {quiet['start']}~{quiet['end']}에는 보내지 않고 아침에 보내요."


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
        case_number = case_number or case_number_in(tracker)
        topics = requested_topics(_text(tracker), case_number)
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
        return [SlotSet("subscription_offer", None)]
    what = topics_text(sub["topics"], lang) + (f" ({case_number})" if case_number else "")
    dispatcher.utter_message(text=text("subscribed", lang, topics=what, quiet=quiet_text(sub, lang)))
    return [SlotSet("subscription_offer", None)]


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
        dispatcher.utter_message(text=text("subscriptions_cancelled", lang, count=len(chosen)))
    return []


def _channel_name(channel: str, lang: str) -> str:
    names = {"telegram": ("텔레그램", "Telegram"), "sms": ("문자", "SMS"), "web": ("웹 채팅", "web chat")}
    ko, en = names.get(channel, (channel, channel))
    return en if lang == "en" else ko


def _wants(text: str) -> str:
    if any(w in text for w in CANCEL_WORDS):
        return "cancel"
    if any(w in text for w in LIST_WORDS):
        return "list"
    return "subscribe"


def offer_for(tracker: Tracker) -> Tuple[Optional[str], Optional[str]]:
    """(topic, case number) worth offering after what the citizen just did."""
    number = tracker.get_slot("case_number")
    if number and str(number)[:2].upper() in TOPIC_OF_PREFIX:
        return TOPIC_OF_PREFIX[str(number)[:2].upper()], str(number).upper()
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in TOPIC_OF_INTENT:
                return TOPIC_OF_INTENT[intent], None
    return None, None


class ActionSubscribeUpdates(Action):
    """subscribe_updates: subscribe, or list / cancel when the citizen's words say so."""

    def name(self) -> Text:
        return "action_subscribe_updates"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("subscription_offer"):  # "yes" to our offer
            return await subscribe_after_verification(dispatcher, tracker)
        wants = _wants(_text(tracker))
        if wants == "cancel":
            return await cancel_subscriptions(dispatcher, tracker)
        if wants == "list":
            return await list_subscriptions(dispatcher, tracker)
        return await subscribe(dispatcher, tracker)


class ActionOfferSubscription(Action):
    """Called by the dialogue after a status check, a payment, an address change or a complaint."""

    def name(self) -> Text:
        return "action_offer_subscription"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        topic, number = offer_for(tracker)
        if topic is None or not conv.citizen_token(tracker):
            return []
        lang = conv.language(tracker)
        dispatcher.utter_message(text=text("subscription_offer", lang, topic=TOPIC_LABELS[topic][lang]),
                                 buttons=[{"title": text("subscription_offer_yes", lang), "payload": "/affirm"},
                                          {"title": text("subscription_offer_no", lang), "payload": "/deny"}])
        return [SlotSet("subscription_offer", f"{topic}|{number or ''}")]


class ActionDeclineSubscription(Action):
    def name(self) -> Text:
        return "action_decline_subscription"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=text("subscription_declined", conv.language(tracker)))
        return [SlotSet("subscription_offer", None)]


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
