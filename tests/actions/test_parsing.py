"""What citizens type inside a form is read the way they meant it."""
from datetime import date

import pytest

from actions.conversation import detect_language
from actions.parsing import (is_yes, keeps_as_is, means_all, find_case_number, normalise_phone, parse_birth_date, parse_choices, parse_otp,
                             phone_from_sender, wants_resend)


@pytest.mark.parametrize("text", ["010-1234-5678", "01012345678", "+82 10 1234 5678", "제 번호는 010 1234 5678"])
def test_phone_numbers_are_normalised_to_e164(text: str) -> None:
    assert normalise_phone(text) == "+821012345678"


def test_sms_sender_is_the_phone_and_other_channels_are_not() -> None:
    assert phone_from_sender("sms:+821012345678") == "+821012345678"
    assert phone_from_sender("tg:12345") is None


@pytest.mark.parametrize("text", ["1985-03-14", "1985년 3월 14일", "19850314", "850314", "14 March 1985",
                                  "March 14, 1985"])
def test_birth_dates_in_common_forms(text: str) -> None:
    assert parse_birth_date(text) == date(1985, 3, 14)


def test_future_or_impossible_birth_dates_are_refused() -> None:
    assert parse_birth_date("2999-01-01") is None
    assert parse_birth_date("1985-02-30") is None


def test_codes_and_case_numbers_in_free_text() -> None:
    assert parse_otp("인증번호 123 456 입니다") == "123456"
    assert parse_otp("12345") is None
    assert find_case_number("ap2026000123 어디까지 됐나요") == "AP-2026-000123"
    assert find_case_number("status of cp-2026-000007?") == "CP-2026-000007"


def test_choices_by_number_word_or_all() -> None:
    assert parse_choices("1, 3", 3) == [0, 2]
    assert parse_choices("2번", 3) == [1]
    assert parse_choices("전부", 3) == [0, 1, 2]
    assert parse_choices("all of them", 2) == [0, 1]
    assert parse_choices("the second one", 3) == [1]
    assert parse_choices("9", 3) is None


def test_resend_requests_in_both_languages() -> None:
    assert wants_resend("인증번호가 안 왔어요")
    assert wants_resend("please resend")
    assert not wants_resend("123456")


def test_language_follows_the_script_and_digits_keep_the_last() -> None:
    assert detect_language("과태료 내고 싶어요") == "ko"
    assert detect_language("I want to pay my fine") == "en"
    assert detect_language("123456") is None
    assert detect_language("AP-2026-000123") is None



def test_an_ordinal_word_in_a_long_sentence_is_not_a_choice():
    from actions.parsing import parse_choices
    assert parse_choices("actually I need to change my address first", 10) is None
    assert parse_choices("I have two kids at home and a dog", 10) is None
    assert parse_choices("the second one", 3) == [1]
    assert parse_choices("second", 3) == [1]
    assert parse_choices("두 번째요", 3) == [1]


@pytest.mark.parametrize("said", ["actually no the place was right, keep it", "the place was right",
                                  "아까 게 맞아요 그대로 해주세요"])
def test_saying_the_old_answer_was_right_keeps_it(said):
    assert keeps_as_is(said)


def test_keep_it_short_is_no_keeping():
    assert not keeps_as_is("keep it short")


@pytest.mark.parametrize("text", ["ㄱㄱ", "접수ㄱㄱ", "고고", "네", "yep", "찾았어요 네 결제할게요", "found it, yes go ahead"])
def test_a_go_ahead_typed_as_shorthand_is_a_yes(text):
    assert is_yes(text)


@pytest.mark.parametrize("text", ["ㄱ", "고고학 박물관 앞", "ㅋㅋ"])
def test_shorthand_that_says_nothing_is_no_yes(text):
    assert not is_yes(text)


@pytest.mark.parametrize("text", ["아 배터리 10프로 남았네", "3층이요", "5시에 갈게요", "30 minutes ago"])
def test_a_number_with_a_unit_is_no_choice(text):
    assert parse_choices(text, 10) is None


@pytest.mark.parametrize("text,everyone", [("oops, I meant both of them, not just the first one", True),
                                           ("we don't all move", False), ("not both", False)])
def test_a_word_ending_in_nt_before_both_does_not_deny_it(text, everyone):
    assert means_all(text) is everyone
