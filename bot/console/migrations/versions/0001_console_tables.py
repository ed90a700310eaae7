"""The console's tables as its first release made them (agents, handoffs, messages, notes, callbacks, audit log).

Adopting a database made before Alembic: the console used to make its tables with create_all at every start, so
a database without alembic_version may already hold these tables, made by this release's models (0301765) or by
the release with agent skills (8d81ad1), which only added a table (0002). Each table is therefore created only
when it is missing; a table that exists was made by the same create_all, with its indexes and constraints.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Instant = sa.DateTime(timezone=True)


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("console_agents"):
        op.create_table(
            "console_agents",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("display_name", sa.String(length=128), nullable=False),
            sa.Column("password_hash", sa.String(length=256), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("languages", sa.String(length=32), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", Instant, nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("username"),
        )
    if _missing("console_audit_log"):
        op.create_table(
            "console_audit_log",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("at", Instant, nullable=False),
            sa.Column("actor", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=32), nullable=False),
            sa.Column("target", sa.String(length=128), nullable=True),
            sa.Column("detail", sa.JSON(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_console_audit_log_at"), "console_audit_log", ["at"])
    if _missing("console_handoffs"):
        op.create_table(
            "console_handoffs",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("idempotency_key", sa.String(length=128), nullable=False),
            sa.Column("conversation_id", sa.String(length=128), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("language", sa.String(length=8), nullable=False),
            sa.Column("skill", sa.String(length=16), nullable=False),
            sa.Column("reason", sa.String(length=16), nullable=False),
            sa.Column("verified", sa.Boolean(), nullable=False),
            sa.Column("citizen_id", sa.String(length=64), nullable=True),
            sa.Column("intent", sa.String(length=64), nullable=True),
            sa.Column("form", sa.JSON(), nullable=True),
            sa.Column("last_errors", sa.JSON(), nullable=False),
            sa.Column("state", sa.String(length=16), nullable=False),
            sa.Column("agent", sa.String(length=64), nullable=True),
            sa.Column("created_at", Instant, nullable=False),
            sa.Column("claimed_at", Instant, nullable=True),
            sa.Column("closed_at", Instant, nullable=True),
            sa.Column("satisfaction", sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("idempotency_key"),
        )
        op.create_index(op.f("ix_console_handoffs_agent"), "console_handoffs", ["agent"])
        op.create_index(op.f("ix_console_handoffs_conversation_id"), "console_handoffs", ["conversation_id"])
        op.create_index(op.f("ix_console_handoffs_created_at"), "console_handoffs", ["created_at"])
        op.create_index(op.f("ix_console_handoffs_state"), "console_handoffs", ["state"])
    if _missing("console_callbacks"):
        op.create_table(
            "console_callbacks",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("handoff_id", sa.String(length=32), nullable=False),
            sa.Column("conversation_id", sa.String(length=128), nullable=False),
            sa.Column("language", sa.String(length=8), nullable=False),
            sa.Column("skill", sa.String(length=16), nullable=False),
            sa.Column("why", sa.String(length=32), nullable=False),
            sa.Column("note", sa.Text(), nullable=True),
            sa.Column("due_at", Instant, nullable=False),
            sa.Column("state", sa.String(length=16), nullable=False),
            sa.Column("done_by", sa.String(length=64), nullable=True),
            sa.Column("created_at", Instant, nullable=False),
            sa.ForeignKeyConstraint(["handoff_id"], ["console_handoffs.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_console_callbacks_handoff_id"), "console_callbacks", ["handoff_id"])
    if _missing("console_messages"):
        op.create_table(
            "console_messages",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("handoff_id", sa.String(length=32), nullable=True),
            sa.Column("conversation_id", sa.String(length=128), nullable=False),
            sa.Column("direction", sa.String(length=16), nullable=False),
            sa.Column("author", sa.String(length=64), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("refusal", sa.String(length=32), nullable=True),
            sa.Column("stream_id", sa.String(length=64), nullable=True),
            sa.Column("created_at", Instant, nullable=False),
            sa.ForeignKeyConstraint(["handoff_id"], ["console_handoffs.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("stream_id", name="uq_console_messages_stream_id"),
        )
        op.create_index(op.f("ix_console_messages_conversation_id"), "console_messages", ["conversation_id"])
        op.create_index(op.f("ix_console_messages_handoff_id"), "console_messages", ["handoff_id"])
    if _missing("console_notes"):
        op.create_table(
            "console_notes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("handoff_id", sa.String(length=32), nullable=False),
            sa.Column("author", sa.String(length=64), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("created_at", Instant, nullable=False),
            sa.ForeignKeyConstraint(["handoff_id"], ["console_handoffs.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_console_notes_handoff_id"), "console_notes", ["handoff_id"])


def downgrade() -> None:
    for table in ("console_notes", "console_messages", "console_callbacks", "console_handoffs", "console_audit_log",
                  "console_agents"):
        op.drop_table(table)
