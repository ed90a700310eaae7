"""Bad input answers 4xx with a JSON {code, message}, never a 500."""
from __future__ import annotations

import pytest

from govapi_testkit import Api

pytestmark = pytest.mark.asyncio


async def post_raw(api: Api, path: str, raw: bytes, citizen: str | None = None, key: str | None = "k",
                   content_type: str = "application/json") -> tuple[int, dict]:
    return await api.call("POST", path, data=raw, citizen=citizen, key=key, headers={"Content-Type": content_type})


@pytest.mark.parametrize("raw", [b"{", b"not json", b"\xff\xfe", b"", b'{"a": NaN}'])
async def test_malformed_json_is_400(api: Api, raw: bytes) -> None:
    status, body = await post_raw(api, "/v1/verifications", raw)
    assert (status, body["code"]) == (400, "invalid_json") and body["message"]


@pytest.mark.parametrize("raw", [b"[]", b"123", b'"text"', b"null"])
async def test_json_that_is_not_an_object_is_400(api: Api, raw: bytes) -> None:
    status, body = await post_raw(api, "/v1/verifications", raw)
    assert (status, body["code"]) == (400, "validation_error")


@pytest.mark.parametrize("body", [
    {"fine_ids": "FN-2026-000001"}, {"fine_ids": [1, 2]}, {"fine_ids": []}, {"fine_ids": ["a", "a"]},
    {"fine_ids": ["FN-2026-000001"], "method": "cash"}, {}, {"fine_ids": [True]},
])
async def test_wrong_types_in_a_payment_are_400(api: Api, minjun: str, body: dict) -> None:
    status, answer = await api.call("POST", "/v1/payments", citizen=minjun, key="types", json=body)
    assert (status, answer["code"]) == (400, "validation_error") and answer["field"] in ("fine_ids", "method")


async def test_oversized_json_body_is_413(api: Api, minjun: str) -> None:
    raw = b'{"category": "other", "text": "' + b"a" * 70_000 + b'", "place": {"address": "x"}}'
    status, body = await post_raw(api, "/v1/complaints", raw, citizen=minjun)
    assert (status, body["code"]) == (413, "body_too_large")


async def test_body_over_the_server_limit_is_413_json(api: Api) -> None:
    status, body = await post_raw(api, "/v1/verifications", b"x" * (6 * 1024 * 1024))
    assert status == 413 and body["code"] == "body_too_large"


async def test_form_posted_to_a_json_route_is_415(api: Api) -> None:
    status, body = await post_raw(api, "/v1/verifications", b"phone=1", content_type="application/x-www-form-urlencoded")
    assert (status, body["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize("date", ["2026-02-29", "2026-11-31", "26-12-01", "2026-12-01T00:00:00"])
async def test_impossible_move_dates_are_400(api: Api, minjun: str, date: str) -> None:
    status, body = await api.call("POST", "/v1/address-changes", citizen=minjun, key="date", json={
        "address_id": "ad_000100", "effective_date": date})
    assert (status, body["code"]) == (400, "invalid_date")


async def test_missing_idempotency_key_is_400(api: Api, minjun: str) -> None:
    status, body = await api.call("POST", "/v1/payments", citizen=minjun, json={"fine_ids": ["FN-2026-000001"]})
    assert (status, body["code"]) == (400, "idempotency_key_required")


@pytest.mark.parametrize("path", ["/v1/applications/AP-2026-999999", "/v1/applications/hello",
                                  "/v1/complaints/CP-0000-000000", "/v1/cases/XX-2026-000001",
                                  "/v1/payments/" + "9" * 500])
async def test_unknown_ids_are_404(api: Api, minjun: str, path: str) -> None:
    status, body = await api.call("GET", path, citizen=minjun)
    assert (status, body["code"]) == (404, "not_found")


async def test_unknown_route_and_wrong_method_are_json(api: Api) -> None:
    status, body = await api.call("GET", "/nothing-here")
    assert (status, body["code"]) == (404, "not_found")
    status, body = await api.call("DELETE", "/v1/complaints/categories")
    assert (status, body["code"]) == (405, "method_not_allowed")


@pytest.mark.parametrize("query", ["?after=abc", "?after=-1", "?limit=0", "?limit=100000", "?limit=x"])
async def test_bad_event_cursor_or_limit_is_400(api: Api, query: str) -> None:
    status, body = await api.admin("GET", "/v1/events" + query)
    assert status == 400 and body["code"] in ("invalid_cursor", "validation_error")


@pytest.mark.parametrize("place", [{"lat": 91, "lon": 0}, {"lat": "37.5", "lon": 127}, {"lat": 37.5}, "강남구", None])
async def test_bad_complaint_places_are_400(api: Api, minjun: str, place) -> None:
    status, body = await api.call("POST", "/v1/complaints", citizen=minjun, key="place", json={
        "category": "roads", "text": "x", "place": place})
    assert (status, body["code"]) == (400, "validation_error")


async def test_lone_surrogates_anywhere_are_400_not_500(api: Api, minjun: str) -> None:
    status, body = await post_raw(api, "/v1/complaints", b'{"category": "roads", "text": "\\ud800", '
                                  b'"place": {"address": "x"}}', citizen=minjun)
    assert (status, body["code"]) == (400, "invalid_json")
    status, body = await api.call("GET", "/v1/addresses?q=%ED%A0%80")  # undecodable: replaced, finds nothing
    assert (status, body) == (200, {"addresses": []})
    status, body = await api.admin("GET", "/v1/admin/citizens/%ED%A0%80")
    assert status == 404
    resp = await api.client.get("/v1/me", headers={"Authorization": "Bearer x", "X-Citizen-Token": "\x80"})
    assert resp.status == 401
