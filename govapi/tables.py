"""Database tables (SQLAlchemy 2 declarative). Instants are stored as naive UTC, read back aware."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UTC = dt.timezone.utc
BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys only

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Same behaviour on SQLite and PostgreSQL: store naive UTC, return aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Household(Base):
    __tablename__ = "households"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    road_address: Mapped[str] = mapped_column(String(200))
    road_address_en: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(50))
    district: Mapped[str] = mapped_column(String(50), index=True)
    district_en: Mapped[str] = mapped_column(String(50))
    postal_code: Mapped[str] = mapped_column(String(5))
    search_text: Mapped[str] = mapped_column(String(400), index=True)


class Citizen(Base):
    __tablename__ = "citizens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    address_id: Mapped[str] = mapped_column(ForeignKey("addresses.id"))
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))


class Verification(Base):
    __tablename__ = "verifications"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"), nullable=True)
    phone_hash: Mapped[str] = mapped_column(String(64))
    conversation_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sends: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))  # pending | verified | locked
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_verifications_phone_created", "phone_hash", "created_at"),
        Index("ix_verifications_conversation_created", "conversation_hash", "created_at"),
    )


class CitizenToken(Base):
    __tablename__ = "citizen_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SmsMessage(Base):
    __tablename__ = "sms_messages"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    to_phone: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text)
    backend: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # stored | sent | failed
    provider_sid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class NumberCounter(Base):
    """Issues human-readable numbers (AP-2026-000123) without gaps between concurrent writers."""

    __tablename__ = "number_counters"
    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Application(Base):
    __tablename__ = "applications"
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    office: Mapped[str] = mapped_column(String(40))
    # the applicant's district when filing: its office keeps the case after a move
    district: Mapped[str] = mapped_column(String(50))
    district_en: Mapped[str] = mapped_column(String(50))
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expected_completion: Mapped[dt.date] = mapped_column(Date)
    missing_documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rejection_reason: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ApplicationHistory(Base):
    __tablename__ = "application_history"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    application_number: Mapped[str] = mapped_column(ForeignKey("applications.number"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    office: Mapped[str] = mapped_column(String(40))
    note: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class Fine(Base):
    __tablename__ = "fines"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    notice_number: Mapped[str] = mapped_column(String(20), unique=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    plate: Mapped[str] = mapped_column(String(20))
    place: Mapped[dict[str, str]] = mapped_column(JSON)
    occurred_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    base_amount: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # unpaid | pending_payment | paid
    held_by: Mapped[str | None] = mapped_column(String(20), nullable=True)  # pending payment id
    paid_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    paid_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # the day a "late fee added" event went out for this fine (once, the day after the due date)
    late_fee_announced_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # pending | paid | expired | cancelled
    method: Mapped[str] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    receipt_number: Mapped[str | None] = mapped_column(String(20), unique=True, nullable=True)
    provider_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    virtual_account: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class PaymentItem(Base):
    __tablename__ = "payment_items"
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    fine_id: Mapped[str] = mapped_column(ForeignKey("fines.id"), primary_key=True)
    base_amount: Mapped[int] = mapped_column(Integer)
    late_fee: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AddressChange(Base):
    __tablename__ = "address_changes"
    tracking_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    address_id: Mapped[str] = mapped_column(ForeignKey("addresses.id"))
    previous_address_id: Mapped[str] = mapped_column(ForeignKey("addresses.id"))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    member_ids: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # processing | completed | partially_failed
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AgencyDelivery(Base):
    __tablename__ = "agency_deliveries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tracking_number: Mapped[str] = mapped_column(ForeignKey("address_changes.tracking_number"), index=True)
    agency: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("tracking_number", "agency"),)


class Photo(Base):
    __tablename__ = "photos"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Complaint(Base):
    __tablename__ = "complaints"
    tracking_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    place_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    lat: Mapped[float | None] = mapped_column(nullable=True)
    lon: Mapped[float | None] = mapped_column(nullable=True)
    district: Mapped[str] = mapped_column(String(50))
    photo_id: Mapped[str | None] = mapped_column(ForeignKey("photos.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # received | in_progress | answered
    deadline: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    answer: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(50))
    case_type: Mapped[str] = mapped_column(String(30))
    case_number: Mapped[str] = mapped_column(String(30), index=True)
    citizen_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
