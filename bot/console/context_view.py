"""The citizen's context as an agent reads it at a glance: the service, the question the form is on, the answers
so far and the statuses, in the agent's language (Korean or English).

Raw slot names and values never reach the page. Every slot the Rasa domain declares is either labelled here
(ANSWERS) or hidden on purpose (INTERNAL); tests/bot/console/test_context_labels.py reads domain/*.yml and fails
when a new slot is in neither, so a new slot cannot leak raw onto the console.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from bot.desk.masking import mask_text

LANGS = ("ko", "en")
Label = dict[str, str]


def _l(ko: str, en: str) -> Label:
    return {"ko": ko, "en": en}


def pick(label: Label | None, lang: str) -> str:
    label = label or {}
    return label.get(lang) or label.get("ko") or ""


# The services, named by their form (what the bot was doing) or, without a form, by the last intent.
SERVICES: dict[str, Label] = {
    "verify_form": _l("본인인증", "Identity check"),
    "status_form": _l("신청·민원 진행 조회", "Application status"),
    "pay_fine_form": _l("과태료 납부", "Paying a fine"),
    "change_address_form": _l("전입신고(주소 변경)", "Change of address"),
    "file_complaint_form": _l("민원 접수", "Filing a complaint"),
}
INTENT_SERVICES: dict[str, Label] = {
    "check_application_status": SERVICES["status_form"],
    "pay_fine": SERVICES["pay_fine_form"],
    "change_address": SERVICES["change_address_form"],
    "file_complaint": SERVICES["file_complaint_form"],
    "subscribe_updates": _l("진행 알림 신청", "Case updates"),
    "request_certificate": _l("증명서 발급", "Certificates"),
    "request_human": _l("상담원 연결 요청", "Asked for a person"),
}
NO_SERVICE = _l("진행 중인 업무 없음", "No service in progress")

# The questions of each form, in the order the form asks them (domain/dialogue.yml `forms:`; the test checks).
FORM_STEPS: dict[str, tuple[str, ...]] = {
    "verify_form": ("phone", "birth_date", "otp_code"),
    "status_form": ("case_number",),
    "pay_fine_form": ("fine_ids", "payment_method", "payment_confirm"),
    "change_address_form": ("new_address", "address_id", "effective_date", "member_ids", "address_confirm"),
    "file_complaint_form": ("complaint_text", "complaint_category", "complaint_place", "photo_id", "complaint_confirm"),
}

# The question a form is on, as the step line reads ("asking for ...").
QUESTIONS: dict[str, Label] = {
    "phone": _l("휴대폰 번호", "phone number"),
    "birth_date": _l("생년월일", "date of birth"),
    "otp_code": _l("인증번호", "one-time code"),
    "case_number": _l("접수번호", "case number"),
    "fine_ids": _l("낼 과태료 선택", "which fines to pay"),
    "payment_method": _l("결제 방법", "payment method"),
    "payment_confirm": _l("결제 내용 확인", "confirming the payment"),
    "new_address": _l("새 주소", "new address"),
    "address_id": _l("주소 선택", "choosing the address"),
    "effective_date": _l("전입 날짜", "move-in date"),
    "member_ids": _l("함께 이사하는 가족", "household members moving"),
    "address_confirm": _l("전입신고 내용 확인", "confirming the move"),
    "complaint_text": _l("민원 내용", "description"),
    "complaint_category": _l("민원 분류", "category"),
    "complaint_place": _l("장소", "place"),
    "photo_id": _l("사진", "photo"),
    "complaint_confirm": _l("접수 내용 확인", "confirming the complaint"),
}

YES, NO = _l("예", "Yes"), _l("아니오", "No")
PAYMENT_METHODS = {"card": _l("카드", "Card"), "virtual_account": _l("가상계좌", "Virtual account")}
# Complaint categories (govapi's list; actions/complaints.py FALLBACK_CATEGORIES has the same codes).
CATEGORIES = {
    "roads": _l("도로", "Roads"), "street_lighting": _l("가로등", "Street lighting"), "noise": _l("소음", "Noise"),
    "waste": _l("쓰레기", "Waste"), "illegal_parking": _l("불법주차", "Illegal parking"),
    "transport": _l("대중교통", "Public transport"), "parks": _l("공원", "Parks"),
    "staff_conduct": _l("공무원 응대", "Staff conduct"), "other": _l("기타", "Other"),
}
PENDING_KINDS = {"payment": _l("과태료 결제", "fine payment"), "address_change": _l("전입신고", "change of address"),
                 "complaint": _l("민원 접수", "complaint")}
# Statuses the console shows next to a handoff or a record.
STATES = {"queued": _l("대기 중", "Waiting"), "claimed": _l("상담 중", "With an agent"),
          "closed": _l("종료", "Closed"), "callback": _l("콜백 예정", "Callback booked"),
          "withdrawn": _l("시민이 취소", "Withdrawn by the citizen")}
REASONS = {"requested": _l("시민이 상담원 요청", "Citizen asked for a person"),
           "agent": _l("상담원이 인계", "Taken over by staff"),
           "fallback": _l("챗봇이 이해하지 못함", "The bot did not understand"),
           "lockout": _l("본인인증 잠김", "Verification locked"),
           "sensitive": _l("민감한 요청", "A sensitive request")}
SKILLS = {"general": _l("일반", "General"), "payments": _l("납부", "Payments"), "address": _l("주소", "Address"),
          "complaints": _l("민원", "Complaints")}
# "rest": handoffs stored before Rasa's rest channel was removed still name it.
CHANNELS = {"telegram": _l("텔레그램", "Telegram"), "sms": _l("문자(SMS)", "SMS"), "web": _l("웹 채팅", "Web chat"),
            "rest": _l("기타", "Other")}
LANGUAGES = {"ko": _l("한국어", "Korean"), "en": _l("영어", "English")}
FINE_STATUSES = {"unpaid": _l("미납", "Unpaid"), "pending_payment": _l("결제 진행 중", "Payment in progress"),
                 "paid": _l("납부 완료", "Paid")}
ERRORS = {"govapi_timeout": _l("행정 시스템 응답 지연", "Government system timed out"),
          "govapi_unavailable": _l("행정 시스템 접속 불가", "Government system unavailable"),
          "payment_failed": _l("결제 실패", "Payment failed")}

# Hidden on purpose: secrets, ids only machines read, choices lists already shown through an answer, the bot's own
# bookkeeping. Rasa adds `requested_slot` (shown as the step) and `session_started_metadata` to every domain.
INTERNAL = frozenset({
    "citizen_token", "citizen_token_expires", "otp_code", "verification_id", "birth_date", "phone",  # secrets
    "citizen_id", "payment_id", "address_id", "handoff_id",  # machine ids
    "fine_options", "fines_as_of", "address_options", "household_options", "complaint_category_guess",  # choices
    "paused_task",  # a task left for another service: its answers are shown when it is resumed
    "language", "language_locked", "summary_change", "summary_undo", "form_outcome", "verify_purpose", "awaiting_satisfaction",
    "handoff_resume", "satisfaction_pending", "subscription_offer", "listed_cases", "last_error",  # bookkeeping
    "requested_slot", "session_started_metadata",
})


def _yes_no(value: Any, lang: str, slots: dict[str, Any]) -> str:
    return pick(YES if value in (True, "true", "True", 1) else NO, lang)


def _text(value: Any, lang: str, slots: dict[str, Any]) -> str:
    return mask_text(str(value))


def _won(amount: Any) -> str:
    return f"₩{amount:,}" if isinstance(amount, int) else ""


def _fines(value: Any, lang: str, slots: dict[str, Any]) -> str:
    ids = value if isinstance(value, list) else [value]
    options = {o.get("id"): o for o in slots.get("fine_options") or [] if isinstance(o, dict)}
    lines = []
    for fine_id in ids:
        option = options.get(fine_id)
        if option:
            kind = option.get("kind_label")
            kind = pick(kind, lang) if isinstance(kind, dict) else (kind or "")
            lines.append(" ".join(part for part in (option.get("number"), kind, _won(option.get("amount_due"))) if part))
    if lines and len(lines) == len(ids):
        return "; ".join(lines)
    return f"{len(ids)}건" if lang == "ko" else f"{len(ids)} fine{'s' if len(ids) != 1 else ''}"


def _members(value: Any, lang: str, slots: dict[str, Any]) -> str:
    ids = value if isinstance(value, list) else [value]
    if not ids:
        return pick(_l("없음 (혼자 이사)", "Nobody (moving alone)"), lang)
    names = {m.get("id"): m.get("name") for m in slots.get("household_options") or [] if isinstance(m, dict)}
    if all(names.get(i) for i in ids):
        return ", ".join(str(names[i]) for i in ids)
    return f"{len(ids)}명" if lang == "ko" else f"{len(ids)} people"


def _labelled(table: dict[str, Label]) -> Callable[[Any, str, dict[str, Any]], str]:
    def fmt(value: Any, lang: str, slots: dict[str, Any]) -> str:
        return pick(table.get(str(value)), lang) or pick(_l("기타", "Other"), lang)
    return fmt


def _address(value: Any, lang: str, slots: dict[str, Any]) -> str:
    return mask_text(pick(value, lang)) if isinstance(value, dict) else mask_text(str(value))


def _place(value: Any, lang: str, slots: dict[str, Any]) -> str:
    if isinstance(value, dict) and value.get("address"):
        return mask_text(str(value["address"]))
    if isinstance(value, dict) and "lat" in value and "lon" in value:
        where = f"{float(value['lat']):.4f}, {float(value['lon']):.4f}"
        return f"공유한 위치 ({where})" if lang == "ko" else f"Shared location ({where})"
    return mask_text(str(value))


def _photo(value: Any, lang: str, slots: dict[str, Any]) -> str:
    none = not value or str(value).lower() in ("none", "no", "skip")
    return pick(_l("없음", "None") if none else _l("첨부함", "Attached"), lang)


def _date(value: Any, lang: str, slots: dict[str, Any]) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return mask_text(str(value))
    return f"{day.year}년 {day.month}월 {day.day}일" if lang == "ko" else day.strftime("%-d %b %Y")


def _pending(value: Any, lang: str, slots: dict[str, Any]) -> str:
    kind = value.get("kind") if isinstance(value, dict) else None
    what = pick(PENDING_KINDS.get(str(kind)), lang) or pick(_l("요청", "a request"), lang)
    return f"{what} (행정 시스템 복구 후 자동 재시도)" if lang == "ko" else f"{what} (retried when the system is back)"


# Shown answers: label and how the value reads. Order here is the order on the panel.
ANSWERS: dict[str, tuple[Label, Callable[[Any, str, dict[str, Any]], str]]] = {
    "citizen_name": (_l("성명", "Name"), _text),
    "verified": (_l("본인인증", "Verified"), _yes_no),
    "masked_phone": (_l("휴대폰", "Phone"), _text),
    "case_number": (_l("접수번호", "Case number"), _text),
    "last_case": (_l("최근 안내한 건", "Case last discussed"), _text),
    "offered_case": (_l("알림 제안한 건", "Case offered for updates"), _text),
    "followed_case": (_l("결과 알림 중인 건", "Case whose result is followed"), _text),
    "fine_ids": (_l("낼 과태료", "Fines to pay"), _fines),
    "payment_method": (_l("결제 방법", "Payment method"), _labelled(PAYMENT_METHODS)),
    "payment_confirm": (_l("결제 확인", "Payment confirmed"), _yes_no),
    "new_address": (_l("입력한 주소", "Address as typed"), _text),
    "address_label": (_l("새 주소", "New address"), _address),
    "effective_date": (_l("전입 날짜", "Move-in date"), _date),
    "member_ids": (_l("함께 이사하는 가족", "Household members moving"), _members),
    "address_confirm": (_l("전입신고 확인", "Move confirmed"), _yes_no),
    "complaint_text": (_l("민원 내용", "Description"), _text),
    "complaint_category": (_l("분류", "Category"), _labelled(CATEGORIES)),
    "complaint_place": (_l("장소", "Place"), _place),
    "photo_id": (_l("사진", "Photo"), _photo),
    "complaint_confirm": (_l("접수 확인", "Complaint confirmed"), _yes_no),
    "pending_request": (_l("보류 중인 요청", "Request waiting"), _pending),
}


def language(value: str | None) -> str:
    return value if value in LANGS else "ko"


def status(table: dict[str, Label], value: Any, lang: str) -> str:
    """A status or code as words; one the table does not know reads as 'other', never as the raw code."""
    if value is None or value == "":
        return ""
    return pick(table.get(str(value)), lang) or pick(_l("기타", "Other"), lang)


def error_text(raw: str, lang: str) -> str:
    code, _, rest = str(raw).partition(":")
    label = pick(ERRORS.get(code.strip()), lang)
    if label:
        return f"{label}: {rest.strip()}" if rest.strip() else label
    return pick(_l("기타 오류", "Other error"), lang)


def fine_status(fine: dict[str, Any], lang: str) -> str:
    """govapi's own label when it sent one; a fine held by a payment under way reads as 'payment in progress'."""
    if fine.get("status") == "unpaid" and fine.get("pending_payment"):
        return pick(FINE_STATUSES["pending_payment"], lang)
    label = fine.get("status_label")
    return pick(label, lang) if isinstance(label, dict) and label else status(FINE_STATUSES, fine.get("status"), lang)


