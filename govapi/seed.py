"""Deterministic seed data: an address register, fixed demo citizens and generated ones.

Everything comes from a fixed random seed, so re-seeding gives the same citizens, numbers and
amounts. Dates are relative to the clock's today at seeding time (set GOVAPI_TODAY to pin them),
so the demo always has fines due soon and one overdue. DEMO_CITIZENS is what the README and
other parts' tests may rely on.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from typing import Any

import phonenumbers

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import labels
from .calendar_kr import add_business_days
from .clock import SEOUL, Clock
from .db import Database
from .districts import BY_NAME, DISTRICTS, District
from .tables import (
    Address,
    AddressChange,
    AgencyDelivery,
    Application,
    ApplicationHistory,
    Base,
    Citizen,
    Complaint,
    Event,
    Fine,
    Household,
    NumberCounter,
    Payment,
    PaymentItem,
)

SEED = 20261125
NUMBER_YEAR = 2026
GENERATED_CITIZENS = 200


@dataclasses.dataclass(frozen=True)
class DemoCitizen:
    id: str
    name: str
    phone: str
    birth_date: str
    language: str
    household_id: str
    relation: str
    district: str
    road: str
    building: int


DEMO_CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen("ct_000001", "김민준", "+821012345678", "1985-03-14", "ko", "hh_000001", "head", "강남구", "테헤란로", 152),
    DemoCitizen("ct_000002", "이서연", "+821023456789", "1987-08-21", "ko", "hh_000001", "spouse", "강남구", "테헤란로", 152),
    DemoCitizen("ct_000003", "김하준", "+821034567890", "2012-05-05", "ko", "hh_000001", "child", "강남구", "테헤란로", 152),
    DemoCitizen("ct_000004", "Emily Park", "+821098765432", "1990-07-02", "en", "hh_000002", "head", "용산구", "이태원로", 177),
    DemoCitizen("ct_000005", "최순자", "+821055501234", "1952-11-08", "ko", "hh_000003", "head", "종로구", "율곡로", 46),
)

# Buildings registered after everything drawn at random: the examples the assistant gives, and a
# road (District.more_roads) added later. (district, road) -> building numbers.
EXTRA_BUILDINGS = {("강남구", "테헤란로"): (12,), ("강남구", "역삼로"): (12, 25, 180)}

# (number, citizen, kind, final status, days since submission)
DEMO_APPLICATIONS = (
    ("AP-2026-000001", "ct_000001", "passport", "received", 1),
    ("AP-2026-000002", "ct_000001", "business_registration", "under_review", 3),
    ("AP-2026-000003", "ct_000001", "building_permit", "supplement_requested", 12),
    ("AP-2026-000004", "ct_000001", "child_allowance", "approved", 20),
    ("AP-2026-000005", "ct_000001", "basic_livelihood", "rejected", 40),
    ("AP-2026-000006", "ct_000001", "resident_certificate", "completed", 6),
    ("AP-2026-000007", "ct_000001", "driving_licence_renewal", "under_review", 2),
    ("AP-2026-000008", "ct_000004", "resident_certificate", "received", 0),
    ("AP-2026-000009", "ct_000004", "driving_licence_renewal", "supplement_requested", 5),
    ("AP-2026-000010", "ct_000005", "basic_livelihood", "under_review", 9),
)

# (notice, citizen, kind, plate, base amount, due in days (negative: overdue), paid)
DEMO_FINES = (
    ("FN-2026-000001", "ct_000001", "illegal_parking", "12가3456", 40000, 20, False),
    ("FN-2026-000002", "ct_000001", "speed_camera", "12가3456", 70000, -45, False),
    ("FN-2026-000003", "ct_000001", "bus_lane", "12가3456", 50000, 10, False),
    ("FN-2026-000004", "ct_000001", "red_light", "12가3456", 70000, -5, True),
    ("FN-2026-000005", "ct_000004", "red_light", "34나5678", 70000, -100, False),
    ("FN-2026-000006", "ct_000004", "vehicle_tax_arrears", "34나5678", 128000, 5, False),
    ("FN-2026-000007", "ct_000005", "illegal_parking", "56다7890", 40000, 3, False),
)

MISSING_DOCUMENTS = {
    "building_permit": [labels.label("구조안전 확인서", "Structural safety certificate"),
                        labels.label("배치도", "Site plan")],
    "driving_licence_renewal": [labels.label("건강검진 결과 통보서 (2년 이내)", "Health check-up result (within 2 years)")],
    "basic_livelihood": [labels.label("임대차 계약서 사본", "Copy of the lease contract")],
    "passport": [labels.label("여권용 사진 (6개월 이내 촬영)", "Passport photo taken within 6 months")],
    "child_allowance": [labels.label("가족관계증명서", "Family relation certificate")],
    "business_registration": [labels.label("임대차 계약서 사본", "Copy of the lease contract")],
    "resident_certificate": [labels.label("신분증 사본", "Copy of an identity card")],
}
REJECTION = {
    "basic_livelihood": labels.label("소득인정액이 선정기준을 초과합니다.",
                                     "Your recognised income is above the eligibility threshold."),
}
DEFAULT_REJECTION = labels.label("제출 서류로 요건이 확인되지 않았습니다.",
                                 "The documents submitted do not show that the requirements are met.")

STATUS_PATHS = {
    "received": ["received"],
    "under_review": ["received", "under_review"],
    "supplement_requested": ["received", "under_review", "supplement_requested"],
    "approved": ["received", "under_review", "approved"],
    "rejected": ["received", "under_review", "rejected"],
    "completed": ["received", "under_review", "approved", "completed"],
}
NOTES = {
    "received": labels.label("신청이 접수되었습니다.", "Your application was received."),
    "under_review": labels.label("담당자가 검토를 시작했습니다.", "An officer started the review."),
    "supplement_requested": labels.label("서류 보완이 필요합니다.", "Further documents are needed."),
    "approved": labels.label("승인되었습니다.", "Approved."),
    "rejected": labels.label("반려되었습니다. 사유와 이의신청 방법을 확인하세요.",
                             "Rejected. See the reason and how to appeal."),
    "completed": labels.label("처리가 완료되어 수령할 수 있습니다.", "Done; ready for pickup."),
}

KO_SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
KO_GIVEN = ["민준", "서연", "도윤", "서윤", "하준", "지우", "시우", "하은", "주원", "지호", "예준", "수아",
            "지민", "채원", "현우", "지유", "건우", "윤서", "우진", "민서", "영수", "순자", "영희", "철수"]
EN_FIRST = ["James", "Emily", "Daniel", "Sarah", "Michael", "Olivia", "David", "Grace", "Thomas", "Hannah",
            "Lucas", "Sophia", "Nguyen Van", "Maria", "Ahmed", "Anna"]
EN_LAST = ["Park", "Kim", "Lee", "Smith", "Brown", "Wilson", "Nguyen", "Garcia", "Tran", "Choi", "Novak", "Ali"]
PLATE_SYLLABLES = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호"
COMPLAINT_TEXTS = {
    "roads": ("보도블록이 깨져서 걸려 넘어질 위험이 있습니다.", "Broken paving stones; people may trip."),
    "street_lighting": ("가로등이 며칠째 꺼져 있어 밤길이 어둡습니다.", "The street light has been off for days."),
    "noise": ("공사장 소음이 밤 10시 이후에도 계속됩니다.", "Building site noise goes on after 10 pm."),
    "waste": ("무단투기된 쓰레기가 쌓여 있습니다.", "Dumped rubbish is piling up."),
    "illegal_parking": ("소화전 앞에 상습적으로 주차합니다.", "Cars park in front of the fire hydrant every day."),
    "transport": ("버스 배차 간격이 너무 깁니다.", "The bus comes too rarely."),
    "parks": ("공원 운동기구가 고장 났습니다.", "The park exercise machine is broken."),
    "proposal": ("횡단보도에 그늘막 설치를 제안합니다.", "I propose a sunshade at the crossing."),
}


def road_address(d: District, road_ko: str, road_en: str, building: int) -> tuple[str, str]:
    return f"{d.city} {d.name} {road_ko} {building}", f"{building} {road_en}, {d.name_en}, {d.city_en}"


def search_text(*parts: str) -> str:
    return "|".join(re.sub(r"[\s,.\-]", "", p).lower() for p in parts)


class _Builder:
    def __init__(self, today: dt.date, now: dt.datetime) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        self.now = now
        self.rows: list[Any] = []
        self.addresses: dict[tuple[str, str, int], Address] = {}
        self.counters: dict[str, int] = {}

    def at(self, days_ago: float, hour: int = 10) -> dt.datetime:
        day = self.today - dt.timedelta(days=int(days_ago))
        local = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=SEOUL)
        return min(local.astimezone(dt.timezone.utc), self.now)

    def number(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{NUMBER_YEAR}-{self.counters[prefix]:06d}"

    def address(self, district: District, road_index: int, building: int) -> Address:
        road_ko, road_en = district.all_roads[road_index]
        key = (district.name, road_ko, building)
        if key not in self.addresses:
            ko, en = road_address(district, road_ko, road_en, building)
            postal = district.postal_base + road_index * 37 + building % 31
            self.addresses[key] = Address(
                id=f"ad_{len(self.addresses) + 1:06d}", road_address=ko, road_address_en=en, city=district.city,
                district=district.name, district_en=district.name_en, postal_code=f"{postal:05d}",
                search_text=search_text(ko, en, f"{postal:05d}"))
        return self.addresses[key]

    def register(self) -> None:
        for demo in DEMO_CITIZENS:
            d = BY_NAME[demo.district]
            self.address(d, [r[0] for r in d.roads].index(demo.road), demo.building)
        for d in DISTRICTS:
            for road_index in range(len(d.roads)):
                for building in sorted(self.rng.sample(range(1, 400), 8)):
                    self.address(d, road_index, building)

    def extra_addresses(self) -> None:
        """Fixed addresses the assistant's own examples use ("테헤란로 12", "역삼로 12"), added last."""
        for (name, road), buildings in EXTRA_BUILDINGS.items():
            d = BY_NAME[name]
            for building in buildings:
                self.address(d, [r[0] for r in d.all_roads].index(road), building)

    def application(self, number: str, citizen_id: str, kind: str, status: str, days_ago: int,
                    district: District) -> None:
        office = labels.APPLICATION_OFFICE_OF_KIND[kind]
        submitted = self.at(days_ago, 9)
        path = STATUS_PATHS[status]
        history = []
        for i, step in enumerate(path):
            step_days = days_ago * (len(path) - 1 - i) / max(len(path) - 1, 1)
            at = submitted if i == 0 else max(self.at(step_days, 14), submitted)
            history.append(ApplicationHistory(application_number=number, status=step, at=at, office=office,
                                              note=NOTES[step]))
        expected = add_business_days(submitted.astimezone(SEOUL).date(), labels.APPLICATION_PROCESSING_DAYS[kind])
        self.rows.append(Application(
            number=number, citizen_id=citizen_id, kind=kind, status=status, office=office,
            district=district.name, district_en=district.name_en, submitted_at=submitted,
            expected_completion=expected,
            missing_documents=MISSING_DOCUMENTS[kind] if status == "supplement_requested" else [],
            rejection_reason=REJECTION.get(kind, DEFAULT_REJECTION) if status == "rejected" else None,
            updated_at=history[-1].at))
        self.rows.extend(history)

    def fine(self, notice: str, citizen_id: str, kind: str, plate: str, base: int, due_in: int,
             district: District) -> Fine:
        road_ko, road_en = district.roads[self.rng.randrange(len(district.roads))]
        issued_days_ago = 30 - due_in if due_in < 30 else 5
        fine = Fine(
            id="fn_" + notice[-6:], notice_number=notice, citizen_id=citizen_id, kind=kind, plate=plate,
            place={"ko": f"{district.city} {district.name} {road_ko} 부근", "en": f"Near {road_en}, {district.name_en}"},
            occurred_at=self.at(issued_days_ago + 10, 8 + self.rng.randrange(12)), base_amount=base,
            due_date=self.today + dt.timedelta(days=due_in), status="unpaid",
            # overdue before govapi started: no "late fee added" news for them
            late_fee_announced_on=self.today if due_in < 0 else None)
        self.rows.append(fine)
        return fine

    def pay(self, fine: Fine, days_ago: int) -> None:
        payment_id, receipt = self.number("PY"), self.number("RC")
        paid_at = self.at(days_ago, 11)
        fine.status, fine.paid_by, fine.paid_amount, fine.paid_at = "paid", payment_id, fine.base_amount, paid_at
        self.rows.append(Payment(id=payment_id, citizen_id=fine.citizen_id, status="paid", method="card",
                                 total=fine.base_amount, created_at=paid_at, expires_at=paid_at + dt.timedelta(minutes=30),
                                 paid_at=paid_at, closed_at=paid_at, receipt_number=receipt,
                                 provider_ref="sandbox_seed"))
        self.rows.append(PaymentItem(payment_id=payment_id, fine_id=fine.id, base_amount=fine.base_amount,
                                     late_fee=0, amount=fine.base_amount))

    def complaint(self, number: str, citizen_id: str, category: str, district: District, days_ago: int,
                  answered: bool, language: str) -> None:
        road_ko, road_en = district.roads[self.rng.randrange(len(district.roads))]
        text_ko, text_en = COMPLAINT_TEXTS[category]
        submitted = self.at(days_ago, 15)
        days = labels.COMPLAINT_CATEGORIES[category][2]
        self.rows.append(Complaint(
            tracking_number=number, citizen_id=citizen_id, category=category,
            text=text_ko if language == "ko" else text_en,
            place_address=f"{district.city} {district.name} {road_ko} {self.rng.randrange(1, 300)}",
            district=district.name, status="answered" if answered else "received",
            deadline=add_business_days(submitted.astimezone(SEOUL).date(), days), submitted_at=submitted,
            answer=labels.label("현장을 확인하고 조치했습니다. 감사합니다.", "We checked the site and fixed it. Thank you.")
            if answered else None,
            answered_at=self.at(max(days_ago - 3, 0), 16) if answered else None))

    def demo(self) -> None:
        self.rows.extend(Household(id=h) for h in sorted({c.household_id for c in DEMO_CITIZENS}))
        for c in DEMO_CITIZENS:
            d = BY_NAME[c.district]
            address = self.address(d, [r[0] for r in d.roads].index(c.road), c.building)
            self.rows.append(Citizen(id=c.id, name=c.name, birth_date=dt.date.fromisoformat(c.birth_date),
                                     phone=c.phone, address_id=address.id, household_id=c.household_id,
                                     relation=c.relation, language=c.language))
        citizens = {c.id: c for c in DEMO_CITIZENS}
        for number, citizen_id, kind, status, days_ago in DEMO_APPLICATIONS:
            self.application(number, citizen_id, kind, status, days_ago, BY_NAME[citizens[citizen_id].district])
        self.counters["AP"] = len(DEMO_APPLICATIONS)
        for notice, citizen_id, kind, plate, base, due_in, paid in DEMO_FINES:
            fine = self.fine(notice, citizen_id, kind, plate, base, due_in, BY_NAME[citizens[citizen_id].district])
            if paid:
                self.pay(fine, days_ago=10)
        self.counters["FN"] = len(DEMO_FINES)
        self.complaint(self.number("CP"), "ct_000001", "street_lighting", BY_NAME["강남구"], 12, True, "ko")
        self.complaint(self.number("CP"), "ct_000001", "noise", BY_NAME["강남구"], 2, False, "ko")

    def generated(self) -> None:
        rng = self.rng
        used_phones = {c.phone for c in DEMO_CITIZENS}
        all_addresses = list(self.addresses.values())
        citizen_no = len(DEMO_CITIZENS)
        household_no = len({c.household_id for c in DEMO_CITIZENS})
        while citizen_no < len(DEMO_CITIZENS) + GENERATED_CITIZENS:
            household_no += 1
            household_id = f"hh_{household_no:06d}"
            self.rows.append(Household(id=household_id))
            address = rng.choice(all_addresses)
            district = BY_NAME[address.district]
            english = rng.random() < 0.15
            surname = rng.choice(KO_SURNAMES)
            size = rng.choice([1, 1, 2, 2, 3, 4])
            for member in range(size):
                citizen_no += 1
                citizen_id = f"ct_{citizen_no:06d}"
                relation = "head" if member == 0 else ("spouse" if member == 1 else "child")
                if english:
                    name = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
                else:
                    name = (surname if relation != "spouse" else rng.choice(KO_SURNAMES)) + rng.choice(KO_GIVEN)
                age = rng.randrange(30, 80) if member < 2 else rng.randrange(1, 25)
                birth = dt.date(self.today.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
                phone = ""
                while not phone or phone in used_phones or not _valid_mobile(phone):
                    phone = f"+8210{rng.randrange(20000000, 99999999)}"
                used_phones.add(phone)
                self.rows.append(Citizen(id=citizen_id, name=name, birth_date=birth, phone=phone,
                                         address_id=address.id, household_id=household_id, relation=relation,
                                         language="en" if english else "ko"))
                if age < 17:
                    continue
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    kind = rng.choice(list(labels.APPLICATION_KINDS))
                    status = rng.choice(list(labels.APPLICATION_STATUSES))
                    self.application(self.number("AP"), citizen_id, kind, status, rng.randrange(0, 60), district)
                plate = f"{rng.randrange(10, 400)}{rng.choice(PLATE_SYLLABLES)}{rng.randrange(1000, 10000)}"
                for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                    kind = rng.choice(list(labels.FINE_KINDS))
                    base = rng.choice([40000, 50000, 60000, 70000, 100000])
                    fine = self.fine(self.number("FN"), citizen_id, kind, plate, base, rng.randrange(-200, 40), district)
                    if rng.random() < 0.3:
                        self.pay(fine, days_ago=rng.randrange(1, 30))
                if rng.random() < 0.2:
                    category = rng.choice(list(COMPLAINT_TEXTS))
                    self.complaint(self.number("CP"), citizen_id, category, district, rng.randrange(0, 30),
                                   rng.random() < 0.5, "en" if english else "ko")


def _valid_mobile(phone: str) -> bool:
    parsed = phonenumbers.parse(phone, None)
    return phonenumbers.is_valid_number(parsed) and \
        phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


async def is_seeded(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(Citizen)))


async def clear(db: Database) -> None:
    async with db.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))


async def seed(db: Database, clock: Clock, *, reset: bool = False) -> bool:
    """Fill an empty database; answers False (and changes nothing) when it already has citizens."""
    if reset:
        await clear(db)
    async with db.session() as session:
        if await is_seeded(session):
            return False
        builder = _Builder(clock.today(), clock.now())
        builder.register()
        builder.demo()
        builder.generated()
        builder.extra_addresses()
        session.add_all(builder.addresses.values())
        await session.flush()
        # tables have no ORM relationships, so insert parents before children ourselves
        for kind in _ORDER:
            session.add_all(row for row in builder.rows if type(row) is kind)
            await session.flush()
        for prefix, last in builder.counters.items():
            session.add(NumberCounter(prefix=prefix, year=NUMBER_YEAR, last=last))
    return True


_ORDER = [Household, Citizen, Application, ApplicationHistory, Payment, Fine, PaymentItem, Complaint,
          AddressChange, AgencyDelivery, Event]

