"""The one reading of a message inside a form (actions/interpret.py): a table of what citizens say at each kind of
question, in both languages, with the NLU reading the trained model gives such lines."""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

import pytest

from actions.interpret import (PLACE_WORDS, Kind, Reading, is_wait, puts_off, read_message, resumed_service, two_services,
                               value_words)

ADDRESS_TASK = ["phone", "birth_date", "otp_code", "new_address", "address_id", "effective_date", "member_ids",
                "address_confirm"]
FINE_TASK = ["phone", "birth_date", "otp_code", "fine_ids", "payment_method", "payment_confirm"]
COMPLAINT_TASK = ["phone", "birth_date", "otp_code", "complaint_text", "complaint_category", "complaint_place",
                  "photo_id", "complaint_confirm"]
ADDRESS_FILLED = {"new_address": "테헤란로 12", "address_id": "ad_1", "effective_date": "2026-12-07"}
COMPLAINT_FILLED = {"complaint_text": "가로등이 꺼졌어요", "complaint_category": "street_lighting",
                    "complaint_place": {"address": "테헤란로 12"}}


def read(text: str, requested: str, task: list, filled: Optional[Dict[str, Any]] = None, intent: str = "inform",
         confidence: float = 0.9, answers: bool = False, services=("pay_fine",), ranking=None):
    return read_message(text, intent, confidence, ranking or [{"name": intent, "confidence": confidence}],
                        requested, task, filled or {}, services, answers)


@pytest.mark.parametrize("text,intent,confidence,ranking", [
    # NLU was unsure between a fallback and a person; the words say it
    ("hmm actually can I talk to a real person first? not sure about the virtual account thing", "nlu_fallback",
     0.5, [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "request_human", "confidence": 0.49}]),
    ("상담원 연결해주세요", "request_human", 1.0, None),
    ("사람이랑 얘기하고 싶어요", "request_human", 1.0, None),
])
def test_a_request_for_a_person_wins_even_where_the_words_also_answer(text, intent, confidence, ranking):
    # "virtual account" would answer the payment method: the person comes first
    reading = read(text, "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]}, intent, confidence, answers=True,
                   ranking=ranking)
    assert reading.kind == Kind.PERSON


@pytest.mark.parametrize("requested", ["payment_confirm", "address_confirm", "complaint_place", "otp_code"])
def test_a_person_or_stop_is_heard_at_every_question(requested):
    assert read("상담원 바꿔주세요", requested, FINE_TASK, intent="request_human", confidence=0.95).kind == Kind.PERSON
    assert read("never mind", requested, FINE_TASK, intent="cancel", confidence=0.98).kind == Kind.CANCEL
    assert read("취소할게요", requested, FINE_TASK, intent="cancel", confidence=1.0).kind == Kind.CANCEL


def test_no_at_a_summary_is_a_change_not_a_cancel():
    reading = read("아니요", "address_confirm", ADDRESS_TASK, ADDRESS_FILLED, intent="cancel", confidence=0.8,
                   answers=True, services=("change_address",))
    assert reading.kind == Kind.ANSWER


def test_a_complaint_about_staff_is_a_description_not_a_request_for_a_person():
    reading = read("the agent at the counter was rude to me", "complaint_text", COMPLAINT_TASK, intent="file_complaint",
                   confidence=0.9, services=("file_complaint",))
    assert reading.kind == Kind.ANSWER


@pytest.mark.parametrize("text,requested,slot,value", [
    ("아 주소 틀렸어요, 역삼로 12예요", "effective_date", "new_address", "역삼로 12"),
    ("wrong address, it's 12 Yeoksam-ro", "member_ids", "new_address", "12 Yeoksam-ro"),
    ("날짜는 12월 3일이에요", "member_ids", "effective_date", "12월 3일"),
    ("주소 바꿀래요", "address_confirm", "new_address", ""),
])
def test_a_correction_names_the_earlier_answer_and_carries_the_new_value(text, requested, slot, value):
    reading = read(text, requested, ADDRESS_TASK, ADDRESS_FILLED, services=("change_address",))
    assert reading.kind == Kind.CORRECTION
    assert reading.slot == slot
    assert reading.value == value


def test_a_corrected_phone_during_verification():
    reading = read("wrong phone, it's 010-2222-3333", "otp_code", FINE_TASK,
                   {"phone": "+821012345678", "birth_date": "1985-03-14"})
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "phone")
    assert reading.value == "010-2222-3333"


def test_a_corrected_place_while_the_photo_is_asked():
    reading = read("장소는 역삼로 12예요", "photo_id", COMPLAINT_TASK, COMPLAINT_FILLED, services=("file_complaint",))
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, "complaint_place", "역삼로 12")


def test_naming_the_asked_question_is_an_answer():
    reading = read("장소는 역삼로 12예요", "complaint_place", COMPLAINT_TASK, COMPLAINT_FILLED,
                   services=("file_complaint",))
    assert reading.kind == Kind.ANSWER


def test_a_plain_answer_that_parses_is_not_a_correction():
    # "12월 3일" answers the date question even though a date was never given before
    assert read("12월 3일", "effective_date", ADDRESS_TASK, {"new_address": "x", "address_id": "a"},
                answers=True, services=("change_address",)).kind == Kind.ANSWER


@pytest.mark.parametrize("text,intent,confidence", [
    ("오늘 날씨 어때요?", "out_of_scope", 0.75),
    ("what's the weather like", "out_of_scope", 0.96),
    ("hi there", "greet", 0.95),
])
def test_a_free_text_question_never_takes_an_off_topic_line(text, intent, confidence):
    for requested in ("complaint_place", "new_address"):
        reading = read(text, requested, COMPLAINT_TASK, COMPLAINT_FILLED, intent, confidence,
                       services=("file_complaint", "change_address"))
        assert reading.kind in (Kind.ROUTED, Kind.STRAY), (requested, text)


@pytest.mark.parametrize("text,intent,confidence", [
    ("강남역 2번 출구 앞이요", "inform", 0.96),
    ("near the bus stop on Teheran-ro", "out_of_scope", 0.7),
])
def test_a_place_is_taken_as_the_place(text, intent, confidence):
    reading = read(text, "complaint_place", COMPLAINT_TASK, COMPLAINT_FILLED, intent, confidence,
                   answers=bool(PLACE_WORDS.search(text)), services=("file_complaint",))
    assert reading.kind == Kind.ANSWER


def test_a_description_that_nlu_finds_unusual_is_still_a_description():
    reading = read("옆집 개가 밤마다 짖어요", "complaint_text", COMPLAINT_TASK, {}, "nlu_fallback", 0.5,
                   services=("file_complaint",))
    assert reading.kind == Kind.ANSWER


def test_another_service_switches_but_the_own_one_does_not():
    switch = read("아 그게 아니라 주소 바꾸고 싶어요", "fine_ids", FINE_TASK, {}, "change_address", 0.71)
    assert (switch.kind, switch.switch_to) == (Kind.SWITCH, "change_address")
    assert read("과태료 낼래요", "fine_ids", FINE_TASK, {}, "pay_fine", 0.95).kind != Kind.SWITCH


def test_why_questions_are_answered_in_place():
    assert read("why do you need my birth date?", "birth_date", FINE_TASK, {"phone": "+821012345678"},
                "out_of_scope", 0.76).kind == Kind.QUESTION
    assert read("왜 생년월일이 필요해요?", "birth_date", FINE_TASK, {"phone": "+821012345678"},
                "out_of_scope", 0.51).kind == Kind.QUESTION


def test_a_digression_at_a_choice_goes_to_the_rules_but_a_choice_is_an_answer():
    assert read("are you a bot?", "fine_ids", FINE_TASK, {}, "bot_challenge", 0.9).kind == Kind.ROUTED
    assert read("2", "fine_ids", FINE_TASK, {}, "out_of_scope", 0.7, answers=True).kind == Kind.ANSWER


@pytest.mark.parametrize("text,slot,value", [
    ("아 주소 틀렸어요, 역삼로 12예요", "new_address", "역삼로 12"),
    ("not Teheran-ro but Yeoksam-ro 12", "new_address", "Yeoksam-ro 12"),
    ("테헤란로 말고 역삼로 12요", "new_address", "역삼로 12"),
    ("wrong phone, it's 010-2222-3333", "phone", "010-2222-3333"),
])
def test_the_new_value_is_cut_out_of_the_sentence(text, slot, value):
    assert value_words(text, slot) == value


