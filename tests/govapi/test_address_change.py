"""Move-in reports: the address register, household members moving along, per-agency deliveries."""
from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio
from aiohttp import web

from govapi_testkit import TODAY, Api, free_port

pytestmark = pytest.mark.asyncio
AGENCIES = {"tax_office", "vehicle_registry", "health_insurance", "national_pension", "election_register"}


async def test_search_by_partial_road_name_and_number(api: Api) -> None:
    status, body = await api.call("GET", "/v1/addresses?q=테헤란로 152")
    assert status == 200
    assert [a["road_address"] for a in body["addresses"]] == ["서울특별시 강남구 테헤란로 152"]
    status, body = await api.call("GET", "/v1/addresses?q=teheran-ro&limit=3")
    assert len(body["addresses"]) == 3 and all("Teheran-ro" in a["road_address_en"] for a in body["addresses"])


async def test_search_without_a_match_is_empty_not_an_error(api: Api) -> None:
    status, body = await api.call("GET", "/v1/addresses?q=없는길 99999")
    assert (status, body["addresses"]) == (200, [])


async def household_citizen(api: Api) -> tuple[dict, str, list[dict]]:
    for _ in range(10):
        citizen = await api.fresh_citizen()
        token = await api.login(citizen)
        _, household = await api.call("GET", "/v1/me/household", citizen=token)
        if household["members"]:
            return citizen, token, household["members"]
    raise AssertionError("no generated household with members")


async def test_move_with_household_updates_the_registry_and_reaches_every_agency(api: Api) -> None:
    citizen, token, members = await household_citizen(api)
    _, found = await api.call("GET", "/v1/addresses?q=해운대로")
    target = next(a for a in found["addresses"] if a["id"] != citizen["address_id"])
    status, change = await api.call("POST", "/v1/address-changes", citizen=token, key="move-1", json={
        "address_id": target["id"], "effective_date": (TODAY + dt.timedelta(days=3)).isoformat(),
        "member_ids": [members[0]["id"]]})
    assert status == 201 and change["tracking_number"].startswith("MV-")
    assert {d["agency"] for d in change["deliveries"]} == AGENCIES
    assert {d["status"] for d in change["deliveries"]} == {"pending"}
    _, me = await api.call("GET", "/v1/me", citizen=token)
    assert me["address"]["id"] == target["id"]
    _, member = await api.admin("GET", f"/v1/admin/citizens/{members[0]['id']}")
    assert member["address_id"] == target["id"]

    await api.admin("POST", "/v1/admin/jobs/run")
    _, after = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=token)
    assert after["status"] == "completed" and {d["status"] for d in after["deliveries"]} == {"delivered"}


async def test_move_date_must_be_within_the_legal_window(api: Api) -> None:
    citizen = await api.fresh_citizen()
    token = await api.login(citizen)
    for days in (-31, 91):
        status, body = await api.call("POST", "/v1/address-changes", citizen=token, key=f"d{days}", json={
            "address_id": "ad_000020", "effective_date": (TODAY + dt.timedelta(days=days)).isoformat()})
        assert status == 400 and body["code"] == "invalid_date"


async def test_only_household_members_can_move_along(api: Api) -> None:
    citizen = await api.fresh_citizen()
    token = await api.login(citizen)
    status, body = await api.call("POST", "/v1/address-changes", citizen=token, key="m", json={
        "address_id": "ad_000020", "effective_date": TODAY.isoformat(), "member_ids": ["ct_000001"]})
    assert status == 400 and body["code"] == "not_household_member"


async def test_unknown_address_is_404(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    status, body = await api.call("POST", "/v1/address-changes", citizen=token, key="u", json={
        "address_id": "ad_999999", "effective_date": TODAY.isoformat()})
    assert status == 404


@pytest_asyncio.fixture
async def flaky_agencies(aiohttp_server):
    """A loopback stand-in for the agencies' systems: the pension service fails twice, then accepts."""
    calls: list[str] = []
    failures = {"national_pension": 2}

    async def receive(request: web.Request) -> web.Response:
        agency = request.match_info["agency"]
        payload = await request.json()
        assert payload["tracking_number"].startswith("MV-")
        calls.append(agency)
        if failures.get(agency, 0) > 0:
            failures[agency] -= 1
            return web.Response(status=503)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/agencies/{agency}", receive)
    server = await aiohttp_server(app, port=free_port())
    return str(server.make_url("/agencies")), calls


async def test_a_failing_agency_is_retried_until_it_accepts(make_api, flaky_agencies) -> None:
    url, calls = flaky_agencies
    api = await make_api(agency_webhook_url=url)
    citizen = await api.fresh_citizen()
    token = await api.login(citizen)
    status, change = await api.call("POST", "/v1/address-changes", citizen=token, key="flaky", json={
        "address_id": "ad_000030" if citizen["address_id"] != "ad_000030" else "ad_000031",
        "effective_date": TODAY.isoformat()})
    assert status == 201
    await api.admin("POST", "/v1/admin/jobs/run")
    _, first = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=token)
    pension = next(d for d in first["deliveries"] if d["agency"] == "national_pension")
    assert (first["status"], pension["status"], pension["attempts"]) == ("processing", "pending", 1)
    for wait in (11, 21):  # the back-off doubles: 10 s, then 20 s
        api.clock.advance(dt.timedelta(seconds=wait))
        await api.admin("POST", "/v1/admin/jobs/run")
    token = await api.login(citizen)
    _, done = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=token)
    pension = next(d for d in done["deliveries"] if d["agency"] == "national_pension")
    assert (done["status"], pension["status"], pension["attempts"]) == ("completed", "delivered", 3)
    assert calls.count("national_pension") == 3 and calls.count("tax_office") == 1


