"""Payment rules: hold fines on creation, mark them paid exactly once on the provider's confirmation,
release them when a payment expires or is cancelled. Every step is one conditional UPDATE, so
concurrent confirmations or sweeps cannot apply twice.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .clock import SEOUL
from .errors import Conflict
from .numbers import next_number
from .outbox import append_event
from .tables import Fine, Payment, PaymentItem

CARD_TTL = dt.timedelta(minutes=30)
VIRTUAL_ACCOUNT_TTL = dt.timedelta(hours=24)


async def release(session: AsyncSession, payment: Payment, new_status: str, now: dt.datetime) -> bool:
    """pending -> expired|cancelled and its fines back to unpaid. False if it was no longer pending."""
    changed = (await session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status == "pending")
        .values(status=new_status, closed_at=now)
    )).rowcount
    if changed != 1:
        return False
    fine_rows = (await session.execute(
        update(Fine).where(Fine.held_by == payment.id, Fine.status == "pending_payment")
        .values(status="unpaid", held_by=None).returning(Fine.notice_number)
    )).scalars().all()
    payment.status = new_status
    payment.closed_at = now
    await append_event(session, type=f"payment.{new_status}", case_type="payment", case_number=payment.id,
                       citizen_id=payment.citizen_id, data={"status": new_status, "total": payment.total}, now=now)
    for notice in sorted(fine_rows):
        await append_event(session, type="fine.status_changed", case_type="fine", case_number=notice,
                           citizen_id=payment.citizen_id, data={"status": "unpaid"}, now=now)
    return True


async def live_holders(session: AsyncSession, fines: list[Fine], now: dt.datetime) -> dict[str, Payment]:
    """The pending payments that hold these fines, by id. A hold past its time is released here (any read
    expires it) and its fines reloaded, so they read as plainly unpaid."""
    ids = {f.held_by for f in fines if f.status == "pending_payment" and f.held_by}
    if not ids:
        return {}
    live: dict[str, Payment] = {}
    for holder in (await session.execute(select(Payment).where(Payment.id.in_(ids)).order_by(Payment.id))).scalars():
        if holder.status == "pending" and holder.expires_at > now:
            live[holder.id] = holder
        elif holder.status == "pending":
            await release(session, holder, "expired", now)
    for fine in fines:
        if fine.held_by in ids and fine.held_by not in live:
            await session.refresh(fine)
    return live


async def confirm_paid(session: AsyncSession, payment_id: str, provider_ref: str, now: dt.datetime) -> bool:
    """pending -> paid, fines paid, receipt issued. False if it was no longer pending."""
    changed = (await session.execute(
        update(Payment).where(Payment.id == payment_id, Payment.status == "pending")
        .values(status="paid", paid_at=now, closed_at=now, provider_ref=provider_ref)
    )).rowcount
    if changed != 1:
        return False
    payment = (await session.execute(select(Payment).where(Payment.id == payment_id)
                                     .execution_options(populate_existing=True))).scalar_one()
    items = {i.fine_id: i for i in (await session.execute(
        select(PaymentItem).where(PaymentItem.payment_id == payment_id))).scalars()}
    paid = 0
    notices = []
    for fine_id, item in items.items():
        notice = (await session.execute(
            update(Fine).where(Fine.id == fine_id, Fine.held_by == payment_id, Fine.status == "pending_payment")
            .values(status="paid", held_by=None, paid_by=payment_id, paid_amount=item.amount, paid_at=now)
            .returning(Fine.notice_number)
        )).scalar_one_or_none()
        if notice is not None:
            paid += 1
            notices.append(notice)
    if paid != len(items):
        raise Conflict("The fines of this payment are no longer held by it.", code="payment_state_conflict")
    receipt = await next_number(session, "RC", now.astimezone(SEOUL).year)
    await session.execute(update(Payment).where(Payment.id == payment_id).values(receipt_number=receipt))
    payment.receipt_number = receipt
    await append_event(session, type="payment.paid", case_type="payment", case_number=payment_id,
                       citizen_id=payment.citizen_id,
                       data={"status": "paid", "total": payment.total, "receipt_number": receipt}, now=now)
    for notice in sorted(notices):
        await append_event(session, type="fine.status_changed", case_type="fine", case_number=notice,
                           citizen_id=payment.citizen_id, data={"status": "paid", "payment_id": payment_id}, now=now)
    return True


async def expire_due(session: AsyncSession, now: dt.datetime, limit: int = 100) -> int:
    """Expire pending payments past their time (the sweeper and lazy reads call this)."""
    due = (await session.execute(
        select(Payment).where(Payment.status == "pending", Payment.expires_at <= now).limit(limit)
    )).scalars().all()
    count = 0
    for payment in due:
        count += await release(session, payment, "expired", now)
    return count


async def announce_late_fees(session: AsyncSession, today: dt.date, now: dt.datetime, limit: int = 200) -> int:
    """Once per fine, the day after its due date: a "fine.late_fee_added" event with the new amount."""
    from .fees import amount_owed

    overdue = (await session.execute(
        select(Fine).where(Fine.status == "unpaid", Fine.due_date < today, Fine.late_fee_announced_on.is_(None))
        .order_by(Fine.due_date, Fine.notice_number).limit(limit))).scalars().all()
    count = 0
    for fine in overdue:
        claimed = (await session.execute(
            update(Fine).where(Fine.id == fine.id, Fine.late_fee_announced_on.is_(None))
            .values(late_fee_announced_on=today))).rowcount
        if claimed != 1:
            continue
        owed = amount_owed(fine.base_amount, fine.due_date, today)
        await append_event(session, type="fine.late_fee_added", case_type="fine", case_number=fine.notice_number,
                           citizen_id=fine.citizen_id,
                           data={"status": "unpaid", "due_date": fine.due_date.isoformat(),
                                 "base_amount": fine.base_amount, "late_fee": owed.late_fee,
                                 "amount_due": owed.amount_due}, now=now)
        count += 1
    return count
