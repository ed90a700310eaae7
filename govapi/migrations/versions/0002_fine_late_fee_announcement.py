"""fines: remember when the late fee was announced

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_fee_announced_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fines", schema=None) as batch_op:
        batch_op.drop_column("late_fee_announced_on")
