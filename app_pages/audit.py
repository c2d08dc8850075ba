"""操作日志: who changed what and when. Filters (user, entity, entity id, action, period) live in the
URL; the list is paginated in SQL, newest first; a row's before/after is shown field by field
(st.dataframe / st.json, never HTML); the filtered rows can be downloaded (capped).

Widget keys: audit.user, audit.entity, audit.entity_id, audit.action, audit.period, from and to
(the custom dates, bound to the URL under these names), audit.page, audit.list (the table; a click
sets audit.row), audit.row_close, audit.download.csv / .xlsx. URL parameters: user, entity,
entity_id, action, period, from, to, page, row."""
import json
from datetime import datetime

import pandas as pd
import streamlit as st

from core.clock import today
from core.i18n import CATALOG, t
from core.kinds import KINDS, UNIT_LABELS
from core.permissions import can
from db.queries import audit as q
from db.queries.common import page_count
from db.stored_values import INT_MAX
from ui import state
from ui.session import actor, read, reader_for_click
from ui.tables import download_buttons, escape_markdown, pick_table, present
from ui.url_state import set_param, url_date, url_int, url_selectbox, url_selection

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_FIELDS_SHOWN = 5
# Stored codes shown by their catalog label, per field of the changed-fields view.
VALUE_PREFIXES = {"role": "role.", "status": "status.", "category": "category."}
FIELD_PREFIXES = ("audit.field.", "item.", "supervision.", "admin.")

me = actor()
if not can(me, "read_audit"):
    st.error(t("error.permission_denied"))
    st.stop()
day = today()


def label(prefix: str, code) -> str:
    """The catalog label of a code, or the code itself where the catalog has none."""
    if not present(code):
        return t("common.all")
    key = f"{prefix}{code}"
    return CATALOG[key] if key in CATALOG else str(code)


def user_label(username) -> str:
    return t("audit.user.system") if username == "system" else str(username)


def field_label(field: str) -> str:
    return next((CATALOG[p + field] for p in FIELD_PREFIXES if p + field in CATALOG), field)


def show_value(field: str, value) -> str:
    if value is None or value == "":
        return t("common.none")
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:  # a timestamp as commands store it (naive UTC, ISO): shown in Beijing time
            return shown_time(datetime.fromisoformat(value))
        except ValueError:
            pass
    if field == "kind" and value in KINDS:
        return KINDS[value].label
    if field == "unit" and value in UNIT_LABELS:
        return UNIT_LABELS[value]
    prefix = VALUE_PREFIXES.get(field)
    if prefix and f"{prefix}{value}" in CATALOG:
        return CATALOG[f"{prefix}{value}"]
    return str(value)


def fields_text(fields: list[str]) -> str:
    """The changed fields of a row, the first few by name (a creation lists every field)."""
    names = t("audit.field_separator").join(field_label(x) for x in fields[:MAX_FIELDS_SHOWN])
    return t("audit.more_fields", fields=names, n=len(fields)) if len(fields) > MAX_FIELDS_SHOWN else names


def shown_time(at) -> str:
    return q.to_shanghai(at).strftime(TIME_FORMAT) if present(at) else t("common.none")


def entity_id_text(value) -> str:
    return str(int(value)) if present(value) else t("common.none")


st.title(t("page.audit"))
st.caption(t("audit.caption"))

# -- filters (in the URL) --------------------------------------------------------------------------
options = read(q.audit_options)
with st.expander(t("filters.title"), expanded=True, icon=":material/filter_list:"):
    c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 3, 2])
    username = url_selectbox(t("audit.filter.user"), [None] + options["usernames"], key="audit.user",
                             param="user", format_func=lambda u: user_label(u) if u else t("common.all"),
                             container=c1)
    entity = url_selectbox(t("audit.filter.entity"), [None] + options["entities"], key="audit.entity",
                           param="entity", format_func=lambda e: label("audit.entity.", e), container=c2)
    entity_id = url_int(t("audit.filter.entity_id"), key="audit.entity_id", param="entity_id", default=0,
                        max_value=INT_MAX, container=c3)
    action = url_selectbox(t("audit.filter.action"), [None] + options["actions"], key="audit.action",
                           param="action", format_func=lambda a: label("audit.action.", a), container=c4)
    period = url_selectbox(t("audit.filter.period"), q.PERIODS, key="audit.period", param="period",
                           format_func=lambda p: t(f"audit.period.{p}"), container=c5)
    date_from = date_to = None
    if period == "custom":
        d1, d2, _ = st.columns([1, 1, 3])
        date_from = url_date(t("audit.filter.from"), param="from", container=d1)
        date_to = url_date(t("audit.filter.to"), param="to", container=d2)

