"""clean control characters out of stored text

Before the stored-text rule (core/text.py, enforced at every write by db/stored_values.py), some
fields took invisible control characters (BEL, NUL, vertical tab …) pasted from other systems,
and a Word document that quoted them could no longer be built. This removes them: from one-line
(VARCHAR) columns also line breaks and tabs, which become spaces; from multi-line (TEXT) columns
only the control characters. JSON detail columns are cleaned string by string. The audit log is
left as it was recorded (it is history, and its viewer and exports clean what they show). Where the
cleaned value of a unique column (a unit's name, an external reference) is already another row's,
the row is left as it was and logged: an office clerk decides which of the two it is.

Revision ID: 0004
Revises: 0003
"""
import json
import logging

import sqlalchemy as sa
from alembic import op

from core.text import clean_text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SKIP_TABLES = {"audit_log", "alembic_version"}
JSON_TEXT_COLUMNS = {("item", "details")}
# NUL is looked for separately: PostgreSQL cannot hold it, and SQLite's GLOB stops at it.
_CONTROL = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF)]
log = logging.getLogger("alembic.runtime.migration")
_BREAKS = ["\t", "\n", "\r"]


def _suspects(bind, table: sa.Table, column: sa.Column, multiline: bool):
    """Rows whose column may hold a character to clean (the database filters where it can)."""
    chars = _CONTROL + ([] if multiline else _BREAKS)
    query = sa.select(*table.primary_key.columns, column).where(column.is_not(None))
    if bind.dialect.name == "postgresql":
        query = query.where(column.op("~")("[" + "".join(chars) + "]"))
    elif bind.dialect.name == "sqlite":
        query = query.where(sa.or_(column.op("GLOB")("*[" + "".join(chars) + "]*"),
                                   sa.func.instr(column, sa.func.char(0)) > 0))
    return bind.execute(query).all()


def _clean_json(value, multiline: bool):
    if isinstance(value, str):
        return clean_text(value, multiline=multiline).strip()
    if isinstance(value, dict):
        return {k: _clean_json(v, multiline) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v, multiline) for v in value]
    return value


def _unique_columns(bind, table: sa.Table) -> set[str]:
    inspector = sa.inspect(bind)
    groups = [c["column_names"] for c in inspector.get_unique_constraints(table.name)]
    groups += [i["column_names"] for i in inspector.get_indexes(table.name) if i.get("unique")]
    return {names[0] for names in groups if len(names) == 1} | {c.name for c in table.primary_key.columns}


def upgrade() -> None:
    bind = op.get_bind()
    metadata = sa.MetaData()
    metadata.reflect(bind)
    for table in metadata.sorted_tables:
        if table.name in SKIP_TABLES or not table.primary_key.columns:
            continue
        pk = list(table.primary_key.columns)
        unique = _unique_columns(bind, table)
        for column in table.columns:
            if (table.name, column.name) in JSON_TEXT_COLUMNS:
                rows = bind.execute(sa.select(*pk, column).where(column.is_not(None))).all()
                multiline, clean = False, _clean_json
            elif isinstance(column.type, sa.String):
                multiline = isinstance(column.type, sa.Text)
                rows = _suspects(bind, table, column, multiline)
                clean = None
            else:
                continue
            for row in rows:
                *key, value = row
                if isinstance(value, str) and (table.name, column.name) in JSON_TEXT_COLUMNS:
                    value = json.loads(value)
                cleaned = (_clean_json(value, multiline) if clean else
                           clean_text(value, multiline=multiline).strip() if isinstance(value, str) else value)
                if cleaned == value:
                    continue
                if column.name in unique and bind.scalar(
                        sa.select(sa.func.count()).select_from(table).where(column == cleaned)):
                    log.warning("%s.%s of %s kept as stored: cleaned, it would repeat another row's",
                                table.name, column.name, key)
                    continue
                bind.execute(table.update().where(*(c == k for c, k in zip(pk, key))).values({column.name: cleaned}))


def downgrade() -> None:
    pass  # the removed characters were never meant to be there
