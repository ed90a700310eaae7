"""The console's durable records: agents, handoffs, the transcript of record, notes, callbacks, audit log."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}


class Agent(Base):
    __tablename__ = "console_agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # agent | supervisor
    languages: Mapped[str] = mapped_column(String(32), default="ko,en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AgentSkill(Base):
    """The skills an agent serves (payments, address, ...). An agent with no rows serves every skill of their
    languages; a table of its own so existing databases need no migration."""

    __tablename__ = "console_agent_skills"
    __table_args__ = (UniqueConstraint("username", "skill", name="uq_console_agent_skills"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    skill: Mapped[str] = mapped_column(String(16))


class Handoff(Base):
    __tablename__ = "console_handoffs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    skill: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(16))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    citizen_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    intent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    form: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    last_errors: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | claimed | closed | callback | withdrawn
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    satisfaction: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Message(Base):
    """Transcript of record of the human part: citizen messages from the inbox, agent replies, desk notices."""

    __tablename__ = "console_messages"
    __table_args__ = (UniqueConstraint("stream_id", name="uq_console_messages_stream_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[str | None] = mapped_column(ForeignKey("console_handoffs.id"), nullable=True, index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # citizen | agent | desk
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="received")  # received | sent | refused | failed
    refusal: Mapped[str | None] = mapped_column(String(32), nullable=True)
    stream_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # de-duplicates inbox deliveries
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Note(Base):
    __tablename__ = "console_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[str] = mapped_column(ForeignKey("console_handoffs.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Callback(Base):
    __tablename__ = "console_callbacks"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    handoff_id: Mapped[str] = mapped_column(ForeignKey("console_handoffs.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    skill: Mapped[str] = mapped_column(String(16))
    why: Mapped[str] = mapped_column(String(32))  # out_of_hours | no_answer | requested
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_at: Mapped[dt.datetime] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    done_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "console_audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # a username, or "desk" / "bot" for machine calls
    action: Mapped[str] = mapped_column(String(32))  # read_packet, reply, claim, login, ...
    target: Mapped[str | None] = mapped_column(String(128), nullable=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)  # never message text or phone numbers
