"""Automatic follows: the result of a change the citizen made in a conversation (a payment, a move-in report, a
complaint) reaches that conversation within seconds without a subscription, in the language the conversation
had, once; the follow is not one of the citizen's subscriptions and ends with the case. Real govapi and notifier
processes; loopback channels."""
from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest

from .conftest import notifier_api
from .helpers import CITIZEN, citizen_token, pay_on_checkout_page, wait_until

pytestmark = pytest.mark.asyncio(loop_scope="function")
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


async def follow(api, conversation_id: str, case_number: str, language: str = "ko", expect=(200, 201)) -> dict:
    return await api.call("POST", "/v1/follows", expect=expect, json={
        "citizen_id": CITIZEN, "conversation_id": conversation_id, "case_number": case_number, "language": language})


async def listed(api, conversation_id: str, **params: str) -> list[dict]:
    return (await api.call("GET", "/v1/subscriptions",
                           params={"conversation_id": conversation_id, **params}))["subscriptions"]


async def deliveries(api, conversation_id: str) -> list[dict]:
    return (await api.call("GET", "/v1/deliveries", params={"conversation_id": conversation_id}))["deliveries"]


async def pay_a_fine(govapi_service, govapi_admin, http, key: str = "pay-follow") -> tuple[dict, dict]:
    """Create a card payment for the first unpaid fine; returns (payment, citizen headers)."""
    citizen = {"X-Citizen-Token": await citizen_token(govapi_service, govapi_admin)}
    fines = (await govapi_service.call("GET", "/v1/me/fines", headers=citizen, params={"status": "unpaid"}))["fines"]
    payment = await govapi_service.call("POST", "/v1/payments", headers=citizen | {"Idempotency-Key": key},
                                        json={"fine_ids": [fines[0]["id"]], "method": "card"})
    return payment, citizen


async def caught_up(govapi_admin, api) -> None:
    """Until the notifier has read every event govapi holds."""
    async def read_all():
        state = await api.call("GET", "/v1/status")
        params = {"limit": "1"} | ({"after": state["cursor"]} if state["cursor"] else {})
        return not (await govapi_admin.call("GET", "/v1/events", params=params))["events"]
    await wait_until(read_all, what="the notifier to read govapi's outbox")


async def test_receipt_reaches_the_sms_conversation_at_night_without_a_subscription(
        start_notifier, loopback, govapi_admin, govapi_service, http):
    night = dt.datetime.combine(dt.datetime.now(SEOUL).date(), dt.time(23, 0), tzinfo=SEOUL)
    api = notifier_api(http, await start_notifier(NOTIFIER_FAKE_NOW=night.isoformat()))  # SMS quiet hours on
    payment, citizen = await pay_a_fine(govapi_service, govapi_admin, http)
    made = await follow(api, "sms:+821012345678", payment["payment_id"])
    assert made["automatic"] is True and made["topics"] == ["payment_receipt"]
    assert await listed(api, "sms:+821012345678") == [], "a follow is not one of the citizen's subscriptions"
    await pay_on_checkout_page(http, payment["checkout_url"])
    paid_at = time.monotonic()
    await loopback.wait_for(lambda: loopback.texts_for("sms:+821012345678"), timeout=10)
    assert time.monotonic() - paid_at < 5, "the receipt answers the payment the citizen just made"
    paid = await govapi_service.call("GET", f"/v1/payments/{payment['payment_id']}", headers=citizen)
    (text,) = loopback.texts_for("sms:+821012345678")
    assert paid["receipt_number"] in text and "납부 완료" in text

    async def ended():
        (row,) = await listed(api, "sms:+821012345678", follows="1", all="1")
        return row["state"] == "done"
    await wait_until(ended, what="the follow to end with the paid payment")


async def test_move_in_report_completion_reaches_a_conversation_that_followed_before_or_after_it(
        start_notifier, loopback, govapi_admin, govapi_service, http):
    api = notifier_api(http, await start_notifier())
    citizen = {"X-Citizen-Token": await citizen_token(govapi_service, govapi_admin)}
    me = await govapi_service.call("GET", "/v1/me", headers=citizen)
    found = (await govapi_service.call("GET", "/v1/addresses", params={"q": "해운대로"}))["addresses"]
    target = next(a for a in found if a["id"] != (me.get("address") or {}).get("id"))
    change = await govapi_service.call("POST", "/v1/address-changes", headers=citizen | {"Idempotency-Key": "mv-1"},
                                       json={"address_id": target["id"],
                                             "effective_date": dt.datetime.now(SEOUL).date().isoformat(),
                                             "member_ids": []})
    number = change["tracking_number"]
    await follow(api, "web:follow-early", number, language="en")

    async def completed():
        moved = await govapi_service.call("GET", f"/v1/address-changes/{number}", headers=citizen)
        return moved["status"] == "completed"
    await wait_until(completed, what="govapi to tell every agency")
    await caught_up(govapi_admin, api)
    # This conversation asks only after the notifier has already read the completion: it still hears it.
    await follow(api, "tg:7007", number)
    await loopback.wait_for(lambda: loopback.texts_for("web:follow-early") and loopback.texts_for("tg:7007"))
    assert loopback.texts_for("web:follow-early") == [f"[minwon] Move-in report {number}: all agencies informed."]
    assert loopback.texts_for("tg:7007") == [f"[민원] 전입신고 {number}: 모든 기관 통보 완료"]


