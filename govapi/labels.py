"""Codes and their Korean/English labels: what citizens read about kinds, statuses and offices."""
from __future__ import annotations

Label = dict[str, str]


def label(ko: str, en: str) -> Label:
    return {"ko": ko, "en": en}


APPLICATION_KINDS: dict[str, Label] = {
    "passport": label("여권 발급", "Passport issuance"),
    "business_registration": label("사업자등록", "Business registration"),
    "building_permit": label("건축허가", "Building permit"),
    "basic_livelihood": label("기초생활보장 급여", "Basic livelihood benefit"),
    "child_allowance": label("아동수당", "Child allowance"),
    "driving_licence_renewal": label("운전면허 갱신", "Driving licence renewal"),
    "resident_certificate": label("주민등록표 등본 발급", "Resident registration certificate"),
}

# Business days a kind usually takes, from submission to completion.
APPLICATION_PROCESSING_DAYS: dict[str, int] = {
    "passport": 5,
    "business_registration": 3,
    "building_permit": 15,
    "basic_livelihood": 30,
    "child_allowance": 14,
    "driving_licence_renewal": 3,
    "resident_certificate": 1,
}

APPLICATION_OFFICE_OF_KIND: dict[str, str] = {
    "passport": "district_civil_affairs",
    "business_registration": "tax_office",
    "building_permit": "district_architecture",
    "basic_livelihood": "community_centre",
    "child_allowance": "community_centre",
    "driving_licence_renewal": "licence_agency",
    "resident_certificate": "community_centre",
}

OFFICES: dict[str, Label] = {
    "district_civil_affairs": label("{district}청 민원여권과", "{district_en} Office, Civil Affairs and Passports"),
    "tax_office": label("{district} 관할 세무서 민원봉사실", "Tax office for {district_en}, Taxpayer Service Desk"),
    "district_architecture": label("{district}청 건축과", "{district_en} Office, Architecture Division"),
    "community_centre": label("{district} 행정복지센터", "{district_en} Community Service Centre"),
    "licence_agency": label("도로교통공단 운전면허시험장", "Road Traffic Authority, Licence Examination Office"),
}


def office_label(office: str, district: str, district_en: str) -> Label:
    """The office that handles a case, in the district the case was filed in."""
    template = OFFICES[office]
    return {lang: text.format(district=district, district_en=district_en) for lang, text in template.items()}


APPLICATION_STATUSES: dict[str, Label] = {
    "received": label("접수 완료", "Received"),
    "under_review": label("검토 중", "Under review"),
    "supplement_requested": label("보완 요청", "Supplement requested"),
    "approved": label("승인", "Approved"),
    "rejected": label("반려", "Rejected"),
    "completed": label("처리 완료 (수령 가능)", "Completed / ready for pickup"),
}

# Which status may follow which (admin changes are checked against this).
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    "received": {"under_review", "supplement_requested", "rejected"},
    "under_review": {"supplement_requested", "approved", "rejected"},
    "supplement_requested": {"under_review", "rejected"},
    "approved": {"completed"},
    "rejected": set(),
    "completed": set(),
}

APPEAL = label(
    "처분이 있음을 안 날부터 90일 이내에 행정심판(온라인행정심판 www.simpan.go.kr) 또는 "
    "행정소송을 제기할 수 있습니다. 담당 기관에 이의신청도 가능합니다.",
    "You may file an administrative appeal (online at www.simpan.go.kr) or an administrative "
    "lawsuit within 90 days of learning of the decision. You may also object to the office in charge.",
)

FINE_KINDS: dict[str, Label] = {
    "illegal_parking": label("불법 주정차 과태료", "Illegal parking fine"),
    "speed_camera": label("과속 단속 과태료", "Speed camera fine"),
    "bus_lane": label("버스전용차로 위반 과태료", "Bus lane violation fine"),
    "red_light": label("신호위반 과태료", "Red light violation fine"),
    "vehicle_tax_arrears": label("자동차세 체납", "Vehicle tax arrears"),
}

FINE_STATUSES: dict[str, Label] = {
    "unpaid": label("미납", "Unpaid"),
    "pending_payment": label("결제 진행 중", "Payment in progress"),
    "paid": label("납부 완료", "Paid"),
}

PAYMENT_STATUSES: dict[str, Label] = {
    "pending": label("결제 대기", "Awaiting payment"),
    "paid": label("결제 완료", "Paid"),
    "expired": label("기한 만료", "Expired"),
    "cancelled": label("취소됨", "Cancelled"),
}

AGENCIES: dict[str, Label] = {
    "tax_office": label("국세청(세무서)", "National Tax Service"),
    "vehicle_registry": label("자동차 등록관청", "Vehicle Registry"),
    "health_insurance": label("국민건강보험공단", "National Health Insurance Service"),
    "national_pension": label("국민연금공단", "National Pension Service"),
    "election_register": label("선거관리위원회 선거인명부", "Election Register (National Election Commission)"),
}

DELIVERY_STATUSES: dict[str, Label] = {
    "pending": label("전달 중", "Being delivered"),
    "delivered": label("전달 완료", "Delivered"),
    "failed": label("전달 실패 (담당자 확인 중)", "Delivery failed (staff are checking)"),
}

ADDRESS_CHANGE_STATUSES: dict[str, Label] = {
    "processing": label("처리 중", "Processing"),
    "completed": label("완료", "Completed"),
    "partially_failed": label("일부 기관 전달 실패", "Some agencies not yet reached"),
}

# Complaint category -> (label, section of the district office that answers it, deadline in business days)
COMPLAINT_CATEGORIES: dict[str, tuple[Label, Label, int]] = {
    "roads": (label("도로", "Roads"), label("도로과", "Roads Division"), 7),
    "street_lighting": (label("가로등", "Street lighting"), label("도로과 가로등팀", "Roads Division, Street Lighting Team"), 7),
    "noise": (label("소음", "Noise"), label("환경과", "Environment Division"), 7),
    "waste": (label("쓰레기·폐기물", "Waste"), label("청소행정과", "Waste Management Division"), 7),
    "illegal_parking": (label("불법 주정차", "Illegal parking"), label("주차관리과", "Parking Management Division"), 7),
    "transport": (label("대중교통", "Public transport"), label("교통행정과", "Transport Division"), 7),
    "parks": (label("공원·녹지", "Parks"), label("공원녹지과", "Parks and Green Spaces Division"), 7),
    "staff_conduct": (label("공무원 행태", "Staff conduct"), label("감사담당관", "Audit Office"), 14),
    "proposal": (label("제안", "Proposal"), label("기획예산과", "Planning and Budget Division"), 14),
    "other": (label("기타", "Other"), label("민원총괄과", "Civil Affairs Division"), 7),
}

COMPLAINT_STATUSES: dict[str, Label] = {
    "received": label("접수", "Received"),
    "in_progress": label("처리 중", "In progress"),
    "answered": label("답변 완료", "Answered"),
}
