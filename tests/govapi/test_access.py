"""Access: bearer tokens for services, admin-only routes, and citizens who read only their own records."""
from __future__ import annotations

import pytest

from govapi_testkit import ADMIN_TOKEN, Api

pytestmark = pytest.mark.asyncio

MINJUNS_RECORDS = [
    "/v1/applications/AP-2026-000001",
    "/v1/fines/FN-2026-000001",
    "/v1/complaints/CP-2026-000001",
    "/v1/payments/PY-2026-000001",
    "/v1/cases/AP-2026-000003",
    "/v1/cases/RC-2026-000001",
]


@pytest.mark.parametrize("path", MINJUNS_RECORDS)
async def test_someone_elses_record_answers_404_like_an_unknown_one(api: Api, emily: str, path: str) -> None:
    status, body = await api.call("GET", path, citizen=emily)
    assert status == 404 and body["code"] == "not_found"
    unknown = path[:-6] + "999999"
    status_unknown, body_unknown = await api.call("GET", unknown, citizen=emily)
    assert (status_unknown, body_unknown["code"]) == (404, "not_found")
    assert body["message"] == body_unknown["message"], "the answer must not tell 'exists but not yours'"


@pytest.mark.parametrize("path", MINJUNS_RECORDS)
async def test_the_owner_reads_the_same_records(api: Api, minjun: str, path: str) -> None:
    status, _ = await api.call("GET", path, citizen=minjun)
    assert status == 200


async def test_someone_elses_address_change_answers_404(api: Api, minjun: str) -> None:
    mover = await api.login(await api.fresh_citizen())
    status, change = await api.call("POST", "/v1/address-changes", citizen=mover, key="access-mv", json={
        "address_id": "ad_000010", "effective_date": "2026-11-30"})
    assert status in (200, 201), change
    status, body = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=minjun)
    assert status == 404


async def test_paying_someone_elses_fine_is_refused_and_changes_nothing(api: Api, emily: str, minjun: str) -> None:
    status, body = await api.call("POST", "/v1/payments", citizen=emily, key="steal-1",
                                  json={"fine_ids": ["FN-2026-000003"]})
    assert status == 404
    status, fine = await api.call("GET", "/v1/fines/FN-2026-000003", citizen=minjun)
    assert fine["status"] == "unpaid"


async def test_citizen_routes_need_a_citizen_token(api: Api) -> None:
    for path in ("/v1/me", "/v1/me/fines", "/v1/applications/AP-2026-000001"):
        status, body = await api.call("GET", path)
        assert status == 401 and body["code"] == "citizen_token_required"
        status, body = await api.call("GET", path, citizen="made-up-token")
        assert status == 401 and body["code"] == "citizen_token_required"


async def test_citizen_token_expires(api: Api, minjun: str) -> None:
    import datetime as dt

    api.clock.advance(dt.timedelta(minutes=31))
    status, body = await api.call("GET", "/v1/me", citizen=minjun)
    assert status == 401


async def test_v1_routes_need_the_service_token(api: Api, minjun: str) -> None:
    status, body = await api.call("GET", "/v1/me", token=None, citizen=minjun)
    assert status == 401 and body["code"] == "unauthorized"
    status, body = await api.call("GET", "/v1/me", token="wrong", citizen=minjun)
    assert status == 401


@pytest.mark.parametrize("path", ["/v1/events", "/v1/admin/sms-outbox", "/v1/admin/citizens/ct_000001",
                                  "/v1/admin/citizens/ct_000001/applications",
                                  "/v1/admin/citizens/ct_000001/fines"])
async def test_admin_routes_refuse_the_service_token(api: Api, path: str) -> None:
    status, body = await api.call("GET", path)
    assert status == 403 and body["code"] == "forbidden"
    status, _ = await api.call("GET", path, token=ADMIN_TOKEN)
    assert status == 200
