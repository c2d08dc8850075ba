"""items: links between items that led to one another; 移送追责 records

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("from_item_id", sa.Integer(), sa.ForeignKey("item.id"), nullable=False),
        sa.Column("to_item_id", sa.Integer(), sa.ForeignKey("item.id"), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("from_item_id", "to_item_id"),
    )
    op.create_index("ix_item_link_from_item_id", "item_link", ["from_item_id"])
    op.create_index("ix_item_link_to_item_id", "item_link", ["to_item_id"])
    op.create_table(
        "accountability",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("item.id"), nullable=False),
        sa.Column("referred_to", sa.String(100), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_accountability_item_id", "accountability", ["item_id"])
    op.create_index("ix_accountability_referred_on", "accountability", ["referred_on"])


def downgrade() -> None:
    op.drop_table("accountability")
    op.drop_table("item_link")
