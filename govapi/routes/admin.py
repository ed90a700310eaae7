"""Admin routes (admin token): what staff systems and tests do to move cases along."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from .. import labels
from ..clock import SEOUL, to_seoul_iso
from ..errors import Conflict, NotFound, ValidationFailed
from ..fees import amount_owed
from ..keys import CLOCK, DB
from ..numbers import next_number
from ..outbox import append_event
from ..responses import ok
from ..security import new_id
from ..tables import AddressChange, AgencyDelivery, ApplicationHistory, Citizen, Fine, SmsMessage
from ..validation import bilingual, choice, integer, parse_date, parse_phone, query_int, read_json, string
from ..views import delivery_view, fine_view
from .applications import application_views, applications_of, find_application
from .fines import fines_of
from .complaints import find_complaint, view as complaint_view
from ..worker import run_jobs_once

routes = web.RouteTableDef()


@routes.get("/v1/admin/sms-outbox")
async def sms_outbox(request: web.Request) -> web.Response:
    limit = query_int(request, "limit", default=20, minimum=1, maximum=200)
    stmt = select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)
    if "phone" in request.query:
        stmt = stmt.where(SmsMessage.to_phone == parse_phone(request.query["phone"]))
    async with request.app[DB].session() as session:
        rows = (await session.execute(stmt)).scalars().all()
    return ok({"messages": [{"id": m.id, "to": m.to_phone, "body": m.body, "backend": m.backend,
                             "created_at": to_seoul_iso(m.created_at)} for m in rows]})


@routes.get("/v1/admin/citizens/{citizen_id}")
async def get_citizen(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await session.get(Citizen, request.match_info["citizen_id"][:32])
    if citizen is None:
        raise NotFound("No citizen has that id.")
    return ok({"id": citizen.id, "name": citizen.name, "phone": citizen.phone, "language": citizen.language,
               "birth_date": citizen.birth_date.isoformat(), "household_id": citizen.household_id,
               "address_id": citizen.address_id})


async def _admin_citizen(session, request: web.Request) -> Citizen:
    citizen = await session.get(Citizen, request.match_info["citizen_id"][:32])
    if citizen is None:
        raise NotFound("No citizen has that id.")
    return citizen


@routes.get("/v1/admin/citizens/{citizen_id}/applications")
async def citizen_applications(request: web.Request) -> web.Response:
    """For the call-centre packet: a verified citizen's applications, as /v1/me/applications shows them."""
    async with request.app[DB].session() as session:
        citizen = await _admin_citizen(session, request)
        return ok({"applications": await applications_of(session, citizen.id)})


@routes.get("/v1/admin/citizens/{citizen_id}/fines")
async def citizen_fines(request: web.Request) -> web.Response:
    """For the call-centre packet: a verified citizen's fines, as /v1/me/fines shows them."""
    async with request.app[DB].session() as session:
        citizen = await _admin_citizen(session, request)
        return ok(await fines_of(request, session, citizen.id))


@routes.post("/v1/admin/applications/{number}/status")
async def set_application_status(request: web.Request) -> web.Response:
    body = await read_json(request)
    status = choice(body, "status", labels.APPLICATION_STATUSES)
    note = bilingual(body["note"], "note") if body.get("note") is not None else None
    missing_raw = body.get("missing_documents") or []
    if not isinstance(missing_raw, list) or len(missing_raw) > 20:
        raise ValidationFailed("'missing_documents' must be a list of texts.", field="missing_documents")
    missing = [bilingual(m, "missing_documents") for m in missing_raw]
    if status == "supplement_requested" and not missing:
        raise ValidationFailed("Say which documents are missing.", field="missing_documents")
    reason = bilingual(body["rejection_reason"], "rejection_reason") if body.get("rejection_reason") else None
    if status == "rejected" and reason is None:
        raise ValidationFailed("Give the reason for the rejection.", field="rejection_reason")
    now = request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        app = await find_application(session, request.match_info["number"], None)
        if status not in labels.APPLICATION_TRANSITIONS[app.status]:
            raise Conflict(f"An application that is {app.status} cannot become {status}.", code="invalid_transition")
        previous = app.status
        app.status, app.updated_at = status, now
        if status == "supplement_requested":
            app.missing_documents = missing
        if status == "rejected":
            app.rejection_reason = reason
        session.add(ApplicationHistory(application_number=app.number, status=status, at=now, office=app.office,
                                       note=note))
        await session.flush()
        await append_event(session, type="application.status_changed", case_type="application",
                           case_number=app.number, citizen_id=app.citizen_id,
                           data={"status": status, "previous": previous}, now=now)
        view = (await application_views(session, [app]))[0]
    return ok(view)


