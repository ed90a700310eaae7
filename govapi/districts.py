"""Districts known to the address register, with real road names, postal-code ranges and centres.

Complaints are routed to the district office that covers the place (by name in the address,
or nearest centre for coordinates).
"""
from __future__ import annotations

import dataclasses
import math
import re


@dataclasses.dataclass(frozen=True)
class District:
    city: str
    city_en: str
    name: str
    name_en: str
    lat: float
    lon: float
    postal_base: int
    roads: tuple[tuple[str, str], ...]  # (Korean, romanised)
    # registered after the seed's random draws (fixed buildings, see seed.EXTRA_BUILDINGS), so adding
    # one leaves every generated citizen and number as it was
    more_roads: tuple[tuple[str, str], ...] = ()

    @property
    def all_roads(self) -> tuple[tuple[str, str], ...]:
        return self.roads + self.more_roads


DISTRICTS: tuple[District, ...] = (
    District("서울특별시", "Seoul", "강남구", "Gangnam-gu", 37.5172, 127.0473, 6000,
             (("테헤란로", "Teheran-ro"), ("강남대로", "Gangnam-daero"), ("선릉로", "Seolleung-ro"),
              ("봉은사로", "Bongeunsa-ro"), ("언주로", "Eonju-ro")),
             more_roads=(("역삼로", "Yeoksam-ro"),)),
    District("서울특별시", "Seoul", "종로구", "Jongno-gu", 37.5735, 126.9790, 3000,
             (("종로", "Jong-ro"), ("율곡로", "Yulgok-ro"), ("삼일대로", "Samil-daero"),
              ("자하문로", "Jahamun-ro"), ("대학로", "Daehak-ro"))),
    District("서울특별시", "Seoul", "마포구", "Mapo-gu", 37.5663, 126.9019, 3900,
             (("월드컵북로", "World Cup buk-ro"), ("양화로", "Yanghwa-ro"), ("마포대로", "Mapo-daero"),
              ("독막로", "Dongmak-ro"), ("와우산로", "Wausan-ro"))),
    District("서울특별시", "Seoul", "용산구", "Yongsan-gu", 37.5324, 126.9900, 4300,
             (("이태원로", "Itaewon-ro"), ("한강대로", "Hangang-daero"), ("녹사평대로", "Noksapyeong-daero"),
              ("원효로", "Wonhyo-ro"), ("후암로", "Huam-ro"))),
    District("서울특별시", "Seoul", "송파구", "Songpa-gu", 37.5145, 127.1059, 5500,
             (("올림픽로", "Olympic-ro"), ("송파대로", "Songpa-daero"), ("잠실로", "Jamsil-ro"),
              ("백제고분로", "Baekjegobun-ro"), ("위례성대로", "Wiryeseong-daero"))),
    District("부산광역시", "Busan", "해운대구", "Haeundae-gu", 35.1631, 129.1636, 48000,
             (("해운대로", "Haeundae-ro"), ("센텀중앙로", "Centum jungang-ro"), ("달맞이길", "Dalmaji-gil"),
              ("구남로", "Gunam-ro"), ("좌동순환로", "Jwadongsunhwan-ro"))),
    District("경기도 수원시", "Suwon-si, Gyeonggi-do", "팔달구", "Paldal-gu", 37.2829, 127.0197, 16200,
             (("효원로", "Hyowon-ro"), ("정조로", "Jeongjo-ro"), ("매산로", "Maesan-ro"),
              ("중부대로", "Jungbu-daero"), ("권광로", "Gwongwang-ro"))),
    District("대전광역시", "Daejeon", "유성구", "Yuseong-gu", 36.3624, 127.3563, 34000,
             (("유성대로", "Yuseong-daero"), ("엑스포로", "Expo-ro"), ("계룡로", "Gyeryong-ro"),
              ("한밭대로", "Hanbat-daero"), ("도안대로", "Doan-daero"))),
)

BY_NAME = {d.name: d for d in DISTRICTS}


def district_in_text(text: str) -> District | None:
    lowered = text.lower()
    for district in DISTRICTS:
        if district.name in text or district.name_en.lower() in lowered:
            return district
    compact = re.sub(r"[\s-]+", "", lowered)  # "yeoksam ro 180", "yeoksamro 180": the road typed without its hyphen
    for district in DISTRICTS:  # "Gangnam" without "-gu", or the road name alone
        if district.name_en.lower().removesuffix("-gu") in lowered:
            return district
        if any(ko in text or en.lower() in lowered or en.lower().replace("-", "") in compact
               for ko, en in district.all_roads):
            return district
    return None


def nearest_district(lat: float, lon: float, max_km: float = 15.0) -> District | None:
    def km(d: District) -> float:
        dy = (d.lat - lat) * 111.0
        dx = (d.lon - lon) * 111.0 * math.cos(math.radians(lat))
        return math.hypot(dx, dy)

    best = min(DISTRICTS, key=km)
    return best if km(best) <= max_km else None
