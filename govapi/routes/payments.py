"""Payments for fines, and the provider's signed confirmation."""
from __future__ import annotations

import json
import secrets

from aiohttp import web
from sqlalchemy import or_, select, update

from .. import payments
from ..access import current_citizen
from ..clock import SEOUL
from ..errors import ApiError, Conflict, NotFound, Unauthorized, ValidationFailed
from ..fees import amount_owed
from ..idempotency import request_fingerprint, run_once
from ..keys import CLOCK, DB, SETTINGS
from ..numbers import next_number, normalise_number
from ..outbox import append_event
from ..responses import ok
from ..security import keyed_hash, same, sign
from ..settings import Settings
from ..tables import Fine, Payment, PaymentItem
from ..validation import choice, idempotency_key, read_json, string_list
from ..views import fine_view, payment_view

routes = web.RouteTableDef()
METHODS = ("card", "virtual_account")


def checkout_token(settings: Settings, payment_id: str) -> str:
    return keyed_hash(settings.secret_key, "checkout:" + payment_id)[:32]


def checkout_url(settings: Settings, payment_id: str) -> str:
    return f"{settings.public_url}/checkout/{payment_id}?t={checkout_token(settings, payment_id)}"


@routes.post("/v1/payments")
async def create_payment(request: web.Request) -> web.Response:
    settings, clock, db = request.app[SETTINGS], request.app[CLOCK], request.app[DB]
    key = idempotency_key(request)
    body = await read_json(request)
    fine_ids = string_list(body, "fine_ids", max_items=20, min_items=1)
    method = choice(body, "method", METHODS, default="card")
    now, today = clock.now(), clock.today()

    async with db.session() as session:
        citizen = await current_citizen(request, session)

    async def work(session) -> dict:
        fines = (await session.execute(select(Fine).where(
            Fine.citizen_id == citizen.id, or_(Fine.id.in_(fine_ids), Fine.notice_number.in_(fine_ids))
        ))).scalars().all()
        found = {f.id for f in fines} | {f.notice_number for f in fines}
        if len(fines) != len(fine_ids) or not all(i in found for i in fine_ids):
            raise NotFound("One of the fines was not found.")
        # a newer request replaces the citizen's pending payment for these fines (a virtual account
        # asked for earlier must not block paying by card); release() is conditional, so a twin
        # request or a confirmation that got there first leaves the fines held and this one refused
        replaced = []
        for holder in (await payments.live_holders(session, fines, now)).values():
            if holder.citizen_id == citizen.id and await payments.release(session, holder, "cancelled", now):
                replaced.append(holder.id)
            for f in fines:
                if f.held_by == holder.id:
                    await session.refresh(f)
        if any(f.status != "unpaid" for f in fines):
            raise Conflict("A fine is already paid or held by another payment.", code="fine_not_payable")
        payment_id = await next_number(session, "PY", now.astimezone(SEOUL).year)
        held = (await session.execute(
            update(Fine).where(Fine.id.in_([f.id for f in fines]), Fine.status == "unpaid")
            .values(status="pending_payment", held_by=payment_id)
        )).rowcount
        if held != len(fines):
            raise Conflict("A fine is already paid or held by another payment.", code="fine_not_payable")
        owed = {f.id: amount_owed(f.base_amount, f.due_date, today) for f in fines}
        total = sum(o.amount_due for o in owed.values())
        virtual_account = None
        if method == "virtual_account":
            virtual_account = {"bank": "샌드박스은행 (Sandbox Bank)",
                               "account": f"990-{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**6):06d}",
                               "holder": "민원 과태료 수납 (minwon fines)"}
        ttl = payments.VIRTUAL_ACCOUNT_TTL if method == "virtual_account" else payments.CARD_TTL
        payment = Payment(id=payment_id, citizen_id=citizen.id, status="pending", method=method, total=total,
                          created_at=now, expires_at=now + ttl, virtual_account=virtual_account)
        session.add(payment)
        await session.flush()
        session.add_all(PaymentItem(payment_id=payment_id, fine_id=f.id, base_amount=f.base_amount,
                                    late_fee=owed[f.id].late_fee, amount=owed[f.id].amount_due) for f in fines)
        for f in fines:
            f.status, f.held_by = "pending_payment", payment_id
        await append_event(session, type="payment.created", case_type="payment", case_number=payment_id,
                           citizen_id=citizen.id, data={"status": "pending", "total": total}, now=now)
        for f in sorted(fines, key=lambda f: f.notice_number):
            await append_event(session, type="fine.status_changed", case_type="fine", case_number=f.notice_number,
                               citizen_id=citizen.id, data={"status": "pending_payment", "payment_id": payment_id},
                               now=now)
        view = payment_view(payment, checkout_url=checkout_url(settings, payment_id),
                            fines=[fine_view(f, today, payment) for f in sorted(fines, key=lambda f: f.notice_number)])
        return {**view, "replaced_payments": replaced}

    status, answer = await run_once(db, scope=citizen.id, key=key, now=now, work=work,
                                    fingerprint=request_fingerprint("POST", "/v1/payments", body))
    return ok(answer, status=status)


