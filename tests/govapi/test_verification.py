"""Verification: a one-time code to the registered mobile, limits, and no hint of who is registered."""
from __future__ import annotations

import datetime as dt
import logging

import pytest

from govapi_testkit import EMILY, MINJUN, Api

pytestmark = pytest.mark.asyncio


async def test_code_from_the_sms_gives_a_token_that_reads_only_that_citizen(api: Api) -> None:
    verification_id = await api.start_verification("010-1234-5678", MINJUN["birth_date"])
    code = await api.last_code(MINJUN["phone"])
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": code})
    assert status == 200
    assert body["citizen"] == {"id": "ct_000001", "name": "김민준", "language": "ko"}
    status, me = await api.call("GET", "/v1/me", citizen=body["access_token"])
    assert status == 200 and me["id"] == "ct_000001" and me["phone_masked"] == "010-****-5678"


async def test_sms_is_in_the_citizens_language(api: Api) -> None:
    await api.start_verification(EMILY["phone"], EMILY["birth_date"])
    status, body = await api.admin("GET", "/v1/admin/sms-outbox?phone=%2B821098765432&limit=1")
    assert "Your code is" in body["messages"][0]["body"]


async def test_unknown_phone_and_wrong_birth_date_answer_like_a_real_one_and_send_nothing(api: Api) -> None:
    answers = []
    for phone, birth in (("010-1234-5678", "1985-03-14"), ("010-9999-0000", "1985-03-14"),
                         ("010-1234-5678", "1999-01-01")):
        status, body = await api.call("POST", "/v1/verifications", json={
            "phone": phone, "birth_date": birth, "conversation_id": "web:same"})
        answers.append((status, sorted(body), len(body["verification_id"])))
    assert answers[0] == answers[1] == answers[2]
    status, outbox = await api.admin("GET", "/v1/admin/sms-outbox?phone=01099990000")
    assert outbox["messages"] == []


async def test_decoy_verification_never_opens(api: Api) -> None:
    verification_id = await api.start_verification("010-1234-5678", "1999-01-01")
    code = await api.last_code(MINJUN["phone"])  # the code of some earlier, real verification
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": code})
    assert status == 400 and body["code"] == "wrong_code"


async def test_wrong_codes_count_down_then_lock(api: Api) -> None:
    verification_id = await api.start_verification(MINJUN["phone"], MINJUN["birth_date"])
    right = await api.last_code(MINJUN["phone"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    left = []
    for _ in range(4):
        status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": wrong})
        assert status == 400 and body["code"] == "wrong_code"
        left.append(body["attempts_left"])
    assert left == [4, 3, 2, 1]
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": wrong})
    assert status == 423 and body["code"] == "locked"
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": right})
    assert status == 423, "a locked verification must not open even with the right code"


async def test_code_expires_after_five_minutes(api: Api) -> None:
    verification_id = await api.start_verification(MINJUN["phone"], MINJUN["birth_date"])
    code = await api.last_code(MINJUN["phone"])
    api.clock.advance(dt.timedelta(minutes=5, seconds=1))
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": code})
    assert status == 410 and body["code"] == "expired"


async def test_code_works_once(api: Api) -> None:
    verification_id = await api.start_verification(MINJUN["phone"], MINJUN["birth_date"])
    code = await api.last_code(MINJUN["phone"])
    first, _ = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": code})
    second, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": code})
    assert (first, second, body["code"]) == (200, 410, "expired")


async def test_resend_sends_a_new_code_and_is_limited(api: Api) -> None:
    verification_id = await api.start_verification(EMILY["phone"], EMILY["birth_date"])
    first = await api.last_code(EMILY["phone"])
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/resend")
    assert status == 429 and body["code"] == "rate_limited", "a resend right away is refused"
    assert 1 <= body["retry_after_seconds"] <= 30  # what the citizen is told to wait
    api.clock.advance(dt.timedelta(seconds=31))
    status, _ = await api.call("POST", f"/v1/verifications/{verification_id}/resend")
    assert status == 202
    second = await api.last_code(EMILY["phone"])
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": second})
    assert status == 200 or first == second
    api.clock.advance(dt.timedelta(seconds=31))
    status, body = await api.call("POST", f"/v1/verifications/{verification_id}/resend")
    assert status == 410, "a used verification cannot send more codes"


async def test_resend_stops_after_three_codes(api: Api) -> None:
    verification_id = await api.start_verification(EMILY["phone"], EMILY["birth_date"])
    statuses = []
    for _ in range(3):
        api.clock.advance(dt.timedelta(seconds=31))
        statuses.append((await api.call("POST", f"/v1/verifications/{verification_id}/resend"))[0])
    assert statuses == [202, 202, 429]


async def test_starts_are_limited_per_phone(make_api) -> None:
    api = await make_api(verify_limit_per_phone=3, verify_limit_per_conversation=100)
    citizen = await api.fresh_citizen()
    statuses = []
    for i in range(4):
        status, _ = await api.call("POST", "/v1/verifications", json={
            "phone": citizen["phone"], "birth_date": citizen["birth_date"], "conversation_id": f"web:p{i}"})
        statuses.append(status)
    assert statuses == [202, 202, 202, 429]


async def test_starts_are_limited_per_conversation_whatever_the_phone(make_api) -> None:
    api = await make_api(verify_limit_per_phone=100, verify_limit_per_conversation=2)
    statuses = []
    for phone in ("010-2000-0001", "010-2000-0002", "010-2000-0003"):
        status, _ = await api.call("POST", "/v1/verifications", json={
            "phone": phone, "birth_date": "1990-01-01", "conversation_id": "sms:+821020000000"})
        statuses.append(status)
    assert statuses == [202, 202, 429]


@pytest.mark.parametrize("phone", ["12345", "010-1234", "+8210123456", "02-123-4567", "not a phone", 1012345678])
async def test_invalid_phone_is_refused(api: Api, phone) -> None:
    status, body = await api.call("POST", "/v1/verifications", json={
        "phone": phone, "birth_date": "1985-03-14", "conversation_id": "web:x"})
    assert status == 400 and body["code"] == "invalid_phone"


@pytest.mark.parametrize("birth_date", ["1985-02-30", "1985-13-01", "14/03/1985", "", None])
async def test_impossible_birth_date_is_refused(api: Api, birth_date) -> None:
    status, body = await api.call("POST", "/v1/verifications", json={
        "phone": "010-1234-5678", "birth_date": birth_date, "conversation_id": "web:x"})
    assert status == 400 and body["code"] == "invalid_date"


async def test_codes_and_phones_never_reach_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the level govapi runs at (GOVAPI_LOG_LEVEL default)
    token = await api.login(MINJUN)
    code = await api.last_code(MINJUN["phone"])
    await api.call("GET", "/v1/me", citizen=token)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "request" in logged, "the access log is captured"
    for secret in (code, token, "1012345678", "01012345678", "김민준"):
        assert secret not in logged
