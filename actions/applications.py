"""Status of an application, complaint, address change or payment by its number, and "my applications".

A list shows the open applications first and, when they do not all fit, says how many more and how to see
them ("나머지"); `listed_cases` remembers what was shown. `last_case` is the case the conversation last
talked about: "그거 언제 끝나요?" / "when will it be done?" means that one.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.common import early_end, then_offer_updates
from actions.conversation import clear_form_slots
from actions.govapi_client import ErrKind, get_client
from actions.parsing import find_case_number
from actions.subscriptions import offer_case
from actions.texts import N_, ntext, pick, text, won
from actions.verification import OUTCOME_LIST, VerifiedFormValidation


CLOSED = ("approved", "rejected", "completed")
# What a case is called when govapi names no kind (by govapi's case type; any other: an application).
CASE_KINDS = {"application": N_("label_case_application"), "complaint": N_("label_case_complaint"),
              "address_change": N_("label_case_address_change"), "payment": N_("label_case_payment")}
# Open first: documents requested (the citizen must act), then in progress; then the recently closed.
RANK = {"supplement_requested": 0, "received": 1, "under_review": 1}
PAGE_SIZE = {"sms": 5}  # SMS lines cost segments; other channels show up to DEFAULT_PAGE at once
DEFAULT_PAGE = 10
# Words that point back at the case just discussed; "that"/"this" only as a whole word.
REFERS_BACK = re.compile(r"(그거|그건|그게|그걸|그것|이거|이건|이게|이것|저거|그\s?신청|그\s?민원|그\s?건|방금|아까"
                         # when the result of what was just done comes ("그럼 처리 결과는 언제쯤 알 수 있을까요?")
                         r"|처리\s*결과|결과는|언제쯤|언제까지|얼마나\s*(더\s*)?걸|\bwhen will (it|i|they|that)\b|\bhow long\b|\bany news\b"
                         # what to do next about it ("ok so do I need to do anything now or go to the office?")
                         r"|\bdo i (still )?(need|have) to (do|go|bring|send|visit)\b|(뭐|무엇을|뭘)\s*(더\s*)?해야|가야\s*(하나|해요|돼요|되나)"
                         # its number again ("접수번호 문자로 다시 보내주나요?", "can you send me the tracking number again?")
                         r"|(접수|신청|민원)\s*번호[^.?!]{0,12}(보내|알려|문자)|\b(send|text|tell|give) me (the|my|that) "
                         r"(case |tracking |reference |complaint )?number\b"
                         r"|\bit\b|\bthat\b|\bthis one\b|\bthe same\b)", re.IGNORECASE)
WANTS_REST = re.compile(r"(나머지|더\s?보여|남은\s?거|\bthe rest\b|\bmore\b|\bremaining\b)", re.IGNORECASE)


def past(value: object) -> bool:
    """A Korean calendar date (YYYY-MM-DD...) before today in Seoul."""
    try:
        return date.fromisoformat(str(value)[:10]) < conv.now_local().date()
    except ValueError:
        return False


def _entity_case_number(tracker: Tracker) -> str:
    for entity in (tracker.latest_message or {}).get("entities", []):
        if entity.get("entity") == "case_number":
            found = find_case_number(str(entity.get("value") or ""))
            if found:
                return found
    return ""


# Not knowing the number, or asking to be shown one's cases, where the case number is asked.
_NUMBER_UNKNOWN = re.compile(r"(모르|몰라|기억\s*(이|이\s*)?안|까먹|잊어|잃어버|못\s*찾|(번호|접수번호)\s*(가|는)?\s*없|"
                             r"(내|제)\s*(거|것|신청)\S*\s*(좀\s*)?(보여|알려|찾아|확인)|목록|다\s*보여|"
                             r"\b(don'?t|do not|dunno) (know|have|remember)\b|\bno idea\b|\bforgot\b|\blost (it|the)\b|"
                             r"\bcan'?t find\b|\bshow (me )?(mine|my|all|them|the list)\b|\b(just )?look (it|them) up\b|"
                             r"\blist\b)", re.IGNORECASE)


class ValidateStatusForm(VerifiedFormValidation):
    def name(self) -> Text:
        return "validate_status_form"

    def form_slots(self) -> List[Text]:
        return ["case_number"]

    def own_services(self) -> List[Text]:
        # "actually i need to update my address, the status can wait" names this service and asks for another
        return ["check_application_status"]

    async def extract_case_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        # The number may come with the first message ("AP-2026-000123 어디까지 됐나요?"), before verification.
        number = find_case_number(conv.latest_text(tracker)) or _entity_case_number(tracker)
        if number:
            return {"case_number": number}
        last = tracker.get_slot("last_case")
        if last and not tracker.get_slot("case_number") and REFERS_BACK.search(conv.latest_text(tracker)):
            return {"case_number": last}  # "그거 언제 끝나요?": the case just talked about, not a new question
        if not self.answering(tracker, "case_number"):
            return {}
        if _NUMBER_UNKNOWN.search(conv.latest_text(tracker)):
            # "dont know the number, just show me mine": the list to pick from, not the number's format again
            return {"case_number": None, "form_outcome": OUTCOME_LIST}
        dispatcher.utter_message(text=text("bad_case_number", conv.language(tracker)))
        return {"case_number": None}


def explain_case(case_type: str, case: Dict[str, Any], lang: str) -> List[str]:
    """Plain-words lines for any case type (short lines, so each fits an SMS segment)."""
    number = case.get("number") or case.get("tracking_number") or case.get("payment_id") or ""
    kind = pick(case.get("kind_label") or case.get("category_label") or {}, lang)
    if not kind:
        kind = text(CASE_KINDS.get(case_type, CASE_KINDS["application"]), lang)
    status = pick(case.get("status_label"), lang) or str(case.get("status", ""))
    lines = [text("status_line", lang, number=number, kind=kind, status=status)]
    missing = [pick(doc, lang) for doc in case.get("missing_documents") or []]
    if missing:
        lines.append(text("status_missing", lang, docs=", ".join(missing), office=pick(case.get("office"), lang) or "-"))
    if case.get("rejection_reason"):
        lines.append(text("status_rejected", lang, reason=pick(case["rejection_reason"], lang)))
    if case.get("status") == "rejected":  # the routes and limits of the law (actions/texts.py), not govapi's label
        lines.append(text("status_appeal", lang))
    if case.get("answer"):
        lines.append(text("status_answer", lang, answer=pick(case["answer"], lang)))
    told = [f"{pick(d.get('agency_label'), lang) or d.get('agency')} ({pick(d.get('status_label'), lang)})"
            if pick(d.get("status_label"), lang) else pick(d.get("agency_label"), lang) or str(d.get("agency"))
            for d in case.get("deliveries") or [] if isinstance(d, dict)]
    if case_type == "address_change" and told:  # "will my car registration get the new address too?"
        lines.append(text("status_agencies", lang, agencies=", ".join(told)))
    if case_type == "complaint" and case.get("department"):
        lines.append(text("status_department", lang, department=pick(case["department"], lang)))
    contact = pick(case.get("office") or case.get("department"), lang) or text("the_office", lang)
    expected = str(case.get("expected_completion") or "")[:10]
    if expected and case.get("status") not in CLOSED:
        if not past(expected):
            lines.append(text("status_expected", lang, date=expected))
        elif case.get("status") != "supplement_requested":  # waiting for the citizen's documents is not late
            lines.append(text("status_late", lang, date=expected, office=contact))
    deadline = str(case.get("deadline") or "")[:10]
    if deadline and case.get("status") not in ("answered", "closed", "completed"):
        key = N_("status_overdue") if past(deadline) else N_("status_deadline")
        lines.append(text(key, lang, date=deadline, office=contact))
    if case_type == "payment" and case.get("receipt_number"):
        lines.append(text("payment_paid", lang, total=won(case.get("total")), paid_at=case.get("paid_at"),
                          receipt=case["receipt_number"]))
    return lines


class ActionCheckStatus(Action):
    def name(self) -> Text:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("form_outcome") == OUTCOME_LIST and conv.citizen_token(tracker):
            return clear_form_slots(tracker) + await list_applications(dispatcher, tracker)
        ended = await early_end(dispatcher, tracker)
        if ended is not None:
            return ended
        lang = conv.language(tracker)
        number = tracker.get_slot("case_number")
        result = await get_client().case(conv.citizen_token(tracker), number)
        remembered: List[EventType] = []
        if result.ok:
            body = result.value
            dispatcher.utter_message(text="\n".join(explain_case(body.get("type", ""), body.get("case") or {}, lang)))
            remembered = [SlotSet("last_case", number)] + offer_case(body)
        elif result.kind == ErrKind.NOT_FOUND:
            dispatcher.utter_message(text=text("case_not_found", lang, number=number))
        elif result.kind == ErrKind.UNAUTHORIZED:
            dispatcher.utter_message(text=text("session_expired", lang))
        else:
            dispatcher.utter_message(text=text("unavailable_read", lang))
        return then_offer_updates(clear_form_slots(tracker) + remembered)


def by_relevance(applications: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Open ones first (documents requested, then in progress; newest first), then the recently closed."""
    def moved(app: Dict[str, Any]) -> str:
        history = app.get("history") or []
        closed_at = history[-1].get("at") if app.get("status") in CLOSED and history else None
        return str(closed_at or app.get("submitted_at") or "")

    newest_first = sorted(applications, key=moved, reverse=True)
    return sorted(newest_first, key=lambda app: RANK.get(str(app.get("status")), 2))  # stable: keeps recency


