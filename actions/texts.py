"""Every text the actions send, in Korean and English, and `text()` that renders them.

Template syntax (resolved by `text()` at render time, so callers pass plain values):
  {name}        the value
  {name|로}     the value and the Korean particle that fits it (actions/particles.py picks 로/으로, 이/가, ...)
  [ ... ]       an optional part: left out when any value inside it is empty (None, "", "-")
  "en" may be {"one": ..., "other": ...}: the form is chosen by the `count` value (plural forms)
A value that is empty outside an optional part takes its word from FALLBACKS, so no reply reads "None",
"님," or "( 기준)"; a timestamp is shown as a date and time in the citizen's language and Korean time.
Voice: 해요체 in Korean (docs/GLOSSARY.md). Words and their English names: docs/GLOSSARY.md.
SMS: a Korean text fits one segment (70 characters) with realistic values unless SMS_BUDGET allows two;
tests/actions/test_texts_catalogue.py and bench/sms_segments.py check it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from actions.particles import attach
from actions.settings import CALL_CENTRE_NUMBER

Template = str | dict[str, str]

# Step help reaches SMS users under these words: the SMS connector answers "도움말"/"help"/"info" itself as the
# carrier HELP keyword (connectors/sms_keywords.py), so the bot never hears them there.
HELP_WORD = {"ko": "사용법", "en": "instructions"}
_HW_KO, _HW_EN = HELP_WORD["ko"], HELP_WORD["en"]

TEXTS: dict[str, dict[str, Template]] = {
    # --- verification --------------------------------------------------------------------------------------
    "ask_phone": {"ko": "본인인증이 필요해요. 휴대폰 번호를 알려주세요. (예: 010-1234-5678)",
                  "en": "I need to verify you first. What is your mobile number? (e.g. 010-1234-5678)"},
    "bad_phone": {"ko": "휴대폰 번호를 010-1234-5678처럼 적어주세요.",
                  "en": "Please type your mobile number like 010-1234-5678."},
    "ask_birth_date": {"ko": "생년월일을 알려주세요. (예: 1985-03-14)",
                       "en": "What is your date of birth? (e.g. 1985-03-14)"},
    "bad_birth_date": {"ko": "생년월일을 1985-03-14처럼 적어주세요.",
                       "en": "Please type your date of birth like 1985-03-14."},
    "ask_otp": {"ko": "{masked|로} 보낸 인증번호 6자리를 입력해주세요. (안 오면 '재전송')",
                "en": "Please type the 6-digit code I sent to {masked}. (Say 'resend' for a new one.)"},
    "bad_otp": {"ko": "인증번호는 숫자 6자리예요.", "en": "The code has 6 digits."},
    "wrong_code": {"ko": "인증번호가 맞지 않아요.[ {left}번 더 시도할 수 있어요.]",
                   "en": "That code is not right.[ Tries left: {left}.]"},
    "code_expired": {"ko": "인증번호가 만료돼서 새로 보냈어요.", "en": "The code expired, so I sent a new one."},
    # {seconds}: govapi's retry_after_seconds, shown as "30초" / "1시간"; after the send cap it is up to an hour.
    "resend_wait": {"ko": "방금 보낸 번호를 먼저 확인해주세요.[ 새 번호는 {seconds} 뒤에 받을 수 있어요.]",
                    "en": "Please use the code I just sent.[ A new one can be sent in {seconds}.]"},
    # "Hold on, let me find my phone" at any question: no "not an answer", the question follows as a reminder.
    "wait_ok": {"ko": "네, 천천히 하세요. 준비되면 보내주세요.", "en": "Sure, take your time. Send it when you're ready."},
    "code_resent": {"ko": "인증번호를 다시 보냈어요.", "en": "I sent a new code."},
    "verify_rate_limited": {"ko": "인증 요청이 너무 많아 잠시 막혔어요.[ {seconds} 뒤에 다시 할 수 있어요.] 급하면 '상담원'이라고 보내주세요.",
                            "en": "Too many verification requests, so it is paused.[ You can try again in {seconds}.] Say 'agent' if it is urgent."},
    # Followed by the handoff's own answer (queued, or a callback out of hours): promise nothing about when.
    "verify_locked": {"ko": "인증 시도가 너무 많아 인증이 잠겼어요. 상담원에게 넘길게요.",
                      "en": "Too many wrong codes, so verification is locked. I'm passing you to a person."},
    "verified": {"ko": "[{name}님, ]인증되었어요.", "en": "Thank you[, {name}]. You are verified."},
    "verify_unavailable": {"ko": f"지금 인증 서비스에 연결할 수 없어요. 다시 해 보시거나 {CALL_CENTRE_NUMBER}로 전화해주세요.",
                           "en": f"I can't reach the verification service now. Try again later, or call {CALL_CENTRE_NUMBER}."},
    "session_expired": {"ko": "인증이 만료됐어요. 다시 인증해주세요.",
                        "en": "Your verification expired. Please verify again."},
    # --- generic ---------------------------------------------------------------------------------------------
    "kept_for_later": {"ko": "지금 처리 시스템이 응답하지 않아요. 요청은 보관했고, 다음 메시지 때 처리해 알려드릴게요.",
                       "en": "The system is not answering now. I kept your request and will finish it on your next message."},
    "kept_retry_in": {"ko": "지금 처리 시스템이 응답하지 않아요. 요청은 보관했고 {minutes}분 뒤 다시 시도해 알려드릴게요.",
                      "en": "The system is not answering now. I kept your request; I'll try again in {minutes} min and tell you."},
    "pending_done": {"ko": "[{time}에 ]보관한 요청을 처리했어요.", "en": "Your kept request went through[ at {time}]."},
    "pending_failed": {"ko": "보관한 요청을 처리하지 못했어요. 처음부터 다시 요청해주세요.",
                       "en": "I could not complete your kept request. Please ask for it again."},
    "unavailable_read": {"ko": f"지금 정보를 불러올 수 없어요. 조금 뒤 다시 물어보시거나 {CALL_CENTRE_NUMBER}로 전화해주세요.",
                         "en": f"I can't look that up right now. Ask again later, or call {CALL_CENTRE_NUMBER}."},
    "cancelled": {"ko": "취소했어요. 다른 도움이 필요하면 말씀해주세요.", "en": "Cancelled. Anything else I can do?"},
    "nothing_to_cancel": {"ko": "취소할 진행 중인 요청이 없어요.", "en": "There is nothing in progress to cancel."},
    "switched_service": {"ko": "알겠어요. 하던 일은 멈추고 {service|로} 넘어갈게요.",
                         "en": "OK, I stopped that. Let's {service} instead."},
    # Back to the task left by a switch, at the question where it stopped (actions/paused_task.py)
    "queued_next": {"ko": "네, 이거 끝나고 {service|을} 할게요. 이 건부터 마저 해 주세요.",
                    "en": "Yes, once this is done we'll {service}. Let's finish this first."},
    "resumed_task": {"ko": "아까 하던 {service|을} 이어서 할게요.", "en": "Back to where we stopped: let's {service}."},
    # {service} of switched_service and resumed_task (the particle is added there)
    "service_check_application_status": {"ko": "신청 현황 조회", "en": "check the status"},
    "service_list_applications": {"ko": "내 신청 목록 보기", "en": "look at your applications"},
    "service_check_payment": {"ko": "결제 확인", "en": "check your payment"},
    "service_pay_fine": {"ko": "과태료 납부", "en": "pay your fines"},
    "service_change_address": {"ko": "전입신고", "en": "make your move-in report"},
    "service_file_complaint": {"ko": "민원 접수", "en": "file your complaint"},
    "did_you_mean": {"ko": "잘 이해하지 못했어요. 혹시 이 중 하나인가요? 아니면 다르게 말씀해주세요.",
                     "en": "Sorry, I'm not sure what you mean. Is it one of these? Or say it another way."},
    "fallback_offer_person": {"ko": "이번에도 이해하지 못했어요. 상담원과 이야기하시겠어요?",
                              "en": "I still didn't get that. Would you like to talk to a person?"},
    # A button each, in the clarifying question (actions/handoff.py CLARIFIABLE)
    "intent_check_application_status": {"ko": "신청 현황 조회", "en": "Check an application"},
    "intent_list_applications": {"ko": "내 신청 목록", "en": "My applications"},
    "intent_check_payment": {"ko": "결제 확인", "en": "Check a payment"},
    "intent_pay_fine": {"ko": "과태료 납부", "en": "Pay a fine"},
    "intent_change_address": {"ko": "전입신고(주소 변경)", "en": "Move-in report"},
    "intent_file_complaint": {"ko": "민원 접수", "en": "File a complaint"},
    "intent_subscribe_updates": {"ko": "진행 알림 받기", "en": "Get updates"},
    "intent_request_human": {"ko": "상담원 연결", "en": "Talk to a person"},
    "intent_help": {"ko": "사용법", "en": "Instructions"},
    "fallback": {"ko": f"잘 이해하지 못했어요. 다시 말씀해주시겠어요? ('{_HW_KO}'이라고 보내면 안내해 드려요)",
                 "en": f"Sorry, I didn't get that. Could you rephrase? (Send '{_HW_EN}' to see what I can do.)"},
    "choose_number": {"ko": "목록의 번호로 골라주세요.", "en": "Please pick a number from the list."},
    # --- help per step ------------------------------------------------------------------------------------------
    # "never mind", not "cancel": on SMS a bare CANCEL is a carrier opt-out keyword and would stop all texts.
    "help_phone": {"ko": "본인 확인용 휴대폰 번호가 필요해요. 예: 010-1234-5678. 그만하려면 '취소'.",
                   "en": "I need your mobile number to verify you, e.g. 010-1234-5678. Say 'never mind' to stop."},
    "help_birth_date": {"ko": "생년월일을 적어주세요. 예: 1985-03-14. 그만하려면 '취소'.",
                        "en": "Type your date of birth, e.g. 1985-03-14. Say 'never mind' to stop."},
    "help_otp_code": {"ko": "문자로 온 6자리 숫자를 적어주세요. 안 왔으면 '재전송'.",
                      "en": "Type the 6 digits from the text message. Didn't get it? Say 'resend'."},
    "help_case_number": {"ko": "접수번호를 적어주세요. 예: AP-2026-000123. 내 신청 목록은 '내 신청'.",
                         "en": "Type the case number, e.g. AP-2026-000123. Say 'my applications' for a list."},
    "help_fine_ids": {"ko": "낼 번호를 골라주세요. 전부 내려면 '전부'.",
                      "en": "Pick the numbers to pay, or say 'all'."},
    "help_payment_method": {"ko": "1: 카드 결제 링크, 2: 가상계좌 입금, 또는 '취소'.",
                            "en": "1: card payment link, 2: bank transfer to a virtual account, or 'never mind' to stop."},
    "help_new_address": {"ko": "이사 갈 곳의 도로명과 건물번호면 돼요. 예: 테헤란로 12. 그만하려면 '취소'.",
                         "en": "The road name and building number are enough, e.g. 12 Teheran-ro. 'never mind' stops."},
    "help_address_id": {"ko": "목록에서 맞는 주소의 번호를 골라주세요.", "en": "Pick the number of the right address."},
    "help_effective_date": {"ko": "전입일(새 주소에 사는 첫날)이에요. 30일 전~90일 후까지 돼요. (예: 다음 주 월요일)",
                            "en": "The move-in date (your first day at the new address): up to 30 days back or 90 ahead, e.g. next Monday."},
    "vague_complaint_place": {"ko": "구청이 찾아갈 수 있게 도로명과 건물번호를 알려주세요. 위치를 보내셔도 돼요.",
                              "en": "So the office can find it, give the street and building number, or share your location."},
    "vague_effective_date": {"ko": "전입일은 정확한 날짜가 필요해요. 살기 시작한 날을 알려주세요. (예: 12월 3일)",
                             "en": "The report needs the exact day you moved in (e.g. Dec 3). Your lease may show it."},
    "help_member_ids": {"ko": "함께 이사하는 가족 번호를 골라주세요. 혼자면 '없음'.",
                        "en": "Pick who moves with you by number, or say 'just me'."},
    "help_address_confirm": {"ko": "'네'라고 하시면 전입신고를 하고 세무서 등 관련 기관에 알려요. 바꿀 게 있으면 '아니요'.",
                             "en": "Say 'yes' and I file your move-in report and tell the agencies (tax office and others). 'no' to change something."},
    # 질서위반행위규제법 §20: an objection in writing within 60 days of the notice; the court then decides (§21).
    "fine_appeal": {"ko": "과태료에 이의가 있으면 고지서를 받은 날부터 60일 안에 부과 기관에 서면으로 이의제기할 수 있어요.",
                    "en": "To dispute a fine, object in writing to the agency that issued it within 60 days of the notice. "
                          "A court then decides."},
    "already_verified": {"ko": "인증은 이미 됐어요.", "en": "You are already verified."},
    "fine_late_question": {"ko": "가산금이나 가산세가 붙은 건 목록에 '…포함'이라고 적혀 있고, 보이는 금액에 이미 들어 있어요.",
                           "en": "A fine or tax with a late charge says 'incl. …' in the list; the amount shown includes it."},
    # "이거 하면 건강보험이랑 자동차 등록 주소도 알아서 바뀌는 거 맞죠?" asked during a move-in report
    "move_agencies": {"ko": "전입신고하면 세무서·자동차등록·건강보험·국민연금·선거인명부에 새 주소가 알려져요. 따로 안 하셔도 돼요.",
                      "en": "Your move-in report tells the tax office, vehicle registry, health insurance, pension service "
                            "and election register. No need to tell them yourself."},
    "help_payment_confirm": {"ko": "'네'라고 하시면 결제 링크나 계좌를 드려요. 결제되면 영수증을 여기로 보내드려요.",
                             "en": "Say 'yes' for the payment link or account. Once paid, the receipt comes here. 'no' to change something."},
    "help_complaint_confirm": {"ko": "'네'라고 하시면 접수하고 접수번호와 처리 기한을 알려드려요. 답변도 여기로 와요.",
                               "en": "Say 'yes' and I file it and give you its case number and deadline. The answer will come here."},
    "help_complaint_text": {"ko": "무엇이 문제인지 한두 문장이면 돼요. 예: 가로등이 꺼져 있어요. 그만하려면 '취소'.",
                            "en": "A sentence or two is enough, e.g. 'the street light is out'. 'never mind' stops."},
    "help_complaint_category": {"ko": "맞으면 '네', 아니면 목록의 번호를 골라주세요.",
                                "en": "Say 'yes' if right, or pick a number from the list."},
    "help_complaint_place": {"ko": "장소의 주소를 적거나 위치를 공유해주세요.",
                             "en": "Type the address of the place or share your location."},
    "help_photo_id": {"ko": "사진은 없어도 접수돼요. 있으면 보내주시고, 없으면 '없음'이라고 해주세요.",
                      "en": "A photo is optional. Send one if you have it, or say 'skip'."},
    # Questions about a service asked mid-form (actions/interpret.TASK_QUESTIONS), answered before the question again.
    "faq_fee": {"ko": "여기서 하는 조회, 전입신고, 민원 접수는 수수료가 없어요.",
                "en": "There is no fee here: checks, move-in reports and complaints are free."},
    "faq_fee_pay_fine": {"ko": "과태료 말고 따로 드는 수수료는 없어요. 카드도 가상계좌도 같아요.",
                         "en": "No fee on top of the fine, by card or by bank transfer."},
    "faq_documents": {"ko": "여기서는 서류가 필요 없어요. 휴대폰 인증으로 본인 확인을 해요.",
                      "en": "No documents are needed here: your phone confirms who you are."},
    "faq_duration": {"ko": "처리되면 여기로 바로 알려드려요.", "en": "I'll tell you here as soon as it's done."},
    "faq_duration_pay_fine": {"ko": "카드는 결제하면 바로, 가상계좌는 입금이 확인되면 바로 납부돼요. 영수증은 여기로 보내드려요.",
                              "en": "By card it's paid at once; by transfer, as soon as the money arrives. The receipt comes here."},
    "faq_duration_change_address": {"ko": "접수하면 주민센터에서 확인해요. 처리되면 여기로 알려드려요.",
                                    "en": "The community centre checks your report after it's filed. I'll tell you here when it's done."},
    "faq_duration_file_complaint": {"ko": "담당 부서가 처리 기한 안에 답변해요. 기한은 접수할 때 알려드려요.",
                                    "en": "The office answers by a deadline. I'll give you the date when it's filed."},
    "faq_duration_check_application_status": {"ko": "신청마다 달라요. 조회하면 예상 완료일을 알려드려요.",
                                              "en": "It depends on the application. The status shows the expected date."},
    "faq_deadline": {"ko": "접수 기한은 따로 없어요.", "en": "There is no deadline for this."},
    # 주민등록법 제10조(전입 후 14일 이내 신고), 제40조(늦은 신고는 과태료)
    "faq_deadline_change_address": {"ko": "이사한 날부터 14일 안에 전입신고를 해야 해요. 늦으면 과태료가 나올 수 있어요.",
                                    "en": "Report a move within 14 days of moving in. A late report can be fined."},
    "faq_deadline_check_application_status": {"ko": "신청마다 달라요. 조회하면 예상 완료일을 알려드려요.",
                                              "en": "It depends on the application. The status shows the expected date."},
    "faq_deadline_pay_fine": {"ko": "납부기한은 목록에 과태료마다 적혀 있어요. 지나면 가산금이 붙을 수 있어요.",
                              "en": "Each fine's due date is in the list. After it, a late charge may be added."},
    "help_general": {"ko": "신청 현황 조회, 과태료 납부, 전입신고, 민원 접수를 도와드려요. 사람과 이야기하려면 '상담원'.",
                     "en": "I can check applications, pay fines, take your move-in report and file complaints. 'agent' for a person."},
    # --- status -------------------------------------------------------------------------------------------------
    "ask_case_number": {"ko": "접수번호를 알려주세요. (예: AP-2026-000123)",
                        "en": "What is the case number? (e.g. AP-2026-000123)"},
    "bad_case_number": {"ko": "접수번호는 AP-2026-000123 형식이에요.", "en": "Case numbers look like AP-2026-000123."},
    "case_not_found": {"ko": "{number|를} 찾을 수 없어요. 번호를 확인해주세요.",
                       "en": "I can't find {number}. Please check the number."},
    "status_line": {"ko": "{number}[ {kind}]: {status}", "en": "{number}[ {kind}]: {status}"},
    "status_expected": {"ko": "예상 완료일: {date}", "en": "Expected by {date}."},
    "status_missing": {"ko": "부족 서류: {docs}. {office}에 내거나 정부24에 올려주세요.",
                       "en": "Missing: {docs}. Send them to {office} or upload them on Gov24."},
    "status_rejected": {"ko": "반려 사유: {reason}", "en": "Rejected because: {reason}"},
    # Appeal routes after a rejection, in the order they close (the office's own label is not used: it omitted the
    # 이의신청 limit). 이의신청: 행정기본법 제36조 제1항, 처분을 받은 날부터 30일 이내 처분청에. 행정심판: 행정심판법
    # 제27조 제1항·제3항, 처분이 있음을 알게 된 날부터 90일, 처분이 있었던 날부터 180일 이내. 행정소송: 행정소송법
    # 제20조 제1항·제2항, 안 날부터 90일, 처분 등이 있은 날부터 1년 이내. After an 이의신청 the 90 days run from its
    # result (행정기본법 제36조 제4항); the status answer does not try to say that much.
    "status_appeal": {"ko": "이의신청은 처분을 받은 날부터 30일, 행정심판·행정소송은 안 날부터 90일(처분일부터 각 180일·1년) 안에 낼 수 있어요.",
                      "en": "To appeal: object to the office within 30 days of receiving the decision, or file an administrative appeal or lawsuit within 90 days of learning of it (at most 180 days / 1 year after it)."},
    "status_answer": {"ko": "답변: {answer}", "en": "Answer: {answer}"},
    # The office's deadline, not the citizen's.
    "status_deadline": {"ko": "처리 기한: {date}", "en": "The office must finish by {date}."},
    "status_department": {"ko": "담당: {department}", "en": "Handled by {department}."},
    "put_off": {"ko": "알겠어요. 준비되시면 언제든 다시 말씀해주세요.", "en": "OK. Tell me whenever you're ready."},
    "status_agencies": {"ko": "새 주소를 알리는 기관: {agencies}. 따로 알리지 않아도 돼요.",
                        "en": "Agencies told your new address: {agencies}. You need not tell them yourself."},
    "no_applications": {"ko": "조회된 신청이 없어요.", "en": "You have no applications."},
    "applications_header": {"ko": "신청 {count}건:",
                            "en": {"one": "Your application:", "other": "Your {count} applications:"}},
    # an expected date already past is said to be past (issue #11); lists keep each line SMS-short
    "status_late": {"ko": "예정일({date})이 지났어요. 늦어지고 있으니 {office}에 문의해 보세요.",
                    "en": "It was expected by {date} and is late. You can ask {office}."},
    "status_overdue": {"ko": "처리 기한({date})이 지났어요. 늦어지고 있으니 {office}에 문의해 보세요.",
                       "en": "The office's deadline ({date}) has passed. You can ask {office}."},
    "the_office": {"ko": "담당 부서", "en": "the office"},
    "list_expected": {"ko": "(예정 {date})", "en": "(expected {date})"},
    "list_late": {"ko": "(예정일 {date} 지남)", "en": "(late: expected {date})"},
    "list_missing": {"ko": "부족 서류: {docs}", "en": "Missing: {docs}"},
    "list_more": {"ko": "외 {count}건: '나머지'라고 하시면 더 보여드려요.",
                  "en": {"one": "1 more: say 'the rest' to see it.", "other": "{count} more: say 'the rest' to see them."}},
    "applications_page": {"ko": "신청 {total}건 중 {first}~{last}번째:", "en": "Applications {first}-{last} of {total}:"},
    "list_complete": {"ko": "목록은 모두 보여드렸어요.", "en": "That was the whole list."},
    "nothing_listed": {"ko": "이어서 보여드릴 목록이 없어요. 신청 목록은 '내 신청'이라고 해 보세요.",
                       "en": "There is no list to go on with. Say 'my applications' for yours."},
    # --- fines and taxes ----------------------------------------------------------------------------------------
    # The list holds 과태료 (administrative fines) and 자동차세 체납 (vehicle tax in arrears): a tax, not a fine.
    "no_fines": {"ko": "미납 과태료나 체납된 세금이 없어요.", "en": "You have no unpaid fines or taxes."},
    "fines_header": {"ko": "미납 과태료·세금[ ({date} 기준)]:", "en": "Unpaid fines and taxes[ (as of {date})]:"},
    "fine_line": {"ko": "{n}. {kind} {number}[ {amount}원][ (납부기한 {due})][ {late}]",
                  "en": "{n}. {kind} {number}[ ₩{amount}][ (due {due})][ {late}]"},
    "fine_pending": {"ko": "(결제 대기 중: 다시 결제하면 이전 결제는 취소돼요)",
                     "en": "(payment pending: paying again cancels the earlier one)"},
    "payment_summary": {"ko": "{fines}[: 합계 {total}원], {method|로} 낼게요. 진행할까요?",
                        "en": "{fines}[: total ₩{total}], paid by {method}. Go ahead?"},
    "method_name_card": {"ko": "카드 결제 링크", "en": "card (payment link)"},
    "method_name_virtual_account": {"ko": "가상계좌", "en": "bank transfer to a virtual account"},
    # {late} of fine_line: a fine's late charge is 가산금 (질서위반행위규제법 제24조); a local tax's is
    # 납부지연가산세 (지방세기본법 제55조).
    "fine_late": {"ko": "가산금 포함", "en": "incl. late fee"},
    "tax_late": {"ko": "납부지연가산세 포함", "en": "incl. late-payment charge"},
    "ask_fine_ids": {"ko": "낼 번호를 골라주세요. 전부 내려면 '전부'.", "en": "Which to pay? Reply a number or 'all'."},
    "ask_payment_method": {"ko": "{count}건[, 합계 {total}원]. 결제 방법을 골라주세요.",
                           "en": {"one": "1 item[, total ₩{total}]. How do you want to pay?",
                                  "other": "{count} items[, total ₩{total}]. How do you want to pay?"}},
    "method_card": {"ko": "1. 카드 결제 링크", "en": "1. Card payment link"},
    "method_account": {"ko": "2. 가상계좌 입금", "en": "2. Bank transfer to a virtual account"},
    "payment_link": {"ko": "[{expires}까지 ]이 링크로 결제해주세요[({total}원)].",
                     "en": "Please pay[ ₩{total}] with this link[ by {expires}]."},
    "payment_button": {"ko": "결제하기", "en": "Pay now"},
    "payment_account": {"ko": "{bank} {account|로}[ {total}원을][ {expires}까지] 입금해주세요.[ 예금주: {holder}]",
                        "en": "Transfer[ ₩{total}] to {bank} {account}[ by {expires}].[ Account holder: {holder}.]"},
    "payment_ref": {"ko": "[결제번호 {payment_id}. ]나중에 '결제됐나요?'라고 물어보세요.",
                    "en": "[Payment {payment_id}. ]Ask me 'did my payment go through?' later."},
    "fine_not_payable": {"ko": "방금 납부됐거나 다른 결제가 시작된 건이 있어요. '과태료 납부'라고 하시면 남은 건을 보여드려요.",
                         "en": "One of those was just paid or another payment started. Say 'pay my fines' to see what is left."},
    "no_payments": {"ko": "결제 내역이 없어요.", "en": "I can't find any payment."},
    "payment_paid": {"ko": "결제 완료[: {total}원][, {paid_at}].[ 영수증 {receipt}.]",
                     "en": "Paid[: ₩{total}][ on {paid_at}].[ Receipt {receipt}.]"},
    "payment_pending": {"ko": "{payment_id} 결제는 아직 확인되지 않았어요. 확인되면 영수증을 보내드려요.",
                        "en": "Payment {payment_id} has not come through yet. I'll send the receipt once it does."},
    "payment_closed": {"ko": "{payment_id} 결제는 {status} 상태예요. 내려면 '과태료 납부'라고 다시 보내주세요.",
                       "en": "Payment {payment_id} is {status}. To pay, say 'pay my fines' again."},
    # --- move-in report (전입신고) -----------------------------------------------------------------------------
    "ask_new_address": {"ko": "새 주소를 알려주세요. (예: 서울 강남구 테헤란로 12)",
                        "en": "What is the new address? (e.g. 12 Teheran-ro, Gangnam-gu, Seoul)"},
    "address_not_found": {"ko": "주소를 찾지 못했어요. 도로명과 건물번호를 확인해주세요.",
                          "en": "I couldn't find that address. Please check the road name and number."},
    "address_district_only": {"ko": "[{district} ]어느 도로예요? 도로명과 건물번호를 알려주세요. (예: 올림픽로 300)",
                              "en": "Which road[ in {district}]? Give the road name and building number (e.g. 300 Olympic-ro)."},
    "ask_address_id": {"ko": "주소가 여러 개예요. 번호를 골라주세요.", "en": "Several matches. Pick a number:"},
    "ask_address_near": {"ko": "똑같은 주소는 없어요. 이 중에 있으면 번호를, 없으면 주소를 다시 적어주세요.",
                         "en": "No exact match. Is it one of these? Reply its number, or type the address again."},
    "ask_effective_date": {"ko": "전입일(새 주소에 사는 첫날)이 언제예요? (예: 오늘, 12월 1일)",
                           "en": "What is your move-in date? (e.g. today, next Monday, Dec 1)"},
    "bad_date": {"ko": "날짜를 이해하지 못했어요. 예: 12월 1일, 다음 주 월요일",
                 "en": "I didn't get the date. e.g. Dec 1, next Monday."},
    "date_out_of_range": {"ko": "전입일은 오늘부터 30일 전~90일 후 사이여야 해요.",
                          "en": "The move-in date must be within 30 days back and 90 days ahead."},
    "ask_member_ids": {"ko": "함께 이사하는 가족을 번호로 골라주세요. 전부는 '전부', 혼자면 '없음'.",
                       "en": "Who moves with you? Pick numbers, 'all', or 'just me'."},
    "address_summary": {"ko": "전입신고: {address}, 전입일 {date}, {members}. 신고할까요?",
                        "en": "Move-in report: {address}, move-in date {date}, {members}. Shall I file it?"},
    "members_none": {"ko": "본인만", "en": "just you"},
    "members_some": {"ko": "{names} 함께", "en": "with {names}"},
    "address_done": {"ko": "전입신고 접수: {number}. 통보 기관: {agencies}.",
                     "en": "Move-in report filed: {number}. Agencies to be told: {agencies}."},
    "same_address": {"ko": "이미 등록된 주소예요. 새 주소를 알려주세요.",
                     "en": "That is already your registered address. Please give the new one."},
    "not_household_member": {"ko": "같은 세대원만 함께 신고할 수 있어요.",
                             "en": "Only members of your household can move with you."},
    # --- inside every form: not an answer, a changed answer, the summary (actions/interpret.py) ---------------------
    "not_an_answer": {"ko": "지금 질문의 답이 아닌 것 같아요.", "en": "That doesn't seem to answer my question."},
    "corrected": {"ko": "{field|를} 바꿨어요.", "en": "Changed: {field}."},
    # "can I change the date?" then "leave it as it was": the old answer is back, the summary comes again.
    "kept_as_before": {"ko": "원래대로 둘게요.", "en": "OK, I'll keep it as it was."},
    # An answer to a later question, given early ("오늘 들어왔어요" asked for the address): kept for later.
    "noted_early": {"ko": "{field|은} 적어둘게요.", "en": "Noted: {field}."},
    "change_field": {"ko": "알겠어요. {field|를} 다시 여쭤볼게요.", "en": "OK, let's change it: {field}."},
    "help_summary": {"ko": "맞으면 '네', 바꿀 게 있으면 '아니요'라고 해주세요.",
                     "en": "Say 'yes' if it's right, or 'no' to change something."},
    # After "no" a bare "네"/"yes" is not taken as "keep it": the citizen just said something is wrong.
    "what_to_change": {"ko": "무엇을 바꿀까요? ({fields}) 바꿀 게 없으면 '그대로 진행'.",
                       "en": "What should I change? ({fields}) Nothing to change? Say 'keep as is'."},
    "keep_as_is": {"ko": "그대로 진행", "en": "Keep as is"},
    "why_phone": {"ko": "이 번호로 본인 확인용 인증번호를 보내요.", "en": "I send a one-time code to this number to check it's you."},
    "why_birth_date": {"ko": "생년월일은 휴대폰 번호의 주인이 맞는지 확인하는 데만 써요.",
                       "en": "Your date of birth is only used, with your phone number, to check it's really you."},
    "why_fine_ids": {"ko": "본인 명의 차량의 미납 과태료와 체납 자동차세예요. 줄마다 종류, 번호, 오늘 낼 금액, 납부기한이 있어요.",
                     "en": "These are the unpaid fines and vehicle taxes on your vehicles: kind, number, amount due today, due date."},
    "why_otp_code": {"ko": "휴대폰으로 받은 번호를 적으면 본인 확인이 끝나요.",
                     "en": "Typing the code from your phone shows it's really you."},
    "field_phone": {"ko": "휴대폰 번호", "en": "phone number"},
    "field_birth_date": {"ko": "생년월일", "en": "date of birth"},
    "field_otp_code": {"ko": "인증번호", "en": "code"},
    "field_case_number": {"ko": "접수번호", "en": "case number"},
    "field_fine_ids": {"ko": "낼 과태료·세금", "en": "fines and taxes to pay"},
    "field_payment_method": {"ko": "결제 방법", "en": "payment method"},
    "field_new_address": {"ko": "주소", "en": "address"},
    "field_address_id": {"ko": "주소", "en": "address"},
    "field_effective_date": {"ko": "전입일", "en": "move-in date"},
    "field_member_ids": {"ko": "함께 이사하는 가족", "en": "household members moving"},
    "field_complaint_text": {"ko": "민원 내용", "en": "description"},
    "field_complaint_category": {"ko": "분류", "en": "category"},
    "field_complaint_place": {"ko": "장소", "en": "place"},
    "field_photo_id": {"ko": "사진", "en": "photo"},
    # --- complaints ---------------------------------------------------------------------------------------------
    "ask_complaint_text": {"ko": "어떤 문제인지 알려주세요.", "en": "What is the problem?"},
    "ask_complaint_category": {"ko": "'{label}' 민원이 맞나요? 아니면 번호를 골라주세요.",
                               "en": "Is this about '{label}'? Say yes, or pick a number:"},
    "ask_complaint_category_open": {"ko": "어떤 분야인가요? 번호를 골라주세요.", "en": "Which topic? Pick a number:"},
    "ask_complaint_place": {"ko": "어디인가요? 주소를 적거나 위치를 보내주세요.",
                            "en": "Where is it? Type the address or share your location."},
    "ask_photo_id": {"ko": "사진이 있으면 보내주세요. 없으면 '없음'.", "en": "Send a photo if you have one, or say 'skip'."},
    "complaint_summary": {"ko": "접수 전에 확인해주세요.\n내용: {text}\n분류: {category}\n장소: {place}\n사진: {photo}\n접수할까요?",
                          "en": "Please check before I file it.\nWhat: {text}\nCategory: {category}\nPlace: {place}\nPhoto: {photo}\nShall I file it?"},
    "photo_none": {"ko": "없음", "en": "none"},
    "photo_attached": {"ko": "있음", "en": "attached"},
    "place_shared": {"ko": "공유한 위치", "en": "the location you shared"},
    "photo_failed": {"ko": "사진을 받지 못했어요. 사진 없이 접수할게요.", "en": "I couldn't take the photo; filing without it."},
    "complaint_done": {"ko": "민원 접수: {number}.[ 담당: {department}.][ 처리 기한: {deadline}.]",
                       "en": "Complaint filed: {number}.[ Handled by {department}.][ The answer is due by {deadline}.]"},
    # --- handoff ---------------------------------------------------------------------------------------------
    # The citizen took back a request for a person before anyone picked it up (actions/handoff_waiting.py)
    # "sorry, what date did I give you?" mid-form: the answer as kept, then the question again
    "recall_value": {"ko": "말씀하신 {field}: {value}", "en": "The {field} you gave: {value}"},
    # Who sees the data the citizen gives (docs/CONTRACTS.md "Handoff": the desk never gets phone, birth date or code)
    "privacy_answer": {"ko": "주신 정보는 본인 확인과 이 요청 처리에만 써요. 상담원에게는 번호와 생년월일이 가려져 보여요.",
                       "en": "Your details are used only to confirm it's you and to handle this request. "
                             "Agents see your phone number and birth date masked."},
    # Another office's matter asked mid-form (a passport, a tax refund, a bus timetable); the question comes again
    "not_ours": {"ko": "그건 여기서 도와드릴 수 없어요. 신청 조회, 과태료, 전입신고, 민원은 가능해요.",
                 "en": "Sorry, I can't help with that here. I can check applications, pay fines, take your move-in "
                       "report and file complaints."},
    "handoff_withdrawn": {"ko": "알겠어요, 상담원 연결을 취소했어요.", "en": "OK, I've cancelled the request for an agent."},
    "handoff_queued": {"ko": "상담원을 연결하고 있어요.[ 대기 {position}번째로] 약 {minutes}분 걸려요.",
                       "en": "Connecting you to an agent.[ You are number {position},] about {minutes} min."},
    # Out of hours the desk books a callback: {ticket} its number (callback_ticket), {when} the next opening
    # (next_opening): the time says more than the hours would, and fits one SMS.
    "handoff_callback": {"ko": "상담 시간이 아니에요.[ 콜백 요청(번호 {ticket})을 받았어요.] 상담원이 [{when}에 ]연락드릴게요.",
                         "en": "Agents are away now.[ Callback request {ticket} is booked.] An agent will contact you[ on {when}]."},
    "handoff_call_centre": {"ko": f"상담원과 통화하려면 {CALL_CENTRE_NUMBER}(정부민원안내콜센터)로 전화해주세요.",
                            "en": f"To talk to a person, call {CALL_CENTRE_NUMBER} (government call centre)."},
    # --- notifications (actions/subscriptions.py) -----------------------------------------------------------
    # The offer after a status check names the case; one text per kind of case (its number's prefix).
    "subscription_offer_AP": {"ko": "{number} 진행 상황이 바뀌면 여기로 알려드릴까요?",
                              "en": "Shall I tell you here when {number} moves?"},
    "subscription_offer_CP": {"ko": "{number}에 답변이 오면 여기로 알려드릴까요?",
                              "en": "Shall I tell you here when {number} is answered?"},
    "subscription_offer_MV": {"ko": "{number} 기관 통보가 끝나면 여기로 알려드릴까요?",
                              "en": "Shall I tell you here when every agency knows about {number}?"},
    "subscription_offer_PY": {"ko": "{number} 결제가 확인되면 영수증을 여기로 보내드릴까요?",
                              "en": "Shall I send the receipt for {number} here once it is paid?"},
    "subscription_offer_FN": {"ko": "{number} 납부기한 전에 여기로 알려드릴까요?",
                              "en": "Shall I remind you here before {number} is due?"},
    # After a payment, move-in report or complaint: its result comes here by itself (no subscription).
    "follow_PY": {"ko": "결제가 확인되면 영수증을 여기로 바로 보내드릴게요.", "en": "Once it is paid, I'll send the receipt here."},
    "follow_MV": {"ko": "모든 기관에 통보되면 여기로 알려드릴게요.", "en": "I'll tell you here once every agency knows."},
    "follow_CP": {"ko": "답변이 오면 여기로 알려드릴게요.", "en": "I'll tell you here when it is answered."},
    "follow_confirmed": {"ko": "네, 결과가 나오면 여기로 알려드릴게요.", "en": "Yes, I'll tell you here when there is news."},
    "follow_dropped": {"ko": "알겠어요. 이 건은 알려드리지 않을게요.", "en": "All right, I won't send news about it."},
    "subscription_hint": {"ko": "알겠어요. 알림을 받으려면 '알림 신청'이라고 보내 주세요.",
                          "en": "All right. To get notifications, say 'notify me'."},
    "subscription_offer_yes": {"ko": "네, 알려주세요", "en": "Yes, notify me"},
    "subscription_offer_no": {"ko": "아니요", "en": "No, thanks"},
    "subscribed": {"ko": "알림을 신청했어요: {topics}.{quiet} 끄려면 '알림 취소'라고 보내세요.",
                   "en": "Done: I'll tell you here about {topics}.{quiet} Say 'stop notifications' to turn them off."},
    "subscriptions_list": {"ko": "받고 있는 알림:\n{items}", "en": "Your notifications:\n{items}"},
    "no_subscriptions": {"ko": "신청한 알림이 없어요. '알림 신청'이라고 보내 보세요.",
                         "en": "You have no notifications here. Say 'notify me' to get one."},
    "subscriptions_cancelled": {"ko": "알림 {count}건을 껐어요. 언제든 다시 신청할 수 있어요.",
                                "en": {"one": "Turned off 1 notification. You can subscribe again any time.",
                                       "other": "Turned off {count} notifications. You can subscribe again any time."}},
    "subscription_declined": {"ko": "알겠어요. 필요하면 '알림 신청'이라고 말씀해주세요.",
                              "en": "All right. If you change your mind, say 'notify me'."},
    "subscription_needs_verification": {"ko": "알림을 받으려면 먼저 본인인증이 필요해요.",
                                        "en": "To send you notifications I need to verify you first."},
    "subscription_unavailable": {"ko": "지금은 알림을 설정할 수 없어요. 조금 뒤 다시 '알림 신청'이라고 보내주세요.",
                                 "en": "I can't set up notifications right now. Say 'notify me' again later."},
    # --- core fallback (actions/fallback.py): low-confidence next action, not low-confidence NLU ------------
    "default_fallback": {"ko": "잘 이해하지 못했어요. 다시 말씀해주시겠어요?",
                         "en": "Sorry, I didn't get that. Could you rephrase?"},
}

# The word an empty value outside an optional part is shown as (by placeholder name). A placeholder that is
# neither optional nor here must always be given: the catalogue test renders every text with empty values.
FALLBACKS: dict[str, dict[str, str]] = {
    "masked": {"ko": "휴대폰", "en": "your phone"},
    "number": {"ko": "이 건", "en": "this case"},
    "status": {"ko": "확인 중", "en": "being checked"},
    "office": {"ko": "담당 부서", "en": "the office"},
    "department": {"ko": "담당 부서", "en": "the office"},
    "reason": {"ko": "담당 부서에 문의해주세요", "en": "please ask the office"},
    "answer": {"ko": "아직 없어요", "en": "none yet"},
    "docs": {"ko": "담당 부서에 문의해주세요", "en": "please ask the office"},
    "date": {"ko": "미정", "en": "a date not yet set"},
    "deadline": {"ko": "미정", "en": "a date not yet set"},
    "due": {"ko": "미정", "en": "not set"},
    "kind": {"ko": "", "en": ""},
    "count": {"ko": "여러", "en": "several"},
    "left": {"ko": "", "en": ""},
    "minutes": {"ko": "몇", "en": "a few"},
    "service": {"ko": "다른 일", "en": "do something else"},
    "field": {"ko": "그 답", "en": "that answer"},
    "fields": {"ko": "-", "en": "-"},
    "fines": {"ko": "선택한 항목", "en": "The chosen items"},
    "method": {"ko": "선택한 방법", "en": "the chosen method"},
    "bank": {"ko": "", "en": ""},
    "account": {"ko": "안내된 계좌", "en": "the account shown"},
    "payment_id": {"ko": "이번", "en": ""},
    "address": {"ko": "새 주소", "en": "new address"},
    "members": {"ko": "본인만", "en": "just you"},
    "names": {"ko": "가족", "en": "family"},
    "agencies": {"ko": "관련 기관", "en": "the agencies concerned"},
    "label": {"ko": "이 분야", "en": "this topic"},
    "text": {"ko": "-", "en": "-"},
    "category": {"ko": "미정", "en": "not chosen"},
    "place": {"ko": "-", "en": "-"},
    "photo": {"ko": "없음", "en": "none"},
    "topics": {"ko": "진행 상황", "en": "progress"},
    "quiet": {"ko": "", "en": ""},
    "items": {"ko": "-", "en": "-"},
    "value": {"ko": "-", "en": "-"},
}

# Segments (SMS) a text may take with realistic values, where one is not enough; every other text: one.
SMS_BUDGET: dict[str, int] = {
    "status_appeal": 2,  # three routes and their limits, sourced above
    "complaint_summary": 2,  # the citizen's own words, shown back before filing
}


class EmptyValue(ValueError):
    """A placeholder outside an optional part had no value and has no fallback word."""


_PLACEHOLDER = re.compile(r"{(\w+)(?:\|(\w+))?}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_TZ = ZoneInfo("Asia/Seoul")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _empty(value: object) -> bool:
    # "-" is what callers pass for "unknown"; "None" is str(None) from a caller that formatted first.
    return value is None or (isinstance(value, str) and value.strip() in ("", "-", "None"))


def duration(seconds: object, lang: str) -> str:
    """30 -> '30초' / '30 seconds'; 3600 -> '1시간' / '1 hour' (rounded up to the unit shown)."""
    s = max(1, int(float(seconds)))  # type: ignore[arg-type]
    if s < 60:
        n, ko, en = s, "초", "second"
    elif s < 3600:
        n, ko, en = -(-s // 60), "분", "minute"
    else:
        n, ko, en = -(-s // 3600), "시간", "hour"
    return f"{n}{ko}" if lang == "ko" else f"{n} {en}{'' if n == 1 else 's'}"


def when(value: object, lang: str) -> str:
    """A timestamp (datetime or ISO text) in Korean time: '12월 7일 09:00' / '7 Dec 09:00'."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))  # noqa: FURB162 (3.10 reads no Z)
    if moment.tzinfo is not None:
        moment = moment.astimezone(_TZ)
    if lang == "ko":
        return f"{moment.month}월 {moment.day}일 {moment:%H:%M}"
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment:%H:%M}"


