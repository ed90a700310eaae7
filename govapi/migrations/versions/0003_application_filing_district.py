"""applications: the district they were filed in

Revision ID: 0003
Revises: 0002

An application's office was named after the applicant's current district, so after a move an old
case pointed at the new district's office. Existing rows get the applicant's district of today
(the best record there is); new ones are filed with theirs.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HOME = "(SELECT a.{column} FROM citizens c JOIN addresses a ON a.id = c.address_id WHERE c.id = applications.citizen_id)"


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("district_en", sa.String(length=50), nullable=True))
    op.execute(f"UPDATE applications SET district = {HOME.format(column='district')}, "
               f"district_en = {HOME.format(column='district_en')}")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("district", existing_type=sa.String(length=50), nullable=False)
        batch_op.alter_column("district_en", existing_type=sa.String(length=50), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("district_en")
        batch_op.drop_column("district")
