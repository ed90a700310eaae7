"""Reply formatting shared by the channels (edge/formatting.py, and minwon_core's segments.py, sms_keywords.py and
channel_text.py, which Rasa's internal channel imports too): what a citizen sees on each channel."""
from edge.formatting import (
    Button, ReplyPart, callback_data_fits, parts_from_rasa, sms_body, split_for_telegram, split_sms, utf16_len,
)
from minwon_core.channel_text import channel_of, conversation_prefix, is_sendable, neutralise_command
from minwon_core.segments import count_segments, is_gsm7
from minwon_core.sms_keywords import keyword


def test_leading_slash_cannot_smuggle_an_intent():
    assert neutralise_command('/pay_fine{"fine_ids": [1]}') == 'pay_fine{"fine_ids": [1]}'
    assert neutralise_command("  // /greet") == "greet"
    assert neutralise_command("주소 변경 / 이사") == "주소 변경 / 이사"


def test_the_conversation_id_forms_and_sendable_text_are_one_rule_for_the_edge_and_rasa():
    assert [conversation_prefix(c) for c in ("tg:42", "tg:-1001", "sms:+821012345678",
                                             "web:6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")] == ["tg:", "tg:", "sms:", "web:"]
    for bad in ("tg:", "tg:4a", "sms:010", "web:not-a-uuid", "rest:1", None, 42, "tg:42\n"):
        assert conversation_prefix(bad) is None, bad
    assert is_sendable({"text": "안녕 👋", "list": ["a"]}) and not is_sendable({"text": "\ud800"})


def test_one_map_names_the_channel_of_a_conversation_id_for_actions_desk_and_notifier():
    assert [channel_of(c) for c in ("tg:42", "sms:+821012345678", "web:abc")] == ["telegram", "sms", "web"]
    for other in ("rest:1", "tg:", "tg", "", None, 7):  # no channel: the desk refuses such a handoff with a 400
        assert channel_of(other) is None, other


def test_telegram_split_keeps_every_chunk_under_the_limit_and_loses_nothing():
    paragraph = "가나다라마바사 아자차카타파하. " * 40
    text = "\n\n".join([paragraph] * 12) + "😀" * 500
    chunks = split_for_telegram(text)
    assert len(chunks) > 1
    assert all(utf16_len(c) <= 4096 for c in chunks)
    assert "".join(c.replace("\n", "").replace(" ", "") for c in chunks) == text.replace("\n", "").replace(" ", "")


def test_callback_data_limit_counts_bytes_not_characters():
    assert callback_data_fits("a" * 64)
    assert not callback_data_fits("가" * 22)  # 66 bytes in UTF-8
    assert not callback_data_fits("")


def test_rasa_buttons_and_links_are_normalised():
    parts = parts_from_rasa([
        {"text": "고르세요", "buttons": [{"title": "예", "payload": "/affirm"}, {"title": "지도", "url": "https://map.example"}]},
        {"custom": {"text": "custom text"}},
    ])
    assert parts[0].buttons == [Button("예", payload="/affirm"), Button("지도", url="https://map.example")]
    assert parts[1].text == "custom text"


def test_sms_buttons_become_numbered_choices_in_one_body():
    body, choices = sms_body([ReplyPart("Pay now?", [Button("Yes", "/affirm"), Button("No", "/deny")])])
    assert body == "Pay now?\n1 Yes / 2 No"
    assert [c.payload for c in choices] == ["/affirm", "/deny"]


def test_sms_compaction_keeps_english_in_gsm7():
    body, _ = sms_body([ReplyPart("Your fine: \u20a940,000 \u2013 due \u201ctoday\u201d\u2026"), ReplyPart("  Thanks  ")])
    assert is_gsm7(body)
    assert body == 'Your fine: KRW 40,000 - due "today"...\nThanks'
    assert count_segments(body) == 1


def test_segments_follow_gsm7_and_ucs2_limits():
    assert count_segments("a" * 160) == 1 and count_segments("a" * 161) == 2 and count_segments("a" * 306) == 2
    assert count_segments("{" * 80) == 1 and count_segments("{" * 81) == 2  # extension characters count twice
    assert count_segments("가" * 70) == 1 and count_segments("가" * 71) == 2 and count_segments("가" * 134) == 2
    assert count_segments("가" * 135) == 3


def test_long_sms_bodies_are_split_for_twilios_1600_limit():
    parts = split_sms("\n".join(["가" * 500] * 5))
    assert len(parts) == 2 and all(len(p) <= 1600 for p in parts)


def test_opt_out_keywords_in_english_and_korean_only_as_whole_message():
    assert keyword(" stop ") == "opt_out" and keyword("수신거부") == "opt_out" and keyword("중지") == "opt_out"
    assert keyword("STOPALL") == "opt_out" and keyword("quit") == "opt_out"
    assert keyword("start") == "opt_in" and keyword("재개") == "opt_in"
    assert keyword("help") == "help" and keyword("도움말") == "help"
    assert keyword("please stop the noise next door") is None


def test_sms_does_not_repeat_choices_the_text_already_numbers_or_links_it_already_shows():
    text = "미납 과태료:\n1. 주정차 위반 40,000원\n2. 속도 위반 30,000원\n번호를 보내 주세요."
    buttons = [Button("1", "1"), Button("2", "2"), Button("전부", "전부"), Button("결제하기", url="https://pay.example/x")]
    body, choices = sms_body([ReplyPart(text + " https://pay.example/x", buttons)])
    assert body == text + " https://pay.example/x"
    assert choices == []


def test_sms_skips_telegram_only_contact_requests():
    body, choices = sms_body([ReplyPart("전화번호를 알려 주세요", [Button("내 번호 보내기", "__request_contact__")])])
    assert body == "전화번호를 알려 주세요" and choices == []


def test_sms_choices_whose_titles_number_themselves_are_not_numbered_twice():
    # The payment-method question's buttons already read "1. ..." and "2. ..." (actions/texts.py).
    buttons = [Button("1. 카드 결제 링크", "1"), Button("2. 가상계좌 입금", "2"), Button("취소", "/cancel")]
    body, choices = sms_body([ReplyPart("2건, 합계 110,000원. 결제 방법을 골라주세요.", buttons)])
    assert body.splitlines()[-1] == "1. 카드 결제 링크 / 2. 가상계좌 입금 / 3 취소"
    assert [c.payload for c in choices] == ["1", "2", "/cancel"]  # typing "1" still picks the card link


def test_sms_a_title_starting_with_another_number_is_still_numbered():
    # Only the second option is offered: its "2." is not the number the citizen types, so it gets its own.
    body, choices = sms_body([ReplyPart("Pick", [Button("2. Virtual account transfer", "2"),
                                                 Button("10,000 won fine", "fine_10")])])
    assert body.splitlines()[-1] == "1 2. Virtual account transfer / 2 10,000 won fine"
    assert [c.payload for c in choices] == ["2", "fine_10"]


def test_keyword_answers_follow_the_language_of_the_message():
    from minwon_core.sms_keywords import text

    assert "START" in text("opted_out", "STOP") and "재개" in text("opted_out", "중지")
    assert keyword("  stop. ") == "opt_out" and keyword("취소") is None  # 취소 is a conversation's cancel
