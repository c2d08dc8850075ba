"""units: other names (aliases) that imports and forms accept

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit") as t:
        t.add_column(sa.Column("aliases", sa.JSON(), nullable=True))
    # the seed's aliases arrive with the next reference load (the seed files changed)


def downgrade() -> None:
    with op.batch_alter_table("unit") as t:
        t.drop_column("aliases")