def test_every_answer_label_names_its_answer_so_the_what_to_change_buttons_work():
    from actions.interpret import SLOT_WORDS
    from actions.texts import BUILT_KEYS, text
    labels = {key[len("field_"):]: {lang: text(key, lang) for lang in ("ko", "en")} for key in BUILT_KEYS["field_"]}
    assert set(SLOT_WORDS) <= set(labels)
    for slot, words in SLOT_WORDS.items():
        for lang in ("ko", "en"):
            assert words.search(labels[slot][lang]), (slot, lang)


@pytest.mark.parametrize("text", ["됐어요 안 할래요", "never mind, cancel it", "그만할래요", "아니 취소요"])
def test_ways_to_stop_said_together_are_a_stop(text):
    assert read(text, "fine_ids", FINE_TASK, intent="deny", confidence=0.6).kind == Kind.CANCEL


def test_a_date_correction_reads_the_date():
    reading = read("아니 이사 날짜는 12월 3일이에요", "member_ids", ADDRESS_TASK, ADDRESS_FILLED,
                   services=("change_address",))
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "effective_date")
    assert read("날짜만 바꿀게요", "address_confirm", ADDRESS_TASK, ADDRESS_FILLED,
                services=("change_address",)).slot == "effective_date"


@pytest.mark.parametrize("text,requested,intent", [
    ("what is a virtual account?", "payment_method", "out_of_scope"),
    ("가상계좌가 뭐예요?", "payment_method", "inform"),
    ("which one of these should I pick?", "address_id", "choose"),
    ("가족도 꼭 같이 신고해야 하나요?", "member_ids", "change_address"),
    ("결제하면 영수증도 받아요?", "payment_confirm", "check_payment"),
])
def test_a_question_is_never_taken_as_an_answer_or_a_switch(text, requested, intent):
    reading = read(text, requested, FINE_TASK + ADDRESS_TASK, {"fine_ids": ["f"], "payment_method": "card"}, intent,
                   0.85, answers=True, services=("pay_fine", "change_address"))
    assert reading.kind in (Kind.QUESTION, Kind.ROUTED)


@pytest.mark.parametrize("text,requested,task,answers,slot", [
    ("아 잘못 골랐어요, 2번 낼게요", "payment_method", FINE_TASK, False, "fine_ids"),
    ("oops, I picked the wrong one, I want to pay number 2", "payment_confirm", FINE_TASK, False, "fine_ids"),
    ("아 분야 잘못 골랐어요, 가로등 문제예요", "complaint_place", COMPLAINT_TASK, True, "complaint_category"),
    ("let me fix the description: the street light flickered and now it's off", "complaint_category",
     COMPLAINT_TASK, True, "complaint_text"),
])
def test_corrections_of_a_choice_or_a_description(text, requested, task, answers, slot):
    filled = {"fine_ids": ["f"], "payment_method": "card", **COMPLAINT_FILLED}
    reading = read(text, requested, task, filled, answers=answers, services=("pay_fine", "file_complaint"))
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, slot)


@pytest.mark.parametrize("text", ["점심 뭐 먹을지 추천해줘요", "ㅋㅋ 오늘 진짜 덥네요"])
def test_an_off_topic_line_that_names_no_problem_is_not_a_description(text):
    reading = read(text, "complaint_text", COMPLAINT_TASK, {}, "out_of_scope", 0.8, answers=False,
                   services=("file_complaint",))
    assert reading.kind == Kind.ROUTED


def test_a_complaint_put_as_a_question_is_still_a_description():
    reading = read("왜 가로등이 몇 주째 안 고쳐지나요?", "complaint_text", COMPLAINT_TASK, {}, "file_complaint", 0.7,
                   answers=True, services=("file_complaint",))
    assert reading.kind == Kind.ANSWER


def test_an_unsure_request_for_another_service_steps_aside_for_did_you_mean():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "change_address", "confidence": 0.48},
               {"name": "cancel", "confidence": 0.2}]
    reading = read("아 그게 아니라 다른 걸 하고 싶어요", "birth_date", FINE_TASK, {"phone": "+821012345678"},
                   "nlu_fallback", 0.5, ranking=ranking)
    assert reading.kind == Kind.ROUTED  # the fallback rule asks, with a button for the address change
    # words that name the service with "instead" words need no asking
    assert read("아 그게 아니라 주소 바꾸고 싶어요", "birth_date", FINE_TASK, {"phone": "+821012345678"},
                "nlu_fallback", 0.5, ranking=ranking) == Reading(Kind.SWITCH, switch_to="change_address")
    # the same unsure reading of a plain answer is still the answer
    assert read("1985-03-14", "birth_date", FINE_TASK, {"phone": "+821012345678"}, "nlu_fallback", 0.5,
                answers=True, ranking=ranking).kind == Kind.ANSWER


def test_a_clear_request_for_another_service_wins_over_a_stray_parse_of_the_choice():
    reading = read("fine, skip it, I want to pay a fine instead", "complaint_category", COMPLAINT_TASK, COMPLAINT_FILLED,
                   "pay_fine", 0.9, answers=True, services=("file_complaint",))
    assert (reading.kind, reading.switch_to) == (Kind.SWITCH, "pay_fine")


@pytest.mark.parametrize("text,slot,value", [
    ("325가 아니라 388", "complaint_place", "테헤란로 388 앞"),
    ("not 325 but 388", "complaint_place", "테헤란로 388 앞"),
    ("388, not 325", "complaint_place", "테헤란로 388 앞"),
    ("가로등 말고 신호등이요", "complaint_text", "신호등이 꺼졌어요"),
])
def test_not_this_but_that_corrects_the_earlier_answer_that_holds_the_wrong_part(text, slot, value):
    filled = {**COMPLAINT_FILLED, "complaint_place": {"address": "테헤란로 325 앞"}}
    reading = read(text, "photo_id", COMPLAINT_TASK, filled, services=("file_complaint",))
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, slot, value)


