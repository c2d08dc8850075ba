"""table_version per scope: each table's change counter in total, per district and for writes
outside any one district, so that a write in one district leaves the others' cached reads
(db/table_versions.py)

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table("table_version", "table_version_0012")
    op.create_table(
        "table_version",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    # the counts so far are the totals ("all": db.table_versions.TOTAL)
    op.execute(sa.text("INSERT INTO table_version (name, scope, version) "
                       "SELECT name, 'all', version FROM table_version_0012"))
    op.drop_table("table_version_0012")


def downgrade() -> None:
    op.rename_table("table_version", "table_version_0013")
    op.create_table(
        "table_version",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.execute(sa.text("INSERT INTO table_version (name, version) "
                       "SELECT name, version FROM table_version_0013 WHERE scope = 'all'"))
    op.drop_table("table_version_0013")
