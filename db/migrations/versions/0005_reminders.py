"""reminders: e-mail addresses, unit robots, the reminder log and job runs

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit") as t:
        t.add_column(sa.Column("robot_channel", sa.String(16), nullable=True))
        t.add_column(sa.Column("robot_webhook", sa.String(500), nullable=True))
        t.add_column(sa.Column("robot_secret", sa.String(200), nullable=True))
    with op.batch_alter_table("liaison") as t:
        t.add_column(sa.Column("email", sa.String(254), nullable=True))
    with op.batch_alter_table("app_user") as t:
        t.add_column(sa.Column("email", sa.String(254), nullable=True))
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("recipient", "channel", "entity", "entity_id", "stage", "day", name="uq_reminder_once"),
    )
    op.create_index("ix_reminder_day", "reminder", ["day"])
    op.create_index("ix_reminder_status", "reminder", ["status"])
    op.create_table(
        "job_run",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(300), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("job_run")
    op.drop_index("ix_reminder_status", "reminder")
    op.drop_index("ix_reminder_day", "reminder")
    op.drop_table("reminder")
    with op.batch_alter_table("app_user") as t:
        t.drop_column("email")
    with op.batch_alter_table("liaison") as t:
        t.drop_column("email")
    with op.batch_alter_table("unit") as t:
        t.drop_column("robot_secret")
        t.drop_column("robot_webhook")
        t.drop_column("robot_channel")
