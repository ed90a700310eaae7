"""How records look in answers (the shapes documented in docs/CONTRACTS.md and /openapi.json)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import labels
from .clock import to_seoul_iso
from .fees import amount_owed
from .tables import (
    Address,
    AddressChange,
    AgencyDelivery,
    Application,
    ApplicationHistory,
    Citizen,
    Complaint,
    Fine,
    Payment,
)

RELATIONS = {
    "head": labels.label("세대주", "Head of household"),
    "spouse": labels.label("배우자", "Spouse"),
    "child": labels.label("자녀", "Child"),
    "parent": labels.label("부모", "Parent"),
    "sibling": labels.label("형제자매", "Sibling"),
    "member": labels.label("세대원", "Household member"),
}


def address_view(address: Address) -> dict[str, Any]:
    return {"id": address.id, "road_address": address.road_address, "road_address_en": address.road_address_en,
            "district": address.district, "district_en": address.district_en, "city": address.city,
            "postal_code": address.postal_code}


def me_view(citizen: Citizen, address: Address, phone_masked: str) -> dict[str, Any]:
    return {"id": citizen.id, "name": citizen.name, "birth_date": citizen.birth_date.isoformat(),
            "phone_masked": phone_masked, "address": address_view(address),
            "household_id": citizen.household_id, "relation": citizen.relation, "language": citizen.language}


def member_view(citizen: Citizen) -> dict[str, Any]:
    return {"id": citizen.id, "name": citizen.name, "relation": citizen.relation,
            "relation_label": RELATIONS.get(citizen.relation, RELATIONS["member"])}


def application_view(app: Application, history: list[ApplicationHistory]) -> dict[str, Any]:
    """The office is in the district the application was filed in, wherever the applicant lives now."""
    def office(code: str) -> dict[str, str]:
        return labels.office_label(code, app.district, app.district_en)

    return {
        "number": app.number,
        "kind": app.kind,
        "kind_label": labels.APPLICATION_KINDS[app.kind],
        "status": app.status,
        "status_label": labels.APPLICATION_STATUSES[app.status],
        "submitted_at": to_seoul_iso(app.submitted_at),
        "expected_completion": app.expected_completion.isoformat(),
        "office": office(app.office),
        "missing_documents": app.missing_documents if app.status == "supplement_requested" else [],
        "rejection_reason": app.rejection_reason if app.status == "rejected" else None,
        "appeal": labels.APPEAL if app.status == "rejected" else None,
        "history": [
            {"status": h.status, "status_label": labels.APPLICATION_STATUSES[h.status], "at": to_seoul_iso(h.at),
             "office": office(h.office), "note": h.note}
            for h in history
        ],
    }


def fine_view(fine: Fine, as_of: dt.date, holder: Payment | None = None) -> dict[str, Any]:
    """A fine held by a pending payment still reads as unpaid (a new payment may replace that one);
    `holder` is that payment, named in `pending_payment` so the assistant can mention it."""
    if fine.status == "paid":
        late_fee = (fine.paid_amount or fine.base_amount) - fine.base_amount
        owed = {"late_fee": late_fee, "amount_due": 0, "overdue": False}
    else:
        o = amount_owed(fine.base_amount, fine.due_date, as_of)
        owed = {"late_fee": o.late_fee, "amount_due": o.amount_due, "overdue": o.overdue}
    status = "unpaid" if fine.status == "pending_payment" else fine.status
    pending = None
    if fine.status == "pending_payment" and holder is not None and holder.id == fine.held_by:
        pending = {"payment_id": holder.id, "method": holder.method, "expires_at": to_seoul_iso(holder.expires_at)}
    return {
        "id": fine.id, "notice_number": fine.notice_number, "kind": fine.kind,
        "kind_label": labels.FINE_KINDS[fine.kind], "plate": fine.plate, "place": fine.place,
        "occurred_at": to_seoul_iso(fine.occurred_at), "base_amount": fine.base_amount, **owed,
        "due_date": fine.due_date.isoformat(), "status": status,
        "status_label": labels.FINE_STATUSES[status],
        "paid_at": to_seoul_iso(fine.paid_at), "pending_payment": pending,
    }


def payment_view(payment: Payment, *, checkout_url: str | None = None,
                 fines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    view = {
        "payment_id": payment.id, "status": payment.status, "status_label": labels.PAYMENT_STATUSES[payment.status],
        "method": payment.method, "total": payment.total, "created_at": to_seoul_iso(payment.created_at),
        "expires_at": to_seoul_iso(payment.expires_at), "receipt_number": payment.receipt_number,
        "paid_at": to_seoul_iso(payment.paid_at), "virtual_account": payment.virtual_account,
        "checkout_url": checkout_url if payment.status == "pending" else None,
    }
    if fines is not None:
        view["fines"] = fines
    return view


def delivery_view(delivery: AgencyDelivery) -> dict[str, Any]:
    return {"id": delivery.id, "agency": delivery.agency, "agency_label": labels.AGENCIES[delivery.agency],
            "status": delivery.status, "status_label": labels.DELIVERY_STATUSES[delivery.status],
            "attempts": delivery.attempts, "delivered_at": to_seoul_iso(delivery.delivered_at)}


def address_change_view(change: AddressChange, address: Address, members: list[Citizen],
                        deliveries: list[AgencyDelivery]) -> dict[str, Any]:
    return {
        "tracking_number": change.tracking_number, "status": change.status,
        "status_label": labels.ADDRESS_CHANGE_STATUSES[change.status],
        "effective_date": change.effective_date.isoformat(), "address": address_view(address),
        "members": [member_view(m) for m in members], "submitted_at": to_seoul_iso(change.created_at),
        "deliveries": [delivery_view(d) for d in sorted(deliveries, key=lambda d: list(labels.AGENCIES).index(d.agency))],
    }


def department_label(category: str, district_ko: str, district_en: str) -> dict[str, str]:
    section = labels.COMPLAINT_CATEGORIES[category][1]
    return {"ko": f"{district_ko}청 {section['ko']}", "en": f"{district_en} Office, {section['en']}"}


def complaint_view(c: Complaint, district_en: str) -> dict[str, Any]:
    place: dict[str, Any] = {"address": c.place_address} if c.place_address else {"lat": c.lat, "lon": c.lon}
    return {
        "tracking_number": c.tracking_number, "category": c.category,
        "category_label": labels.COMPLAINT_CATEGORIES[c.category][0], "text": c.text, "place": place,
        "district": c.district, "department": department_label(c.category, c.district, district_en),
        "status": c.status, "status_label": labels.COMPLAINT_STATUSES[c.status],
        "deadline": c.deadline.isoformat(), "submitted_at": to_seoul_iso(c.submitted_at),
        "photo_id": c.photo_id, "answer": c.answer, "answered_at": to_seoul_iso(c.answered_at),
    }
