"""Complaints and proposals (국민신문고 style): routed by category and district, with a legal deadline."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from .. import labels
from ..access import current_citizen
from ..calendar_kr import add_business_days
from ..clock import SEOUL
from ..districts import BY_NAME, district_in_text, nearest_district
from ..errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from ..idempotency import request_fingerprint, run_once
from ..keys import CLOCK, DB
from ..numbers import next_number, normalise_number
from ..outbox import append_event
from ..responses import ok
from ..security import new_id
from ..tables import Address, Complaint, Photo
from ..validation import choice, idempotency_key, number, read_json, string
from ..views import complaint_view

routes = web.RouteTableDef()
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}


@routes.get("/v1/complaints/categories")
async def categories(request: web.Request) -> web.Response:
    return ok({"categories": [
        {"code": code, "label": label, "department": section, "deadline_business_days": days}
        for code, (label, section, days) in labels.COMPLAINT_CATEGORIES.items()
    ]})


@routes.post("/v1/uploads")
async def upload_photo(request: web.Request) -> web.Response:
    content_type = request.content_type
    if content_type not in PHOTO_SIGNATURES:
        raise UnsupportedMediaType("Photos must be image/jpeg or image/png.")
    if request.content_length is not None and request.content_length > MAX_PHOTO_BYTES:
        raise PayloadTooLarge("Photos are limited to 5 MB.")
    data = await request.read()
    if len(data) > MAX_PHOTO_BYTES:
        raise PayloadTooLarge("Photos are limited to 5 MB.")
    if not data.startswith(PHOTO_SIGNATURES[content_type]):
        raise BadRequest("The body is not a JPEG or PNG image of the type given.", code="invalid_image")
    clock = request.app[CLOCK]
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        photo = Photo(id=new_id("ph"), citizen_id=citizen.id, content_type=content_type, size=len(data),
                      data=data, created_at=clock.now())
        session.add(photo)
    return ok({"photo_id": photo.id, "content_type": content_type, "size": len(data)}, status=201)


def _place(body: dict) -> tuple[str | None, float | None, float | None]:
    place = body.get("place")
    if not isinstance(place, dict):
        raise ValidationFailed('\'place\' must be {"address": "..."} or {"lat": .., "lon": ..}.', field="place")
    if "address" in place:
        return string(place, "address", max_len=300), None, None
    if "lat" in place and "lon" in place:
        return (None, number(place["lat"], "place.lat", minimum=33.0, maximum=39.0),
                number(place["lon"], "place.lon", minimum=124.0, maximum=132.0))
    raise ValidationFailed('\'place\' must be {"address": "..."} or {"lat": .., "lon": ..}.', field="place")


@routes.post("/v1/complaints")
async def file_complaint(request: web.Request) -> web.Response:
    clock, db = request.app[CLOCK], request.app[DB]
    key = idempotency_key(request)
    body = await read_json(request)
    category = choice(body, "category", labels.COMPLAINT_CATEGORIES)
    text = string(body, "text", max_len=4000)
    place_address, lat, lon = _place(body)
    photo_id = string(body, "photo_id", max_len=40, required=False)
    now, today = clock.now(), clock.today()
    async with db.session() as session:
        citizen = await current_citizen(request, session)

    async def work(session) -> dict:
        if photo_id is not None:
            photo = await session.get(Photo, photo_id)
            if photo is None or photo.citizen_id != citizen.id:
                raise NotFound("No photo has that id.")
        district = district_in_text(place_address) if place_address else nearest_district(lat, lon)
        if district is None:  # outside the districts we know: the citizen's own district office answers
            home = await session.get(Address, citizen.address_id)
            district = BY_NAME[home.district]
        number_ = await next_number(session, "CP", now.astimezone(SEOUL).year)
        complaint = Complaint(
            tracking_number=number_, citizen_id=citizen.id, category=category, text=text,
            place_address=place_address, lat=lat, lon=lon, district=district.name, photo_id=photo_id,
            status="received", deadline=add_business_days(today, labels.COMPLAINT_CATEGORIES[category][2]),
            submitted_at=now)
        session.add(complaint)
        await session.flush()
        await append_event(session, type="complaint.received", case_type="complaint", case_number=number_,
                           citizen_id=citizen.id, data={"status": "received", "category": category}, now=now)
        return complaint_view(complaint, district.name_en)

    status, answer = await run_once(db, scope=citizen.id, key=key, now=now, work=work,
                                    fingerprint=request_fingerprint("POST", "/v1/complaints", body))
    return ok(answer, status=status)


async def find_complaint(session, raw: str, citizen_id: str | None) -> Complaint:
    number_ = normalise_number(raw)
    complaint = await session.get(Complaint, number_) if number_ and number_.startswith("CP-") else None
    if complaint is None or (citizen_id is not None and complaint.citizen_id != citizen_id):
        raise NotFound("No complaint has that tracking number.")
    return complaint


def view(complaint: Complaint) -> dict:
    return complaint_view(complaint, BY_NAME[complaint.district].name_en)


@routes.get("/v1/complaints/{tracking_number}")
async def get_complaint(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        complaint = await find_complaint(session, request.match_info["tracking_number"], citizen.id)
    return ok(view(complaint))


@routes.get("/v1/me/complaints")
async def my_complaints(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        rows = (await session.execute(select(Complaint).where(Complaint.citizen_id == citizen.id)
                                      .order_by(Complaint.submitted_at.desc()))).scalars().all()
    return ok({"complaints": [view(c) for c in rows]})

