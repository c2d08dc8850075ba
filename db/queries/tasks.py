"""Small reads about the fourteen key tasks used outside the key-task page."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.engine import read_session
from db.models import KeyTask


def task_titles(engine: Engine) -> dict[int, str]:
    with read_session(engine) as s:
        return {i: f"{n}. {title}" for i, n, title in s.execute(
            select(KeyTask.id, KeyTask.number, KeyTask.title).order_by(KeyTask.number))}