def test_not_this_but_that_naming_no_earlier_answer_is_left_to_the_asked_question():
    reading = read("카드 말고 가상계좌로 할게요", "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]}, answers=True)
    assert reading.kind == Kind.ANSWER


@pytest.mark.parametrize("text,intent,confidence", [
    ("hold off, I'll pay after payday", "nlu_fallback", 0.5),
    ("월급 들어오면 그때 낼게요", "inform", 0.4),
    ("나중에 다시 할게요", "cancel", 0.99),
    ("no need, I'll go to the office myself", "nlu_fallback", 0.5),
    ("안 해도 될 것 같아요", "deny", 0.5),
    ("bye for now", "goodbye", 0.95),
])
def test_putting_the_task_off_or_leaving_is_a_stop(text, intent, confidence):
    assert read(text, "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]}, intent, confidence).kind == Kind.CANCEL


def test_a_short_line_saying_the_complaint_is_not_needed_is_a_stop_not_its_description():
    reading = read("신고 안해도 될듯", "complaint_text", COMPLAINT_TASK, intent="file_complaint", confidence=0.98,
                   services=("file_complaint",))
    assert reading.kind == Kind.CANCEL


@pytest.mark.parametrize("text,requested", [
    ("I'm moving later this month, on the 20th", "effective_date"),
    ("can I pay later?", "payment_method"),
    ("사진은 나중에 보낼게요", "photo_id"),
    ("no need for a photo", "photo_id"),
    ("다음에 또 이러면 사고 날 것 같아서 신고합니다 가로등이 계속 꺼져 있어요", "complaint_text"),
])
def test_later_or_no_need_about_the_asked_question_or_inside_a_description_is_not_a_stop(text, requested):
    assert read(text, requested, ADDRESS_TASK + COMPLAINT_TASK, intent="inform", confidence=0.8,
                services=("file_complaint",)).kind != Kind.CANCEL


@pytest.mark.parametrize("text,requested", [
    ("pls call me back instead", "complaint_confirm"),
    ("전화 좀 주실 수 있어요?", "payment_confirm"),
    ("can someone just ring me about this", "address_confirm"),
])
def test_asking_to_be_called_is_a_request_for_a_person(text, requested):
    assert read(text, requested, FINE_TASK, intent="cancel", confidence=0.6).kind == Kind.PERSON


def test_a_phone_number_given_with_call_me_at_is_not_a_request_for_a_person():
    assert read("call me at 010-1234-5678", "phone", FINE_TASK, intent="inform", answers=True).kind == Kind.ANSWER


def test_a_date_corrected_with_not_today_is_a_correction_and_not_today_alone_is_a_stop():
    reading = read("sorry we're moving tomorrow not today", "member_ids", ADDRESS_TASK, ADDRESS_FILLED,
                   services=("change_address",))
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "effective_date")
    assert read("not today, thanks", "member_ids", ADDRESS_TASK, ADDRESS_FILLED, intent="deny",
                services=("change_address",)).kind == Kind.CANCEL


def test_another_service_asked_for_first_is_a_switch_even_where_a_number_answers():
    reading = read("아 그거 말고 전입신고부터 할래요", "fine_ids", FINE_TASK, intent="change_address", confidence=0.9,
                   answers=True)
    assert (reading.kind, reading.switch_to) == (Kind.SWITCH, "change_address")


@pytest.mark.parametrize("text", ["the whole family is moving", "온 가족 다 같이 가요", "all 3 of us", "가족 같이 이사해요"])
def test_the_whole_family_moves_everyone(text):
    from actions.address import pick_members
    members = [{"id": "ct_1", "name": "김하준", "relation": "배우자"}, {"id": "ct_2", "name": "이서연", "relation": "자녀"}]
    assert pick_members(text, members) == ["ct_1", "ct_2"]


@pytest.mark.parametrize("text", ["hmm, not everyone is coming - I need to change who's on this",
                                  "다는 아니고 몇 명만 가요", "not all of us are moving"])
def test_saying_not_everyone_moves_chooses_nobody_yet(text):
    from actions.address import pick_members
    members = [{"id": "ct_1", "name": "김하준", "relation": "배우자"}, {"id": "ct_2", "name": "이서연", "relation": "자녀"}]
    assert pick_members(text, members) is None  # the question is asked again, nobody is taken for everyone


@pytest.mark.parametrize("text,requested", [
    ("actually don't send it", "complaint_confirm"), ("wait don't charge me yet", "payment_confirm"),
    ("잠깐 신고하지 마세요", "address_confirm"), ("결제하지 마세요", "payment_confirm"),
])
def test_dont_do_it_at_the_summary_is_a_stop_not_a_change(text, requested):
    assert read(text, requested, FINE_TASK, intent="cancel", confidence=0.6, answers=True).kind == Kind.CANCEL


@pytest.mark.parametrize("text", ["잠깐만요 문자 확인해볼게요", "hold on let me find my phone", "one sec", "잠시만요"])
def test_hold_on_is_a_pause_not_an_answer_or_a_correction(text):
    reading = read(text, "otp_code", FINE_TASK, {"phone": "+821012345678", "birth_date": "1985-03-14"},
                   intent="out_of_scope", confidence=0.9)
    assert (reading.kind, reading.value) == (Kind.STRAY, "wait")


def test_naming_an_earlier_answer_without_a_new_value_or_a_wrong_word_changes_nothing():
    filled = {"phone": "+821012345678", "birth_date": "1985-03-14"}
    reading = read("hang on, my phone is in the other room", "otp_code", FINE_TASK, filled, intent="out_of_scope")
    assert (reading.kind, reading.value) == (Kind.STRAY, "wait")
    reading = read("주소는 역삼로 12예요", "effective_date", ADDRESS_TASK, ADDRESS_FILLED, services=("change_address",))
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "new_address")


def test_a_place_answer_ending_in_not_needed_after_all_is_a_stop():
    reading = read("아 방금 보니까 공사하고 있네요 신고 안 해도 되겠어요", "complaint_place", COMPLAINT_TASK,
                   intent="file_complaint", confidence=0.7, answers=True, services=("file_complaint",))
    assert reading.kind == Kind.CANCEL


@pytest.mark.parametrize("text,intent", [("ㄴㄴ 안해", "deny"), ("됐어여", "nlu_fallback"), ("안할래여", "cancel")])
def test_short_korean_ways_to_stop_typed_softly_are_a_stop(text, intent):
    assert read(text, "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]}, intent, 0.5).kind == Kind.CANCEL


def test_a_bare_no_at_the_summary_is_still_a_change():
    assert read("ㄴㄴ", "payment_confirm", FINE_TASK, intent="deny", confidence=1.0, answers=True).kind == Kind.ANSWER


def test_asking_to_do_it_by_phone_is_a_request_for_a_person():
    assert read("이거 전화로 하면 안 돼요?", "effective_date", ADDRESS_TASK, intent="nlu_fallback",
                confidence=0.5, services=("change_address",)).kind == Kind.PERSON


def test_another_service_asked_for_first_is_a_switch_even_when_nlu_is_only_half_sure():
    ranking = [{"name": "change_address", "confidence": 0.54}, {"name": "cancel", "confidence": 0.45}]
    reading = read("actually forget that, I need to change my address first", "complaint_category", COMPLAINT_TASK,
                   intent="change_address", confidence=0.54, ranking=ranking, services=("file_complaint",))
    assert (reading.kind, reading.switch_to) == (Kind.SWITCH, "change_address")


def test_a_whole_new_place_said_after_the_wrong_part_replaces_the_place():
    filled = {**COMPLAINT_FILLED, "complaint_place": {"address": "outside 59 Mapo-daero"}}
    reading = read("sorry wrong number, it's 38 Mapo-daero not 59", "photo_id", COMPLAINT_TASK, filled,
                   services=("file_complaint",))
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, "complaint_place", "38 Mapo-daero")


@pytest.mark.parametrize("text", ["잔금일이 아직 안 정해져서요 날짜 나오면 다시 올게요", "lease isnt signed yet, ill come back"])
def test_coming_back_later_is_a_stop(text):
    assert read(text, "effective_date", ADDRESS_TASK, intent="nlu_fallback", confidence=0.5,
                services=("change_address",)).kind == Kind.CANCEL


def test_give_me_a_ring_asks_for_a_person():
    assert read("before you send it could someone give me a ring?", "complaint_confirm", COMPLAINT_TASK,
                intent="inform", confidence=0.5, answers=True).kind == Kind.PERSON


def test_a_date_correction_that_nlu_leans_to_cancel_is_still_a_correction():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "cancel", "confidence": 0.42}]
    reading = read("sorry, my mistake - we actually move in on the 15th, not today", "member_ids", ADDRESS_TASK,
                   ADDRESS_FILLED, intent="nlu_fallback", confidence=0.5, ranking=ranking, services=("change_address",))
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "effective_date")
    assert "15th" in reading.value and "today" not in reading.value


def test_yes_and_report_at_the_move_summary_is_not_a_switch_to_a_complaint():
    reading = read("ㅇㅇ 신고해주세요", "address_confirm", ADDRESS_TASK, ADDRESS_FILLED, intent="file_complaint",
                   confidence=0.9, answers=True, services=("change_address",))
    assert reading.kind == Kind.ANSWER


def test_naming_who_moves_at_the_summary_is_a_change_not_a_request_for_a_person():
    filled = {**ADDRESS_FILLED, "member_ids": []}
    reading = read("같이 가는 사람이 빠졌어요", "address_confirm", ADDRESS_TASK, filled, intent="request_human",
                   confidence=0.66, services=("change_address",))
    assert reading.kind == Kind.CORRECTION and reading.slot == "member_ids"


def test_a_new_phone_typed_where_the_code_is_asked_corrects_the_phone():
    filled = {"phone": "+821012345678", "birth_date": "1985-03-14"}
    reading = read("아 제가 예전 번호를 알려드렸어요. 지금 쓰는 번호는 010-5550-1234이에요", "otp_code", FINE_TASK, filled,
                   intent="inform")
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "phone")


def test_someone_i_can_ask_is_a_person():
    assert read("금액이 좀 이상한데 이거 직접 물어볼 수 있는 분 없나요?", "fine_ids", FINE_TASK, intent="nlu_fallback",
                confidence=0.5).kind == Kind.PERSON


def test_a_whole_place_after_a_wrong_word_corrects_the_place():
    filled = {"complaint_text": "in front of 12 Yeoksam-ro", "complaint_place": {"address": "in front of 12 Yeoksam-ro"}}
    reading = read("wait I put the wrong street number, it's 25 Yeoksam-ro", "complaint_category", COMPLAINT_TASK,
                   filled, services=("file_complaint",))
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "complaint_place")


def test_wanting_to_write_more_at_the_summary_asks_the_description_again_and_keeps_no_new_words():
    reading = read("내용을 좀 더 자세하게 적고 싶은데요", "complaint_confirm", COMPLAINT_TASK, COMPLAINT_FILLED,
                   services=("file_complaint",), answers=False)
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, "complaint_text", "")


