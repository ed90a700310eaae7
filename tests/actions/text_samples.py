"""Realistic values for every placeholder of actions/texts.py, as the actions pass them (govapi's labels, the
slots' formats), plus long ones: the catalogue test and bench/sms_segments.py render with these."""
from __future__ import annotations

from actions.texts import text

# name -> {ko, en}: a typical value in each language
TYPICAL: dict[str, dict[str, object]] = {
    "masked": {"ko": "010-****-5678", "en": "010-****-5678"},
    "left": {"ko": 2, "en": 2},
    "seconds": {"ko": 30, "en": 30},
    "name": {"ko": "김민준", "en": "Kim Minjun"},
    "minutes": {"ko": 5, "en": 5},
    "time": {"ko": "14:05", "en": "14:05"},
    "number": {"ko": "AP-2026-000123", "en": "AP-2026-000123"},
    "kind": {"ko": "여권 발급", "en": "Passport issuance"},
    "status": {"ko": "검토 중", "en": "Under review"},
    "date": {"ko": "2026-12-07", "en": "2026-12-07"},
    "deadline": {"ko": "2026-12-21", "en": "2026-12-21"},
    "docs": {"ko": "가족관계증명서", "en": "Family relation certificate"},
    "office": {"ko": "강남구청 민원여권과", "en": "Gangnam-gu Office"},
    "reason": {"ko": "제출한 서류의 유효기간이 지났어요", "en": "The document you sent had expired"},
    "answer": {"ko": "가로등을 교체했어요.", "en": "We replaced the street light."},
    "department": {"ko": "강남구청 도로관리과", "en": "Gangnam-gu Roads Division"},
    "count": {"ko": 3, "en": 3},
    "total": {"ko": "80,000", "en": "80,000"},
    "first": {"ko": 1, "en": 1},
    "last": {"ko": 5, "en": 5},
    "n": {"ko": 1, "en": 1},
    "amount": {"ko": "40,000", "en": "40,000"},
    "due": {"ko": "2026-12-31", "en": "2026-12-31"},
    "fines": {"ko": "불법 주정차 과태료, 자동차세 체납", "en": "Illegal parking fine, Vehicle tax arrears"},
    "expires": {"ko": "2026-12-07T23:59:00+09:00", "en": "2026-12-07T23:59:00+09:00"},
    "bank": {"ko": "국민은행", "en": "Kookmin Bank"},
    "account": {"ko": "123-456789-01-234", "en": "123-456789-01-234"},
    "holder": {"ko": "강남구청", "en": "Gangnam-gu Office"},
    "payment_id": {"ko": "PY-2026-000045", "en": "PY-2026-000045"},
    "paid_at": {"ko": "2026-03-20T05:05:00+00:00", "en": "2026-03-20T05:05:00+00:00"},
    "receipt": {"ko": "RC-2026-000045", "en": "RC-2026-000045"},
    "address": {"ko": "서울특별시 강남구 테헤란로 12", "en": "12 Teheran-ro, Gangnam-gu, Seoul"},
    "district": {"ko": "송파구", "en": "Songpa-gu"},
    "names": {"ko": "이서연", "en": "Lee Seoyeon"},
    "agencies": {"ko": "세무서, 건강보험공단, 국민연금공단", "en": "the tax office, health insurance, the national pension"},
    "fields": {"ko": "주소, 전입일, 함께 이사하는 가족", "en": "address, move-in date, household members moving"},
    "label": {"ko": "도로·교통", "en": "Roads and traffic"},
    "text": {"ko": "집 앞 가로등이 사흘째 꺼져 있어요", "en": "The street light outside my house has been out for 3 days"},
    "category": {"ko": "도로·시설물", "en": "Roads and facilities"},
    "place": {"ko": "서울 강남구 테헤란로 12", "en": "12 Teheran-ro, Gangnam-gu"},
    "value": {"ko": "2026-12-08", "en": "park by 10 Jong-ro"},
    "position": {"ko": 2, "en": 2},
    "ticket": {"ko": "CB-1A2B3C4D", "en": "CB-1A2B3C4D"},
    "when": {"ko": "2026-12-07T09:00:00+09:00", "en": "2026-12-07T09:00:00+09:00"},
    "hours": {"ko": "평일 9~18시", "en": "weekdays 9:00-18:00"},
    # a subscription's quiet hours (the notifier's HH:MM), and a date's parts as actions/texts.py when() passes them
    "start": {"ko": "22:00", "en": "22:00"},
    "end": {"ko": "08:00", "en": "08:00"},
    "month": {"ko": "3월", "en": "Mar"},
    "day": {"ko": 20, "en": 20},
    "topics": {"ko": "진행 상황", "en": "progress"},
    "quiet": {"ko": "", "en": ""},
    "items": {"ko": "1. 진행 상황 (AP-2026-000123)", "en": "1. progress (AP-2026-000123)"},
    # govapi's appeal label (govapi/labels.py APPEAL): what the old status_appeal showed; the new text states
    # the routes itself and ignores it
    "appeal": {"ko": "처분이 있음을 안 날부터 90일 이내에 행정심판(온라인행정심판 www.simpan.go.kr) 또는 행정소송을 제기할 수 "
                     "있습니다. 담당 기관에 이의신청도 가능합니다.",
               "en": "You may file an administrative appeal (online at www.simpan.go.kr) or an administrative lawsuit "
                     "within 90 days of learning of the decision. You may also object to the office in charge."},
}

# The longest values a reply really carries (a long name, several documents, a long office name).
LONG: dict[str, dict[str, object]] = {
    "name": {"ko": "남궁민수아", "en": "Alexandra Kim-Park"},
    "seconds": {"ko": 3600, "en": 3600},
    "docs": {"ko": "가족관계증명서, 주민등록표 초본", "en": "Family relation certificate, resident registration abstract"},
    "office": {"ko": "서울특별시 강남구청 민원여권과", "en": "Civil Affairs and Passport Division, Gangnam-gu Office"},
    "reason": {"ko": "제출한 사진이 여권 사진 규격에 맞지 않아요", "en": "The photo you sent does not meet the passport photo rules"},
    "department": {"ko": "서울특별시 강남구청 도로관리과", "en": "Roads Division, Gangnam-gu Office, Seoul"},
    "address": {"ko": "서울특별시 강남구 테헤란로 123 역삼동 아파트 101동 1001호",
                "en": "Apt 101-1001, 123 Teheran-ro, Yeoksam-dong, Gangnam-gu, Seoul"},
    "names": {"ko": "이서연, 김하준", "en": "Lee Seoyeon, Kim Hajun"},
    "text": {"ko": "집 앞 가로등이 사흘째 꺼져 있어서 밤에 지나가기 무서워요. 빨리 고쳐주세요",
             "en": "The street light outside my house has been out for three days and it is dark at night."},
    "count": {"ko": 12, "en": 12},
    "total": {"ko": "1,234,560", "en": "1,234,560"},
}

# Placeholders whose value the calling code makes from another text of the catalogue.
_FROM_TEXTS = {"service": "service_pay_fine", "members": "members_some", "late": "fine_late",
               "method": "method_name_virtual_account", "photo": "photo_attached", "field": "field_birth_date"}


def values(lang: str, long: bool = False) -> dict[str, object]:
    chosen = {name: by_lang[lang] for name, by_lang in TYPICAL.items()}
    if long:
        chosen.update({name: by_lang[lang] for name, by_lang in LONG.items()})
    for name, key in _FROM_TEXTS.items():
        chosen[name] = text(key, lang, names=chosen["names"])
    return chosen
