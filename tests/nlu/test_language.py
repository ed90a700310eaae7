from minwon_nlu.language import detect_language


def lang(text):
    guess = detect_language(text)
    return (guess.value, guess.requested) if guess else None


def test_hangul_text_is_korean_and_latin_text_is_english():
    assert lang("과태료 내려구요") == ("ko", False)
    assert lang("I want to pay my fine") == ("en", False)


def test_mixed_text_follows_the_dominant_script():
    assert lang("과태료 pay할래") == ("ko", False)
    assert lang("I want to pay my 과태료 please") == ("en", False)


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
