"""The event outbox, read with a cursor (admin token: the bot's notifier and tests)."""
from __future__ import annotations

import re

from aiohttp import web
from sqlalchemy import select

from ..clock import to_seoul_iso
from ..errors import ValidationFailed
from ..keys import DB
from ..responses import ok
from ..tables import Event
from ..validation import query_int

routes = web.RouteTableDef()


@routes.get("/v1/events")
async def list_events(request: web.Request) -> web.Response:
    after_raw = request.query.get("after", "0") or "0"
    if not re.fullmatch(r"\d{1,18}", after_raw):
        raise ValidationFailed("'after' must be a cursor from next_cursor.", code="invalid_cursor", field="after")
    after = int(after_raw)
    limit = query_int(request, "limit", default=100, minimum=1, maximum=500)
    async with request.app[DB].session() as session:
        rows = (await session.execute(select(Event).where(Event.id > after).order_by(Event.id).limit(limit))).scalars().all()
    events = [{"id": str(e.id), "type": e.type, "case_type": e.case_type, "case_number": e.case_number,
               "citizen_id": e.citizen_id, "data": e.data, "created_at": to_seoul_iso(e.created_at)} for e in rows]
    return ok({"events": events, "next_cursor": events[-1]["id"] if events else str(after)})
