"""The notifier's tables as its first release made them (before follows).

Adopting a database made before Alembic: the notifier used to make its tables with create_all at every start,
so a database without alembic_version may already hold some or all of these tables, made by this release's
models (89c78c6) or by the release with follows (188a0aa), which only added columns and an index (0002). Each
table is therefore created only when it is missing; a table that exists was made by the same create_all, with
its indexes. 0002 then adds what is missing the same way, so every such database ends at the same schema.

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

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("notifier_cursors"):
        op.create_table(
            "notifier_cursors",
            sa.Column("name", sa.String(length=40), nullable=False),
            sa.Column("value", sa.String(length=100), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_notifier_cursors")),
        )
    if _missing("notifier_deliveries"):
        op.create_table(
            "notifier_deliveries",
            sa.Column("id", BigId, autoincrement=True, nullable=False),
            sa.Column("event_id", sa.String(length=64), nullable=False),
            sa.Column("subscription_id", sa.String(length=40), nullable=False),
            sa.Column("citizen_id", sa.String(length=32), nullable=False),
            sa.Column("conversation_id", sa.String(length=120), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("topic", sa.String(length=30), nullable=False),
            sa.Column("case_number", sa.String(length=30), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
            sa.Column("event_created_at", sa.DateTime(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("sent_at", sa.DateTime(), nullable=True),
            sa.Column("last_error", sa.String(length=200), nullable=True),
            sa.Column("tracker_status", sa.String(length=16), nullable=False),
            sa.Column("tracker_attempts", sa.Integer(), nullable=False),
            sa.Column("provider_message_id", sa.String(length=64), nullable=True),
            sa.Column("provider_status", sa.String(length=20), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_notifier_deliveries")),
            sa.UniqueConstraint("event_id", "subscription_id", name="uq_notifier_deliveries_event_subscription"),
        )
        op.create_index(op.f("ix_notifier_deliveries_citizen_id"), "notifier_deliveries", ["citizen_id"])
        op.create_index("ix_notifier_deliveries_due", "notifier_deliveries", ["status", "next_attempt_at"])
        op.create_index(op.f("ix_notifier_deliveries_provider_message_id"), "notifier_deliveries",
                        ["provider_message_id"])
        op.create_index(op.f("ix_notifier_deliveries_subscription_id"), "notifier_deliveries", ["subscription_id"])
    if _missing("notifier_reminders"):
        op.create_table(
            "notifier_reminders",
            sa.Column("id", BigId, autoincrement=True, nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("citizen_id", sa.String(length=32), nullable=False),
            sa.Column("case_number", sa.String(length=30), nullable=False),
            sa.Column("fire_at", sa.DateTime(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("data", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_notifier_reminders")),
            sa.UniqueConstraint("kind", "case_number", name="uq_notifier_reminders_kind_case"),
        )
        op.create_index(op.f("ix_notifier_reminders_citizen_id"), "notifier_reminders", ["citizen_id"])
        op.create_index(op.f("ix_notifier_reminders_fire_at"), "notifier_reminders", ["fire_at"])
    if _missing("notifier_seen_events"):
        op.create_table(
            "notifier_seen_events",
            sa.Column("event_id", sa.String(length=64), nullable=False),
            sa.Column("type", sa.String(length=60), nullable=False),
            sa.Column("seen_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("event_id", name=op.f("pk_notifier_seen_events")),
        )
    if _missing("notifier_subscriptions"):
        op.create_table(
            "notifier_subscriptions",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("citizen_id", sa.String(length=32), nullable=False),
            sa.Column("conversation_id", sa.String(length=120), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("topics", sa.JSON(), nullable=False),
            sa.Column("case_number", sa.String(length=30), nullable=True),
            sa.Column("language", sa.String(length=2), nullable=False),
            sa.Column("quiet_hours", sa.String(length=16), nullable=True),
            sa.Column("state", sa.String(length=16), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_notifier_subscriptions")),
        )
        op.create_index(op.f("ix_notifier_subscriptions_citizen_id"), "notifier_subscriptions", ["citizen_id"])
        op.create_index("ix_notifier_subscriptions_conversation", "notifier_subscriptions", ["conversation_id"])


def downgrade() -> None:
    for table in ("notifier_subscriptions", "notifier_seen_events", "notifier_reminders", "notifier_deliveries",
                  "notifier_cursors"):
        op.drop_table(table)
