"""Short notification texts in Korean and English. Korean fits one SMS (70 UCS-2 characters) wherever the
case data allows; nothing here holds a name, phone number or ID number."""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import topics

Label = dict[str, str]

APPLICATION_STATUS: dict[str, Label] = {
    "received": {"ko": "접수 완료", "en": "received"},
    "under_review": {"ko": "검토 중", "en": "under review"},
    "supplement_requested": {"ko": "보완 요청, 서류를 내 주세요", "en": "documents requested, please send them"},
    "approved": {"ko": "승인", "en": "approved"},
    "rejected": {"ko": "반려", "en": "rejected"},
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
        return str(value or "")
    return f"{d.month}월 {d.day}일" if lang == "ko" else d.strftime("%d %b")


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
            return f"{p}민원 {number}에 답변이 왔습니다. '처리 현황'이라고 보내 보세요."
        return f"{p}Your complaint {number} has been answered. Ask me for its status to read it."
    if topic == topics.PAYMENT_RECEIPT:
        receipt = data.get("receipt_number") or number
        total = _won(data.get("total") if data.get("total") is not None else data.get("amount"), lang)
        if lang == "ko":
            return f"{p}납부 완료 {total}. 영수증 {receipt}. 감사합니다."
        return f"{p}Payment received: {total}. Receipt {receipt}. Thank you."
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
        if "late" in str(event.get("type") or ""):
            if lang == "ko":
                return f"{p}과태료 {number}에 가산금이 붙었습니다. 납부할 금액 {amount}"
            return f"{p}A late fee was added to fine {number}. Now due: {amount}."
        if lang == "ko":
            return f"{p}과태료 {number} {amount}, 납부기한 {due}"
        return f"{p}Fine {number}: {amount}, due {due}."
    raise ValueError(f"no message for topic {topic!r}")


def render_reminder(kind: str, case_number: str, data: dict[str, Any], language: str) -> str:
    lang = _lang(language)
    p = PREFIX[lang]
    if kind == "fine_due":
        due = _date(data.get("due_date"), lang)
        if lang == "ko":
            return f"{p}과태료 {case_number} 납부기한은 {due}입니다. 기한이 지나면 가산금이 붙어요."
        return f"{p}Fine {case_number} is due on {due}. After that a late fee is added."
    if kind == "supplement":
        if lang == "ko":
            return f"{p}{case_number} 보완 서류가 아직 접수되지 않았습니다."
        return f"{p}{case_number}: the office is still waiting for your documents."
    raise ValueError(f"no reminder text for {kind!r}")
