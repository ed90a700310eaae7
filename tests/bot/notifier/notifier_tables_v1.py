"""FROZEN copy of bot/notifier/tables.py as of 89c78c6 (the first notifier, before Alembic and follows).

Tests make a database with its create_all, as that notifier did at start, and check the migrations adopt it."""
# ruff: noqa  (a verbatim copy of old code, kept as it was)
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, MetaData, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UTC = dt.timezone.utc
BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys only


class UtcDateTime(TypeDecorator[dt.datetime]):
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
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    })


class Cursor(Base):
    """Where reading govapi's outbox resumes; moved in the same transaction as the deliveries it created."""

    __tablename__ = "notifier_cursors"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SeenEvent(Base):
    """Every outbox event handled once: a re-read page (at-least-once) creates nothing new."""

    __tablename__ = "notifier_seen_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Subscription(Base):
    __tablename__ = "notifier_subscriptions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(String(32), index=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16))  # telegram | sms | web
    topics: Mapped[list[str]] = mapped_column(JSON)
    case_number: Mapped[str | None] = mapped_column(String(30), nullable=True)  # None: every case
    language: Mapped[str] = mapped_column(String(2))
    quiet_hours: Mapped[str | None] = mapped_column(String(16), nullable=True)  # "21:00-08:00", "off", None=default
    state: Mapped[str] = mapped_column(String(16))  # active | cancelled | opted_out | blocked
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_notifier_subscriptions_conversation", "conversation_id"),)


class Delivery(Base):
    """One message for one subscription about one event (or reminder); its whole life is recorded here."""

    __tablename__ = "notifier_deliveries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64))
    subscription_id: Mapped[str] = mapped_column(String(40), index=True)
    citizen_id: Mapped[str] = mapped_column(String(32), index=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(30))
    case_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    # pending | deferred | sent | failed | opted_out | blocked | cancelled
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    event_created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tracker_status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | appended | failed
    tracker_attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_message_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    provider_status: Mapped[str | None] = mapped_column(String(20), nullable=True)  # from Twilio status callbacks

    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", name="uq_notifier_deliveries_event_subscription"),
        Index("ix_notifier_deliveries_due", "status", "next_attempt_at"),
    )


class Reminder(Base):
    """A message due at a future instant (fine before its due date, unanswered supplement request)."""

    __tablename__ = "notifier_reminders"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # fine_due | supplement
    citizen_id: Mapped[str] = mapped_column(String(32), index=True)
    case_number: Mapped[str] = mapped_column(String(30))
    fire_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | fired | cancelled
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("kind", "case_number", name="uq_notifier_reminders_kind_case"),)