def test_another_service_asked_for_instead_wins_over_a_stop_in_the_same_line():
    reading = read("nvm that, I'd rather sort out my unpaid fine first", "case_number",
                   ["phone", "birth_date", "otp_code", "case_number"], intent="pay_fine", confidence=0.8,
                   services=("check_application_status",))
    assert (reading.kind, reading.switch_to) == (Kind.SWITCH, "pay_fine")


@pytest.mark.parametrize("text,requested,task,services,expected", [
    # NLU hears only the stop; the words ask for another service first
    ("nvm that, I'd rather sort out my unpaid fine first", "effective_date", ADDRESS_TASK, ("change_address",),
     "pay_fine"),
    ("됐고 과태료부터 먼저 낼래요", "complaint_text", COMPLAINT_TASK, ("file_complaint",), "pay_fine"),
    ("forget it, I'll pay later, first I want to know how my application is going", "fine_ids", FINE_TASK,
     ("pay_fine",), "check_application_status"),
])
def test_a_stop_that_asks_for_another_service_first_switches_to_it(text, requested, task, services, expected):
    reading = read(text, requested, task, intent="cancel", confidence=0.96, services=services)
    assert reading == Reading(Kind.SWITCH, switch_to=expected)


@pytest.mark.parametrize("text", ["never mind, I'd rather not move yet", "never mind, I will do it first thing tomorrow",
                                  "그만할게요 과태료도 이사도 나중에"])
def test_a_stop_naming_no_wanted_service_stays_a_stop(text):
    assert read(text, "effective_date", ADDRESS_TASK, intent="cancel", confidence=0.96,
                services=("change_address",)).kind == Kind.CANCEL


def test_a_wrong_number_said_after_other_words_is_replaced_inside_the_place():
    filled = {**COMPLAINT_FILLED, "complaint_place": {"address": "선릉로 325 옆 공원"}}
    reading = read("어 번지를 잘못 봤네요 325가 아니라 388이에요", "photo_id", COMPLAINT_TASK, filled,
                   services=("file_complaint",))
    assert reading == Reading(Kind.CORRECTION, slot="complaint_place", value="선릉로 388 옆 공원")


def test_a_digit_is_replaced_only_where_it_stands_as_a_whole_number():
    filled = {**COMPLAINT_FILLED, "complaint_place": {"address": "선릉로 325, 3층"}}
    reading = read("3 말고 4요", "photo_id", COMPLAINT_TASK, filled, services=("file_complaint",))
    assert reading == Reading(Kind.CORRECTION, slot="complaint_place", value="선릉로 325, 4층")


def test_the_corrected_place_is_the_part_that_names_a_place_not_the_excuse_after_it():
    reading = read("the place should be 196 Songpa-daero, I mixed up the numbers", "complaint_confirm",
                   COMPLAINT_TASK, COMPLAINT_FILLED, services=("file_complaint",), answers=False)
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, "complaint_place", "196 Songpa-daero")


@pytest.mark.parametrize("text", ["that's right now", "looks good", "go ahead"])
def test_a_yes_that_nlu_reads_as_goodbye_is_a_yes_at_the_summary(text):
    reading = read(text, "complaint_confirm", COMPLAINT_TASK, COMPLAINT_FILLED, intent="goodbye", confidence=0.74,
                   services=("file_complaint",), answers=True)
    assert reading.kind == Kind.ANSWER


@pytest.mark.parametrize("text,expected", [
    ("저랑 신건우 둘이 해요", ["ct_2"]),                       # a name, and "둘" (the two of us) is no choice number
    ("저만요, 와이프는 나중에 따로 할 거예요", []),            # only me, whoever else is named
    ("me", []), ("2번이요", ["ct_2"]), ("just me and 신건우", ["ct_2"]), ("only moving myself", []),
])
def test_who_moves_goes_by_names_before_numbers_and_only_me_before_names(text, expected):
    from actions.address import pick_members
    members = [{"id": "ct_1", "name": "최서윤", "relation": "배우자"}, {"id": "ct_2", "name": "신건우", "relation": "자녀"}]
    assert pick_members(text, members) == expected


def test_putting_this_task_off_for_another_service_first_is_a_switch_even_when_nlu_hears_this_one():
    reading = read("과태료는 이따 낼게요 그 전에 집앞 가로등 나간 거 신고부터 할래요", "fine_ids", FINE_TASK,
                   intent="pay_fine", confidence=0.7, services=("pay_fine",))
    assert reading == Reading(Kind.SWITCH, switch_to="file_complaint")
    # NLU names the other service, just below a sure switch
    reading = read("과태료는 이따 낼게요 그 전에 집앞 가로등 나간 거 신고부터 할래요", "fine_ids", FINE_TASK,
                   intent="file_complaint", confidence=0.59, services=("pay_fine",))
    assert reading == Reading(Kind.SWITCH, switch_to="file_complaint")


def test_naming_a_wrong_answer_without_a_new_value_asks_it_again():
    reading = read("이사 날짜가 틀렸어요", "address_confirm", ADDRESS_TASK, ADDRESS_FILLED, services=("change_address",))
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, "effective_date", "")


@pytest.mark.parametrize("text", ["근데 1번은 뭐 때문에 나온 거예요? 거기 주차한 적이 없는데",
                                  "whats the second one for?? never got any letter about it"])
def test_a_why_question_followed_by_a_remark_is_a_question_not_a_choice(text):
    reading = read(text, "fine_ids", FINE_TASK, answers=True)
    assert reading == Reading(Kind.QUESTION, value="why")


def test_asking_for_a_person_at_the_end_of_a_long_description_hands_off():
    text = ("so basically my landlord keeps dumping construction waste in the shared yard and he says the city told "
            "him its fine but... honestly its a whole saga, can i just talk to an actual person")
    assert read(text, "complaint_text", COMPLAINT_TASK, intent="file_complaint", confidence=0.8,
                services=("file_complaint",), ranking=[{"name": "file_complaint", "confidence": 0.8},
                                                       {"name": "request_human", "confidence": 0.1}]).kind == Kind.PERSON


def test_a_polite_wish_to_speak_with_staff_at_the_summary_hands_off():
    text = ("Thank you for the summary. Before I confirm, however, I would be grateful to speak with a member of "
            "staff, as I believe this fine may have been issued to the wrong vehicle. Kind regards.")
    assert read(text, "payment_confirm", FINE_TASK, {"fine_ids": ["fn_1"], "payment_method": "card"},
                intent="inform", confidence=0.5).kind == Kind.PERSON


def test_thanks_at_a_place_question_is_no_place():
    reading = read("thanks so much, this is way easier than calling the gu office 🙏", "complaint_place",
                   COMPLAINT_TASK, intent="thank", confidence=0.9, services=("file_complaint",), answers=False)
    assert reading.kind == Kind.ROUTED


def test_a_yes_that_says_report_in_a_move_in_report_is_no_switch_to_a_complaint():
    reading = read("네 신고할게요", "member_ids", ADDRESS_TASK, ADDRESS_FILLED, intent="file_complaint", confidence=0.8,
                   services=("change_address",))
    assert reading.kind != Kind.SWITCH


def test_no_photo_in_words_nlu_hears_as_cancel_answers_the_photo_question():
    reading = read("지금은 사진이 없으니까 그냥 없이 할게요", "photo_id", COMPLAINT_TASK, COMPLAINT_FILLED,
                   intent="cancel", confidence=0.98, services=("file_complaint",), answers=True)
    assert reading.kind == Kind.ANSWER


def test_a_place_in_the_first_message_is_kept_with_the_description():
    from actions.address import road_address_in
    assert road_address_in("streetlight out in front of 20 Huam-ro for a week now, pls fix") == "20 Huam-ro"
    assert road_address_in("I waited 20 minutes at the bus stop") is None


@pytest.mark.parametrize("text,slot", [("장소가 잘못됐어요", "complaint_place"), ("주소 잘못 썼어요", "complaint_place")])
def test_saying_an_answer_was_wrong_carries_no_piece_of_the_words_as_its_value(text, slot):
    reading = read(text, "complaint_confirm", COMPLAINT_TASK, COMPLAINT_FILLED, services=("file_complaint",))
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, slot, "")


def test_another_one_is_no_choice_of_the_first():
    from actions.parsing import parse_choices
    assert parse_choices("want to add another one", 4) is None
    assert parse_choices("the first one", 4) == [0]


