"""Fines with late fees as of today, payments with idempotency keys, the provider's signed
confirmation, the hosted checkout page, and expiry/cancel releasing the fines."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from govapi.guess_guard import MISSES_ALLOWED, GuessGuard
from govapi_testkit import Api, citizen_with_fines, confirm

pytestmark = pytest.mark.asyncio


async def test_demo_fines_show_the_late_fee_of_the_overdue_one(api: Api, minjun: str) -> None:
    status, body = await api.call("GET", "/v1/me/fines", citizen=minjun)
    assert body["as_of"] == "2026-11-25"
    by_notice = {f["notice_number"]: f for f in body["fines"]}
    assert set(by_notice) == {"FN-2026-000001", "FN-2026-000002", "FN-2026-000003"}
    overdue = by_notice["FN-2026-000002"]  # 70,000 won, 45 days late: 3% + one month of 1.2%
    assert (overdue["overdue"], overdue["late_fee"], overdue["amount_due"]) == (True, 2940, 72940)
    assert by_notice["FN-2026-000001"]["late_fee"] == 0 and not by_notice["FN-2026-000001"]["overdue"]


async def test_paid_fines_are_listed_apart(api: Api, minjun: str) -> None:
    status, body = await api.call("GET", "/v1/me/fines?status=paid", citizen=minjun)
    assert [f["notice_number"] for f in body["fines"]] == ["FN-2026-000004"]


async def test_late_fee_appears_the_day_after_the_due_date(api: Api) -> None:
    citizen = await api.fresh_citizen()
    fine = await api.issue_fine(citizen["id"], base_amount=50000, due_in_days=0)
    token = await api.login(citizen)
    _, on_due_day = await api.call("GET", f"/v1/fines/{fine['notice_number']}", citizen=token)
    api.clock.advance(dt.timedelta(days=1))
    token = await api.login(citizen)  # the first token lived 30 minutes
    _, next_day = await api.call("GET", f"/v1/fines/{fine['notice_number']}", citizen=token)
    assert (on_due_day["amount_due"], next_day["amount_due"]) == (50000, 51500)


async def test_pay_two_fines_on_the_checkout_page_and_get_a_receipt(api: Api) -> None:
    token, fines = await citizen_with_fines(api, (40000, 10), (70000, -45))
    status, payment = await api.call("POST", "/v1/payments", citizen=token, key="pay-1",
                                     json={"fine_ids": [f["id"] for f in fines], "method": "card"})
    assert status == 201 and payment["total"] == 40000 + 72940 and payment["status"] == "pending"
    assert payment["checkout_url"].startswith(api.base_url + "/checkout/" + payment["payment_id"])
    path = payment["checkout_url"][len(api.base_url):]

    status, page = await api.call("GET", path, token=None)
    assert status == 200 and "112,940원" in page and "결제하기" in page
    status, page_en = await api.call("GET", path + "&lang=en", token=None)
    assert "₩112,940" in page_en and ">Pay<" in page_en

    t = re.search(r"t=([0-9a-f]+)", path).group(1)
    status, _ = await api.call("POST", f"/checkout/{payment['payment_id']}", token=None,
                               data={"t": t, "lang": "en", "action": "pay", "card_number": "4242 4242 4242 4242"})
    assert status == 303
    status, page = await api.call("GET", path + "&lang=en", token=None)
    receipt = re.search(r"id='receipt'>(RC-\d{4}-\d{6})<", page).group(1)

    status, after = await api.call("GET", f"/v1/payments/{payment['payment_id']}", citizen=token)
    assert (after["status"], after["receipt_number"]) == ("paid", receipt)
    _, listed = await api.call("GET", "/v1/me/fines?status=all", citizen=token)
    ours = {f["notice_number"] for f in fines}
    assert {f["status"] for f in listed["fines"] if f["notice_number"] in ours} == {"paid"}


async def test_declined_card_changes_nothing(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="declined", json={"fine_ids": [fine["id"]]})
    path = payment["checkout_url"][len(api.base_url):]
    t = re.search(r"t=([0-9a-f]+)", path).group(1)
    status, page = await api.call("POST", f"/checkout/{payment['payment_id']}", token=None,
                                  data={"t": t, "lang": "ko", "action": "pay", "card_number": "4000000000000002"})
    assert status == 402 and "거절" in page
    _, after = await api.call("GET", f"/v1/payments/{payment['payment_id']}", citizen=token)
    assert after["status"] == "pending"


async def test_checkout_page_needs_its_link_token(api: Api, minjun: str) -> None:
    status, page = await api.call("GET", "/checkout/PY-2026-000001?t=0000", token=None)
    assert status == 404


async def test_an_address_guessing_checkout_links_is_told_to_wait(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="guessed", json={"fine_ids": [fine["id"]]})
    path = payment["checkout_url"][len(api.base_url):]
    for guess in range(MISSES_ALLOWED):
        status, _ = await api.call("GET", f"/checkout/{payment['payment_id']}?t={guess:032x}", token=None)
        assert status == 404
    status, page = await api.call("GET", path + "&lang=en", token=None)  # even the right link, for a minute
    assert status == 429 and "in a minute" in page
    status, page = await api.call("POST", f"/checkout/{payment['payment_id']}", token=None,
                                  data={"t": "0" * 32, "lang": "ko", "action": "pay", "card_number": "4242"})
    assert status == 429 and "1분 뒤" in page
    _, still = await api.call("GET", f"/v1/payments/{payment['payment_id']}", citizen=token)
    assert still["status"] == "pending"


async def test_the_guess_guard_forgets_misses_after_its_window():
    now = [0.0]
    guard = GuessGuard(allowed=2, window_s=60, clock=lambda: now[0])
    guard.miss("a"), guard.miss("a")
    assert guard.wait_s("a") == 61 and guard.wait_s("b") is None
    now[0] = 61.0
    assert guard.wait_s("a") is None


async def test_same_key_same_body_replays_the_payment(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    first = await api.call("POST", "/v1/payments", citizen=token, key="replay", json={"fine_ids": [fine["id"]]})
    again = await api.call("POST", "/v1/payments", citizen=token, key="replay", json={"fine_ids": [fine["id"]]})
    assert (first[0], again[0]) == (201, 200) and first[1] == again[1]
    status, body = await api.call("POST", "/v1/payments", citizen=token, key="replay",
                                  json={"fine_ids": [fine["id"]], "method": "virtual_account"})
    assert status == 409 and body["code"] == "idempotency_conflict"


async def test_confirmation_needs_the_providers_signature(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="sig", json={"fine_ids": [fine["id"]]})
    status, body = await confirm(api, payment["payment_id"], payment["total"], secret="forged")
    assert status == 401 and body["code"] == "invalid_signature"
    status, body = await confirm(api, payment["payment_id"], payment["total"] - 10)
    assert status == 400 and body["code"] == "amount_mismatch"
    _, after = await api.call("GET", f"/v1/payments/{payment['payment_id']}", citizen=token)
    assert after["status"] == "pending"


async def test_repeated_confirmation_pays_once_with_one_receipt(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="twice", json={"fine_ids": [fine["id"]]})
    first = await confirm(api, payment["payment_id"], payment["total"])
    second = await confirm(api, payment["payment_id"], payment["total"])
    assert first == second and first[0] == 200 and first[1]["receipt_number"].startswith("RC-")


async def test_expired_payment_releases_its_fines(api: Api) -> None:
    citizen = await api.fresh_citizen()
    fine = await api.issue_fine(citizen["id"])
    token = await api.login(citizen)
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="exp", json={"fine_ids": [fine["id"]]})
    api.clock.advance(dt.timedelta(minutes=31))
    token = await api.login(citizen)
    status, jobs = await api.admin("POST", "/v1/admin/jobs/run")
    assert jobs["expired_payments"] >= 1
    _, after = await api.call("GET", f"/v1/payments/{payment['payment_id']}", citizen=token)
    assert after["status"] == "expired"
    _, fines = await api.call("GET", "/v1/me/fines", citizen=token)
    assert [f["status"] for f in fines["fines"] if f["id"] == fine["id"]] == ["unpaid"]
    status, body = await confirm(api, payment["payment_id"], payment["total"])
    assert status == 409 and body["code"] == "payment_not_pending", "a late confirmation must not pay"


async def test_cancelled_payment_releases_its_fines_and_they_can_be_paid_again(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="c1", json={"fine_ids": [fine["id"]]})
    status, cancelled = await api.call("POST", f"/v1/payments/{payment['payment_id']}/cancel", citizen=token)
    assert (status, cancelled["status"]) == (200, "cancelled")
    status, again = await api.call("POST", "/v1/payments", citizen=token, key="c2", json={"fine_ids": [fine["id"]]})
    assert status == 201 and again["payment_id"] != payment["payment_id"]


async def test_virtual_account_payment_gives_an_account_and_pays_by_deposit(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (60000, 10))
    status, payment = await api.call("POST", "/v1/payments", citizen=token, key="va",
                                     json={"fine_ids": [fine["id"]], "method": "virtual_account"})
    assert status == 201 and re.fullmatch(r"990-\d{4}-\d{6}", payment["virtual_account"]["account"])
    path = payment["checkout_url"][len(api.base_url):]
    _, page = await api.call("GET", path, token=None)
    assert payment["virtual_account"]["account"] in page
    t = re.search(r"t=([0-9a-f]+)", path).group(1)
    status, _ = await api.call("POST", f"/checkout/{payment['payment_id']}", token=None,
                               data={"t": t, "lang": "ko", "action": "pay"})
    assert status == 303
    _, after = await api.call("GET", f"/v1/payments/{payment['payment_id']}", citizen=token)
    assert after["status"] == "paid"


async def test_payment_events_tell_the_whole_story_in_order(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="ev", json={"fine_ids": [fine["id"]]})
    await confirm(api, payment["payment_id"], payment["total"])
    cursor, seen = "0", []
    while True:
        _, page = await api.admin("GET", f"/v1/events?after={cursor}&limit=500")
        if not page["events"]:
            break
        seen += [e for e in page["events"] if e["case_number"] in (payment["payment_id"], fine["notice_number"])]
        cursor = page["next_cursor"]
    assert [(e["type"], e["data"]["status"]) for e in seen] == [
        ("fine.issued", "unpaid"), ("payment.created", "pending"), ("fine.status_changed", "pending_payment"),
        ("payment.paid", "paid"), ("fine.status_changed", "paid")]


async def test_a_fine_held_by_an_expired_payment_can_be_paid_before_the_sweep(api: Api) -> None:
    citizen = await api.fresh_citizen()
    fine = await api.issue_fine(citizen["id"])
    token = await api.login(citizen)
    _, first = await api.call("POST", "/v1/payments", citizen=token, key="old", json={"fine_ids": [fine["id"]]})
    api.clock.advance(dt.timedelta(minutes=31))
    token = await api.login(citizen)
    status, second = await api.call("POST", "/v1/payments", citizen=token, key="new", json={"fine_ids": [fine["id"]]})
    assert status == 201, second
    _, old = await api.call("GET", f"/v1/payments/{first['payment_id']}", citizen=token)
    assert old["status"] == "expired"


async def test_the_background_worker_expires_payments_by_itself(make_api) -> None:
    import asyncio

    api = await make_api(background_jobs=True, worker_interval=0.1)
    citizen = await api.fresh_citizen()
    fine = await api.issue_fine(citizen["id"])
    token = await api.login(citizen)
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="worker", json={"fine_ids": [fine["id"]]})
    api.clock.advance(dt.timedelta(minutes=31))
    for _ in range(50):  # at most 5 s; read events only, a GET of the payment would expire it itself
        cursor, found = "0", False
        while True:
            _, page = await api.admin("GET", f"/v1/events?after={cursor}&limit=500")
            if not page["events"]:
                break
            found |= any(e["type"] == "payment.expired" and e["case_number"] == payment["payment_id"]
                         for e in page["events"])
            cursor = page["next_cursor"]
        if found:
            break
        await asyncio.sleep(0.1)
    assert found, "the worker did not expire the payment within 5 s"


async def test_late_fee_is_announced_once_the_day_after_the_due_date(api: Api) -> None:
    citizen = await api.fresh_citizen()
    fine = await api.issue_fine(citizen["id"], base_amount=50000, due_in_days=0)
    _, jobs = await api.admin("POST", "/v1/admin/jobs/run")
    api.clock.advance(dt.timedelta(days=1))
    await api.admin("POST", "/v1/admin/jobs/run")
    await api.admin("POST", "/v1/admin/jobs/run")
    cursor, late = "0", []
    while True:
        _, page = await api.admin("GET", f"/v1/events?after={cursor}&limit=500")
        if not page["events"]:
            break
        late += [e for e in page["events"] if e["case_number"] == fine["notice_number"] and "late" in e["type"]]
        cursor = page["next_cursor"]
    assert [(e["type"], e["data"]["late_fee"], e["data"]["amount_due"]) for e in late] == [
        ("fine.late_fee_added", 1500, 51500)]