def _show(name: str, value: object, lang: str) -> str:
    if name == "seconds":
        return duration(value, lang)
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _TIMESTAMP.match(value)):
        try:
            return when(value, lang)
        except ValueError:
            return str(value)
    return str(value)


def _fill(template: str, values: Mapping[str, object], lang: str, optional: bool) -> str:
    def one(match: re.Match) -> str:
        name, particle_name = match.group(1), match.group(2)
        value = values.get(name)
        if _empty(value):
            if optional:
                raise _Drop()
            if name not in FALLBACKS:
                raise EmptyValue(name)
            shown = FALLBACKS[name][lang]
        else:
            shown = _show(name, value, lang)
        return attach(shown, particle_name) if particle_name and shown else shown
    return _PLACEHOLDER.sub(one, template)


class _Drop(Exception):
    """An optional part has an empty value: the part is left out."""


def _part(piece: str, values: Mapping[str, object], lang: str, optional: bool) -> str:
    try:
        return _fill(piece, values, lang, optional)
    except _Drop:
        return ""


def template_of(key: str, language: str, count: object = None) -> str:
    """The template for `key` in `language`, its plural form chosen by `count` (English one/other)."""
    lang = "en" if language == "en" else "ko"
    chosen = TEXTS[key][lang]
    if isinstance(chosen, dict):
        try:
            form = "one" if int(count) == 1 else "other"  # type: ignore[arg-type]
        except (TypeError, ValueError):
            form = "other"
        return chosen[form]
    return chosen


def render(template: str, language: str, values: Mapping[str, object]) -> str:
    lang = "en" if language == "en" else "ko"
    # One pass over the template's own pieces: a value (a complaint's text) is never read as a template.
    pieces = _OPTIONAL.split(template)  # plain, optional, plain, optional, ...
    out = "".join(_part(piece, values, lang, optional=bool(i % 2)) for i, piece in enumerate(pieces))
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r" +([.,:)])", r"\1", out)
    return out.strip()


def text(key: str, language: str, **values: object) -> str:
    """The text for `key` in `language` (Korean unless 'en'), with its placeholders filled (see module doc)."""
    return render(template_of(key, language, values.get("count")), language, values)


def pick(labels: object, language: str) -> str:
    """A govapi {ko, en} label in the citizen's language (tolerates a plain string or None)."""
    if isinstance(labels, dict):
        return str(labels.get("en" if language == "en" else "ko") or labels.get("ko") or labels.get("en") or "")
    return "" if labels is None else str(labels)


def won(amount: object) -> str:
    """12345 -> '12,345'; nothing for a missing amount (never 'None')."""
    try:
        return f"{int(amount):,}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "" if amount is None else str(amount)