def test_a_date_that_nlu_hears_as_goodbye_answers_the_date_question():
    # "들어가요" is also "bye (take care)"
    reading = read("오늘 들어가요", "effective_date", ADDRESS_TASK, ADDRESS_FILLED, intent="goodbye", confidence=0.85,
                   services=("change_address",), answers=True)
    assert reading.kind == Kind.ANSWER


@pytest.mark.parametrize("text,requested", [
    ("I can't find any code on my phone. can you just put me through to someone at the office?", "otp_code"),
    ("주민센터에서 서류를 두번이나 잘못 떼줘서... 이거 문자로 쓰기엔 너무 길어요 그냥 담당자분이랑 통화하게 해주세요",
     "complaint_text"),
])
def test_a_person_asked_for_in_other_words_hands_off(text, requested):
    task = COMPLAINT_TASK if requested == "complaint_text" else ADDRESS_TASK
    assert read(text, requested, task, intent="inform", confidence=0.5, services=("file_complaint",),
                ranking=[{"name": "file_complaint", "confidence": 0.5}]).kind == Kind.PERSON


def test_a_stop_with_please_at_the_summary_stops():
    reading = read("hmm on second thought let's not, I'll pay at the bank next week. cancel please", "payment_confirm",
                   FINE_TASK, {"fine_ids": ["fn_1"], "payment_method": "virtual_account"}, intent="cancel",
                   confidence=0.99)
    assert reading.kind == Kind.CANCEL


def test_another_service_asked_first_wins_over_naming_this_ones_answer_without_a_value():
    reading = read("oh wait actually, forget the fine for now - I just remembered I never registered my new address, "
                   "can we do that first", "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]}, intent="inform",
                   confidence=0.5)
    assert reading == Reading(Kind.SWITCH, switch_to="change_address")


def test_choosing_again_what_to_pay_at_the_summary_asks_the_fines_again():
    reading = read("잠깐 낼 거 다시 고를게요", "payment_confirm", FINE_TASK,
                   {"fine_ids": ["fn_1"], "payment_method": "card"})
    assert (reading.kind, reading.slot) == (Kind.CORRECTION, "fine_ids")


def test_a_changed_address_is_the_part_that_says_a_whole_address_not_the_remark_with_the_old_number():
    reading = read("pls change the address to 306 Olympic-ro, 190 was my friend's place lol", "address_confirm",
                   ADDRESS_TASK, {**ADDRESS_FILLED, "new_address": "190 Olympic-ro"}, services=("change_address",))
    assert (reading.kind, reading.slot, reading.value) == (Kind.CORRECTION, "new_address", "306 Olympic-ro")


def test_a_wait_after_sorry_is_a_wait_not_a_description():
    reading = read("sorry one sec, someone at the door", "complaint_text", COMPLAINT_TASK, services=("file_complaint",))
    assert reading == Reading(Kind.STRAY, value="wait")


def test_a_wait_that_asks_for_another_service_first_is_a_switch():
    reading = read("아 잠깐 그거보다 과태료 먼저 내야겠어요 낼모레까지라서", "complaint_place", COMPLAINT_TASK,
                   intent="inform", confidence=0.5, services=("file_complaint",))
    assert reading == Reading(Kind.SWITCH, switch_to="pay_fine")


@pytest.mark.parametrize("text", [
    "옆집 개가 밤새 짖어요, 얘기가 길어서 그냥 상담원이랑 직접 얘기하면 안 될까요?",
    "담당자와 통화할 수 있을까요? 설명하기가 복잡해서요",
    "this is a long story, is there someone I can talk to",
])
def test_asking_for_a_person_inside_a_description_is_a_request_for_a_person(text):
    # NLU reads the long line as a complaint; the question for a person in it still wins
    reading = read(text, "complaint_text", COMPLAINT_TASK, intent="file_complaint", confidence=0.82,
                   services=("file_complaint",), ranking=[{"name": "file_complaint", "confidence": 0.82},
                                                          {"name": "request_human", "confidence": 0.09}])
    assert reading.kind == Kind.PERSON


@pytest.mark.parametrize("text", ["직원이랑 얘기했는데 소용없었어요 가로등이 계속 꺼져 있어요",
                                  "the agent I talked to was rude and the light is still broken"])
def test_a_description_that_tells_of_talking_to_staff_stays_a_description(text):
    reading = read(text, "complaint_text", COMPLAINT_TASK, intent="file_complaint", confidence=0.8,
                   services=("file_complaint",), ranking=[{"name": "file_complaint", "confidence": 0.8},
                                                          {"name": "request_human", "confidence": 0.1}])
    assert reading.kind == Kind.ANSWER


@pytest.mark.parametrize("text", ["아 하나만 말고 두개 다 낼래요", "actually I'll pay both of them"])
def test_choosing_all_at_the_payment_summary_changes_the_fines(text):
    # NLU is unsure what such a line is (a fallback); the words "both"/"다 낼래요" say it is the list of fines
    reading = read(text, "payment_confirm", FINE_TASK, {"fine_ids": ["fn_1"], "payment_method": "card"},
                   intent="nlu_fallback", confidence=0.5, answers=False)
    assert reading.kind == Kind.CORRECTION and reading.slot == "fine_ids"


def test_musing_about_a_field_then_keeping_it_at_the_summary_is_no_correction():
    # the words name the place, but the citizen decides to keep it: nothing of the sentence becomes the place
    reading = read("음 장소를 좀 더 자세히 써야 하나... 아니에요 그냥 그대로 접수해주세요", "complaint_confirm",
                   COMPLAINT_TASK, COMPLAINT_FILLED, intent="affirm", confidence=0.6, services=("file_complaint",))
    assert reading.kind != Kind.CORRECTION


@pytest.mark.parametrize("text,slot", [("장소가 좀 애매하게 적힌 것 같아요", "complaint_place"),
                                       ("the address bit looks off somehow", "new_address")])
def test_a_correction_without_a_place_carries_no_place(text, slot):
    # a place is only ever written from words that name one
    assert value_words(text, slot) == ""


def test_a_half_line_about_the_code_is_no_switch_to_another_service():
    # NLU hears "결제 확인" in "인증번호가 아직 안" (check_payment 0.61): the words name the asked code
    reading = read("인증번호가 아직 안", "otp_code", FINE_TASK, {"phone": "+821012345678", "birth_date": "1985-03-14"},
                   intent="check_payment", confidence=0.61, services=("check_application_status",))
    assert reading.kind != Kind.SWITCH


@pytest.mark.parametrize("text", ["아 근데 아직 집 계약을 확정을 못해서요 계약 끝나면 그때 다시 할게요",
                                  "날짜 정해지면 다시 신청할게요"])
def test_putting_the_task_off_until_something_happens_stops_it(text):
    reading = read(text, "new_address", ADDRESS_TASK, intent="out_of_scope", confidence=0.88,
                   services=("change_address",))
    assert reading.kind == Kind.CANCEL


def test_someone_else_having_reported_it_already_stops_the_complaint():
    text = ("Oh, actually my neighbour just told me she already reported it this morning, so there's no need for me "
            "to do it. Thanks anyway")
    reading = read(text, "complaint_category", COMPLAINT_TASK, {"complaint_text": "a car parked across the pavement"},
                   intent="thank", confidence=0.6, services=("file_complaint",))
    assert reading.kind == Kind.CANCEL


def test_reporting_something_else_first_at_the_payment_summary_switches_to_a_complaint():
    text = ("Hold on before I pay. The reason I got this ticket is that the no-parking sign on my street is missing. "
            "I want to report that missing sign first.")
    reading = read(text, "payment_confirm", FINE_TASK, {"fine_ids": ["fn_1"], "payment_method": "card"},
                   intent="pay_fine", confidence=0.5)
    assert reading.kind == Kind.SWITCH and reading.switch_to == "file_complaint"


def test_putting_the_move_off_is_a_stop_though_its_words_hold_place_syllables():
    # "다시" and "끝나면" hold 시 and 면, which the loose address check takes for a place
    reading = read("아 근데 아직 집 계약을 확정을 못해서요 계약 끝나면 그때 다시 할게요", "new_address", ADDRESS_TASK,
                   intent="out_of_scope", confidence=0.88, answers=True, services=("change_address",))
    assert reading.kind == Kind.CANCEL


def test_a_question_about_how_to_write_the_address_is_a_question():
    reading = read("do I need to put the full address with the district or just the street?", "new_address",
                   ADDRESS_TASK, intent="change_address", confidence=0.5, answers=True, services=("change_address",))
    assert reading.kind == Kind.QUESTION
    assert read("183 Olympic-ro, Songpa-gu, right?", "new_address", ADDRESS_TASK, intent="inform", confidence=0.6,
                answers=True, services=("change_address",)).kind == Kind.ANSWER