@routes.post("/v1/admin/complaints/{tracking_number}/answer")
async def answer_complaint(request: web.Request) -> web.Response:
    body = await read_json(request)
    if "answer" not in body:
        raise ValidationFailed("'answer' is required.", field="answer")
    answer = bilingual(body["answer"], "answer", max_len=4000)
    now = request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        complaint = await find_complaint(session, request.match_info["tracking_number"], None)
        if complaint.status == "answered":
            raise Conflict("This complaint was already answered.", code="already_answered")
        complaint.status, complaint.answer, complaint.answered_at = "answered", answer, now
        await session.flush()
        await append_event(session, type="complaint.answered", case_type="complaint",
                           case_number=complaint.tracking_number, citizen_id=complaint.citizen_id,
                           data={"status": "answered"}, now=now)
    return ok(complaint_view(complaint))


@routes.post("/v1/admin/complaints/{tracking_number}/status")
async def set_complaint_status(request: web.Request) -> web.Response:
    body = await read_json(request)
    status = choice(body, "status", ("in_progress",))
    now = request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        complaint = await find_complaint(session, request.match_info["tracking_number"], None)
        if complaint.status != "received":
            raise Conflict(f"A complaint that is {complaint.status} cannot become {status}.", code="invalid_transition")
        complaint.status = status
        await session.flush()
        await append_event(session, type="complaint.status_changed", case_type="complaint",
                           case_number=complaint.tracking_number, citizen_id=complaint.citizen_id,
                           data={"status": status}, now=now)
    return ok(complaint_view(complaint))


@routes.post("/v1/admin/fines")
async def issue_fine(request: web.Request) -> web.Response:
    body = await read_json(request)
    citizen_id = string(body, "citizen_id", max_len=32)
    kind = choice(body, "kind", labels.FINE_KINDS)
    plate = string(body, "plate", max_len=20)
    place = bilingual(body.get("place"), "place", max_len=200)
    base_amount = integer(body, "base_amount", minimum=1000, maximum=10_000_000)
    due_date = parse_date(body.get("due_date"), "due_date")
    clock = request.app[CLOCK]
    now = clock.now()
    async with request.app[DB].session() as session:
        if await session.get(Citizen, citizen_id) is None:
            raise NotFound("No citizen has that id.")
        notice = await next_number(session, "FN", now.astimezone(SEOUL).year)
        fine = Fine(id=new_id("fn"), notice_number=notice, citizen_id=citizen_id, kind=kind, plate=plate, place=place,
                    occurred_at=now, base_amount=base_amount, due_date=due_date, status="unpaid")
        session.add(fine)
        await session.flush()
        owed = amount_owed(base_amount, due_date, clock.today())
        await append_event(session, type="fine.issued", case_type="fine", case_number=notice, citizen_id=citizen_id,
                           data={"status": "unpaid", "due_date": due_date.isoformat(), "base_amount": base_amount,
                                 "amount_due": owed.amount_due}, now=now)
    return ok(fine_view(fine, clock.today()), status=201)


@routes.get("/v1/admin/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    status = request.query.get("status", "failed")
    if status not in labels.DELIVERY_STATUSES:
        raise ValidationFailed("'status' must be pending, delivered or failed.", field="status")
    async with request.app[DB].session() as session:
        rows = (await session.execute(select(AgencyDelivery).where(AgencyDelivery.status == status)
                                      .order_by(AgencyDelivery.id).limit(200))).scalars().all()
    return ok({"deliveries": [{**delivery_view(d), "tracking_number": d.tracking_number,
                               "last_error": d.last_error} for d in rows]})


@routes.post("/v1/admin/deliveries/{delivery_id}/retry")
async def retry_delivery(request: web.Request) -> web.Response:
    raw = request.match_info["delivery_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No delivery has that id.")
    now = request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        delivery = await session.get(AgencyDelivery, int(raw))
        if delivery is None:
            raise NotFound("No delivery has that id.")
        if delivery.status != "failed":
            raise Conflict("Only failed deliveries can be retried.", code="not_failed")
        delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
        change = await session.get(AddressChange, delivery.tracking_number)
        change.status = "processing"
    return ok({**delivery_view(delivery), "tracking_number": delivery.tracking_number})


@routes.post("/v1/admin/jobs/run")
async def run_jobs(request: web.Request) -> web.Response:
    """Run the background jobs once now (tests and demos do not wait for the worker's interval)."""
    result = await run_jobs_once(request.app)
    return ok({"expired_payments": result.pop("expired_payments"),
               "late_fees_announced": result.pop("late_fees_announced"), "deliveries": result})
