import pytest

from minwon_nlu.language import detect_language, requested_language


def lang(text):
    guess = detect_language(text)
    return (guess.value, guess.requested) if guess else None


def test_hangul_text_is_korean_and_latin_text_is_english():
    assert lang("과태료 내려구요") == ("ko", False)
    assert lang("I want to pay my fine") == ("en", False)


def test_mixed_text_follows_the_dominant_script():
    assert lang("과태료 pay할래") == ("ko", False)
    assert lang("I want to pay my 과태료 please") == ("en", False)
    assert lang("address 변경요") == ("ko", False)  # a Korean predicate closes it (minwon_core.language)


def test_digits_and_identifiers_alone_say_nothing():
    for text in ("010-1234-5678", "123456", "AP-2026-000123", "1", "?!"):
        assert lang(text) is None, text


def test_korean_with_a_case_number_is_still_korean():
    assert lang("AP-2026-000123 조회") == ("ko", False)


def test_an_explicit_switch_request_wins_over_the_script():
    assert lang("영어로 해줘") == ("en", True)
    assert lang("in Korean please") == ("ko", True)
    assert lang("한국어로 바꿔주세요") == ("ko", True)
    assert lang("can you speak English") == ("en", True)


def test_switch_request_span_is_the_language_word():
    text = "in English please"
    guess = detect_language(text)
    assert text[guess.start:guess.end] == "English"


@pytest.mark.parametrize("text", ["my new address is written only in Korean on the contract",
                                  "the letter is in Korean, I can't read it", "the notice was in English"])
def test_saying_what_a_text_is_written_in_asks_for_no_language(text):
    assert requested_language(text) is None


@pytest.mark.parametrize("text,language", [("can we do this in english", "en"), ("reply in english please", "en"),
                                           ("can you speak in korean", "ko")])
def test_a_request_after_a_short_word_is_still_a_request(text, language):
    guess = requested_language(text)
    assert guess is not None and guess.value == language


def test_a_keyboard_switched_to_one_language_asks_for_the_other():
    guess = requested_language("sorry my keyboard switched to English, can we continue in Korean?")
    assert guess is not None and guess.value == "ko"
