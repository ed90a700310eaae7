"""The address register (search) and move-in reports (전입신고) with per-agency deliveries."""
from __future__ import annotations

import datetime as dt
import re

from aiohttp import web
from sqlalchemy import or_, select, update

from .. import address_match, labels
from ..access import current_citizen
from ..clock import SEOUL
from ..errors import BadRequest, Conflict, InvalidDate, NotFound, ValidationFailed
from ..idempotency import request_fingerprint, run_once
from ..keys import CLOCK, DB
from ..numbers import next_number, normalise_number
from ..outbox import append_event
from ..responses import ok
from ..tables import Address, AddressChange, AgencyDelivery, Citizen
from ..validation import idempotency_key, parse_date, query_int, read_json, string, string_list
from ..views import address_change_view, address_view

routes = web.RouteTableDef()
DAYS_BACK, DAYS_AHEAD = 30, 90


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@routes.get("/v1/addresses")
async def search_addresses(request: web.Request) -> web.Response:
    """Every word as typed, else near matches (address_match.py); each result says which."""
    query = request.query.get("q", "").strip()
    if not (1 <= len(query) <= 100):
        raise ValidationFailed("'q' must be 1 to 100 characters of an address.", field="q")
    limit = query_int(request, "limit", default=5, minimum=1, maximum=20)
    tokens = [_city(t) for t in (re.sub(r"[,.\-]", "", part).lower() for part in query.split()) if t][:6]
    if not tokens:
        raise ValidationFailed("'q' must contain letters or digits.", field="q")
    stmt = select(Address)
    for token in tokens:
        stmt = stmt.where(Address.search_text.like(f"%{_like_escape(token)}%", escape="\\"))
    # a building number, alone or after the road ("테헤란로12"), must be the whole number: "12" is not
    # "126" (a near-enough one could be written into a move-in report); a postal code counts too
    numbers = [m.group(1) for m in (re.fullmatch(r"\D*?(\d+)", t) for t in tokens) if m]
    async with request.app[DB].session() as session:
        found = (await session.execute(stmt.order_by(Address.road_address).limit(SCAN_LIMIT))).scalars().all()
        exact = [a for a in found if all(_names_number(a, n) for n in numbers)][:limit]
        if exact:
            return ok({"addresses": [{**address_view(a), "match": "exact"} for a in exact]})
        near = address_match.near(query, await _near_candidates(session, query), limit)
    return ok({"addresses": [{**address_view(a), "match": "near"} for a in near]})


# "서울시 송파구 …": a city as people shorten it, found in the register's full name (서울특별시, 부산광역시).
_SHORT_CITY = re.compile(r"^(서울|부산|대구|인천|광주|대전|울산|세종)시$")


def _city(token: str) -> str:
    short = _SHORT_CITY.match(token)
    return short.group(1) if short else token


SCAN_LIMIT = 500  # rows read for one search; the register is a few hundred addresses


def _names_number(address: Address, number: str) -> bool:
    return bool(re.search(rf"(?<!\d){number}(?!\d)", address.road_address)) or address.postal_code == number


async def _near_candidates(session, query: str) -> list[Address]:
    """The rows a near match may come from: those holding one of the query's numbers (cheap, in SQL), or
    the register when it names none; bounded either way."""
    numbers = {w.lstrip("0") or "0" for w in address_match.words(query) if w.isdigit()}
    stmt = select(Address)
    if numbers:
        stmt = stmt.where(or_(*(Address.search_text.like(f"%{n}%") for n in sorted(numbers)[:4])))
    return list((await session.execute(stmt.order_by(Address.id).limit(SCAN_LIMIT * 4))).scalars().all())


async def change_view(session, change: AddressChange) -> dict:
    address = await session.get(Address, change.address_id)
    members = (await session.execute(select(Citizen).where(Citizen.id.in_(change.member_ids))
                                     .order_by(Citizen.id))).scalars().all() if change.member_ids else []
    deliveries = (await session.execute(select(AgencyDelivery).where(
        AgencyDelivery.tracking_number == change.tracking_number))).scalars().all()
    return address_change_view(change, address, list(members), list(deliveries))


@routes.post("/v1/address-changes")
async def create_address_change(request: web.Request) -> web.Response:
    clock, db = request.app[CLOCK], request.app[DB]
    key = idempotency_key(request)
    body = await read_json(request)
    address_id = string(body, "address_id", max_len=32)
    effective = parse_date(body.get("effective_date"), "effective_date")
    member_ids = string_list(body, "member_ids", max_items=20, required=False)
    now, today = clock.now(), clock.today()
    if not (today - dt.timedelta(days=DAYS_BACK) <= effective <= today + dt.timedelta(days=DAYS_AHEAD)):
        raise InvalidDate(f"The move date must be within {DAYS_BACK} days before and {DAYS_AHEAD} days after today.",
                          field="effective_date")
    async with db.session() as session:
        citizen = await current_citizen(request, session)

    async def work(session) -> dict:
        me = await session.get(Citizen, citizen.id)
        address = await session.get(Address, address_id)
        if address is None:
            raise NotFound("No address in the register has that id.")
        if address.id == me.address_id:
            raise Conflict("That is already the registered address.", code="same_address")
        members = (await session.execute(select(Citizen).where(
            Citizen.id.in_(member_ids), Citizen.household_id == me.household_id, Citizen.id != me.id
        ))).scalars().all() if member_ids else []
        if len(members) != len(member_ids):
            raise BadRequest("Only members of your household can move with you.", code="not_household_member")
        number = await next_number(session, "MV", now.astimezone(SEOUL).year)
        change = AddressChange(tracking_number=number, citizen_id=me.id, address_id=address.id,
                               previous_address_id=me.address_id, effective_date=effective,
                               member_ids=sorted(member_ids), status="processing", created_at=now)
        session.add(change)
        await session.flush()
        # the resident registry changes now; the agencies hear of it through the deliveries
        await session.execute(update(Citizen).where(Citizen.id.in_([me.id, *member_ids]))
                              .values(address_id=address.id))
        session.add_all(AgencyDelivery(tracking_number=number, agency=agency, status="pending", attempts=0,
                                       next_attempt_at=now) for agency in labels.AGENCIES)
        await session.flush()
        await append_event(session, type="address_change.received", case_type="address_change", case_number=number,
                           citizen_id=me.id, data={"status": "processing"}, now=now)
        return await change_view(session, change)

    status, answer = await run_once(db, scope=citizen.id, key=key, now=now, work=work,
                                    fingerprint=request_fingerprint("POST", "/v1/address-changes", body))
    return ok(answer, status=status)


async def find_address_change(session, raw: str, citizen_id: str) -> AddressChange:
    number = normalise_number(raw)
    change = await session.get(AddressChange, number) if number and number.startswith("MV-") else None
    if change is None or change.citizen_id != citizen_id:
        raise NotFound("No move-in report has that tracking number.")
    return change


@routes.get("/v1/address-changes/{tracking_number}")
async def get_address_change(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        change = await find_address_change(session, request.match_info["tracking_number"], citizen.id)
        view = await change_view(session, change)
    return ok(view)