@pytest_asyncio.fixture
async def agency_switch(aiohttp_server):
    """A loopback stand-in for the tax office's system that is down until the test turns it on."""
    state = {"up": False, "calls": 0}

    async def receive(request: web.Request) -> web.Response:
        state["calls"] += 1
        up = state["up"] or request.match_info["agency"] != "tax_office"
        return web.json_response({"ok": True}) if up else web.Response(status=503)

    app = web.Application()
    app.router.add_post("/agencies/{agency}", receive)
    server = await aiohttp_server(app, port=free_port())
    return str(server.make_url("/agencies")), state


async def test_an_agency_down_for_long_is_marked_failed_and_staff_can_retry(make_api, agency_switch) -> None:
    url, state = agency_switch
    api = await make_api(agency_webhook_url=url)
    citizen = await api.fresh_citizen()
    token = await api.login(citizen)
    _, change = await api.call("POST", "/v1/address-changes", citizen=token, key="down", json={
        "address_id": "ad_000040" if citizen["address_id"] != "ad_000040" else "ad_000041",
        "effective_date": TODAY.isoformat()})
    for _ in range(6):  # six attempts, waiting out each back-off
        await api.admin("POST", "/v1/admin/jobs/run")
        api.clock.advance(dt.timedelta(hours=1))
    token = await api.login(citizen)
    _, after = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=token)
    tax = next(d for d in after["deliveries"] if d["agency"] == "tax_office")
    assert (after["status"], tax["status"], tax["attempts"]) == ("partially_failed", "failed", 6)

    _, failed = await api.admin("GET", "/v1/admin/deliveries?status=failed")
    mine = [d for d in failed["deliveries"] if d["tracking_number"] == change["tracking_number"]]
    assert [d["agency"] for d in mine] == ["tax_office"] and mine[0]["last_error"] == "HTTP 503"
    state["up"] = True
    status, _ = await api.admin("POST", f"/v1/admin/deliveries/{mine[0]['id']}/retry")
    assert status == 200
    await api.admin("POST", "/v1/admin/jobs/run")
    _, done = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=token)
    assert done["status"] == "completed"


async def test_an_application_keeps_the_office_it_was_filed_with_after_a_move(api: Api) -> None:
    # a generated citizen no other test uses, with a building permit filed in their district
    for n in range(10, 60):
        citizen_id = f"ct_{n:06d}"
        _, apps = await api.admin("GET", f"/v1/admin/citizens/{citizen_id}/applications")
        permit = next((a for a in apps["applications"] if a["kind"] == "building_permit"), None)
        if permit:
            break
    assert permit, "no generated citizen with a building permit"
    _, citizen = await api.admin("GET", f"/v1/admin/citizens/{citizen_id}")
    token = await api.login(citizen)
    _, me = await api.call("GET", "/v1/me", citizen=token)
    home = me["address"]
    assert permit["office"] == {"ko": f"{home['district']}청 건축과",
                                "en": f"{home['district_en']} Office, Architecture Division"}

    _, found = await api.call("GET", "/v1/addresses?q=해운대로" if home["district"] != "해운대구" else "/v1/addresses?q=종로")
    target = found["addresses"][0]
    status, change = await api.call("POST", "/v1/address-changes", citizen=token, key="move-office", json={
        "address_id": target["id"], "effective_date": TODAY.isoformat()})
    assert status == 201
    await api.admin("POST", "/v1/admin/jobs/run")
    _, done = await api.call("GET", f"/v1/address-changes/{change['tracking_number']}", citizen=token)
    _, me = await api.call("GET", "/v1/me", citizen=token)
    assert done["status"] == "completed" and me["address"]["district"] == target["district"] != home["district"]

    _, after = await api.call("GET", f"/v1/applications/{permit['number']}", citizen=token)
    assert after["office"] == permit["office"]
    assert {h["office"]["ko"] for h in after["history"]} == {permit["office"]["ko"]}
    _, case = await api.call("GET", f"/v1/cases/{permit['number']}", citizen=token)
    assert case["case"]["office"] == permit["office"]
