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


def _rebuild(*columns: sa.Column, rows: list[dict]) -> None:
    """table_version dropped and made again (not renamed: on PostgreSQL its primary key's name
    would stay with the old table and the new one's would differ from a fresh database's)."""
    op.drop_table("table_version")
    table = op.create_table("table_version", *columns)
    op.bulk_insert(table, rows)


def upgrade() -> None:
    counts = op.get_bind().execute(sa.text("SELECT name, version FROM table_version")).all()
    _rebuild(sa.Column("name", sa.String(64), primary_key=True),
             sa.Column("scope", sa.String(16), primary_key=True),
             sa.Column("version", sa.Integer(), nullable=False),
             # the counts so far are the totals ("all": db.table_versions.TOTAL)
             rows=[{"name": name, "scope": "all", "version": version} for name, version in counts])


def downgrade() -> None:
    counts = op.get_bind().execute(sa.text("SELECT name, version FROM table_version WHERE scope = 'all'")).all()
    _rebuild(sa.Column("name", sa.String(64), primary_key=True),
             sa.Column("version", sa.Integer(), nullable=False),
             rows=[{"name": name, "version": version} for name, version in counts])
