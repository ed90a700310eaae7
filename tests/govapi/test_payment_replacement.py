"""A pending payment does not block paying the same fine another way: the fine still lists as unpaid
(naming the pending payment), and a new payment cancels the old one, once, atomically."""
from __future__ import annotations

import asyncio
import re

import pytest

from govapi_testkit import Api, citizen_with_fines, confirm

pytestmark = pytest.mark.asyncio


async def unpaid(api: Api, token: str) -> dict[str, dict]:
    status, body = await api.call("GET", "/v1/me/fines?status=unpaid", citizen=token)
    assert status == 200, body
    return {f["id"]: f for f in body["fines"]}


async def pay_on_checkout(api: Api, payment: dict) -> int:
    path = payment["checkout_url"][len(api.base_url):]
    t = re.search(r"t=([0-9a-f]+)", path).group(1)
    status, _ = await api.call("POST", f"/checkout/{payment['payment_id']}", token=None,
                               data={"t": t, "lang": "ko", "action": "pay", "card_number": "4242424242424242"})
    return status


async def payment_states(api: Api, token: str, ids: set[str]) -> dict[str, str]:
    """Status of each of my payments, those named plus any new pending one (seeded citizens have old paid ones)."""
    _, mine = await api.call("GET", "/v1/me/payments", citizen=token)
    return {p["payment_id"]: p["status"] for p in mine["payments"] if p["payment_id"] in ids or p["status"] == "pending"}


async def test_virtual_account_then_card_pays_once_and_cancels_the_account(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (128000, 5))
    status, va = await api.call("POST", "/v1/payments", citizen=token, key="va",
                                json={"fine_ids": [fine["id"]], "method": "virtual_account"})
    assert status == 201 and va["virtual_account"]

    listed = (await unpaid(api, token))[fine["id"]]
    assert listed["status"] == "unpaid" and listed["amount_due"] == 128000
    assert listed["pending_payment"] == {"payment_id": va["payment_id"], "method": "virtual_account",
                                         "expires_at": va["expires_at"]}
    _, one = await api.call("GET", f"/v1/fines/{fine['notice_number']}", citizen=token)
    assert one["pending_payment"]["payment_id"] == va["payment_id"]

    status, card = await api.call("POST", "/v1/payments", citizen=token, key="card",
                                  json={"fine_ids": [fine["notice_number"]], "method": "card"})
    assert status == 201, card
    assert card["replaced_payments"] == [va["payment_id"]] and card["total"] == 128000
    assert card["fines"][0]["pending_payment"]["payment_id"] == card["payment_id"]
    _, old = await api.call("GET", f"/v1/payments/{va['payment_id']}", citizen=token)
    assert (old["status"], old["checkout_url"]) == ("cancelled", None)

    assert await pay_on_checkout(api, va) == 409, "the cancelled account's checkout link must refuse"
    status, body = await confirm(api, va["payment_id"], va["total"])
    assert (status, body["code"]) == (409, "payment_not_pending"), "a deposit to the old account must not pay"
    assert await pay_on_checkout(api, card) == 303

    ours = await payment_states(api, token, {va["payment_id"], card["payment_id"]})
    assert ours == {va["payment_id"]: "cancelled", card["payment_id"]: "paid"}
    _, paid = await api.call("GET", "/v1/me/fines?status=paid", citizen=token)
    assert [f["pending_payment"] for f in paid["fines"] if f["id"] == fine["id"]] == [None]
    assert fine["id"] not in await unpaid(api, token)


async def test_a_fine_without_a_pending_payment_names_none(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    assert (await unpaid(api, token))[fine["id"]]["pending_payment"] is None


async def test_replacing_a_payment_of_two_fines_frees_the_other_one(api: Api) -> None:
    token, [first, second] = await citizen_with_fines(api, (40000, 10), (50000, 12))
    _, va = await api.call("POST", "/v1/payments", citizen=token, key="both",
                           json={"fine_ids": [first["id"], second["id"]], "method": "virtual_account"})
    status, card = await api.call("POST", "/v1/payments", citizen=token, key="first-only",
                                  json={"fine_ids": [first["id"]]})
    assert status == 201 and card["replaced_payments"] == [va["payment_id"]] and card["total"] == 40000
    listed = await unpaid(api, token)
    assert listed[first["id"]]["pending_payment"]["payment_id"] == card["payment_id"]
    assert listed[second["id"]]["pending_payment"] is None and listed[second["id"]]["status"] == "unpaid"


async def test_a_retried_replacement_acts_once(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (60000, 10))
    _, va = await api.call("POST", "/v1/payments", citizen=token, key="va-r",
                           json={"fine_ids": [fine["id"]], "method": "virtual_account"})
    body = {"fine_ids": [fine["id"]], "method": "card"}
    first = await api.call("POST", "/v1/payments", citizen=token, key="card-r", json=body)
    again = await api.call("POST", "/v1/payments", citizen=token, key="card-r", json=body)
    assert (first[0], again[0]) == (201, 200) and first[1] == again[1]
    _, card = await api.call("GET", f"/v1/payments/{first[1]['payment_id']}", citizen=token)
    assert card["status"] == "pending", "the retry must not cancel the payment it made"
    assert await payment_states(api, token, {va["payment_id"]}) == {
        va["payment_id"]: "cancelled", card["payment_id"]: "pending"}


async def test_a_paid_fine_is_still_refused(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (40000, 10))
    _, va = await api.call("POST", "/v1/payments", citizen=token, key="va-p",
                           json={"fine_ids": [fine["id"]], "method": "virtual_account"})
    assert (await confirm(api, va["payment_id"], va["total"]))[0] == 200  # the deposit arrives first
    status, body = await api.call("POST", "/v1/payments", citizen=token, key="card-p",
                                  json={"fine_ids": [fine["id"]], "method": "card"})
    assert (status, body["code"]) == (409, "fine_not_payable")
    _, old = await api.call("GET", f"/v1/payments/{va['payment_id']}", citizen=token)
    assert old["status"] == "paid"


async def test_concurrent_replacements_leave_one_payment_that_pays(api: Api) -> None:
    token, [fine] = await citizen_with_fines(api, (70000, 10))
    _, va = await api.call("POST", "/v1/payments", citizen=token, key="va-c",
                           json={"fine_ids": [fine["id"]], "method": "virtual_account"})
    answers = await asyncio.gather(*[
        api.call("POST", "/v1/payments", citizen=token, key=f"card-c{i}", json={"fine_ids": [fine["id"]]})
        for i in range(6)])
    assert {status for status, _ in answers} <= {201, 409}
    created = [body for status, body in answers if status == 201]
    assert created and all(body["code"] == "fine_not_payable" for status, body in answers if status == 409)

    states = await payment_states(api, token, {va["payment_id"], *(c["payment_id"] for c in created)})
    pending = [pid for pid, state in states.items() if state == "pending"]
    assert len(pending) == 1, states
    assert set(states) == {va["payment_id"], *(c["payment_id"] for c in created)}
    assert states[va["payment_id"]] == "cancelled"
    winner = next(c for c in created if c["payment_id"] == pending[0])
    assert (await unpaid(api, token))[fine["id"]]["pending_payment"]["payment_id"] == winner["payment_id"]

    for loser in (c for c in created if c is not winner):
        assert (await confirm(api, loser["payment_id"], loser["total"]))[0] == 409
    assert (await confirm(api, winner["payment_id"], winner["total"]))[0] == 200
    _, after = await api.call("GET", f"/v1/fines/{fine['notice_number']}", citizen=token)
    assert after["status"] == "paid"
