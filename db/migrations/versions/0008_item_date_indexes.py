"""items: indexes on the feedback, closing and due dates that the period figures read

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = {"ix_item_feedback_on": "feedback_on", "ix_item_closed_on": "closed_on", "ix_item_due_on": "due_on"}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(name, "item", [column])


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="item")
