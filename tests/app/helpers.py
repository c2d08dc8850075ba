"""Reading an AppTest page the way a user reads the screen."""
from __future__ import annotations

from db.engine import make_engine
from db.models import Item
from tests.conftest import count


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def walk(node):
    """Every element of the page in display order."""
    yield node
    children = getattr(node, "children", None) or {}
    for index in sorted(children):
        yield from walk(children[index])


def caption_after(at, widget) -> str | None:
    """The caption drawn right after `widget` (the per-field message slot), if any."""
    nodes = list(walk(at._tree))
    position = next(i for i, n in enumerate(nodes) if n is widget or getattr(n, "id", None) == widget.id)
    following = nodes[position + 1] if position + 1 < len(nodes) else None
    return following.value if following is not None and following.type == "caption" else None


def markdown_bodies(at) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer: headings, text, captions,
    alerts, expander and tab labels."""
    nodes = [*at.title, *at.header, *at.subheader, *at.markdown, *at.caption,
             *at.info, *at.success, *at.warning, *at.error]
    return [n.value for n in nodes] + [e.label for e in at.expander] + [tab.label for tab in at.tabs]


def url_param(widget) -> str:
    """The URL parameter a widget is bound to (bind="query-params"): the browser writes its value
    there, which an AppTest does not model — the browser tests check the address itself."""
    return widget.proto.query_param_key


def table_with(at, *columns):
    """The first table on the page that has all of `columns`."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def hand_count(url, *conditions, model=Item) -> int:
    """Rows of `model` matching `conditions`, counted straight from the database behind the page."""
    return count(make_engine(url), model, *conditions)
