"""Verification: a one-time code to the registered mobile, exchanged for a short-lived citizen token.

An unknown phone or a wrong birth date gets exactly the same answer as a right one (a decoy
verification that no code can open), so the route cannot be used to find out who is registered.
"""
from __future__ import annotations

import datetime as dt
import math

from aiohttp import web
from sqlalchemy import func, select, update

from ..errors import Expired, Locked, NotFound, RateLimited, ValidationFailed
from ..keys import CLOCK, DB, SETTINGS, SMS
from ..responses import ok
from ..clock import to_seoul_iso
from ..security import keyed_hash, new_code, new_token, same
from ..tables import Citizen, CitizenToken, Verification
from ..validation import mask_phone, parse_date, parse_phone, read_json, string

routes = web.RouteTableDef()

CODE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
MAX_SENDS = 3
RESEND_COOLDOWN = dt.timedelta(seconds=30)
LIMIT_WINDOW = dt.timedelta(hours=1)

SMS_TEXT = {
    "ko": "[민원] 인증번호 {code} (5분 안에 입력). 누구에게도 알려주지 마세요.",
    "en": "[minwon] Your code is {code}. It expires in 5 min. Do not share it.",
}


def _code_hash(secret: str, verification_id: str, code: str) -> str:
    return keyed_hash(secret, f"otp:{verification_id}:{code}")


@routes.post("/v1/verifications")
async def start(request: web.Request) -> web.Response:
    settings, clock, db = request.app[SETTINGS], request.app[CLOCK], request.app[DB]
    body = await read_json(request)
    phone = parse_phone(body.get("phone"))
    birth_date = parse_date(body.get("birth_date"), "birth_date")
    conversation_id = string(body, "conversation_id", max_len=200)
    now = clock.now()
    phone_hash = keyed_hash(settings.secret_key, "phone:" + phone)
    conversation_hash = keyed_hash(settings.secret_key, "conversation:" + conversation_id)
    verification_id = new_token()[:32]
    code = new_code()

    async with db.session() as session:
        since = now - LIMIT_WINDOW
        by_phone = await session.scalar(select(func.count()).select_from(Verification).where(
            Verification.phone_hash == phone_hash, Verification.created_at > since))
        by_conversation = await session.scalar(select(func.count()).select_from(Verification).where(
            Verification.conversation_hash == conversation_hash, Verification.created_at > since))
        if by_phone >= settings.verify_limit_per_phone or by_conversation >= settings.verify_limit_per_conversation:
            raise RateLimited(retry_after_seconds=int(LIMIT_WINDOW.total_seconds()))
        citizen = (await session.execute(select(Citizen).where(Citizen.phone == phone))).scalar_one_or_none()
        real = citizen is not None and citizen.birth_date == birth_date
        session.add(Verification(
            id=verification_id,
            citizen_id=citizen.id if real else None,
            phone_hash=phone_hash,
            conversation_hash=conversation_hash,
            # a decoy stores the hash of a code nobody was sent
            code_hash=_code_hash(settings.secret_key, verification_id, code if real else new_token()),
            attempts=0, sends=1, status="pending",
            created_at=now, last_sent_at=now, expires_at=now + CODE_TTL,
        ))
        if real:
            await request.app[SMS].send(session, phone, SMS_TEXT[citizen.language].format(code=code))
    return ok({"verification_id": verification_id, "expires_at": to_seoul_iso(now + CODE_TTL),
               "masked_phone": mask_phone(phone)}, status=202)


async def _load(session, verification_id: str) -> Verification:
    if len(verification_id) > 64:
        raise NotFound()
    verification = await session.get(Verification, verification_id)
    if verification is None:
        raise NotFound()
    return verification


@routes.post("/v1/verifications/{verification_id}/verify")
async def verify(request: web.Request) -> web.Response:
    settings, clock, db = request.app[SETTINGS], request.app[CLOCK], request.app[DB]
    body = await read_json(request)
    code = body.get("code")
    if not isinstance(code, str) or len(code) > 20:
        raise ValidationFailed("'code' must be the 6-digit code as a string.", field="code")
    code = code.strip()
    verification_id = request.match_info["verification_id"]
    now = clock.now()
    failure: Exception | None = None
    async with db.session() as session:
        verification = await _load(session, verification_id)
        if verification.status == "locked":
            raise Locked()
        if verification.status != "pending" or verification.expires_at <= now:
            raise Expired("The code has expired or was already used; ask for a new one.")
        matches = same(verification.code_hash, _code_hash(settings.secret_key, verification.id, code))
        if not matches:
            # counted atomically so parallel guesses cannot exceed the limit
            attempts = (await session.execute(
                update(Verification).where(Verification.id == verification.id, Verification.status == "pending")
                .values(attempts=Verification.attempts + 1).returning(Verification.attempts)
            )).scalar_one_or_none()
            if attempts is None or attempts >= MAX_ATTEMPTS:
                await session.execute(update(Verification).where(Verification.id == verification.id)
                                      .values(status="locked"))
                failure = Locked()
            else:
                failure = ValidationFailed("The code is not right.", code="wrong_code",
                                           attempts_left=MAX_ATTEMPTS - attempts)
        else:
            claimed = (await session.execute(
                update(Verification).where(Verification.id == verification.id, Verification.status == "pending")
                .values(status="verified")
            )).rowcount
            if claimed != 1:
                raise Expired("The code was already used; ask for a new one.")
            token = new_token()
            expires_at = now + dt.timedelta(minutes=settings.citizen_token_ttl_minutes)
            session.add(CitizenToken(token_hash=keyed_hash(settings.secret_key, "citizen-token:" + token),
                                     citizen_id=verification.citizen_id, created_at=now, expires_at=expires_at))
            citizen = await session.get(Citizen, verification.citizen_id)
            answer = {"access_token": token, "expires_at": to_seoul_iso(expires_at),
                      "citizen": {"id": citizen.id, "name": citizen.name, "language": citizen.language}}
    if failure is not None:
        raise failure  # after the commit, so the attempt is counted
    return ok(answer)


@routes.post("/v1/verifications/{verification_id}/resend")
async def resend(request: web.Request) -> web.Response:
    settings, clock, db = request.app[SETTINGS], request.app[CLOCK], request.app[DB]
    now = clock.now()
    code = new_code()
    async with db.session() as session:
        verification = await _load(session, request.match_info["verification_id"])
        if verification.status == "locked":
            raise Locked()
        if verification.status != "pending":
            raise Expired("This verification is finished; start a new one.")
        if verification.sends >= MAX_SENDS:
            raise RateLimited("No more codes for this verification; start again.")
        wait = RESEND_COOLDOWN - (now - verification.last_sent_at)
        if wait > dt.timedelta(0):  # how long, so the citizen is told ("새 번호는 28초 뒤에")
            raise RateLimited("Wait a little before asking for another code.",
                              retry_after_seconds=max(1, math.ceil(wait.total_seconds())))
        verification.sends += 1
        verification.last_sent_at = now
        verification.expires_at = now + CODE_TTL
        real = verification.citizen_id is not None
        verification.code_hash = _code_hash(settings.secret_key, verification.id, code if real else new_token())
        if real:
            citizen = await session.get(Citizen, verification.citizen_id)
            await request.app[SMS].send(session, citizen.phone, SMS_TEXT[citizen.language].format(code=code))
    # the same answer for a decoy: nothing here tells whether a text went out
    return ok({"verification_id": verification.id, "expires_at": to_seoul_iso(now + CODE_TTL)}, status=202)
