"""items: every index starts with the district (each read is one district's), and the receiving
unit's and the sending date's indexes hold every column the figures count by, so the figures are
read from the index alone; a record's 督办 are found by their target

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

FIGURES = ["needs_feedback", "due_on", "feedback_on", "received_on", "closed_on", "kind", "mechanism", "due_approximate"]
BEFORE = {
    "ix_item_status_due": ["status", "due_on"],
    "ix_item_to_unit_status_sent": ["to_unit_id", "status", "sent_on"],
    "ix_item_from_unit_status": ["from_unit_id", "status"],
    "ix_item_sent_on": ["sent_on"],
    "ix_item_feedback_on": ["feedback_on"],
    "ix_item_closed_on": ["closed_on"],
    "ix_item_due_on": ["due_on"],
    "ix_item_kind": ["kind"],
}
AFTER = {
    "ix_item_status_due": ["district_id", "status", "due_on"],
    "ix_item_status_feedback": ["district_id", "status", "feedback_on"],
    "ix_item_to_unit_status_sent": ["district_id", "to_unit_id", "status", "sent_on", *FIGURES],
    "ix_item_from_unit_status": ["district_id", "from_unit_id", "status", "sent_on"],
    "ix_item_sent_on": ["district_id", "sent_on", "to_unit_id", "from_unit_id", "status", *FIGURES],
    "ix_item_feedback_on": ["district_id", "feedback_on"],
    "ix_item_closed_on": ["district_id", "closed_on"],
    "ix_item_due_on": ["district_id", "due_on"],
    "ix_item_kind": ["district_id", "kind"],
}


def _replace(old: dict, new: dict) -> None:
    for name in old:
        op.drop_index(name, table_name="item")
    for name, columns in new.items():
        op.create_index(name, "item", columns)


def upgrade() -> None:
    _replace(BEFORE, AFTER)
    op.create_index("ix_supervision_target", "supervision", ["district_id", "target_type", "target_id"])


def downgrade() -> None:
    op.drop_index("ix_supervision_target", table_name="supervision")
    _replace(AFTER, BEFORE)
