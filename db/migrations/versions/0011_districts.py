"""districts: a district table, and every district-owned row belongs to one. An existing
database becomes 硚口区's (the district this app was built for); keys that were unique across
the database become unique within a district

Revision ID: 0011
Revises: 0010
"""
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# every table whose rows belong to one district (db.models.InDistrict)
TABLES = ("unit", "leader", "liaison", "task_group", "key_task", "task_assignment", "milestone",
          "progress_update", "item", "item_link", "accountability", "item_event", "meeting",
          "meeting_attendance", "follow_up", "follow_up_assist", "follow_up_note", "supervision",
          "app_user", "audit_log", "setting", "reminder", "job_run", "deadline_rule", "holiday_entry")
# tables keyed by name, now by district and name
NULLABLE = {"app_user", "audit_log"}  # a city account, and what is done at the city level, belong to no district
KEYED_BY_NAME = {"setting": "key", "job_run": "name", "deadline_rule": "kind", "holiday_entry": "day"}
# key columns unique across the database until now, unique within a district from now on
PER_DISTRICT = {"unit": ("code", "name"), "leader": ("key",), "liaison": ("external_ref",),
                "task_group": ("number",), "key_task": ("number",), "item": ("external_ref",),
                "follow_up": ("external_ref",)}
# SQLite's constraints were created without names: batch mode names them by this convention
SQLITE_NAMES = {"uq": "%(table_name)s_%(column_0_name)s_key", "pk": "%(table_name)s_pkey"}
# the district this app was built for (seed/district.json: 硚口区), whose every row an existing database holds
FIRST = {k: v for k, v in json.loads((Path(__file__).resolve().parents[3] / "seed" / "district.json")
                                     .read_text(encoding="utf-8")).items() if k in ("code", "name")}


def upgrade() -> None:
    district = op.create_table(
        "district",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()),
    )
    op.bulk_insert(district, [FIRST])  # the first row of a new table: id 1 on both databases
    op.execute(sa.text("INSERT INTO table_version (name, version) VALUES ('district', 0)"))
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        column = sa.Column("district_id", sa.Integer(), nullable=False, server_default=sa.text("1"))
        if sqlite:
            with op.batch_alter_table(table, naming_convention=SQLITE_NAMES, recreate="always") as batch:
                batch.add_column(column)
            with op.batch_alter_table(table, naming_convention=SQLITE_NAMES, recreate="always") as batch:
                batch.alter_column("district_id", server_default=None, nullable=table in NULLABLE)
                batch.create_foreign_key(f"fk_{table}_district_id", "district", ["district_id"], ["id"])
                if table not in KEYED_BY_NAME:  # the primary key leads with the district
                    batch.create_index(f"ix_{table}_district_id", ["district_id"])
                for key in PER_DISTRICT.get(table, ()):
                    batch.drop_constraint(f"{table}_{key}_key", type_="unique")
                    batch.create_unique_constraint(f"uq_{table}_district_{key}", ["district_id", key])
                if table in KEYED_BY_NAME:
                    batch.drop_constraint(f"{table}_pkey", type_="primary")
                    batch.create_primary_key(f"{table}_pkey", [KEYED_BY_NAME[table], "district_id"])
        else:
            op.add_column(table, column)
            op.alter_column(table, "district_id", server_default=None, nullable=table in NULLABLE)
            op.create_foreign_key(f"fk_{table}_district_id", table, "district", ["district_id"], ["id"])
            if table not in KEYED_BY_NAME:
                op.create_index(f"ix_{table}_district_id", table, ["district_id"])
            for key in PER_DISTRICT.get(table, ()):
                op.drop_constraint(f"{table}_{key}_key", table, type_="unique")
                op.create_unique_constraint(f"uq_{table}_district_{key}", table, ["district_id", key])
            if table in KEYED_BY_NAME:
                op.drop_constraint(f"{table}_pkey", table, type_="primary")
                op.create_primary_key(f"{table}_pkey", table, [KEYED_BY_NAME[table], "district_id"])


def downgrade() -> None:
    raise NotImplementedError("districts cannot be merged back into one database automatically")
