"""Short notification texts in Korean (해요체) and English, from the services' gettext catalogue (notify_*, remind_*,
minwon_core/texts.py). Korean fits one SMS (70 UCS-2 characters) wherever
the case data allows; nothing here holds a name, phone number or ID number. Each says what to do next where
there is something to do (a rejection: ask for the status to read the reason and how to appeal). Terms:
docs/GLOSSARY.md (a fine's late charge is 가산금, a tax's is 납부지연가산세)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from minwon_core.texts import N_, msg

from . import topics

Label = dict[str, str]

# govapi's codes -> catalogue keys (locale/*/LC_MESSAGES/services.po)
APPLICATION_STATUS: dict[str, str] = {
    "received": N_("application_status_received"), "under_review": N_("application_status_under_review"),
    "supplement_requested": N_("application_status_supplement_requested"),
    "approved": N_("application_status_approved"), "rejected": N_("application_status_rejected"),
    "completed": N_("application_status_completed"),
}
DELIVERY_STATUS: dict[str, str] = {
    "delivered": N_("delivery_status_delivered"), "failed": N_("delivery_status_failed"),
    "pending": N_("delivery_status_pending"), "completed": N_("delivery_status_completed"),
    "partially_failed": N_("delivery_status_partially_failed"), "processing": N_("delivery_status_processing"),
}
AGENCIES: dict[str, str] = {
    "tax_office": N_("agency_tax_office"), "vehicle_registry": N_("agency_vehicle_registry"),
    "health_insurance": N_("agency_health_insurance"), "national_pension": N_("agency_national_pension"),
    "election_register": N_("agency_election_register"),
}
# The kind of a fine event -> its texts (the catalogue's comments say why a tax's late charge has its own word).
# govapi's fine events do not say the kind yet (FN- numbers cover both): then no charge is named.
FINE_TEXTS: dict[str, dict[str, str]] = {
    "fine": {"notice": N_("notify_fine_fine"), "late": N_("notify_fine_late_fine"),
             "due": N_("remind_fine_due_fine"), "soon": N_("remind_fine_soon_fine")},
    "tax": {"notice": N_("notify_fine_tax"), "late": N_("notify_fine_late_tax"),
            "due": N_("remind_fine_due_tax"), "soon": N_("remind_fine_soon_tax")},
    "unknown": {"notice": N_("notify_fine_unknown"), "late": N_("notify_fine_late_unknown"),
                "due": N_("remind_fine_due_unknown"), "soon": N_("remind_fine_soon_unknown")},
}


def _lang(language: str) -> str:
    return "en" if language == "en" else "ko"


def _won(amount: Any, lang: str) -> str:
    try:
        n = int(amount)
    except (TypeError, ValueError):
        return ""
    return msg("money", lang, amount=f"{n:,}")


def _date(value: Any, lang: str) -> str:
    try:
        d = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return "" if value is None or str(value).strip() in ("", "None") else str(value)
    return f"{d.month}월 {d.day}일" if lang == "ko" else d.strftime("%d %b")


def _fine_texts(kind: Any) -> dict[str, str]:
    return FINE_TEXTS["unknown" if not kind else ("tax" if "tax" in str(kind) else "fine")]


def _label(value: Any, lang: str, fallback: str = "") -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("ko") or fallback)
    return str(value or fallback)


def _named(table: dict[str, str], code: str, lang: str, given: Any = None) -> str:
    """Our own word for govapi's code, else govapi's {ko, en} label, else the code itself."""
    return msg(table[code], lang) if code in table else _label(given, lang, code)


def render_event(topic: str, event: dict[str, Any], language: str) -> str:
    lang = _lang(language)
    data = event.get("data") or {}
    number = event.get("case_number") or ""
    if topic == topics.APPLICATION_STATUS:
        status = str(data.get("status") or data.get("to") or "")
        return msg("notify_application", lang, number=number,
                    status=_named(APPLICATION_STATUS, status, lang, data.get("status_label")) or "-")
    if topic == topics.COMPLAINT_ANSWERED:
        return msg("notify_complaint_answered", lang, number=number)
    if topic == topics.PAYMENT_RECEIPT:
        total = _won(data.get("total") if data.get("total") is not None else data.get("amount"), lang)
        return msg("notify_payment", lang, total=total, receipt=data.get("receipt_number") or number or "-")
    if topic == topics.ADDRESS_DELIVERIES:
        code = str(data.get("agency") or "")
        agency_text = _label(data["agency_label"], lang) if data.get("agency_label") else \
            (_named(AGENCIES, code, lang) if code else "")
        status = str(data.get("status") or "")
        return msg("notify_address", lang, number=number, agency=agency_text,
                    status=_named(DELIVERY_STATUS, status, lang) or "-")
    if topic == topics.FINE_DUE:
        amount = _won(data.get("amount_due") if data.get("amount_due") is not None else data.get("late_fee"), lang)
        due = _date(data.get("due_date"), lang)
        words = _fine_texts(data.get("kind"))
        if "late" in str(event.get("type") or ""):
            late = words["late"]
            return msg(late, lang, number=number, amount=amount)
        details = ", ".join(x for x in (amount, msg("notify_due_on", lang, due=due) if due else "") if x)
        notice = words["notice"]
        return msg(notice, lang, number=number, details=details)
    raise ValueError(f"no message for topic {topic!r}")


def render_reminder(kind: str, case_number: str, data: dict[str, Any], language: str) -> str:
    lang = _lang(language)
    if kind == "fine_due":
        due = _date(data.get("due_date"), lang)
        words = _fine_texts(data.get("kind"))
        key = words["due"] if due else words["soon"]
        return msg(key, lang, number=case_number, due=due)
    if kind == "supplement":
        return msg("remind_supplement", lang, number=case_number)
    raise ValueError(f"no reminder text for {kind!r}")
