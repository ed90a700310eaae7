"""Address search: every word as typed first, else near matches for typos, a wrong district, missing
spaces and other romanisations; the building number always as typed."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from govapi.address_match import distance, jamo, roman
from govapi_testkit import Api

async def search(api: Api, q: str, limit: int | None = None) -> list[tuple[str, str]]:
    path = f"/v1/addresses?q={quote(q)}" + (f"&limit={limit}" if limit else "")
    status, body = await api.call("GET", path)
    assert status == 200, body
    return [(a["road_address"], a["match"]) for a in body["addresses"]]


@pytest.mark.asyncio
async def test_exact_results_say_so(api: Api) -> None:
    assert await search(api, "테헤란로 152") == [("서울특별시 강남구 테헤란로 152", "exact")]
    assert await search(api, "역삼로 12") == [("서울특별시 강남구 역삼로 12", "exact")]  # no district needed


@pytest.mark.asyncio
async def test_a_road_name_typo_finds_the_road(api: Api) -> None:
    assert await search(api, "테헤렌로 12") == [("서울특별시 강남구 테헤란로 12", "near")]
    assert await search(api, "서울 강남구 태헤란로 152") == [("서울특별시 강남구 테헤란로 152", "near")]


@pytest.mark.asyncio
async def test_a_wrong_district_finds_the_road_where_it_is(api: Api) -> None:
    assert await search(api, "종로구 테헤란로 152") == [("서울특별시 강남구 테헤란로 152", "near")]
    assert await search(api, "마포구 역삼로 12") == [("서울특별시 강남구 역삼로 12", "near")]


@pytest.mark.asyncio
async def test_no_space_before_the_number(api: Api) -> None:
    assert await search(api, "테헤란로12") == [("서울특별시 강남구 테헤란로 12", "exact")]  # not 126 as well
    assert await search(api, "테헤렌로12") == [("서울특별시 강남구 테헤란로 12", "near")]


@pytest.mark.asyncio
async def test_other_romanisations(api: Api) -> None:
    for q in ("TEHERAN RO 152", "152teheranro"):
        assert await search(api, q) == [("서울특별시 강남구 테헤란로 152", "exact")], q
    for q in ("Tehran-ro 152", "152 Teheran Road", "152 tehran ro"):
        assert await search(api, q) == [("서울특별시 강남구 테헤란로 152", "near")], q
    assert await search(api, "Kangnam-daero 93") == [("서울특별시 강남구 강남대로 93", "near")]
    assert await search(api, "28 Sulleung-ro, Gangnam") == [("서울특별시 강남구 선릉로 28", "near")]


@pytest.mark.asyncio
async def test_the_building_number_is_never_guessed(api: Api) -> None:
    assert await search(api, "테헤렌로 13") == [], "no building 13 on that road"
    assert await search(api, "테헤란로 15") == [], "15 is not 152"
    assert await search(api, "12 Teheran-ro, Gangnam-gu") == [("서울특별시 강남구 테헤란로 12", "exact")]


@pytest.mark.asyncio
async def test_an_unrelated_road_is_not_suggested(api: Api) -> None:
    assert await search(api, "사과나무길 152") == []
    assert await search(api, "없는길 99999") == []


@pytest.mark.asyncio
async def test_near_matches_respect_the_limit_and_stay_on_the_road(api: Api) -> None:
    found = await search(api, "테헤렌로", limit=2)
    assert len(found) == 2 and all(road.startswith("서울특별시 강남구 테헤란로 ") and match == "near"
                                   for road, match in found)


def test_jamo_distance_counts_letters_not_syllables() -> None:
    assert distance(jamo("테헤렌로"), jamo("테헤란로"), 3) == 1
    assert distance(jamo("역삼로"), jamo("언주로"), 3) == 4  # past any allowance: a different road
    assert roman("Kangnam-daero") == roman("Gangnam Daero")


@pytest.mark.asyncio
async def test_a_city_shortened_as_people_say_it_is_still_exact(api: Api) -> None:
    assert await search(api, "서울시 강남구 테헤란로 152") == [("서울특별시 강남구 테헤란로 152", "exact")]
