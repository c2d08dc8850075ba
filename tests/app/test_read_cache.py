"""The read cache across sessions (ui/session.py, db/table_versions.py): after another session
writes, a page reads afresh exactly what the write can have changed. A note on an item leaves the
referral figures cached (their queries are not run again), a new item is on the page at once."""
from __future__ import annotations

import re

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from core.permissions import Actor
from db.commands.items import AddItemNote
from db.engine import make_engine, read_session
from db.models import Item
from tests.app.conftest import open_page
from tests.app.test_referrals import count_caption, new_item

PAGE = "app_pages/referrals.py"


class Statements:
    """The SQL every engine in this process runs while the block is open."""

    def __enter__(self):
        self.seen: list[str] = []
        event.listen(Engine, "before_cursor_execute", self._add)
        return self

    def _add(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(" ".join(statement.split()))

    def __exit__(self, *exc):
        event.remove(Engine, "before_cursor_execute", self._add)

    def reading_items(self) -> list[str]:
        return [s for s in self.seen if s.startswith("SELECT") and re.search(r"FROM item\b(?!_)", s)]


def test_a_note_leaves_the_figures_cached_and_a_new_item_shows_at_once(app_env):
    at = open_page("office", PAGE)
    at.run()  # from its first run on, each read is keyed on the tables that run saw it read
    total, _, _ = count_caption(at)
    engine = make_engine(app_env)
    with read_session(engine) as s:
        newest = s.scalar(select(func.max(Item.id)))

    AddItemNote(Actor(None, "clerk", "office"), item_id=newest, note="电话催问,已答复本周内反馈").run(engine)
    with Statements() as sql:
        at.run()
    assert not at.exception
    assert sql.reading_items() == []  # the list, the matrix and the charts all came from the cache
    assert count_caption(at)[0] == total

    new_item(app_env)
    with Statements() as sql:
        at.run()
    assert sql.reading_items()  # the items changed: read afresh
    assert count_caption(at)[0] == total + 1