async def _own_payment(session, request: web.Request, citizen_id: str) -> Payment:
    number = normalise_number(request.match_info["payment_id"])
    payment = await session.get(Payment, number) if number and number.startswith("PY-") else None
    if payment is None or payment.citizen_id != citizen_id:
        raise NotFound("No payment has that number.")
    return payment


@routes.get("/v1/payments/{payment_id}")
async def get_payment(request: web.Request) -> web.Response:
    settings, now = request.app[SETTINGS], request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        payment = await _own_payment(session, request, citizen.id)
        if payment.status == "pending" and payment.expires_at <= now:
            await payments.release(session, payment, "expired", now)
        items = (await session.execute(select(PaymentItem, Fine.notice_number).join(Fine, Fine.id == PaymentItem.fine_id)
                                       .where(PaymentItem.payment_id == payment.id))).all()
    view = payment_view(payment, checkout_url=checkout_url(settings, payment.id))
    view["items"] = [{"fine_id": i.fine_id, "notice_number": n, "base_amount": i.base_amount,
                      "late_fee": i.late_fee, "amount": i.amount} for i, n in items]
    return ok(view)


@routes.post("/v1/payments/{payment_id}/cancel")
async def cancel_payment(request: web.Request) -> web.Response:
    now = request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        payment = await _own_payment(session, request, citizen.id)
        if payment.status == "pending":
            await payments.release(session, payment, "expired" if payment.expires_at <= now else "cancelled", now)
        elif payment.status == "paid":
            raise Conflict("A paid payment cannot be cancelled here.", code="not_cancellable")
    return ok(payment_view(payment))


@routes.get("/v1/me/payments")
async def my_payments(request: web.Request) -> web.Response:
    settings, now = request.app[SETTINGS], request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        citizen = await current_citizen(request, session)
        rows = (await session.execute(select(Payment).where(Payment.citizen_id == citizen.id)
                                      .order_by(Payment.created_at.desc(), Payment.id.desc()).limit(50))).scalars().all()
        for payment in rows:
            if payment.status == "pending" and payment.expires_at <= now:
                await payments.release(session, payment, "expired", now)
    return ok({"payments": [payment_view(p, checkout_url=checkout_url(settings, p.id)) for p in rows]})


@routes.post("/v1/provider/confirmations")
async def provider_confirmation(request: web.Request) -> web.Response:
    """The payment provider tells us a payment went through (or was cancelled). Signed, replay-safe."""
    settings, now = request.app[SETTINGS], request.app[CLOCK].now()
    raw = await request.read()
    if len(raw) > 16 * 1024:
        raise ApiError("The body is too large.", code="body_too_large")
    signature = request.headers.get("X-Provider-Signature", "")
    if not signature or not same(signature.lower(), sign(settings.provider_secret, raw)):
        raise Unauthorized("The provider signature is missing or wrong.", code="invalid_signature")
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError("The body is not valid JSON.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    outcome = choice(body, "status", ("paid", "cancelled"))
    number = normalise_number(str(body.get("payment_id", "")))
    provider_ref = str(body.get("provider_ref", ""))[:64] or "sandbox"
    amount = body.get("amount")
    async with request.app[DB].session() as session:
        payment = await session.get(Payment, number) if number and number.startswith("PY-") else None
        if payment is None:
            raise NotFound("No payment has that number.")
        if outcome == "paid" and (isinstance(amount, bool) or amount != payment.total):
            raise ApiError("The amount does not match the payment.", code="amount_mismatch")
        if payment.status == "pending" and payment.expires_at <= now:
            await payments.release(session, payment, "expired", now)
        elif outcome == "paid":
            await payments.confirm_paid(session, payment.id, provider_ref, now)
        else:
            await payments.release(session, payment, "cancelled", now)
        payment = (await session.execute(select(Payment).where(Payment.id == payment.id)
                                         .execution_options(populate_existing=True))).scalar_one()
    if payment.status != outcome:
        raise Conflict(f"The payment is {payment.status}.", code="payment_not_pending", payment_status=payment.status)
    return ok({"payment_id": payment.id, "status": payment.status, "receipt_number": payment.receipt_number})