async def test_complaint_answer_reaches_the_conversation_once_even_with_a_subscription_too(
        start_notifier, loopback, govapi_admin, govapi_service, http):
    api = notifier_api(http, await start_notifier())
    citizen = {"X-Citizen-Token": await citizen_token(govapi_service, govapi_admin)}
    filed = await govapi_service.call("POST", "/v1/complaints", headers=citizen | {"Idempotency-Key": "cp-1"},
                                      json={"category": "street_lighting", "text": "가로등이 꺼져 있어요",
                                            "place": {"address": "서울특별시 강남구 테헤란로 152"}, "photo_id": None})
    number = filed["tracking_number"]
    await follow(api, "tg:7108", number, language="en")
    # The citizen also asked for every complaint answer in this chat: still one message per answer.
    await api.call("POST", "/v1/subscriptions", json={"citizen_id": CITIZEN, "conversation_id": "tg:7108",
                                                      "topics": ["complaint_answered"], "language": "en"})
    await govapi_admin.call("POST", f"/v1/admin/complaints/{number}/answer",
                            json={"answer": {"ko": "교체했습니다.", "en": "The lamp was replaced."}})
    await loopback.wait_for(lambda: loopback.texts_for("tg:7108"))
    await caught_up(govapi_admin, api)
    assert loopback.texts_for("tg:7108") == [f"[minwon] Your complaint {number} has been answered. "
                                             "Ask me for its status to read it."]
    assert [s["case_number"] for s in await listed(api, "tg:7108")] == [None]


async def test_news_long_after_the_change_waits_for_morning_on_sms(start_notifier, loopback, govapi_admin,
                                                                  govapi_service, http):
    # The follow was made last night at 23:00; the answer comes more than an hour later, still in quiet hours.
    yesterday_night = dt.datetime.combine(dt.datetime.now(SEOUL).date() - dt.timedelta(days=1), dt.time(23, 0),
                                          tzinfo=SEOUL)
    api = notifier_api(http, await start_notifier(NOTIFIER_FAKE_NOW=yesterday_night.isoformat()))
    citizen = {"X-Citizen-Token": await citizen_token(govapi_service, govapi_admin)}
    filed = await govapi_service.call("POST", "/v1/complaints", headers=citizen | {"Idempotency-Key": "cp-2"},
                                      json={"category": "noise", "text": "공사 소음이 심해요",
                                            "place": {"address": "서울특별시 강남구 테헤란로 152"}, "photo_id": None})
    await follow(api, "sms:+821012345678", filed["tracking_number"])
    await govapi_admin.call("POST", f"/v1/admin/complaints/{filed['tracking_number']}/answer",
                            json={"answer": "조치했습니다."})

    async def deferred():
        return [d for d in await deliveries(api, "sms:+821012345678") if d["status"] == "deferred"]
    await wait_until(deferred, what="the late answer to wait for the end of quiet hours")
    (record,) = await deferred()
    morning = dt.datetime.combine(yesterday_night.date() + dt.timedelta(days=1), dt.time(8), tzinfo=SEOUL)
    assert dt.datetime.fromisoformat(record["next_attempt_at"]) == morning
    assert loopback.sent == []


async def test_a_follow_ends_after_its_bound(start_notifier, loopback, govapi_admin, govapi_service, http):
    long_ago = dt.datetime.now(SEOUL) - dt.timedelta(days=31)
    notifier = await start_notifier(NOTIFIER_FAKE_NOW=long_ago.isoformat())
    payment, _ = await pay_a_fine(govapi_service, govapi_admin, http, key="pay-old")
    await follow(notifier_api(http, notifier), "tg:7209", payment["payment_id"])
    await notifier.stop()
    api = notifier_api(http, await start_notifier())  # 31 days on: past the 30-day bound

    async def expired():
        (row,) = await listed(api, "tg:7209", follows="1", all="1")
        return row["state"] == "expired"
    await wait_until(expired, what="the follow to expire")
    await pay_on_checkout_page(http, payment["checkout_url"])
    await caught_up(govapi_admin, api)
    await wait_until(lambda: _no_pending(api), what="nothing left to send")
    assert loopback.sent == []


async def _no_pending(api) -> bool:
    return (await api.call("GET", "/v1/status"))["pending"] == 0
