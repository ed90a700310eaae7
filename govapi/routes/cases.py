"""One lookup for any tracking number a citizen may type."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from .. import payments
from ..access import current_citizen
from ..errors import NotFound
from ..keys import CLOCK, DB, SETTINGS
from ..numbers import normalise_number
from ..responses import ok
from ..tables import Fine, Payment
from ..views import fine_view, payment_view
from .addresses import change_view, find_address_change
from .applications import application_views, find_application
from .complaints import find_complaint, view as complaint_view
from .payments import checkout_url

routes = web.RouteTableDef()


@routes.get("/v1/cases/{number}")
async def get_case(request: web.Request) -> web.Response:
    raw = request.match_info["number"]
    number = normalise_number(raw)
    if number is None:
        raise NotFound("That is not a case number.")
    prefix = number[:2]
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        if prefix == "AP":
            app = await find_application(session, number, citizen.id)
            return ok({"type": "application", "case": (await application_views(session, [app]))[0]})
        if prefix == "CP":
            return ok({"type": "complaint", "case": complaint_view(await find_complaint(session, number, citizen.id))})
        if prefix == "MV":
            change = await find_address_change(session, number, citizen.id)
            return ok({"type": "address_change", "case": await change_view(session, change)})
        if prefix in ("PY", "RC"):
            column = Payment.id if prefix == "PY" else Payment.receipt_number
            payment = (await session.execute(select(Payment).where(column == number))).scalar_one_or_none()
            if payment is None or payment.citizen_id != citizen.id:
                raise NotFound("No payment has that number.")
            settings = request.app[SETTINGS]
            return ok({"type": "payment", "case": payment_view(payment, checkout_url=checkout_url(settings, payment.id))})
        fine = (await session.execute(select(Fine).where(Fine.notice_number == number))).scalar_one_or_none()
        if fine is None or fine.citizen_id != citizen.id:
            raise NotFound("No fine has that notice number.")
        clock = request.app[CLOCK]
        holders = await payments.live_holders(session, [fine], clock.now())
        return ok({"type": "fine", "case": fine_view(fine, clock.today(), holders.get(fine.held_by or ""))})
