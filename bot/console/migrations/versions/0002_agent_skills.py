"""Agent skills: the skills an agent serves (no rows: every skill of their languages).

A database made before Alembic by the release with agent skills (8d81ad1) already has this table from
create_all: it is created only when missing.

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


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("console_agent_skills"):
        return
    op.create_table(
        "console_agent_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("skill", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", "skill", name="uq_console_agent_skills"),
    )
    op.create_index(op.f("ix_console_agent_skills_username"), "console_agent_skills", ["username"])


def downgrade() -> None:
    op.drop_table("console_agent_skills")
