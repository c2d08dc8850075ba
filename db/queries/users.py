"""Reads for the account administration page."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.clock import utcnow
from db import districts
from db.engine import read_session
from db.models import Unit, User
from db.queries.common import frame


def list_users(engine: Engine) -> pd.DataFrame:
    """The district's accounts (the engine's district)."""
    with read_session(engine) as s:
        return _with_locked(frame(s, _ACCOUNTS.outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username)))


def list_city_users(engine: Engine) -> pd.DataFrame:
    """The city accounts, which belong to no district (an engine across districts)."""
    with read_session(districts.scoped(engine, districts.ALL)) as s:
        return _with_locked(frame(s, _ACCOUNTS.outerjoin(Unit, Unit.id == User.unit_id)
                                  .where(User.district_id.is_(None)).order_by(User.username)))


_ACCOUNTS = select(User.id, User.username, User.display_name, User.email, User.role, User.unit_id,
                   Unit.name.label("unit"), User.active, User.locked_until, User.version)


def _with_locked(df: pd.DataFrame) -> pd.DataFrame:
    now = utcnow()
    df["locked"] = [bool(x is not None and not pd.isna(x) and x > now) for x in df["locked_until"]]
    return df
