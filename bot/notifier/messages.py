"""Short notification texts in Korean (해요체) and English. Korean fits one SMS (70 UCS-2 characters) wherever
the case data allows; nothing here holds a name, phone number or ID number. Each says what to do next where
there is something to do (a rejection: ask for the status to read the reason and how to appeal). Terms:
docs/GLOSSARY.md (a fine's late charge is 가산금, a tax's is 납부지연가산세)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import topics

Label = dict[str, str]

APPLICATION_STATUS: dict[str, Label] = {
    "received": {"ko": "접수 완료", "en": "received"},
    "under_review": {"ko": "검토 중", "en": "under review"},
    "supplement_requested": {"ko": "서류 보완이 필요해요. '처리 현황'이라고 보내면 낼 서류를 알려드려요",
                             "en": "documents requested. Ask me for its status to see which"},
    "approved": {"ko": "승인", "en": "approved"},
    "rejected": {"ko": "반려됐어요. '처리 현황'이라고 보내면 사유와 불복 방법을 알려드려요",
                 "en": "rejected. Ask me for its status to read why and how to appeal"},
    "completed": {"ko": "처리 완료, 수령 가능", "en": "completed, ready for pickup"},
}
DELIVERY_STATUS: dict[str, Label] = {
    "delivered": {"ko": "통보 완료", "en": "informed"},
    "failed": {"ko": "통보 지연", "en": "delayed"},
    "pending": {"ko": "통보 중", "en": "being informed"},
    "completed": {"ko": "모든 기관 통보 완료", "en": "all agencies informed"},
    "partially_failed": {"ko": "일부 기관 통보 지연", "en": "some agencies delayed"},
    "processing": {"ko": "처리 중", "en": "processing"},
}
AGENCIES: dict[str, Label] = {
    "tax_office": {"ko": "세무서", "en": "the tax office"},
    "vehicle_registry": {"ko": "자동차 등록관청", "en": "the vehicle registry"},
    "health_insurance": {"ko": "건강보험공단", "en": "health insurance"},
    "national_pension": {"ko": "국민연금공단", "en": "the national pension"},
    "election_register": {"ko": "선거인명부", "en": "the election register"},
}
PREFIX = {"ko": "[민원] ", "en": "[minwon] "}


def _lang(language: str) -> str:
    return "en" if language == "en" else "ko"


def _won(amount: Any, lang: str) -> str:
    try:
        n = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"{n:,}원" if lang == "ko" else f"₩{n:,}"


def _date(value: Any, lang: str) -> str:
    try:
        d = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return "" if value is None or str(value).strip() in ("", "None") else str(value)
    return f"{d.month}월 {d.day}일" if lang == "ko" else d.strftime("%d %b")


# A fine's late charge is 가산금 (질서위반행위규제법 제24조); a local tax's is 납부지연가산세 (지방세기본법 제55조).
# govapi's fine events do not say the kind yet (FN- numbers cover both): then no charge is named.
_FINE_WORDS = {
    "fine": {"ko": {"name": "과태료 ", "added": "가산금이 붙었어요", "will": "가산금이 붙어요"},
             "en": {"name": "Fine ", "added": "A late fee was added", "will": "a late fee is added"}},
    "tax": {"ko": {"name": "자동차세 ", "added": "납부지연가산세가 붙었어요", "will": "납부지연가산세가 붙어요"},
            "en": {"name": "Vehicle tax ", "added": "A late-payment charge was added", "will": "a late-payment charge is added"}},
    "unknown": {"ko": {"name": "", "added": "낼 금액이 늘었어요", "will": "낼 금액이 늘어요"},
                "en": {"name": "", "added": "The amount due went up", "will": "the amount due goes up"}},
}


def _fine_words(kind: Any, lang: str) -> dict[str, str]:
    group = "unknown" if not kind else ("tax" if "tax" in str(kind) else "fine")
    return _FINE_WORDS[group][lang]


def _label(value: Any, lang: str, fallback: str = "") -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("ko") or fallback)
    return str(value or fallback)


def render_event(topic: str, event: dict[str, Any], language: str) -> str:
    lang = _lang(language)
    data = event.get("data") or {}
    number = event.get("case_number") or ""
    p = PREFIX[lang]
    if topic == topics.APPLICATION_STATUS:
        status = str(data.get("status") or data.get("to") or "")
        status_text = _label(APPLICATION_STATUS.get(status) or data.get("status_label"), lang, status)
        if lang == "ko":
            return f"{p}{number} {status_text}"
        return f"{p}Application {number}: {status_text}."
    if topic == topics.COMPLAINT_ANSWERED:
        if lang == "ko":
            return f"{p}민원 {number}에 답변이 왔어요. '처리 현황'이라고 보내 보세요."
        return f"{p}Your complaint {number} has been answered. Ask me for its status to read it."
    if topic == topics.PAYMENT_RECEIPT:
        receipt = data.get("receipt_number") or number
        total = _won(data.get("total") if data.get("total") is not None else data.get("amount"), lang)
        if lang == "ko":
            return f"{p}납부 완료{'(' + total + ')' if total else ''}, 영수증 {receipt}"
        return f"{p}Payment received{': ' + total if total else ''}. Receipt {receipt}. Thank you."
    if topic == topics.ADDRESS_DELIVERIES:
        agency = data.get("agency_label") or AGENCIES.get(str(data.get("agency"))) or data.get("agency")
        status = str(data.get("status") or "")
        status_text = _label(DELIVERY_STATUS.get(status), lang, status)
        if agency:
            agency_text = _label(agency, lang)
            if lang == "ko":
                return f"{p}전입신고 {number}: {agency_text} {status_text}"
            return f"{p}Move-in report {number}: {agency_text} {status_text}."
        if lang == "ko":
            return f"{p}전입신고 {number}: {status_text}"
        return f"{p}Move-in report {number}: {status_text}."
    if topic == topics.FINE_DUE:
        amount = _won(data.get("amount_due") if data.get("amount_due") is not None else data.get("late_fee"), lang)
        due = _date(data.get("due_date"), lang)
        what = _fine_words(data.get("kind"), lang)
        if "late" in str(event.get("type") or ""):
            if lang == "ko":
                now_due = f" 낼 금액은 {amount}이에요." if amount else ""  # ...원이에요
                return f"{p}{what['name']}{number}: 납부기한이 지나 {what['added']}.{now_due}"
            return f"{p}{what['added']} ({what['name']}{number}).{' Now due: ' + amount + '.' if amount else ''}"
        if lang == "ko":
            parts = [x for x in (amount, f"납부기한 {due}" if due else "") if x]
            return f"{p}{what['name']}{number}" + (f": {', '.join(parts)}" if parts else "")
        parts = [x for x in (amount, f"due {due}" if due else "") if x]
        return f"{p}{what['name'] or 'Notice '}{number}" + (f": {', '.join(parts)}." if parts else ".")
    raise ValueError(f"no message for topic {topic!r}")


def render_reminder(kind: str, case_number: str, data: dict[str, Any], language: str) -> str:
    lang = _lang(language)
    p = PREFIX[lang]
    if kind == "fine_due":
        due = _date(data.get("due_date"), lang)
        what = _fine_words(data.get("kind"), lang)
        if lang == "ko":
            by = f"{due}까지 내 주세요" if due else "납부기한 전에 내 주세요"
            return f"{p}{what['name']}{case_number}: {by}. 지나면 {what['will']}."
        by = f"is due on {due}" if due else "is due soon"
        return f"{p}{what['name'] or 'Notice '}{case_number} {by}. After that {what['will']}."
    if kind == "supplement":
        if lang == "ko":
            return f"{p}{case_number} 보완 서류가 아직 접수되지 않았어요. '처리 현황'으로 확인해 보세요."
        return f"{p}{case_number}: the office is still waiting for your documents. Ask me for its status."
    raise ValueError(f"no reminder text for {kind!r}")