def application_lines(app: Dict[str, Any], lang: str, short: bool) -> List[str]:
    """One line per application, and an indented one where the citizen must act or was refused."""
    line = f"{app.get('number')} {pick(app.get('kind_label'), lang)}: {pick(app.get('status_label'), lang)}"
    expected = str(app.get("expected_completion") or "")[:10]
    if expected and app.get("status") not in CLOSED:
        if not past(expected):
            line += " " + text("list_expected", lang, date=expected)
        elif app.get("status") != "supplement_requested":
            line += " " + text("list_late", lang, date=expected)
    lines = [line]
    missing = ", ".join(pick(doc, lang) for doc in app.get("missing_documents") or [])
    if missing:
        lines.append("  " + (text("list_missing", lang, docs=missing) if short else
                             text("status_missing", lang, docs=missing, office=pick(app.get("office"), lang) or "-")))
    if app.get("rejection_reason"):
        lines.append("  " + text("status_rejected", lang, reason=pick(app["rejection_reason"], lang)))
    return lines


def wants_rest(tracker: Tracker) -> bool:
    """'나머지' / 'the rest' after a list (an intent of its own, and tolerated in a list request's words)."""
    intent, _ = conv.latest_intent(tracker)
    return intent == "show_more" or bool(WANTS_REST.search(conv.latest_text(tracker)))


