"""Status of an application, complaint, address change or payment by its number, and "my applications"."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.common import early_end, then_offer_updates
from actions.conversation import clear_form_slots
from actions.govapi_client import ErrKind, get_client
from actions.parsing import find_case_number
from actions.texts import pick, text
from actions.verification import VerifiedFormValidation


def _entity_case_number(tracker: Tracker) -> str:
    for entity in (tracker.latest_message or {}).get("entities", []):
        if entity.get("entity") == "case_number":
            found = find_case_number(str(entity.get("value") or ""))
            if found:
                return found
    return ""


class ValidateStatusForm(VerifiedFormValidation):
    def name(self) -> Text:
        return "validate_status_form"

    def form_slots(self) -> List[Text]:
        return ["case_number"]

    async def extract_case_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        # The number may come with the first message ("AP-2026-000123 어디까지 됐나요?"), before verification.
        number = find_case_number(conv.latest_text(tracker)) or _entity_case_number(tracker)
        if number:
            return {"case_number": number}
        if not self.answering(tracker, "case_number") or conv.is_digression(tracker):
            return {}
        dispatcher.utter_message(text=text("bad_case_number", conv.language(tracker)))
        return {"case_number": None}


def explain_case(case_type: str, case: Dict[str, Any], lang: str) -> List[str]:
    """Plain-words lines for any case type (short lines, so each fits an SMS segment)."""
    number = case.get("number") or case.get("tracking_number") or case.get("payment_id") or ""
    kind = pick(case.get("kind_label") or case.get("category_label") or {}, lang)
    if not kind:
        kind = {"complaint": {"ko": "민원", "en": "complaint"}, "address_change": {"ko": "전입신고", "en": "move"},
                "payment": {"ko": "결제", "en": "payment"}}.get(case_type, {"ko": "신청", "en": "application"})[lang]
    status = pick(case.get("status_label"), lang) or str(case.get("status", ""))
    lines = [text("status_line", lang, number=number, kind=kind, status=status)]
    missing = [pick(doc, lang) for doc in case.get("missing_documents") or []]
    if missing:
        lines.append(text("status_missing", lang, docs=", ".join(missing), office=pick(case.get("office"), lang) or "-"))
    if case.get("rejection_reason"):
        lines.append(text("status_rejected", lang, reason=pick(case["rejection_reason"], lang)))
    if case.get("appeal"):
        lines.append(text("status_appeal", lang, appeal=pick(case["appeal"], lang)))
    if case.get("answer"):
        lines.append(text("status_answer", lang, answer=pick(case["answer"], lang)))
    if case_type == "complaint" and case.get("department"):
        lines.append(text("status_department", lang, department=pick(case["department"], lang)))
    if case.get("expected_completion") and case.get("status") not in ("completed", "rejected", "approved"):
        lines.append(text("status_expected", lang, date=str(case["expected_completion"])[:10]))
    if case.get("deadline") and case.get("status") not in ("answered", "closed", "completed"):
        lines.append(text("status_deadline", lang, date=str(case["deadline"])[:10]))
    if case_type == "payment" and case.get("receipt_number"):
        lines.append(text("payment_paid", lang, total=case.get("total"), paid_at=str(case.get("paid_at"))[:16],
                          receipt=case["receipt_number"]))
    return lines


class ActionCheckStatus(Action):
    def name(self) -> Text:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ended = await early_end(dispatcher, tracker)
        if ended is not None:
            return ended
        lang = conv.language(tracker)
        number = tracker.get_slot("case_number")
        result = await get_client().case(conv.citizen_token(tracker), number)
        if result.ok:
            body = result.value
            dispatcher.utter_message(text="\n".join(explain_case(body.get("type", ""), body.get("case") or {}, lang)))
        elif result.kind == ErrKind.NOT_FOUND:
            dispatcher.utter_message(text=text("case_not_found", lang, number=number))
        elif result.kind == ErrKind.UNAUTHORIZED:
            dispatcher.utter_message(text=text("session_expired", lang))
        else:
            dispatcher.utter_message(text=text("unavailable_read", lang))
        return then_offer_updates(clear_form_slots(tracker))


async def list_applications(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    lang = conv.language(tracker)
    result = await get_client().my_applications(conv.citizen_token(tracker))
    if not result.ok:
        dispatcher.utter_message(text=text("session_expired" if result.kind == ErrKind.UNAUTHORIZED
                                           else "unavailable_read", lang))
        return
    applications = result.value.get("applications") or []
    if not applications:
        dispatcher.utter_message(text=text("no_applications", lang))
        return
    # One message, one line per application: SMS-friendly; details only where the citizen must act.
    lines = [text("applications_header", lang, count=len(applications))]
    for app in applications[:5]:
        line = f"{app.get('number')} {pick(app.get('kind_label'), lang)}: {pick(app.get('status_label'), lang)}"
        if app.get("expected_completion") and app.get("status") not in ("completed", "rejected", "approved"):
            line += f" (~{str(app['expected_completion'])[:10]})"
        lines.append(line)
        missing = [pick(doc, lang) for doc in app.get("missing_documents") or []]
        if missing:
            lines.append("  " + text("status_missing", lang, docs=", ".join(missing),
                                     office=pick(app.get("office"), lang) or "-"))
        if app.get("rejection_reason"):
            lines.append("  " + text("status_rejected", lang, reason=pick(app["rejection_reason"], lang)))
    dispatcher.utter_message(text="\n".join(lines))
