"""Complaints: category and district decide the department, the deadline counts business days,
photos are checked, and answers reach the citizen."""
from __future__ import annotations

import pytest

from govapi_testkit import Api

pytestmark = pytest.mark.asyncio
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


async def test_categories_are_bilingual_with_departments(api: Api) -> None:
    status, body = await api.call("GET", "/v1/complaints/categories")
    codes = [c["code"] for c in body["categories"]]
    assert codes == ["roads", "street_lighting", "noise", "waste", "illegal_parking", "transport", "parks",
                     "staff_conduct", "proposal", "other"]
    assert all(c["label"]["ko"] and c["department"]["en"] for c in body["categories"])


async def test_complaint_is_routed_by_category_and_district_with_a_business_day_deadline(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    status, c = await api.call("POST", "/v1/complaints", citizen=token, key="c1", json={
        "category": "street_lighting", "text": "가로등이 꺼져 있어요",
        "place": {"address": "서울특별시 마포구 양화로 45 앞"}})
    assert status == 201 and c["tracking_number"].startswith("CP-2026-")
    assert c["department"] == {"ko": "마포구청 도로과 가로등팀", "en": "Mapo-gu Office, Roads Division, Street Lighting Team"}
    # filed Wed 2026-11-25: seven business days later is Fri 2026-12-04
    assert (c["status"], c["deadline"]) == ("received", "2026-12-04")


async def test_coordinates_find_the_nearest_district(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    status, c = await api.call("POST", "/v1/complaints", citizen=token, key="c2", json={
        "category": "noise", "text": "Loud music every night", "place": {"lat": 35.1587, "lon": 129.1604}})
    assert status == 201 and c["district"] == "해운대구" and c["department"]["en"].startswith("Haeundae-gu Office")


@pytest.mark.parametrize("place", ["yeoksam ro 180", "yeoksamro 25 by the bus stop"])
async def test_a_road_typed_without_its_hyphen_still_finds_its_district(api: Api, place: str) -> None:
    token = await api.login(await api.fresh_citizen())
    status, c = await api.call("POST", "/v1/complaints", citizen=token, key=f"hy-{len(place)}", json={
        "category": "noise", "text": "Loud music every night", "place": {"address": place}})
    # was: not recognised, so the citizen's own district office (유성구 in a held-out run) got a Gangnam complaint
    assert status == 201 and c["district"] == "강남구"


async def test_proposals_get_fourteen_business_days(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    _, c = await api.call("POST", "/v1/complaints", citizen=token, key="c3", json={
        "category": "proposal", "text": "Shade at the crossing", "place": {"address": "Gangnam-gu Teheran-ro 1"}})
    # 14 business days from Wed 2026-11-25, skipping three weekends
    assert c["deadline"] == "2026-12-15"


async def test_photo_upload_then_complaint_with_it(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    status, photo = await api.call("POST", "/v1/uploads", citizen=token, data=JPEG,
                                   headers={"Content-Type": "image/jpeg"})
    assert status == 201 and photo["size"] == len(JPEG)
    status, c = await api.call("POST", "/v1/complaints", citizen=token, key="c4", json={
        "category": "waste", "text": "쓰레기 무단투기", "place": {"address": "종로구 율곡로 10"},
        "photo_id": photo["photo_id"]})
    assert status == 201 and c["photo_id"] == photo["photo_id"]


async def test_someone_elses_photo_cannot_be_attached(api: Api, minjun: str) -> None:
    other = await api.login(await api.fresh_citizen())
    _, photo = await api.call("POST", "/v1/uploads", citizen=other, data=PNG, headers={"Content-Type": "image/png"})
    status, body = await api.call("POST", "/v1/complaints", citizen=minjun, key="c5", json={
        "category": "roads", "text": "x", "place": {"address": "강남구"}, "photo_id": photo["photo_id"]})
    assert status == 404


@pytest.mark.parametrize("content_type,data,status,code", [
    ("image/gif", b"GIF89a" + b"\0" * 10, 415, "unsupported_media_type"),
    ("image/png", JPEG, 400, "invalid_image"),
    ("image/jpeg", b"", 400, "invalid_image"),
    ("image/jpeg", b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024), 413, "body_too_large"),
])
async def test_photo_limits(api: Api, minjun: str, content_type, data, status, code) -> None:
    got, body = await api.call("POST", "/v1/uploads", citizen=minjun, data=data, headers={"Content-Type": content_type})
    assert (got, body["code"]) == (status, code)


async def test_answer_reaches_the_citizen_and_the_outbox(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    _, c = await api.call("POST", "/v1/complaints", citizen=token, key="c6", json={
        "category": "parks", "text": "Broken bench", "place": {"address": "송파구 올림픽로 25"}})
    status, _ = await api.admin("POST", f"/v1/admin/complaints/{c['tracking_number']}/status",
                                json={"status": "in_progress"})
    assert status == 200
    answer = {"ko": "벤치를 교체했습니다.", "en": "We replaced the bench."}
    status, _ = await api.admin("POST", f"/v1/admin/complaints/{c['tracking_number']}/answer", json={"answer": answer})
    assert status == 200
    _, mine = await api.call("GET", f"/v1/complaints/{c['tracking_number']}", citizen=token)
    assert (mine["status"], mine["answer"]) == ("answered", answer)
    status, again = await api.admin("POST", f"/v1/admin/complaints/{c['tracking_number']}/answer",
                                    json={"answer": "twice"})
    assert status == 409


async def test_complaint_replay_with_the_same_key_files_once(api: Api) -> None:
    token = await api.login(await api.fresh_citizen())
    _, before = await api.call("GET", "/v1/me/complaints", citizen=token)  # seeded citizens may have some
    body = {"category": "roads", "text": "Pothole", "place": {"address": "유성구 엑스포로 1"}}
    first = await api.call("POST", "/v1/complaints", citizen=token, key="once", json=body)
    second = await api.call("POST", "/v1/complaints", citizen=token, key="once", json=body)
    assert (first[0], second[0]) == (201, 200) and first[1]["tracking_number"] == second[1]["tracking_number"]
    _, mine = await api.call("GET", "/v1/me/complaints", citizen=token)
    assert len(mine["complaints"]) == len(before["complaints"]) + 1