async def list_applications(dispatcher: CollectingDispatcher, tracker: Tracker,
                            more: Optional[bool] = None) -> List[EventType]:
    """The citizen's applications, a page at a time; `more` continues the list last shown (the default: when the
    citizen asked for the rest of it). Returns the slot events that remember what was shown."""
    lang = conv.language(tracker)
    listed = tracker.get_slot("listed_cases")
    shown: List[str] = []
    if isinstance(listed, dict) and listed.get("kind") == "applications":
        shown = [str(n) for n in listed.get("shown") or []]
    if more is None:
        more = bool(shown) and wants_rest(tracker)
    result = await get_client().my_applications(conv.citizen_token(tracker))
    if not result.ok:
        dispatcher.utter_message(text=text(N_("session_expired") if result.kind == ErrKind.UNAUTHORIZED
                                           else N_("unavailable_read"), lang))
        return []
    applications = by_relevance(result.value.get("applications") or [])
    if not applications:
        dispatcher.utter_message(text=text("no_applications", lang))
        return [SlotSet("listed_cases", None)] if listed else []
    remaining = [a for a in applications if str(a.get("number")) not in set(shown)] if more else applications
    if not remaining:
        dispatcher.utter_message(text=text("list_complete", lang))
        return []
    channel = conv.channel(tracker)
    page = remaining[:PAGE_SIZE.get(channel, DEFAULT_PAGE)]
    total, first = len(applications), len(applications) - len(remaining) + 1
    # One message, one line per application: SMS-friendly; details only where the citizen must act.
    lines = [ntext("applications_header", lang, count=total) if first == 1 else
             text("applications_page", lang, total=total, first=first, last=first + len(page) - 1)]
    for app in page:
        lines += application_lines(app, lang, short=channel == "sms")
    left = len(remaining) - len(page)
    if left:
        lines.append(ntext("list_more", lang, count=left))
    dispatcher.utter_message(text="\n".join(lines))
    now_shown = (shown if more else []) + [str(a.get("number")) for a in page]
    events: List[EventType] = [SlotSet("listed_cases", {"kind": "applications", "shown": now_shown})]
    if total == 1:
        events.append(SlotSet("last_case", str(applications[0].get("number"))))  # the only one: "it" is clear
    return events
