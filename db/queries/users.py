"""Reads for the account administration page."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.clock import utcnow
from db.engine import read_session
from db.models import Unit, User
from db.queries.common import frame


def list_users(engine: Engine) -> pd.DataFrame:
    with read_session(engine) as s:
        df = frame(s, select(User.id, User.username, User.display_name, User.email, User.role, User.unit_id,
                             Unit.name.label("unit"), User.active, User.locked_until, User.version)
                   .outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username))
    now = utcnow()
    df["locked"] = [bool(x is not None and not pd.isna(x) and x > now) for x in df["locked_until"]]
    return df
