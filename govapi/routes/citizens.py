"""The verified citizen: their registry record and household."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from ..access import current_citizen
from ..keys import DB
from ..responses import ok
from ..tables import Address, Citizen
from ..validation import mask_phone
from ..views import me_view, member_view

routes = web.RouteTableDef()


@routes.get("/v1/me")
async def me(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        address = await session.get(Address, citizen.address_id)
    return ok(me_view(citizen, address, mask_phone(citizen.phone)))


@routes.get("/v1/me/household")
async def household(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        members = (await session.execute(
            select(Citizen).where(Citizen.household_id == citizen.household_id, Citizen.id != citizen.id)
            .order_by(Citizen.id))).scalars().all()
    return ok({"household_id": citizen.household_id, "members": [member_view(m) for m in members]})
