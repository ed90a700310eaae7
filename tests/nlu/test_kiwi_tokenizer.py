from minwon_nlu.kiwi_runtime import get_kiwi
from minwon_nlu.morphemes import merge_morphemes


def texts(tokens):
    return [t.text for t in tokens]


def test_korean_particles_and_endings_are_split_from_the_stem(tokenize):
    tokens = tokenize("과태료를 내려구요")
    assert texts(tokens)[:2] == ["과태료", "를"]


def test_glued_korean_words_are_split_into_meaningful_pieces(tokenize):
    assert {"전입", "신고"} <= set(texts(tokenize("전입신고하려고요")))
    assert {"사람", "얘기"} <= set(texts(tokenize("사람이랑얘기할래")))


def test_every_token_span_points_at_its_own_text_and_none_overlap(tokenize):
    text = "AP-2026-000123 진행상황 알려줘 했어요 ㅋㅋ 😀 바꿀래"
    tokens = tokenize(text)
    for token in tokens:
        assert text[token.start:token.end] == token.text
    for left, right in zip(tokens, tokens[1:]):
        assert left.end <= right.start


def test_contracted_morphemes_become_one_token_with_the_stem_as_lemma(tokenize):
    tokens = tokenize("주소 바꿀래")
    assert texts(tokens) == ["주소", "바꿀래"]
    assert tokens[1].lemma == "바꾸"


def test_merge_joins_overlapping_spans_and_keeps_separate_ones():
    spans = merge_morphemes("했어요", [("하", "VV", 0, 1), ("었", "EP", 0, 1), ("어요", "EF", 1, 3)])
    assert [(s.text, s.start, s.end, s.lemma) for s in spans] == [
        ("했", 0, 1, "하"),
        ("어요", 1, 3, "어요"),
    ]
    spans = merge_morphemes("알려", [("알리", "VV", 0, 2), ("어", "EC", 1, 2)])
    assert [(s.text, s.lemma) for s in spans] == [("알려", "알리")]


def test_english_words_stay_whole(tokenize):
    assert texts(tokenize("I don't live at 12 Teheran-ro, Gangnam-gu")) == [
        "I", "don't", "live", "at", "12", "Teheran-ro", ",", "Gangnam-gu",
    ]


def test_case_numbers_and_phone_numbers_are_single_tokens_in_english_text(tokenize):
    assert texts(tokenize("status of AP-2026-000123 call 010-1234-5678")) == [
        "status", "of", "AP-2026-000123", "call", "010-1234-5678",
    ]


def test_mixed_korean_and_english_keeps_both(tokenize):
    tokens = texts(tokenize("parking 과태료 pay할래"))
    assert tokens[0] == "parking"
    assert "과태료" in tokens
    assert "pay" in tokens


def test_text_without_words_becomes_one_token(tokenize):
    assert texts(tokenize("   ")) == ["   "]


def test_kiwi_is_loaded_once_per_process():
    assert get_kiwi() is get_kiwi()
