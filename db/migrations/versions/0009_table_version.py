"""table_version: a change counter per table, which the read cache keys on

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "table_version",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    names = sorted(set(sa.inspect(op.get_bind()).get_table_names()) - {"alembic_version", "table_version"})
    op.bulk_insert(table, [{"name": name, "version": 0} for name in ["*", *names]])


def downgrade() -> None:
    op.drop_table("table_version")
