"""Follows: seen events keep their case number; a subscription may be automatic and expire.

A database made before Alembic by the release with follows (188a0aa) already has these columns and the index,
made by create_all or by that release's "add the columns since" step: each is added only when missing.
Existing subscriptions become non-automatic (server default false) with no expiry.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def _indexes(table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}


def upgrade() -> None:
    if "case_number" not in _columns("notifier_seen_events"):
        op.add_column("notifier_seen_events", sa.Column("case_number", sa.String(length=30), nullable=True))
    if "ix_notifier_seen_events_case_number" not in _indexes("notifier_seen_events"):
        op.create_index(op.f("ix_notifier_seen_events_case_number"), "notifier_seen_events", ["case_number"])
    present = _columns("notifier_subscriptions")
    if "automatic" not in present:
        op.add_column("notifier_subscriptions",
                      sa.Column("automatic", sa.Boolean(), server_default=sa.false(), nullable=False))
    if "expires_at" not in present:
        op.add_column("notifier_subscriptions", sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifier_subscriptions") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("automatic")
    op.drop_index(op.f("ix_notifier_seen_events_case_number"), table_name="notifier_seen_events")
    with op.batch_alter_table("notifier_seen_events") as batch:
        batch.drop_column("case_number")
