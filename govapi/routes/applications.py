"""Applications (civil petitions) with their status history."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import current_citizen
from ..errors import NotFound
from ..keys import DB
from ..numbers import normalise_number
from ..responses import ok
from ..tables import Application, ApplicationHistory
from ..views import application_view

routes = web.RouteTableDef()


async def application_views(session: AsyncSession, apps: list[Application]) -> list[dict]:
    numbers = [a.number for a in apps]
    history: dict[str, list[ApplicationHistory]] = {n: [] for n in numbers}
    if numbers:
        rows = (await session.execute(select(ApplicationHistory).where(
            ApplicationHistory.application_number.in_(numbers)).order_by(ApplicationHistory.at, ApplicationHistory.id)
        )).scalars()
        for row in rows:
            history[row.application_number].append(row)
    return [application_view(a, history[a.number]) for a in apps]


async def find_application(session: AsyncSession, raw_number: str, citizen_id: str | None) -> Application:
    number = normalise_number(raw_number)
    if number is None or not number.startswith("AP-"):
        raise NotFound("No application has that number.")
    app = await session.get(Application, number)
    # someone else's application answers exactly like an unknown one
    if app is None or (citizen_id is not None and app.citizen_id != citizen_id):
        raise NotFound("No application has that number.")
    return app


async def applications_of(session, citizen_id: str) -> list:
    """A citizen's applications, newest first, as the API shows them."""
    apps = (await session.execute(select(Application).where(Application.citizen_id == citizen_id)
                                  .order_by(Application.submitted_at.desc()))).scalars().all()
    return await application_views(session, list(apps))


@routes.get("/v1/me/applications")
async def my_applications(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        views = await applications_of(session, citizen.id)
    return ok({"applications": views})


@routes.get("/v1/applications/{number}")
async def one_application(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        app = await find_application(session, request.match_info["number"], citizen.id)
        views = await application_views(session, [app])
    return ok(views[0])
