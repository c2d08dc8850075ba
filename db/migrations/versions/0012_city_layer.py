"""the city layer: a row of its own in `district` (code "_city", which no district's code can
be) whose holiday entries, deadline-rule overrides and 待办 thresholds every district takes unless
it has its own (db/districts.py)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

from core.i18n import t

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CITY = {"code": "_city", "name": t("city.layer_name")}  # db.districts.CITY


def upgrade() -> None:
    district = sa.table("district", sa.column("code", sa.String), sa.column("name", sa.String))
    op.bulk_insert(district, [CITY])


def downgrade() -> None:
    for table in ("holiday_entry", "deadline_rule", "setting", "job_run", "audit_log"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE district_id IN (SELECT id FROM district WHERE code = '_city')"))
    op.execute(sa.text("DELETE FROM district WHERE code = '_city'"))
