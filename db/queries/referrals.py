"""Reads for 移送与反馈: filtered, paginated item lists; the unit × stage matrix; charts; the item
detail with its timeline, supervision and audit history. Everything filters and aggregates in SQL."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased

from db.engine import read_session
from db.models import AuditLog, Item, ItemEvent, KeyTask, Supervision, Unit, User
from db.queries.common import PAGE_SIZE, frame, one_page
from db.queries.item_records import item_accountability, item_links
from db.queries.predicates import (in_category, in_period, item_answered_late, item_due_within, item_overdue,
                                   text_matches)
from db.queries.sql import days_between, month_of, weighted_median

SORTS = {
    "sent_desc": (Item.sent_on.desc(), Item.id.desc()),
    "sent_asc": (Item.sent_on.asc(), Item.id.asc()),
    "due_asc": (Item.due_on.asc().nulls_last(), Item.id.asc()),
    "due_desc": (Item.due_on.desc().nulls_last(), Item.id.desc()),
    "status": (Item.status.asc(), Item.sent_on.desc(), Item.id.desc()),
}
FROM, TO = aliased(Unit, name="from_unit"), aliased(Unit, name="to_unit")


@dataclass(frozen=True)
class ItemFilter:
    """Every filter of the referrals page; hashable, so it keys the read cache."""
    kinds: tuple[str, ...] = ()
    from_unit_id: int | None = None
    to_unit_id: int | None = None
    statuses: tuple[str, ...] = ()
    outcome: str | None = None
    period: str = "12m"
    overdue_only: bool = False
    due_within: int | None = None
    text: str = ""
    category: str | None = None  # the receiving unit's category

    def without_unit(self) -> "ItemFilter":
        return replace(self, to_unit_id=None)


def conditions(f: ItemFilter, today: date) -> list:
    out = []
    if f.kinds:
        out.append(Item.kind.in_(f.kinds))
    if f.from_unit_id:
        out.append(Item.from_unit_id == f.from_unit_id)
    if f.to_unit_id:
        out.append(Item.to_unit_id == f.to_unit_id)
    if f.category:
        out.append(in_category(Item.to_unit_id, f.category))
    if f.statuses:
        out.append(Item.status.in_(f.statuses))
    if f.outcome:
        out.append(Item.outcome == f.outcome)
    out.append(in_period(Item.sent_on, f.period, today))
    if f.overdue_only:
        out.append(item_overdue(today))
    if f.due_within is not None:
        out.append(item_due_within(today, f.due_within))
    if f.text.strip():
        out.append(text_matches(f.text, Item.title, Item.summary, Item.doc_number))
    return out


def _list_select():
    return (select(Item.id, Item.kind, Item.doc_number, Item.title, FROM.name.label("from_unit"),
                   TO.name.label("to_unit"), Item.sent_on, Item.received_on, Item.due_on, Item.due_approximate, Item.status,
                   Item.outcome, Item.feedback_on, Item.needs_feedback, Item.urgent)
            .join(FROM, FROM.id == Item.from_unit_id).join(TO, TO.id == Item.to_unit_id))


def item_page(engine: Engine, f: ItemFilter, today: date, page: int = 1, page_size: int = PAGE_SIZE,
              sort: str = "sent_desc") -> tuple[pd.DataFrame, int]:
    """One page of the filtered list, and the total count (never loads every row)."""
    where = conditions(f, today)
    with read_session(engine) as s:
        total = s.scalar(select(func.count()).select_from(Item).where(*where))
        rows = frame(s, one_page(_list_select().where(*where).order_by(*SORTS.get(sort, SORTS["sent_desc"])),
                                 page, page_size))
    return rows, total


def item_export(engine: Engine, f: ItemFilter, today: date, sort: str = "sent_desc") -> pd.DataFrame:
    """Every row matching the filters, for a download the user asked for."""
    with read_session(engine) as s:
        return frame(s, _list_select().add_columns(Item.summary, Item.feedback_text, Item.due_rule)
                     .where(*conditions(f, today)).order_by(*SORTS.get(sort, SORTS["sent_desc"])))


def unit_status_matrix(engine: Engine, f: ItemFilter, today: date) -> pd.DataFrame:
    """Rows: receiving units; columns: lifecycle stages, plus overdue and answered-late counts."""
    where = conditions(f.without_unit(), today)
    with read_session(engine) as s:
        df = frame(s, select(Item.to_unit_id.label("unit_id"), Item.status, func.count().label("count"),
                             func.count().filter(item_overdue(today)).label("overdue"),
                             func.count().filter(item_answered_late()).label("answered_late"))
                   .where(*where).group_by(Item.to_unit_id, Item.status))
        names = frame(s, select(Unit.id.label("unit_id"), Unit.name.label("unit"), Unit.sort_order))
    if df.empty:
        return pd.DataFrame(columns=["unit_id", "unit", "total", "overdue", "answered_late"])
    wide = df.set_index(["unit_id", "status"])["count"].unstack(fill_value=0)  # one row per pair: no pivot_table
    sums = df.groupby("unit_id")[["count", "overdue", "answered_late"]].sum()
    out = wide.join(sums.rename(columns={"count": "total"})).reset_index()
    out = names.merge(out, on="unit_id", how="inner").sort_values(["total", "sort_order"], ascending=[False, True])
    return out.drop(columns=["sort_order"]).reset_index(drop=True)


def monthly_by_kind(engine: Engine, f: ItemFilter, today: date) -> pd.DataFrame:
    """Items sent per month (YYYY-MM) and kind, counted in SQL: one row per month and kind."""
    month = month_of(engine, Item.sent_on).label("month")
    with read_session(engine) as s:
        return frame(s, select(month, Item.kind, func.count().label("count")).where(*conditions(f, today))
                     .group_by(month, Item.kind).order_by(month, Item.kind))


def median_days_to_feedback(engine: Engine, f: ItemFilter, today: date) -> pd.DataFrame:
    """Median days from receipt (or sending) to feedback, per kind, over answered items."""
    days = days_between(engine, Item.feedback_on, func.coalesce(Item.received_on, Item.sent_on))
    with read_session(engine) as s:
        rows = s.execute(select(Item.kind, days.label("days"), func.count().label("n"))
                         .where(*conditions(f, today), Item.feedback_on.is_not(None))
                         .group_by(Item.kind, days)).all()
    by_kind: dict[str, list] = {}
    for kind, days_taken, n in rows:
        by_kind.setdefault(kind, []).append((days_taken, n))
    return pd.DataFrame([{"kind": k, "median_days": weighted_median(v), "answered": sum(n for _, n in v)}
                         for k, v in by_kind.items()], columns=["kind", "median_days", "answered"])


def item_detail(engine: Engine, item_id: int) -> dict | None:
    """Every field of one item with unit names, its timeline, supervision and audit history."""
    with read_session(engine) as s:
        listed = _list_select()
        row = s.execute(listed.add_columns(
            *(c for c in Item.__table__.columns if c.key not in listed.selected_columns),
            KeyTask.number.label("task_number"), KeyTask.title.label("task_title"))
            .outerjoin(KeyTask, KeyTask.id == Item.key_task_id).where(Item.id == item_id)).mappings().first()
        if row is None:
            return None
        return {
            "item": dict(row),
            "events": frame(s, select(ItemEvent.occurred_on, ItemEvent.event_type, ItemEvent.from_status,
                                      ItemEvent.to_status, ItemEvent.note, User.display_name.label("actor"))
                            .outerjoin(User, User.id == ItemEvent.actor_id).where(ItemEvent.item_id == item_id)
                            .order_by(ItemEvent.occurred_on, ItemEvent.id)),
            "supervision": frame(s, select(Supervision.id, Supervision.level, Supervision.deadline,
                                           Supervision.instruction, Supervision.status, Supervision.issued_on,
                                           Supervision.response_text, Supervision.resolution_text, Supervision.version)
                                 .where(Supervision.target_type == "item", Supervision.target_id == item_id)
                                 .order_by(Supervision.id)),
            "audit": frame(s, select(AuditLog.at, AuditLog.username, AuditLog.action, AuditLog.before, AuditLog.after)
                           .where(AuditLog.entity == "item", AuditLog.entity_id == item_id).order_by(AuditLog.id)),
            "links": item_links(s, item_id),
            "accountability": item_accountability(s, item_id)}
