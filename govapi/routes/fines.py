"""Fines: amounts owed (with the late fee) computed as of today, see govapi/fees.py."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from .. import payments
from ..access import current_citizen
from ..errors import NotFound, ValidationFailed
from ..keys import CLOCK, DB
from ..numbers import normalise_number
from ..responses import ok
from ..tables import Fine
from ..views import fine_view

routes = web.RouteTableDef()

STATUS_FILTERS = {"unpaid": ("unpaid", "pending_payment"), "paid": ("paid",),
                  "all": ("unpaid", "pending_payment", "paid")}


def status_filter(request: web.Request) -> tuple:
    wanted = request.query.get("status", "unpaid")
    if wanted not in STATUS_FILTERS:
        raise ValidationFailed("'status' must be unpaid, paid or all.", field="status")
    return STATUS_FILTERS[wanted]


async def fines_of(request: web.Request, session, citizen_id: str) -> dict:
    """A citizen's fines in the wanted status, with amounts owed as of today. A fine held by a pending
    payment is listed as unpaid with that payment (`pending_payment`)."""
    statuses = status_filter(request)
    clock = request.app[CLOCK]
    today = clock.today()
    fines = list((await session.execute(
        select(Fine).where(Fine.citizen_id == citizen_id, Fine.status.in_(statuses))
        .order_by(Fine.due_date, Fine.notice_number))).scalars().all())
    holders = await payments.live_holders(session, fines, clock.now())
    return {"fines": [fine_view(f, today, holders.get(f.held_by or "")) for f in fines], "as_of": today.isoformat()}


@routes.get("/v1/me/fines")
async def my_fines(request: web.Request) -> web.Response:
    status_filter(request)  # a bad filter is a 400 before any citizen lookup
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        return ok(await fines_of(request, session, citizen.id))


@routes.get("/v1/fines/{notice_number}")
async def one_fine(request: web.Request) -> web.Response:
    clock = request.app[CLOCK]
    today = clock.today()
    number = normalise_number(request.match_info["notice_number"])
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        fine = None
        if number and number.startswith("FN-"):
            fine = (await session.execute(select(Fine).where(Fine.notice_number == number))).scalar_one_or_none()
        if fine is None or fine.citizen_id != citizen.id:
            raise NotFound("No fine has that notice number.")
        holders = await payments.live_holders(session, [fine], clock.now())
    return ok({**fine_view(fine, today, holders.get(fine.held_by or "")), "as_of": today.isoformat()})
