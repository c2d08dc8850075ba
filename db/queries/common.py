"""Small shared reads."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db import table_versions
from db.engine import read_session
from db.models import Setting, Unit


PAGE_SIZE = 50  # rows of a long list read and shown at a time


def one_page(statement, page: int, page_size: int = PAGE_SIZE):
    """`statement` limited to its `page`th page (1 is the first; below 1 reads the first)."""
    return statement.limit(page_size).offset((max(page, 1) - 1) * page_size)


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """How many pages `total` rows fill (1 when there are none)."""
    return max(1, -(-total // page_size))


def frame(session: Session, statement) -> pd.DataFrame:
    """The rows of a select as a frame whose columns are the select's own names, in its order —
    also when nothing matches, which a frame built from a list of mappings would not give. Every
    column is a named column or labelled (`.label("name")`): an unlabelled expression, or two
    columns of one name, would get a name SQLAlchemy makes up (count_1, name_1), so are refused."""
    names = [c.key for c in statement.selected_columns]
    if None in names or len(set(names)) < len(names):
        raise ValueError(f"label every computed column and give two columns of one name two labels: {names}")
    result = session.execute(statement)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def data_version(engine: Engine) -> int:
    """One number that moves with any committed change of data (a sign-in attempt, which writes
    only its audit row, aside): db/table_versions.py counts them."""
    return table_versions.data_version(table_versions.versions(engine))


def has_demo_data(engine: Engine) -> bool:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(Setting).where(Setting.key == "demo_data")) > 0


def units(engine: Engine) -> list[dict]:
    with read_session(engine) as session:
        rows = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.category, Unit.active, Unit.aliases)
                               .order_by(Unit.sort_order, Unit.id)).all()
    return [r._asdict() for r in rows]


def district_words(engine: Engine) -> dict[str, str]:
    """How the district's own texts name it: {"district": 硚口区, "mark": 硚} (the mark of its
    documents' numbers, from its plan's number)."""
    from core.text import document_mark
    from db import districts
    from db.models import District
    with read_session(engine) as session:
        district_id = districts.current(session.connection())
        name = session.scalar(select(District.name).where(District.id == district_id))
        plan = Setting.row(session, "plan_document")
    return {"district": name or "", "mark": document_mark(str((plan.value or {}).get("number") or "")) if plan else ""}
