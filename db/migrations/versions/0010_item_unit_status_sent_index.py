"""items: the receiving unit's index also holds the sending date, so the per-unit counts of a
period are read from the index alone

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_item_to_unit_status_sent", "item", ["to_unit_id", "status", "sent_on"])
    op.drop_index("ix_item_to_unit_status", table_name="item")


def downgrade() -> None:
    op.create_index("ix_item_to_unit_status", "item", ["to_unit_id", "status"])
    op.drop_index("ix_item_to_unit_status_sent", table_name="item")