f = q.AuditFilter(username=username, entity=entity, entity_id=entity_id or None, action=action,
                  period=period, date_from=date_from, date_to=date_to)

# -- the list, one page at a time -------------------------------------------------------------------
# Changed filters start again at page 1 (a link that carries both filters and a page keeps its page).
if state.changed(state.AUDIT_FILTERS, f):
    set_param("audit.page", "page", 1)
c1, c2 = st.columns([1, 4])
page = url_int(t("audit.page"), key="audit.page", param="page", default=1, min_value=1, container=c1)
rows, total = read(q.audit_page, f, day, page)
pages = page_count(total)
if rows.empty and total and page > pages:  # the filters narrowed the list below this page
    page = pages
    rows, total = read(q.audit_page, f, day, page)
c2.caption(t("audit.count", total=total, page=min(page, pages), pages=pages))

if rows.empty:
    st.info(t("audit.no_match"))
else:
    table = pd.DataFrame({
        t("audit.col.id"): rows["id"].astype(int),
        t("audit.col.at"): rows["at"].map(shown_time),
        t("audit.col.user"): rows["username"].map(user_label),
        t("audit.col.action"): rows["action"].map(lambda a: label("audit.action.", a)),
        t("audit.col.entity"): rows["entity"].map(lambda e: label("audit.entity.", e)),
        t("audit.col.entity_id"): rows["entity_id"].map(entity_id_text),
        t("audit.col.changed"): rows["changed"].map(fields_text),
    })
    pick_table(table, rows["id"].astype(int).tolist(), key="audit.list",
               on_pick=lambda row: row and set_param("audit.row", "row", row))
    st.caption(t("audit.select_hint"))

    fetch = reader_for_click()

    def export() -> pd.DataFrame:
        out = fetch(q.audit_export, f, day)
        return pd.DataFrame({
            t("audit.col.id"): out["id"],
            t("audit.col.at"): out["at"].map(shown_time),
            t("audit.col.user"): out["username"].map(user_label),
            t("audit.col.action"): out["action"].map(lambda a: label("audit.action.", a)),
            t("audit.col.entity"): out["entity"].map(lambda e: label("audit.entity.", e)),
            t("audit.col.entity_id"): out["entity_id"].map(entity_id_text),
            t("audit.col.changed"): out["changed"].map(
                lambda fs: t("audit.field_separator").join(field_label(x) for x in fs.split(", ")) if fs else ""),
            t("audit.col.before"): out["before"],
            t("audit.col.after"): out["after"],
        })

    download_buttons(export, f"audit-{day.isoformat()}", key="audit.download")
    st.caption(t("audit.export_note", limit=q.EXPORT_LIMIT))

# -- one entry: its changes, field by field ---------------------------------------------------------
row_id = url_selection("row")
if row_id:
    st.divider()
    entry = read(q.audit_entry, row_id)
    if entry is None:
        st.info(t("audit.detail.not_found"))
    else:
        st.subheader(t("audit.detail.title", id=entry["id"],
                       action=escape_markdown(label("audit.action.", entry["action"]))))
        st.caption(t("audit.detail.meta", at=shown_time(entry["at"]), user=escape_markdown(user_label(entry["username"])),
                     entity=escape_markdown(label("audit.entity.", entry["entity"])),
                     entity_id=entity_id_text(entry["entity_id"])))
        changes = q.changed_fields(entry["before"], entry["after"])
        if changes:
            st.dataframe(pd.DataFrame({
                t("audit.change.field"): [field_label(c["field"]) for c in changes],
                t("audit.change.before"): [show_value(c["field"], c["before"]) for c in changes],
                t("audit.change.after"): [show_value(c["field"], c["after"]) for c in changes],
            }), hide_index=True, width="stretch", key="audit.changes")
        else:
            st.caption(t("audit.detail.no_changes"))
        with st.expander(t("audit.detail.raw")):
            st.json({t("audit.change.before"): entry["before"], t("audit.change.after"): entry["after"]},
                    expanded=True)
    st.button(t("audit.detail.close"), key="audit.row_close", on_click=set_param, args=("audit.row", "row", None))
