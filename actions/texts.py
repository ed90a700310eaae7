"""Every text the actions send, in Korean and English. Short: one SMS segment where possible (Korean ≤ 70)."""
from __future__ import annotations

from typing import Dict

from actions.settings import CALL_CENTRE_NUMBER

TEXTS: Dict[str, Dict[str, str]] = {
    # --- verification --------------------------------------------------------------------------------------
    "ask_phone": {"ko": "본인인증이 필요해요. 휴대폰 번호를 알려주세요. (예: 010-1234-5678)",
                  "en": "I need to verify you first. What is your mobile number? (e.g. 010-1234-5678)"},
    "bad_phone": {"ko": "휴대폰 번호를 010-1234-5678처럼 적어주세요.",
                  "en": "Please type your mobile number like 010-1234-5678."},
    "ask_birth_date": {"ko": "생년월일을 알려주세요. (예: 1985-03-14)",
                       "en": "What is your date of birth? (e.g. 1985-03-14)"},
    "bad_birth_date": {"ko": "생년월일을 1985-03-14처럼 적어주세요.",
                       "en": "Please type your date of birth like 1985-03-14."},
    "ask_otp": {"ko": "{masked}로 보낸 인증번호 6자리를 입력해주세요. (안 오면 '재전송')",
                "en": "Please type the 6-digit code I sent to {masked}. (Say 'resend' for a new one.)"},
    "bad_otp": {"ko": "인증번호는 숫자 6자리예요.", "en": "The code has 6 digits."},
    "wrong_code": {"ko": "인증번호가 맞지 않아요. {left}번 더 시도할 수 있어요.",
                   "en": "That code is not right. Tries left: {left}."},
    "code_expired": {"ko": "인증번호가 만료돼서 새로 보냈어요.", "en": "The code expired; I sent a new one."},
    "resend_wait": {"ko": "방금 보낸 번호를 먼저 확인해주세요. 새 번호는 {seconds}초 뒤에 받을 수 있어요.",
                    "en": "Please use the code I just sent. A new one can be sent in {seconds} seconds."},
    "code_resent": {"ko": "인증번호를 다시 보냈어요.", "en": "I sent a new code."},
    "verify_rate_limited": {"ko": "요청이 너무 많아요. 잠시 후 다시 시도해주세요.",
                            "en": "Too many tries. Please try again in a few minutes."},
    "verify_locked": {"ko": "인증 시도가 너무 많아 잠겼어요. 상담원을 연결해 드릴게요.",
                      "en": "Too many wrong codes, so verification is locked. Let me get you a person."},
    "verified": {"ko": "{name}님, 인증되었어요.", "en": "Thank you, {name}. You are verified."},
    "verify_unavailable": {"ko": "지금 인증 서비스에 연결할 수 없어요. 잠시 후 다시 시도해주세요.",
                           "en": "I can't reach the verification service now. Please try again shortly."},
    "session_expired": {"ko": "인증이 만료됐어요. 다시 인증해주세요.",
                        "en": "Your verification expired. Please verify again."},
    # --- generic ---------------------------------------------------------------------------------------------
    "kept_for_later": {"ko": "지금 처리 시스템이 응답하지 않아요. 요청은 보관했고, 다음 메시지 때 처리해 알려드릴게요.",
                       "en": "The system is not answering now. I kept your request and will finish it on your next message."},
    "pending_done": {"ko": "{time}에 보관한 요청을 처리했어요.", "en": "Your kept request went through at {time}."},
    "pending_failed": {"ko": "보관한 요청을 처리하지 못했어요. 다시 시도해주세요.",
                       "en": "I could not complete your kept request. Please try again."},
    "unavailable_read": {"ko": "지금 정보를 불러올 수 없어요. 잠시 후 다시 물어봐 주세요.",
                         "en": "I can't look that up right now. Please ask again in a moment."},
    "cancelled": {"ko": "취소했어요. 다른 도움이 필요하면 말씀해주세요.", "en": "Cancelled. Anything else I can do?"},
    "nothing_to_cancel": {"ko": "취소할 진행 중인 요청이 없어요.", "en": "There is nothing in progress to cancel."},
    "fallback": {"ko": "잘 이해하지 못했어요. 다시 말씀해주시겠어요? ('도움말'로 안내를 볼 수 있어요)",
                 "en": "Sorry, I didn't get that. Could you rephrase? (Say 'help' for what I can do.)"},
    "choose_number": {"ko": "목록의 번호로 골라주세요.", "en": "Please pick a number from the list."},
    "yes_or_no": {"ko": "'네' 또는 '아니요'로 답해주세요.", "en": "Please answer yes or no."},
    # --- help per step ------------------------------------------------------------------------------------------
    "help_phone": {"ko": "본인 확인용 휴대폰 번호가 필요해요. 예: 010-1234-5678. 그만하려면 '취소'.",
                   "en": "I need your mobile number to verify you, e.g. 010-1234-5678. Say 'never mind' to stop."},
    "help_birth_date": {"ko": "생년월일을 적어주세요. 예: 1985-03-14. 그만하려면 '취소'.",
                        "en": "Type your date of birth, e.g. 1985-03-14. Say 'never mind' to stop."},
    "help_otp_code": {"ko": "문자로 온 6자리 숫자를 적어주세요. 안 왔으면 '재전송'.",
                      "en": "Type the 6 digits from the SMS. Didn't get it? Say 'resend'."},
    "help_case_number": {"ko": "접수번호를 적어주세요. 예: AP-2026-000123. 내 신청 목록은 '내 신청'.",
                         "en": "Type the number, e.g. AP-2026-000123. Say 'my applications' for a list."},
    "help_fine_ids": {"ko": "낼 과태료 번호를 골라주세요. 전부 내려면 '전부'.",
                      "en": "Pick the fine numbers to pay, or say 'all'."},
    "help_payment_method": {"ko": "1: 카드 결제 링크, 2: 가상계좌 입금, 또는 '취소'.",
                            "en": "1: card payment link, 2: bank transfer to a virtual account, or 'never mind' to stop."},
    "help_new_address": {"ko": "이사 갈 곳의 도로명과 건물번호면 돼요. 예: 테헤란로 12. 그만하려면 '취소'.",
                         "en": "The road name and building number are enough, e.g. 12 Teheran-ro. 'never mind' stops."},
    "help_address_id": {"ko": "목록에서 맞는 주소의 번호를 골라주세요.", "en": "Pick the number of the right address."},
    "help_effective_date": {"ko": "전입 날짜예요. 30일 전~90일 후까지 가능해요. 예: 다음 주 월요일. 그만하려면 '취소'.",
                            "en": "The day you move in: up to 30 days back or 90 ahead, e.g. next Monday. 'never mind' stops."},
    "help_member_ids": {"ko": "함께 이사하는 가족 번호를 골라주세요. 혼자면 '없음'.",
                        "en": "Pick who moves with you by number, or say 'just me'."},
    "help_address_confirm": {"ko": "내용이 맞으면 '네', 아니면 '아니요'.", "en": "Say 'yes' if it is right, 'no' if not."},
    "help_complaint_text": {"ko": "무엇이 문제인지 한두 문장이면 돼요. 예: 가로등이 꺼져 있어요. 그만하려면 '취소'.",
                            "en": "A sentence or two is enough, e.g. 'the street light is out'. 'never mind' stops."},
    "help_complaint_category": {"ko": "맞으면 '네', 아니면 목록의 번호를 골라주세요.",
                                "en": "Say 'yes' if right, or pick a number from the list."},
    "help_complaint_place": {"ko": "장소의 주소를 적거나 위치를 공유해주세요.",
                             "en": "Type the address of the place or share your location."},
    "help_photo_id": {"ko": "사진을 보내거나 '없음'이라고 해주세요.", "en": "Send a photo, or say 'skip'."},
    "help_general": {"ko": "신청 현황 조회, 과태료 납부, 전입신고, 민원 접수를 도와드려요. 상담원은 '상담원'.",
                     "en": "I can check applications, pay fines, change your address, file complaints. 'agent' for a person."},
    # Not "cancel": on SMS a bare CANCEL is a carrier opt-out keyword and would stop all texts.
    "help_suffix": {"ko": "(그만하려면 '취소')", "en": "(Say 'never mind' to stop.)"},
    # --- status -------------------------------------------------------------------------------------------------
    "ask_case_number": {"ko": "접수번호를 알려주세요. (예: AP-2026-000123)",
                        "en": "What is the number? (e.g. AP-2026-000123)"},
    "bad_case_number": {"ko": "번호는 AP-2026-000123 형식이에요.", "en": "Numbers look like AP-2026-000123."},
    "case_not_found": {"ko": "{number} 건을 찾을 수 없어요. 번호를 확인해주세요.",
                       "en": "I can't find {number}. Please check the number."},
    "status_line": {"ko": "{number} {kind}: {status}", "en": "{number} {kind}: {status}"},
    "status_expected": {"ko": "예상 완료일: {date}", "en": "Expected by {date}."},
    "status_missing": {"ko": "부족 서류: {docs}. {office}에 제출하거나 정부24에 올려주세요.",
                       "en": "Missing: {docs}. Send them to {office} or upload them on Gov24."},
    "status_rejected": {"ko": "반려 사유: {reason}", "en": "Rejected because: {reason}"},
    "status_appeal": {"ko": "이의신청: {appeal}", "en": "To appeal: {appeal}"},
    "status_answer": {"ko": "답변: {answer}", "en": "Answer: {answer}"},
    "status_deadline": {"ko": "처리 기한: {date}", "en": "Due by {date}."},
    "status_department": {"ko": "담당: {department}", "en": "Handled by {department}."},
    "no_applications": {"ko": "조회된 신청이 없어요.", "en": "You have no applications."},
    "applications_header": {"ko": "신청 {count}건:", "en": "Your {count} applications:"},
    # --- fines --------------------------------------------------------------------------------------------------
    "no_fines": {"ko": "미납 과태료가 없어요.", "en": "You have no unpaid fines."},
    "fines_header": {"ko": "미납 과태료 ({date} 기준):", "en": "Unpaid fines (as of {date}):"},
    "fine_line": {"ko": "{n}. {kind} {amount}원 (납기 {due}){late}", "en": "{n}. {kind} ₩{amount} (due {due}){late}"},
    "fine_late": {"ko": " 가산금 포함", "en": " incl. late fee"},
    "ask_fine_ids": {"ko": "낼 번호를 골라주세요. 전부는 '전부'.", "en": "Which to pay? Reply a number or 'all'."},
    "ask_payment_method": {"ko": "{count}건, 합계 {total}원. 결제 방법을 골라주세요.",
                           "en": "{count} fine(s), total ₩{total}. How do you want to pay?"},
    "method_card": {"ko": "1. 카드 결제 링크", "en": "1. Card payment link"},
    "method_account": {"ko": "2. 가상계좌 입금", "en": "2. Virtual account transfer"},
    "payment_link": {"ko": "결제 링크예요({total}원). {expires}까지 결제해주세요.",
                     "en": "Here is your payment link (₩{total}). Please pay by {expires}."},
    "payment_button": {"ko": "결제하기", "en": "Pay now"},
    "payment_account": {"ko": "{bank} {account} ({holder})로 {total}원을 {expires}까지 입금해주세요.",
                        "en": "Transfer ₩{total} to {bank} {account} ({holder}) by {expires}."},
    "payment_ref": {"ko": "결제번호 {payment_id}. 나중에 '결제됐나요?'라고 물어보세요.",
                    "en": "Payment {payment_id}. Ask me 'did my payment go through?' later."},
    "fine_not_payable": {"ko": "이미 결제 중이거나 납부된 과태료가 있어요. 다시 골라주세요.",
                         "en": "One of those fines is already paid or being paid."},
    "no_payments": {"ko": "결제 내역이 없어요.", "en": "I can't find any payment."},
    "payment_paid": {"ko": "결제 완료: {total}원, {paid_at}. 영수증 {receipt}.",
                     "en": "Paid: ₩{total} on {paid_at}. Receipt {receipt}."},
    "payment_pending": {"ko": "{payment_id} 결제는 아직 확인되지 않았어요.",
                        "en": "Payment {payment_id} has not come through yet."},
    "payment_closed": {"ko": "{payment_id} 결제는 {status} 상태예요. 다시 결제해주세요.",
                       "en": "Payment {payment_id} is {status}. Please pay again."},
    # --- address ------------------------------------------------------------------------------------------------
    "ask_new_address": {"ko": "새 주소를 알려주세요. (예: 서울 강남구 테헤란로 12)",
                        "en": "What is the new address? (e.g. 12 Teheran-ro, Gangnam-gu, Seoul)"},
    "address_not_found": {"ko": "주소를 찾지 못했어요. 도로명과 건물번호를 확인해주세요.",
                          "en": "I couldn't find that address. Please check the road name and number."},
    "ask_address_id": {"ko": "주소가 여러 개예요. 번호를 골라주세요.", "en": "Several matches. Pick a number:"},
    "ask_effective_date": {"ko": "언제 이사하세요? (예: 오늘, 다음 주 월요일, 12월 1일)",
                           "en": "When do you move? (e.g. today, next Monday, Dec 1)"},
    "bad_date": {"ko": "날짜를 이해하지 못했어요. 예: 12월 1일, 다음 주 월요일",
                 "en": "I didn't get the date. e.g. Dec 1, next Monday."},
    "date_out_of_range": {"ko": "신고일은 30일 전부터 90일 후까지 가능해요.",
                          "en": "The date must be within 30 days back and 90 days ahead."},
    "ask_member_ids": {"ko": "함께 이사하는 가족을 번호로 골라주세요. 전부는 '전부', 혼자면 '없음'.",
                       "en": "Who moves with you? Pick numbers, 'all', or 'just me'."},
    "address_summary": {"ko": "{address}, {date}부터, {members}. 신고할까요?",
                        "en": "{address}, from {date}, {members}. Shall I file it?"},
    "members_none": {"ko": "본인만", "en": "just you"},
    "members_some": {"ko": "{names} 함께", "en": "with {names}"},
    "address_done": {"ko": "전입신고 접수: {number}. 통보 기관: {agencies}.",
                     "en": "Move filed: {number}. Agencies notified: {agencies}."},
    "same_address": {"ko": "이미 등록된 주소예요. 새 주소로 다시 신청해주세요.",
                     "en": "That is already your registered address."},
    "not_household_member": {"ko": "같은 세대원만 함께 신고할 수 있어요.",
                             "en": "Only members of your household can move with you."},
    "address_retry": {"ko": "다시 처음부터 적어주세요. 새 주소는요?", "en": "Let's redo it. What is the new address?"},
    # --- complaints ---------------------------------------------------------------------------------------------
    "ask_complaint_text": {"ko": "어떤 문제인지 알려주세요.", "en": "What is the problem?"},
    "ask_complaint_category": {"ko": "'{label}' 민원이 맞나요? 아니면 번호를 골라주세요.",
                               "en": "Is this about '{label}'? Say yes, or pick a number:"},
    "ask_complaint_category_open": {"ko": "어떤 분야인가요? 번호를 골라주세요.", "en": "Which topic? Pick a number:"},
    "ask_complaint_place": {"ko": "어디인가요? 주소를 적거나 위치를 보내주세요.",
                            "en": "Where is it? Type the address or share your location."},
    "ask_photo_id": {"ko": "사진이 있으면 보내주세요. 없으면 '없음'.", "en": "Send a photo if you have one, or say 'skip'."},
    "photo_failed": {"ko": "사진을 받지 못했어요. 사진 없이 접수할게요.", "en": "I couldn't take the photo; filing without it."},
    "complaint_done": {"ko": "민원 접수: {number}. 담당: {department}. 처리 기한: {deadline}.",
                       "en": "Complaint filed: {number}. {department} will answer by {deadline}."},
    "shared_location": {"ko": "공유한 위치", "en": "shared location"},
    # --- handoff ---------------------------------------------------------------------------------------------
    "handoff_queued": {"ko": "상담원을 연결하고 있어요. 대기 {position}번째, 약 {minutes}분.",
                       "en": "Connecting you to an agent. You are number {position}, about {minutes} min."},
    "handoff_callback": {"ko": "지금은 상담 시간이 아니에요. 상담원이 다시 연락드릴게요.",
                         "en": "Agents are away now. One will get back to you."},
    "handoff_call_centre": {"ko": f"상담원과 통화하려면 {CALL_CENTRE_NUMBER}(정부민원안내콜센터)로 전화해주세요.",
                            "en": f"To talk to a person, call {CALL_CENTRE_NUMBER} (government call centre)."},
}


def text(key: str, language: str, **values: object) -> str:
    """The text for `key` in `language` (Korean unless 'en'), with {placeholders} filled."""
    entry = TEXTS[key]
    template = entry["en"] if language == "en" else entry["ko"]
    return template.format(**values) if values else template  # unused values are ignored by format()


def pick(labels: object, language: str) -> str:
    """A govapi {ko, en} label in the citizen's language (tolerates a plain string or None)."""
    if isinstance(labels, dict):
        return str(labels.get("en" if language == "en" else "ko") or labels.get("ko") or labels.get("en") or "")
    return "" if labels is None else str(labels)


def won(amount: object) -> str:
    try:
        return f"{int(amount):,}"
    except (TypeError, ValueError):
        return str(amount)