def step(form: str | None, slots: dict[str, Any], lang: str) -> dict[str, Any] | None:
    asked = slots.get("requested_slot")
    steps = FORM_STEPS.get(form or "")
    if not steps or asked not in steps:
        return None
    question = pick(QUESTIONS.get(asked), lang)
    number, total = steps.index(asked) + 1, len(steps)
    text = f"{total}단계 중 {number}단계: {question} 묻는 중" if lang == "ko" else f"Step {number} of {total}: asking for the {question}"
    return {"number": number, "total": total, "question": question, "text": text}


def answers(slots: dict[str, Any], lang: str) -> list[dict[str, str]]:
    out = []
    for name, (label, fmt) in ANSWERS.items():
        value = slots.get(name)
        if value is None or value == "" or (name == "verified" and value is False):
            continue
        out.append({"label": pick(label, lang), "value": fmt(value, lang, slots)})
    return out


def describe(packet: dict[str, Any], lang: str) -> dict[str, Any]:
    """The packet's context in words, for the agent's language: what the panel and its tests read."""
    lang = language(lang)
    form = (packet.get("form") or {}).get("name")
    slots = (packet.get("form") or {}).get("slots") or {}
    handoff = packet.get("handoff") or {}
    service = SERVICES.get(form or "") or INTENT_SERVICES.get(packet.get("intent") or "") or NO_SERVICE
    return {
        "language": lang,
        "service": pick(service, lang),
        "step": step(form, slots, lang),
        "answers": answers(slots, lang),
        "errors": [error_text(e, lang) for e in packet.get("last_errors") or []],
        "state": status(STATES, handoff.get("state"), lang),
        "reason": status(REASONS, handoff.get("reason"), lang),
        "skill": status(SKILLS, handoff.get("skill"), lang),
        "channel": status(CHANNELS, handoff.get("channel"), lang),
        "citizen_language": status(LANGUAGES, handoff.get("language"), lang),
        "fines": [fine_status(f, lang) for f in (packet.get("records") or {}).get("fines") or []],
    }


def shown_slot_names() -> Iterable[str]:
    return ANSWERS.keys()
