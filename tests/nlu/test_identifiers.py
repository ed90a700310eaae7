import datetime as dt

from minwon_nlu.identifiers import find_identifiers

TODAY = dt.date(2026, 11, 25)


def found(text):
    return [(f.entity, f.value, text[f.start:f.end]) for f in find_identifiers(text, TODAY)]


def test_case_numbers_are_found_with_or_without_hyphens_and_normalised():
    assert found("AP-2026-000123 진행상황") == [("case_number", "AP-2026-000123", "AP-2026-000123")]
    assert found("ap2026000123 조회") == [("case_number", "AP-2026-000123", "ap2026000123")]
    assert found("complaint cp 2026 000045?") == [("case_number", "CP-2026-000045", "cp 2026 000045")]


def test_every_tracking_prefix_is_a_case_number():
    for prefix in ("AP", "CP", "MV", "FN", "PY", "RC"):
        assert found(f"{prefix}-2026-000001")[0][:2] == ("case_number", f"{prefix}-2026-000001")


def test_korean_mobile_numbers_become_e164():
    for text in ("010-1234-5678", "01012345678", "010 1234 5678", "+82 10 1234 5678",
                 "+82-10-1234-5678", "+821012345678"):
        assert found(text) == [("phone", "+821012345678", text)], text


def test_birth_dates_in_korean_iso_and_english_forms():
    assert found("1985년 3월 14일이요") == [("birth_date", "1985-03-14", "1985년 3월 14일")]
    assert found("1985-03-14") == [("birth_date", "1985-03-14", "1985-03-14")]
    assert found("19850314") == [("birth_date", "1985-03-14", "19850314")]
    assert found("born March 14, 1985")[0][:2] == ("birth_date", "1985-03-14")
    assert found("14 March 1985")[0][:2] == ("birth_date", "1985-03-14")


def test_recent_or_future_dates_are_dates_not_birth_dates():
    assert found("2026-12-01부터요") == [("date", "2026-12-01", "2026-12-01")]


def test_six_digits_are_a_one_time_code_but_not_inside_other_identifiers():
    assert found("인증번호 482913") == [("otp_code", "482913", "482913")]
    assert [f[0] for f in found("AP-2026-000123")] == ["case_number"]


def test_impossible_dates_and_plain_text_give_nothing():
    assert found("2026-13-45") == []
    assert found("과태료 내려구요") == []


def test_several_identifiers_in_one_message_come_in_reading_order():
    text = "번호는 010-1111-2222 생년월일 1980-05-05 인증 123456"
    assert [f[0] for f in found(text)] == ["phone", "birth_date", "otp_code"]
