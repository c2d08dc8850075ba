"""Reads of what is kept beside an item: its links to other items (both ways) and its 移送追责
records, for the item's detail; and the items a link may point to."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import literal, or_, select, union_all
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import read_session
from db.models import Accountability, Item, ItemLink
from db.queries.common import frame

LINK_CANDIDATES_MAX = 1000  # the choices a link form lists (type-to-search narrows them)


def item_links(session: Session, item_id: int) -> pd.DataFrame:
    """link_id, relation ("led_to": this item led to the other; "came_from": it came from the
    other), and the other item's id, title, kind, status, sent_on — oldest link first."""
    led_to = select(ItemLink.id.label("link_id"), literal("led_to").label("relation"),
                    ItemLink.to_item_id.label("other_id")).where(ItemLink.from_item_id == item_id)
    came_from = select(ItemLink.id.label("link_id"), literal("came_from").label("relation"),
                       ItemLink.from_item_id.label("other_id")).where(ItemLink.to_item_id == item_id)
    links = union_all(led_to, came_from).subquery()
    return frame(session, select(links.c.link_id, links.c.relation, links.c.other_id, Item.title, Item.kind,
                                 Item.status, Item.sent_on)
                 .join(Item, Item.id == links.c.other_id).order_by(links.c.link_id))


def item_accountability(session: Session, item_id: int) -> pd.DataFrame:
    """The item's 移送追责 records, in the order they were made."""
    return frame(session, select(Accountability.id, Accountability.version, Accountability.referred_to,
                                 Accountability.referred_on, Accountability.reference, Accountability.result,
                                 Accountability.result_on)
                 .where(Accountability.item_id == item_id).order_by(Accountability.referred_on, Accountability.id))


def link_candidates(engine: Engine, item_id: int) -> pd.DataFrame:
    """Items a link from this one may point to: those that involve one of its two units, not yet
    linked with it, newest first (at most LINK_CANDIDATES_MAX)."""
    with read_session(engine) as s:
        item = s.get(Item, item_id)
        if item is None:
            return pd.DataFrame(columns=["id", "title", "doc_number", "kind", "sent_on"])
        units = (item.from_unit_id, item.to_unit_id)
        linked = union_all(select(ItemLink.to_item_id).where(ItemLink.from_item_id == item_id),
                           select(ItemLink.from_item_id).where(ItemLink.to_item_id == item_id))
        return frame(s, select(Item.id, Item.title, Item.doc_number, Item.kind, Item.sent_on)
                     .where(or_(Item.from_unit_id.in_(units), Item.to_unit_id.in_(units)), Item.id != item_id,
                            Item.id.not_in(linked))
                     .order_by(Item.sent_on.desc(), Item.id.desc()).limit(LINK_CANDIDATES_MAX))
