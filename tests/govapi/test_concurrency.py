"""Twenty requests at once: one payment per idempotency key, fines paid exactly once.

Runs on both databases: on PostgreSQL the requests really overlap inside the database (a pool
of connections); on SQLite govapi runs transactions one at a time, which this checks is sound.
"""
from __future__ import annotations

import asyncio
import json

import pytest

from govapi.security import sign
from govapi_testkit import PROVIDER_SECRET, Api

pytestmark = pytest.mark.asyncio
N = 20


async def all_events(api: Api) -> list[dict]:
    cursor, events = "0", []
    while True:
        _, page = await api.admin("GET", f"/v1/events?after={cursor}&limit=500")
        if not page["events"]:
            return events
        events += page["events"]
        cursor = page["next_cursor"]


async def test_twenty_creations_with_one_key_make_one_payment(api: Api) -> None:
    citizen = await api.fresh_citizen()
    fines = [await api.issue_fine(citizen["id"], base_amount=a) for a in (40000, 50000)]
    token = await api.login(citizen)
    _, before = await api.call("GET", "/v1/me/payments", citizen=token)  # seeded citizens may have some
    body = {"fine_ids": [f["id"] for f in fines]}
    answers = await asyncio.gather(*[
        api.call("POST", "/v1/payments", citizen=token, key="same-key-20", json=body) for _ in range(N)])
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (N - 1) + [201]
    assert len({answer["payment_id"] for _, answer in answers}) == 1
    _, after = await api.call("GET", "/v1/me/payments", citizen=token)
    new = [p for p in after["payments"] if p not in before["payments"]]
    assert len(new) == 1 and new[0]["total"] == 90000


async def test_twenty_creations_with_different_keys_leave_one_payment_holding_the_fine(api: Api) -> None:
    # each newer payment replaces the pending one (or is refused when a twin moved first): one stays
    citizen = await api.fresh_citizen()
    fine = await api.issue_fine(citizen["id"])
    token = await api.login(citizen)
    answers = await asyncio.gather(*[
        api.call("POST", "/v1/payments", citizen=token, key=f"k{i}", json={"fine_ids": [fine["id"]]})
        for i in range(N)])
    assert {status for status, _ in answers} <= {201, 409} and any(status == 201 for status, _ in answers)
    created = {body["payment_id"] for status, body in answers if status == 201}
    _, mine = await api.call("GET", "/v1/me/payments", citizen=token)  # seeded citizens may have old paid ones
    states = {p["payment_id"]: p["status"] for p in mine["payments"] if p["status"] != "paid"}
    assert set(states) == created
    pending = [pid for pid, state in states.items() if state == "pending"]
    assert len(pending) == 1 and set(states.values()) <= {"pending", "cancelled"}
    _, listed = await api.call("GET", f"/v1/fines/{fine['notice_number']}", citizen=token)
    assert listed["pending_payment"]["payment_id"] == pending[0]


async def test_twenty_confirmations_pay_once_with_one_receipt(api: Api) -> None:
    citizen = await api.fresh_citizen()
    fines = [await api.issue_fine(citizen["id"], base_amount=a) for a in (40000, 70000)]
    token = await api.login(citizen)
    _, payment = await api.call("POST", "/v1/payments", citizen=token, key="confirm-20",
                                json={"fine_ids": [f["id"] for f in fines]})
    raw = json.dumps({"payment_id": payment["payment_id"], "status": "paid", "amount": payment["total"],
                      "provider_ref": "sbx"}).encode()
    headers = {"Content-Type": "application/json", "X-Provider-Signature": sign(PROVIDER_SECRET, raw)}
    answers = await asyncio.gather(*[
        api.call("POST", "/v1/provider/confirmations", token=None, data=raw, headers=headers) for _ in range(N)])
    assert {status for status, _ in answers} == {200}
    assert len({answer["receipt_number"] for _, answer in answers}) == 1

    _, paid = await api.call("GET", "/v1/me/fines?status=paid", citizen=token)
    ours = {f["notice_number"] for f in fines}
    assert {f["notice_number"] for f in paid["fines"]} >= ours
    events = await all_events(api)
    paid_events = [e for e in events if e["type"] == "payment.paid" and e["case_number"] == payment["payment_id"]]
    fine_paid = [e for e in events if e["type"] == "fine.status_changed" and e["data"]["status"] == "paid"
                 and e["case_number"] in {f["notice_number"] for f in fines}]
    assert (len(paid_events), len(fine_paid)) == (1, 2)