@pytest.mark.parametrize("text", ["thanks, this is much quicker than phoning the district office",
                                  "음 잘 모르겠네요 그냥 해주세요"])
def test_words_that_name_no_place_are_never_the_place(text):
    reading = read(text, "complaint_place", COMPLAINT_TASK, intent="inform", confidence=0.6,
                   services=("file_complaint",),
                   ranking=[{"name": "inform", "confidence": 0.6}, {"name": "file_complaint", "confidence": 0.3}])
    assert reading.kind != Kind.ANSWER


@pytest.mark.parametrize("text", ["sry hold on", "잠깐만요", "죄송해요 잠시만요"])
def test_asking_for_a_moment_never_stops_the_task(text):
    reading = read(text, "photo_id", COMPLAINT_TASK, COMPLAINT_FILLED, intent="cancel", confidence=0.57,
                   services=("file_complaint",))
    assert reading.kind == Kind.STRAY and reading.value == "wait"


@pytest.mark.parametrize("text", ["the location, i put the wrong building", "장소요, 건물을 잘못 적었어요"])
def test_naming_the_wrong_place_carries_no_new_place(text):
    assert value_words(text, "complaint_place") == ""


@pytest.mark.parametrize("text", ["인증번호 안 오는데요;; 이거 사람이 하는 거 아니에요? 그냥 상담하시는 분 바꿔 주세요",
                                  "I never got any code. this bot is useless, get me someone"])
def test_frustration_that_asks_for_someone_is_a_request_for_a_person(text):
    reading = read(text, "otp_code", FINE_TASK, {"phone": "+821012345678", "birth_date": "1985-03-14"},
                   intent="out_of_scope", confidence=0.5, answers=True)
    assert reading.kind == Kind.PERSON


def test_forgetting_this_task_for_another_one_named_is_a_switch():
    text = "forget the fine for now, i want to report the traffic light at my junction, its been broken all day"
    reading = read(text, "fine_ids", FINE_TASK, intent="cancel", confidence=0.7)
    assert reading.kind == Kind.SWITCH and reading.switch_to == "file_complaint"


def test_a_question_that_asks_for_another_service_first_is_a_switch():
    text = ("actually hold on, that reminds me I've got a parking fine of my own to pay, can we sort that out "
            "first?")
    reading = read(text, "complaint_place", COMPLAINT_TASK, {"complaint_text": "a van parked on the pavement"},
                   intent="pay_fine", confidence=0.45, services=("file_complaint",))
    assert reading.kind == Kind.SWITCH and reading.switch_to == "pay_fine"


def test_paying_what_is_owed_during_a_complaint_about_parking_switches_to_the_fine():
    # a windshield ticket read as a parking complaint: the words about paying name the fine
    reading = read("밀린 거 있으면 전부 같이 낼래요", "complaint_category", COMPLAINT_TASK,
                   {"complaint_text": "앞유리에 주차위반 스티커가 붙어 있어요"}, intent="pay_fine", confidence=0.99,
                   services=("file_complaint",))
    assert reading.kind == Kind.SWITCH and reading.switch_to == "pay_fine"


def test_forgetting_the_fine_for_a_named_complaint_switches_even_where_a_word_picks_a_fine():
    # "traffic light" holds "light", the telling word of a red-light fine: the answer parser takes it
    text = "forget the fine for now, i want to report the traffic light at my junction, its been broken all day"
    reading = read(text, "fine_ids", FINE_TASK, intent="cancel", confidence=0.5, answers=True)
    assert reading.kind == Kind.SWITCH and reading.switch_to == "file_complaint"


@pytest.mark.parametrize("text,requested,task,filled,intent,confidence,services", [
    ("Thank you, but I've decided not to file it after all.", "complaint_confirm", COMPLAINT_TASK, COMPLAINT_FILLED,
     "cancel", 0.63, ("file_complaint",)),
    ("On reflection, my neighbour tells me she has already reported it, so I shall leave the matter there.",
     "complaint_place", COMPLAINT_TASK, {"complaint_text": "a broken bench", "complaint_category": "parks"},
     "out_of_scope", 0.6, ("file_complaint",)),
])
def test_deciding_not_to_go_on_stops_the_task(text, requested, task, filled, intent, confidence, services):
    assert read(text, requested, task, filled, intent=intent, confidence=confidence,
                services=services).kind == Kind.CANCEL


def test_another_service_asked_for_before_this_one_switches():
    text = "아 그 전에요, 지금 사는 집 앞 가로등이 일주일째 나가 있는데 그거부터 신고할게요"
    reading = read(text, "effective_date", ADDRESS_TASK, {"new_address": "역삼로 25"}, intent="file_complaint",
                   confidence=0.74, services=("change_address",))
    assert reading.kind == Kind.SWITCH and reading.switch_to == "file_complaint"


