"""Applications: every status with what the citizen needs to know, history, and admin moves."""
from __future__ import annotations

import pytest

from govapi_testkit import Api

pytestmark = pytest.mark.asyncio


async def test_demo_citizen_has_an_application_in_every_status(api: Api, minjun: str) -> None:
    status, body = await api.call("GET", "/v1/me/applications", citizen=minjun)
    assert status == 200
    statuses = {a["status"] for a in body["applications"]}
    assert statuses == {"received", "under_review", "supplement_requested", "approved", "rejected", "completed"}
    for app in body["applications"]:
        assert app["number"].startswith("AP-2026-")
        assert app["kind_label"]["ko"] and app["kind_label"]["en"]
        assert app["history"][0]["status"] == "received"
        assert app["history"][-1]["status"] == app["status"]


async def test_supplement_requested_says_what_is_missing(api: Api, minjun: str) -> None:
    status, app = await api.call("GET", "/v1/applications/AP-2026-000003", citizen=minjun)
    assert app["status"] == "supplement_requested"
    assert {"ko": "배치도", "en": "Site plan"} in app["missing_documents"]
    assert app["office"] == {"ko": "강남구청 건축과", "en": "Gangnam-gu Office, Architecture Division"}


async def test_rejected_says_why_and_how_to_appeal(api: Api, minjun: str) -> None:
    status, app = await api.call("GET", "/v1/applications/ap2026000005", citizen=minjun)
    assert status == 200 and app["status"] == "rejected"
    assert "threshold" in app["rejection_reason"]["en"]
    assert "90" in app["appeal"]["ko"] and "90 days" in app["appeal"]["en"]


async def test_number_may_be_typed_without_hyphens_or_in_lower_case(api: Api, minjun: str) -> None:
    for typed in ("AP-2026-000002", "ap-2026-000002", "AP2026000002"):
        status, app = await api.call("GET", f"/v1/applications/{typed}", citizen=minjun)
        assert (status, app["number"]) == (200, "AP-2026-000002")


async def test_admin_move_adds_history_and_an_event(api: Api, minjun: str) -> None:
    _, before = await api.admin("GET", "/v1/events?limit=500")
    cursor = before["next_cursor"]
    while before["events"]:
        _, before = await api.admin("GET", f"/v1/events?after={cursor}&limit=500")
        cursor = before["next_cursor"]
    status, app = await api.admin("POST", "/v1/admin/applications/AP-2026-000007/status", json={
        "status": "supplement_requested", "note": {"ko": "사진 필요", "en": "Photo needed"},
        "missing_documents": [{"ko": "증명사진", "en": "ID photo"}]})
    assert status == 200 and app["status"] == "supplement_requested"
    assert app["history"][-1]["note"] == {"ko": "사진 필요", "en": "Photo needed"}
    _, events = await api.admin("GET", f"/v1/events?after={cursor}")
    assert [(e["type"], e["case_number"], e["data"]["status"]) for e in events["events"]] == [
        ("application.status_changed", "AP-2026-000007", "supplement_requested")]
    status, back = await api.admin("POST", "/v1/admin/applications/AP-2026-000007/status",
                                   json={"status": "under_review"})
    assert status == 200


async def test_admin_move_must_follow_the_process(api: Api) -> None:
    status, body = await api.admin("POST", "/v1/admin/applications/AP-2026-000006/status",
                                   json={"status": "received"})
    assert status == 409 and body["code"] == "invalid_transition"
    status, body = await api.admin("POST", "/v1/admin/applications/AP-2026-000001/status",
                                   json={"status": "rejected"})
    assert status == 400 and body["field"] == "rejection_reason"


async def test_cases_route_finds_any_of_my_numbers(api: Api, minjun: str) -> None:
    expected = {"AP-2026-000001": "application", "CP-2026-000002": "complaint", "PY-2026-000001": "payment",
                "RC-2026-000001": "payment", "FN-2026-000001": "fine"}
    for number, kind in expected.items():
        status, body = await api.call("GET", f"/v1/cases/{number}", citizen=minjun)
        assert (status, body["type"]) == (200, kind), number


async def test_household_lists_the_others(api: Api, minjun: str) -> None:
    status, body = await api.call("GET", "/v1/me/household", citizen=minjun)
    assert [(m["name"], m["relation"]) for m in body["members"]] == [("이서연", "spouse"), ("김하준", "child")]


async def test_call_centre_sees_the_same_applications_and_fines_as_the_citizen(api: Api, minjun: str) -> None:
    _, own = await api.call("GET", "/v1/me/applications", citizen=minjun)
    status, packet = await api.admin("GET", "/v1/admin/citizens/ct_000001/applications")
    assert status == 200 and packet == own
    _, own_fines = await api.call("GET", "/v1/me/fines?status=all", citizen=minjun)
    status, packet_fines = await api.admin("GET", "/v1/admin/citizens/ct_000001/fines?status=all")
    assert status == 200 and packet_fines == own_fines
    status, body = await api.admin("GET", "/v1/admin/citizens/ct_999999/fines")
    assert status == 404 and body["code"] == "not_found"
