"""Citizen access: the X-Citizen-Token from verification names the one citizen a request may read."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .errors import CitizenTokenRequired
from .keys import CITIZEN_ID, CLOCK, SETTINGS
from .security import keyed_hash
from .tables import Citizen, CitizenToken


async def current_citizen(request: web.Request, session: AsyncSession) -> Citizen:
    token = request.headers.get("X-Citizen-Token", "")
    if not token or len(token) > 200:
        raise CitizenTokenRequired()
    token_hash = keyed_hash(request.app[SETTINGS].secret_key, "citizen-token:" + token)
    now = request.app[CLOCK].now()
    row = (await session.execute(
        select(Citizen).join(CitizenToken, CitizenToken.citizen_id == Citizen.id)
        .where(CitizenToken.token_hash == token_hash, CitizenToken.expires_at > now)
    )).scalar_one_or_none()
    if row is None:
        raise CitizenTokenRequired("The citizen token is missing, wrong or expired; verify again.")
    request[CITIZEN_ID] = row.id  # the access log records whose records were read (a pseudonymous id)
    return row
