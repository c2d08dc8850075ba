"""follow-up due period kept with the follow-up

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
    with op.batch_alter_table("follow_up") as batch:
        batch.add_column(sa.Column("period_amount", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("period_unit", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("follow_up") as batch:
        batch.drop_column("period_unit")
        batch.drop_column("period_amount")