@pytest.mark.parametrize("text,requested,task,filled", [
    ("hmm, that second one isn't mine, I was out of the country that day. who do I talk to about this?", "fine_ids",
     FINE_TASK, {}),
    ("새로 지은 빌라라서 주소가 아직 안 나올 거예요. 이건 담당자분이 직접 봐주셔야 할 것 같은데요", "new_address",
     ADDRESS_TASK, {}),
    ("이거 누구한테 물어봐야 돼요?", "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]}),
])
def test_asking_who_to_talk_to_or_for_staff_to_look_at_it_is_a_request_for_a_person(text, requested, task, filled):
    assert read(text, requested, task, filled, intent="inform", confidence=0.5).kind == Kind.PERSON


def test_asking_for_the_other_choices_while_unsure_is_a_question_not_the_choice_other():
    reading = read("what are the other categories? not sure that one fits", "complaint_category", COMPLAINT_TASK,
                   {"complaint_text": "a car parked on the pavement"}, intent="inform", confidence=0.5, answers=True,
                   services=("file_complaint",))
    assert reading.kind == Kind.QUESTION


def test_another_service_asked_before_i_forget_is_a_switch():
    reading = read("oh wait, before I forget, can you check where my application AP-2026-000060 is?",
                   "effective_date", ADDRESS_TASK, {"new_address": "테헤란로 12", "address_id": "ad_1"},
                   intent="check_application_status", confidence=0.8, services=("change_address",))
    assert reading == Reading(Kind.SWITCH, switch_to="check_application_status")


@pytest.mark.parametrize("text", ["actually it's fine, keep it as it is", "that's fine by me, go ahead"])
def test_fine_meaning_all_right_at_the_summary_names_no_fines(text):
    reading = read(text, "payment_confirm", FINE_TASK, {"fine_ids": ["fn_1"], "payment_method": "card"},
                   intent="affirm", confidence=0.6, answers=True)
    assert reading.kind == Kind.ANSWER


def test_asking_which_other_ways_there_are_is_a_question_even_with_words_of_change():
    reading = read("카드 말고는 어떤 방법으로 낼 수 있어요?", "payment_method", FINE_TASK, {"fine_ids": ["fn_1"]},
                   answers=True)
    assert reading.kind == Kind.QUESTION


def test_putting_this_off_and_asking_for_another_service_first_is_a_switch_though_it_starts_with_ok():
    reading = read("ok, I'll pay those later. can we finish the address change first?", "payment_method", FINE_TASK,
                   {"fine_ids": ["fn_1"]}, intent="change_address", confidence=0.6, answers=True)
    assert reading == Reading(Kind.SWITCH, switch_to="change_address")


@pytest.mark.parametrize("text", ["keep the address but change the date to tomorrow",
                                  "주소는 그대로 두고 날짜만 내일로 바꿔주세요"])
def test_the_answer_named_to_keep_is_not_the_one_changed(text):
    reading = read(text, "address_confirm", ADDRESS_TASK, {**ADDRESS_FILLED, "member_ids": []},
                   services=("change_address",))
    assert reading.kind == Kind.CORRECTION and reading.slot == "effective_date"


@pytest.mark.parametrize("text,place", [("아이고 이런것도 되는구먼 우리 손녀가 여기다 하면 된다고 알려줬어요", False),
                                        ("강남구 역삼동", True), ("서울시청 앞", True), ("잠실역 2번 출구", True),
                                        ("동네 놀이터 옆이요", True)])
def test_one_syllable_place_endings_count_only_at_a_words_end(text, place):
    assert PLACE_WORDS.search(text.replace("우리", " ")) is not None or not place
    from actions.interpret import names_a_place
    assert names_a_place(text) is place


@pytest.mark.parametrize("text", ["날짜가 틀렸네 오늘 말고 내일 들어가요 주소랑 식구는 그대로 두고요",
                                  "address ok but date should be tomorrow. rest same"])
def test_answers_named_together_to_keep_are_kept_and_the_other_changed(text):
    reading = read(text, "address_confirm", ADDRESS_TASK, {**ADDRESS_FILLED, "member_ids": []},
                   services=("change_address",))
    assert reading.kind == Kind.CORRECTION and reading.slot == "effective_date"


@pytest.mark.parametrize("said,last", [
    ("1996-01-07 아 아니 1995-01-07요", "1995-01-07요"),
    ("1955-06-03 wait no 1954-06-03", "1954-06-03"),
    ("1990-02-03, sorry, i mean 1990-03-02", "1990-03-02"),
    ("1985-03-14 이요", None),  # nothing taken back
    ("1985-03-14 아니요", None),  # nothing said after
    ("아니 1985-03-14요", None),  # nothing said before
])
def test_the_value_said_last_is_the_one_taken_when_one_message_takes_back_another(said, last):
    from actions.interpret import said_last
    from actions.parsing import parse_birth_date

    assert said_last(said, lambda part: parse_birth_date(part) is not None) == last


def test_a_number_alone_said_last_puts_right_the_number_of_what_came_before():
    from actions.interpret import said_last

    def road(part: str) -> bool:
        return bool(re.search(r"(로|길|ro)\s*\d+|\d+\s*\S+-ro", part))

    assert said_last("강남대로 93 아니고 153이에요", road) == "강남대로 153"
    assert said_last("17 Huam-ro no wait sorry 20 Huam-ro", road) == "20 Huam-ro"


@pytest.mark.parametrize("text", [
    "아 아니에요 그냥 할게요", "아 아니에요 그냥 해볼게요 기다리기도 뭐하고", "아 방금 문자 왔어요 상담원은 안 불러도 돼요",
    "아 가산금 붙어서 그렇구나 아니에요 상담사 안 불러도 돼요", "nah forget it, I'll just do it myself",
    "actually no, it's fine, please just go ahead and file it", "ok fine, never mind the human. birthday is October 17, 1981",
    "On second thought, there's no need. I'll carry on here.", "never mind", "상담원 연결 취소해 주세요",
    "아 잠깐만요 그냥 제가 해볼게요ㅎㅎ 연결 안해주셔도 돼요", "actually nvm, I'll just finish it here", "아 아니에요 그냥 여기다 쓸게요"])
def test_taking_back_a_request_for_a_person(text):
    from actions.interpret import person_not_needed
    assert person_not_needed(text)


@pytest.mark.parametrize("text", ["네 기다릴게요", "언제 연결돼요?", "I will wait", "ok thanks", "상담원 언제 와요",
                                  "아니 왜 이렇게 오래 걸려요", "no, I still need an agent", "1952년 11월 8일"])
def test_words_while_waiting_for_a_person_that_keep_the_request(text):
    from actions.interpret import person_not_needed
    assert not person_not_needed(text)


@pytest.mark.parametrize("text,redo", [
    ("아니다 가산금 더 붙기 전에 하나라도 내야겠어요 다시 할게요", True), ("알아보니까 지금 해도 된대요 전입신고 다시 할게요", True),
    ("eh scratch that, the late fee isn't worth it. let's pay it now", True), ("취소", False),
    ("다시 말해 주세요", False), ("ok thanks", False)])
def test_taking_back_a_cancel(text, redo):
    from actions.interpret import redoes
    assert redoes(text) is redo


@pytest.mark.parametrize("text", ["다시 생각해 보니 이번 민원은 접수하지 말고 취소해 주시기 바랍니다.",
                                  "번거롭게 해드려 죄송하지만 취소 부탁드립니다"])
def test_formal_ways_to_stop_at_a_summary(text):
    reading = read(text, "complaint_confirm", COMPLAINT_TASK, COMPLAINT_FILLED, intent="deny", confidence=0.6)
    assert reading.kind == Kind.CANCEL


def test_so_kind_as_to_names_no_category():
    reading = read("Would you be so kind as to let me amend the location before it is filed? I gave the wrong "
                   "building number.", "complaint_confirm", COMPLAINT_TASK, COMPLAINT_FILLED, intent="inform")
    assert reading.kind == Kind.CORRECTION and reading.slot == "complaint_place"


def test_an_answer_nlu_heard_as_a_person_stays_an_answer_without_words_for_one():
    # "전입하는 사람은 저 한 명뿐입니다" (request_human 0.76) at the household question
    reading = read("전입하는 사람은 저 한 명뿐입니다.", "member_ids", ADDRESS_TASK, ADDRESS_FILLED,
                   intent="request_human", confidence=0.76, answers=True)
    assert reading.kind != Kind.PERSON


def test_forgetting_the_answer_for_another_service_first_is_a_switch():
    reading = read("actually forget the bins, I need to sort out my address change first", "complaint_category",
                   COMPLAINT_TASK, {"complaint_text": "overflowing bins"}, intent="cancel", confidence=0.81,
                   answers=True, services=("file_complaint",))
    assert reading.kind == Kind.SWITCH and reading.switch_to == "change_address"


def test_a_person_asked_for_at_a_loose_choice_question_is_still_a_person():
    reading = read("사정이 길어서 글로는 힘드네요 직접 누구한테 설명드릴 수 있을까요", "complaint_category", COMPLAINT_TASK,
                   {"complaint_text": "윗집 층간소음"}, intent="request_human", confidence=0.9, answers=True,
                   services=("file_complaint",))
    assert reading.kind == Kind.PERSON


@pytest.mark.parametrize("text,kind", [
    ("근데 혹시 143번 버스 첫차가 몇 시인지도 알려주실 수 있어요?", Kind.STRAY),  # a number, no road: no place
    ("강남대로 93 앞 정류장인데 맞나요?", Kind.ANSWER), ("is 26 Wausan-ro right?", Kind.ANSWER)])
def test_a_question_with_a_number_but_no_road_is_no_place(text, kind):
    reading = read(text, "complaint_place", COMPLAINT_TASK, {"complaint_text": "정류장 지붕", "complaint_category": "transport"},
                   intent="file_complaint", confidence=0.88, answers=True, services=("file_complaint",))
    assert reading.kind == kind


def test_stop_for_now_stops():
    reading = read("hold on, haven't signed the lease yet. stop for now", "effective_date", ADDRESS_TASK,
                   {"new_address": "288 Jamsil-ro"}, intent="nlu_fallback", confidence=0.5, services=("change_address",))
    assert reading.kind == Kind.CANCEL


def test_a_road_of_two_words_is_found_in_a_first_message():
    from actions.address import road_address_in
    assert road_address_in("I need to register my new address, it's 86 Centum Jungang-ro in Haeundae, Busan, "
                           "moved in today") == "86 Centum Jungang-ro"


@pytest.mark.parametrize("text", ["ugh stop", "에휴 그만요", "ok cancel"])
def test_a_sigh_before_a_way_to_stop_still_stops_even_where_a_place_is_asked(text):
    assert read(text, "complaint_place", COMPLAINT_TASK, {}, "cancel", 0.99, answers=True).kind == Kind.CANCEL


def test_a_wait_typed_softly_is_a_wait():
    assert read("잠시만여 계약서 어딨더라", "new_address", ADDRESS_TASK, {}, "out_of_scope", 0.95) \
        == Reading(Kind.STRAY, value="wait")


@pytest.mark.parametrize("text,requested,task,services,intent,confidence,answers", [
    ("아 계약서 날짜부터 확인해야겠네요 오늘은 그만하고 나중에 다시 할게요", "effective_date", ADDRESS_TASK, "change_address",
     "cancel", 0.6, True),  # its "오늘" is no move-in date
    ("아 생각해보니 관리사무소에 먼저 말해볼래요 이건 취소요", "complaint_text", COMPLAINT_TASK, "file_complaint",
     "out_of_scope", 0.7, True),
    ("hmm cancel the complaint, I'll try talking to him myself first", "complaint_confirm", COMPLAINT_TASK,
     "file_complaint", "cancel", 0.97, False),
    ("too expensive with the late fee. cancel, i pay next month", "payment_confirm", FINE_TASK, "pay_fine", "cancel",
     0.62, False),
    ("아 그냥 됐어요 관리사무소에 먼저 얘기해볼게요", "complaint_place", COMPLAINT_TASK, "file_complaint", "out_of_scope",
     0.8, False),
    ("wait stop, need to check with my wife first. cancel for now", "member_ids", ADDRESS_TASK, "change_address",
     "cancel", 0.8, True),  # "my wife" is no member moving
])
def test_a_way_to_stop_in_a_longer_message_stops_at_any_question(text, requested, task, services, intent, confidence,
                                                                  answers):
    assert read(text, requested, task, {}, intent, confidence, answers=answers, services=(services,)).kind \
        == Kind.CANCEL


@pytest.mark.parametrize("text", ["the bus never stops here. it just drives past", "my flight got cancelled so I moved in late",
                                  "예약이 취소돼서 너무 화가 나요"])
def test_a_description_that_mentions_stopping_or_a_cancellation_is_a_description(text):
    assert read(text, "complaint_text", COMPLAINT_TASK, {}, "file_complaint", 0.9, answers=True,
                services=("file_complaint",)).kind == Kind.ANSWER


def test_a_short_plea_for_a_human_is_a_person():
    assert read("not giving my birthday to a bot. human pls", "birth_date", COMPLAINT_TASK, {}, "out_of_scope", 0.6,
                services=("file_complaint",)).kind == Kind.PERSON


def test_putting_one_service_off_for_another_first_switches():
    reading = read("아 주소 변경은 나중에 하고 과태료부터 내야겠어요", "new_address", ADDRESS_TASK, {}, "pay_fine", 0.8,
                   services=("change_address",))
    assert reading == Reading(Kind.SWITCH, switch_to="pay_fine")


@pytest.mark.parametrize("text,pair", [
    ("과태료도 내고 주소도 바꿔야 해요", ("pay_fine", "change_address")),
    ("I need to change my address and then maybe pay a fine", ("change_address", "pay_fine")),
    ("pay a fine and change my address, fine first pls", ("pay_fine", "change_address")),
    ("보도블럭 깨진거 신고하고 주소변경도 할건데 신고 먼저요", ("file_complaint", "change_address")),
    ("민원 하나 넣고 과태료도 낼게요", ("file_complaint", "pay_fine")),
    ("I'd like to report a move", None),  # one thing named two ways
    ("과태료 말고 주소 변경이요", None),  # one turned down
    ("과태료는 다음에 내고 이사 신고만 할게요", None),
])
def test_two_services_asked_at_once_come_in_the_order_asked(text, pair):
    assert two_services(text) == pair


@pytest.mark.parametrize("text", ["thanks. ok now the fine", "네 확인했어요 이제 과태료요", "아 그리고 아까 말한 과태료도요"])
def test_words_that_go_on_to_the_other_task_name_it(text):
    assert resumed_service(text) == "pay_fine"


@pytest.mark.parametrize("text", ["과태료는 오늘 말고 다음에 낼게요 고맙습니다", "가로등은 내일 다시 신고할게요",
                                  "주소는 이따 저녁에 다시 할게요"])
def test_a_task_put_off_to_another_time_is_put_off(text):
    assert puts_off(text)


@pytest.mark.parametrize("text,wait", [("앗 잠깐 버스 내려야돼요", True), ("hold on", True),
                                       ("잠깐만요 과태료 먼저 낼게요", False), ("버스가 30분째 안 와요", False)])
def test_a_moment_asked_for_with_its_reason_is_a_wait(text, wait):
    assert is_wait(text) is wait


def test_a_place_question_answered_with_i_will_check_and_come_back_cancel_is_a_stop_not_the_place():
    reading = read("아 정확한 주소를 모르겠네 확인하고 다시 할게요 취소", "complaint_place", COMPLAINT_TASK,
                   {"complaint_text": "소화전 앞 불법주차"})
    assert reading.kind == Kind.CANCEL


def test_a_question_in_the_middle_of_a_remark_is_a_question_not_a_choice_of_payment():
    # "what is a virtual account? you put money in at the bank? I don't use cards" chooses nothing yet
    reading = read("가상계좌가 머예요 은행가서 돈 넣는건가요 제가 카드를 안써서요", "payment_method", FINE_TASK,
                   {"fine_ids": ["fn_1"]}, answers=True)
    assert reading.kind == Kind.QUESTION


@pytest.mark.parametrize("text", ["내가 눈이 어두워서 글씨를 잘 못봐요 전화로 해주실분 없나요 감사합니다",
                                  "이거 도와줄 사람 없어요?"])
def test_someone_to_do_it_by_phone_is_a_request_for_a_person(text):
    assert read(text, "complaint_category", COMPLAINT_TASK, {"complaint_text": "벤치가 부서졌어요"}).kind == Kind.PERSON


@pytest.mark.parametrize("text, value", [
    ("oh wait, can I pay by card instead? that's easier for me", "card"),
    ("아 그냥 카드로 할게요 그게 편해요", "카드"),
])
def test_another_way_to_pay_asked_at_the_summary_changes_the_way_not_the_reason(text, value):
    reading = read(text, "payment_confirm", FINE_TASK, {"fine_ids": ["fn_1"], "payment_method": "virtual_account"})
    assert reading.kind == Kind.CORRECTION and reading.slot == "payment_method" and value in reading.value


def test_paying_later_this_month_at_the_fine_list_stops_while_later_this_month_answers_a_date():
    assert read("ok thx ill pay later this month", "fine_ids", FINE_TASK, {}).kind == Kind.CANCEL
    move = ["phone", "birth_date", "otp_code", "new_address", "address_id", "effective_date", "member_ids",
            "address_confirm"]
    assert read("later this month", "effective_date", move, {"new_address": "역삼로 12"}).kind == Kind.ANSWER


MOVE_TASK = ["phone", "birth_date", "otp_code", "new_address", "address_id", "effective_date", "member_ids",
             "address_confirm"]


def test_a_moment_asked_then_the_task_put_off_is_a_stop():
    reading = read("아 잠깐만요 계약서에 주소가 정확히 뭔지 확인해야 돼서 나중에 다시 할게요", "new_address", MOVE_TASK, {})
    assert reading.kind == Kind.CANCEL
    assert read("잠깐만요", "new_address", MOVE_TASK, {}).kind == Kind.STRAY


def test_is_a_photo_required_with_a_remark_after_it_is_a_question():
    filled = {"complaint_text": "공사장 소음", "complaint_category": "noise", "complaint_place": {"address": "x"}}
    assert read("사진은 꼭 있어야 되나요? 밤이라 잘 안 찍혀서요", "photo_id", COMPLAINT_TASK, filled).kind == Kind.QUESTION


def test_what_do_you_mean_is_a_question_even_with_a_fix_after_it():
    reading = read("what do you mean by category? I just want someone to fix it", "complaint_category", COMPLAINT_TASK,
                   {"complaint_text": "the street light keeps flickering"})
    assert reading.kind == Kind.QUESTION


def test_wait_as_a_verb_takes_nothing_back():
    from actions.interpret import said_last
    said = "Could you put a sunshade at the crosswalk? The kids wait in the sun every afternoon"
    assert said_last(said, lambda part: True) is None
    assert said_last("12 Teheran-ro no wait 21 Teheran-ro", lambda part: True) == "21 Teheran-ro"


def test_doing_it_later_from_home_stops_at_the_address_question():
    reading = read("아 계약서에 있는 동호수가 정확히 기억이 안나네.. 이따 집에 가서 다시 할게요", "new_address", MOVE_TASK, {})
    assert reading.kind == Kind.CANCEL


def test_a_long_stray_line_ending_in_one_sec_at_the_category_question_is_a_wait():
    reading = read("lol my kid just spilled juice all over the keyboard, one sec", "complaint_category", COMPLAINT_TASK,
                   {"complaint_text": "가로등이 꺼졌어요"})
    assert reading.kind == Kind.STRAY and reading.value == "wait"


def test_a_formal_question_asking_to_do_another_service_first_switches():
    text = ("아, 죄송합니다. 전입신고보다 먼저 이사 온 집 앞 골목의 불법주차 문제로 민원을 넣어야 할 것 같습니다. "
            "그쪽부터 도와주시겠습니까?")
    reading = read(text, "new_address", MOVE_TASK, {}, "file_complaint", 0.9, services=("change_address",))
    assert reading.kind == Kind.SWITCH and reading.switch_to == "file_complaint"


def test_a_hurried_status_request_with_typos_names_the_status_service():
    from actions.interpret import services_named
    assert services_named("hi whats the staus on my aplication") == ["check_application_status"]
