"""The one language rule (actions/turn_language.py): only real words of the other language, or an explicit
request, change the conversation's language; short replies, numbers, identifiers, dates and button presses
never do, in either direction."""
import pytest

from actions.turn_language import detect_language, language_update

NO_WORDS = [
    # short replies, both languages, as typed
    "ok", "OK", "Ok!", "okay", "okkk", "k", "kk", "y", "Y", "n", "yes", "Yes.", "yesss", "yeah", "yep", "no", "nope",
    "ㅇㅇ", "ㅇㅋ", "ㄴㄴ", "ㅋㅋㅋ", "네", "네네", "넵", "예", "응", "아니요", "아뇨", "ok 네", "yes, 2",
    # numbers, identifiers, phones, dates
    "2", "3.", "123456", "AP-2026-000123", "ap2026000123", "FN-2026-000042", "fn-2026-000042, FN-2026-000043",
    "010-1234-5678", "+82 10 1234 5678", "1985-03-14", "1985.3.14", "1985년 3월 14일", "12월 1일", "March 14, 1985",
    "14 Mar 1985", "3/14", "3pm",
    # button payloads that reach Rasa as text
    "/affirm", "/deny", '/choose{"choice": "2"}',
]
KOREAN = ["과태료 내고 싶어요", "주소 바꿀래요", "과태료 pay할래", "AP-2026-000123 상태 알려줘", "네 카드로 할게요", "상담원",
          "address 변경요", "card로 할게요", "status 확인해줘"]  # an English noun, a Korean predicate
ENGLISH = ["I want to pay my fine", "card please", "I want to pay 과태료", "AP-2026-000123 status please",
           "yes please", "hi", "pay my 과태료 pls", "I'm moving with 김민지"]


@pytest.mark.parametrize("text", NO_WORDS)
def test_what_carries_no_words_has_no_language(text):
    assert detect_language(text) is None


@pytest.mark.parametrize("text", NO_WORDS)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_what_carries_no_words_never_changes_the_language(text, language):
    assert language_update("affirm", text, False, [], {"language": language}) == {}


@pytest.mark.parametrize("text, language", [(t, "ko") for t in KOREAN] + [(t, "en") for t in ENGLISH])
def test_real_words_set_the_language(text, language):
    assert detect_language(text) == language
    other = "en" if language == "ko" else "ko"
    assert language_update("inform", text, False, [], {"language": other}) == {"language": language}


@pytest.mark.parametrize("payload", ["yes", "card", "I agree", "/affirm", "pay all"])
def test_a_button_press_keeps_the_language_whatever_its_payload(payload):
    button = {"channel": "sms", "input": "button"}
    assert language_update("affirm", payload, False, [], {"language": "ko"}, button) == {}
    assert language_update("affirm", payload, False, [], {"language": None}, button) == {"language": "ko"}


def test_the_same_words_typed_do_switch_and_an_explicit_request_always_does():
    assert language_update("affirm", "I agree", False, [], {"language": "ko"}, {"channel": "web"}) == {"language": "en"}
    asked = language_update("switch_language", "in English please", True, [{"entity": "language", "value": "en"}],
                            {"language": "ko"}, {"input": "button"})
    assert asked == {"language": "en", "language_locked": True}


def test_a_first_message_without_words_starts_in_korean_and_a_locked_language_stays():
    assert language_update("affirm", "ok", False, [], {}) == {"language": "ko"}
    assert language_update("pay_fine", "I want to pay my fine", False, [], {"language": "ko",
                                                                            "language_locked": True}) == {}


def test_a_korean_name_in_a_short_english_reply_keeps_english():
    from actions.turn_language import detect_language
    assert detect_language("김하준 as well") == "en"
    assert detect_language("이서연 too please") == "en"
    assert detect_language("김하준도 같이 가요") == "ko"


@pytest.mark.parametrize("text", ["me and 이서연", "just 이서연", "the 과태료 one please", "yes, 이서연 too"])
def test_one_korean_word_inside_english_keeps_an_english_conversation_english(text):
    assert language_update("inform", text, False, [], {"language": "en"}) == {}


def test_a_household_members_name_is_no_word_of_either_language():
    slots = {"language": "en", "household_options": [{"id": "ct_1", "name": "김하준"}, {"id": "ct_2", "name": "이서연"}]}
    assert language_update("inform", "me, 김하준 and 이서연", False, [], slots) == {}


def test_korean_sentences_still_switch_an_english_conversation():
    for text in ("이서연이랑 같이 가요", "과태료 pay할래", "과태료"):
        assert language_update("inform", text, False, [], {"language": "en"}) == {"language": "ko"}, text


@pytest.mark.parametrize("text", ["card로요", "account로 할게요", "ok 카드요"])
def test_one_english_word_inside_korean_keeps_a_korean_conversation_korean(text):
    assert language_update("inform", text, False, [], {"language": "ko"}) == {}


@pytest.mark.parametrize("text,language", [("card", "ko"), ("Card", "ko"), ("카드", "en"), ("all", "ko")])
def test_one_choice_word_in_the_other_script_at_an_open_question_keeps_the_language(text, language):
    assert language_update("inform", text, False, [], {"language": language, "requested_slot": "payment_method"}) == {}


def test_a_choice_word_with_no_question_open_or_with_more_words_still_switches():
    assert language_update("inform", "card", False, [], {"language": "ko"}) == {"language": "en"}
    assert language_update("inform", "card please", False, [], {"language": "ko", "requested_slot": "payment_method"}) \
        == {"language": "en"}


@pytest.mark.parametrize("text, language", [
    ("the lease says 서울특별시 강남구 강남대로 343", "en"), ("경기도 수원시 팔달구 매산로 245", "en"),
    ("12 Teheran-ro, Gangnam-gu", "ko"), ("12 Teheran-ro, Gangnam-gu, Seoul 이요", "ko"),
])
def test_an_address_copied_in_the_other_script_keeps_the_language(text, language):
    # an English speaker pasting the Korean address from the lease is still answered in English
    assert language_update("inform", text, False, [], {"language": language, "requested_slot": "new_address"}) == {}


def test_a_sentence_around_an_address_still_tells_its_language():
    slots = {"language": "en", "requested_slot": "new_address"}
    assert language_update("inform", "강남대로 343으로 이사했어요", False, [], slots) == {"language": "ko"}
