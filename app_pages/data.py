"""导入导出: exports of every table the role may see (one table as CSV/Excel, or the whole
workbook), imports of items, follow-ups, units and liaisons (template, upload, check with a
progress bar, preview, all-or-nothing write), and for admins the database backup with the
documented restore.

Sections (URL ?view=export|import|backup): export for every role with export_data (a liaison's
rows are those of their own unit), import with import_data, backup with manage_settings.

Widget keys: data.view; export.workbook; export.<table>.csv / .xlsx; import.kind (URL ?import=);
import.template.xlsx / .csv; import.file.<kind>.<n> (n moves on after an import, which empties the
uploader); import.confirm; import.errors / import.preview (tables); import.errors.download.csv /
.xlsx; backup.create; backup.download (offered once per backup: ui/downloads.py)."""
from pathlib import Path

import streamlit as st

from core.clock import today
from core.i18n import t
from core.limits import import_limits
from core.permissions import can
from core.spreadsheets import workbook_bytes
from db.backup import (BackupDatabase, is_sqlite, pg_dump_command, pg_restore_command, sqlite_path)
from db.commands.imports import ImportCheck, ImportFile, check_import
from db.imports import SPECS, parse_file
from db.imports.templates import template, template_name
from db.queries.common import units
from db.queries.exports import TABLES, export_scope, export_table, export_workbook, sheet_title
from ui.downloads import OneTimeFile, one_time_download
from ui.import_widgets import columns_frame, errors_frame, preview_frame, progress_bar
from ui import state
from ui.session import actor, data_version, engine, read, reader_for_click, run_command, saved, settings
from ui.tables import download_buttons, escape_markdown
from ui.url_state import url_segmented

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
me = actor()
day = today()

st.title(t("data.title"))
views = ["export"] + (["import"] if can(me, "import_data") else []) + (["backup"] if can(me, "manage_settings") else [])
view = url_segmented(t("data.title"), views, key="data.view", param="view",
                     format_func=lambda v: t(f"data.tab.{v}")) if len(views) > 1 else "export"
if view != "backup":  # a backup made but not downloaded is dropped once the admin moves on
    state.drop(state.BACKUP_READY)


def export_section() -> None:
    scope = export_scope(me)
    if scope is None:
        st.caption(t("export.scope_all"))
    else:
        name = next((u["name"] for u in read(units) if u["id"] == scope), t("common.none"))
        st.info(t("export.scope_unit", unit=escape_markdown(name)), icon=":material/filter_alt:")
    st.caption(t("export.formula_note"))
    st.subheader(t("export.workbook"))
    st.caption(t("export.workbook_hint"))
    fetch = reader_for_click()
    st.download_button(t("export.workbook_button"), lambda: workbook_bytes(fetch(export_workbook, me, day)),
                       file_name=f"{t('app.title')}-{day.isoformat()}.xlsx", mime=XLSX, key="export.workbook",
                       on_click="ignore", icon=":material/download:", type="primary")
    st.subheader(t("export.tables"))
    for table in TABLES:
        st.markdown(f"**{sheet_title(table)}**")
        download_buttons(lambda table=table: fetch(export_table, me, table, day),
                         f"{sheet_title(table)}-{day.isoformat()}", key=f"export.{table}",
                         owner_unit_ids=(scope,) if scope else ())  # rows already limited to the scope


def show_check(check: ImportCheck) -> None:
    if not check.ok:
        rows = len({e.row for e in check.errors})
        st.error(t("import.refused", rows=rows, errors=len(check.errors)), icon=":material/error:")
        frame = errors_frame(check.errors)
        st.dataframe(frame, hide_index=True, width="stretch", key="import.errors")
        download_buttons(lambda: frame, t("import.errors_file"), key="import.errors.download")
        return
    m = st.columns(4, border=True)
    for col, (label, value) in zip(m, ((t("import.summary.rows"), check.rows),
                                       (t("import.summary.create"), check.count("create")),
                                       (t("import.summary.update"), check.count("update")),
                                       (t("import.summary.unchanged"), check.count("unchanged")))):
        col.metric(label, value)
    st.markdown(f"**{t('import.preview')}**")
    st.dataframe(preview_frame(check.plans), hide_index=True, width="stretch", key="import.preview")


def import_section() -> None:
    st.caption(t("import.all_or_nothing"))
    kind = url_segmented(t("import.choose_kind"), list(SPECS), key="import.kind", param="import",
                         format_func=lambda k: SPECS[k].title)
    st.markdown(f"**{t('import.template')}**")
    c1, c2 = st.columns(2)
    fetch = reader_for_click()
    c1.download_button(t("import.template_xlsx"), lambda: fetch(template, kind, "xlsx"),
                       file_name=template_name(kind, "xlsx"), mime=XLSX, key="import.template.xlsx",
                       on_click="ignore", icon=":material/download:")
    c2.download_button(t("import.template_csv"), lambda: fetch(template, kind, "csv"),
                       file_name=template_name(kind, "csv"), mime="text/csv", key="import.template.csv",
                       on_click="ignore", icon=":material/download:")
    with st.expander(t("import.columns"), icon=":material/help:"):
        st.dataframe(columns_frame(kind), hide_index=True, width="stretch")
    nonce = state.setdefault(state.IMPORT_NONCE, 0)
    upload = st.file_uploader(t("import.upload", limit=import_limits().upload_mb), type=["xlsx", "csv"],
                              key=f"import.file.{kind}.{nonce}", max_upload_size=import_limits().upload_mb)
    if upload is None:
        state.drop(state.IMPORT_CHECK)
        return
    # The check is kept until the file or the data change (anyone's write makes it check again).
    token = (kind, upload.file_id, upload.name, data_version())
    kept = state.get(state.IMPORT_CHECK)
    if kept is None or kept["token"] != token:
        bar, progress = progress_bar()
        parsed = parse_file(kind, upload.name, upload.getvalue(), progress)
        kept = {"token": token, "parsed": parsed, "check": check_import(engine(), me, parsed, progress)}
        state.put(state.IMPORT_CHECK, kept)
        bar.empty()
    check: ImportCheck = kept["check"]
    show_check(check)
    if not check.ok:
        return
    if not check.changes:
        st.info(t("import.nothing_to_do"), icon=":material/check:")
        return
    if st.button(t("import.confirm", create=check.count("create"), update=check.count("update")), type="primary",
                 key="import.confirm", icon=":material/upload:"):
        bar, progress = progress_bar()
        command = ImportFile(me, parsed=kept["parsed"], progress=progress)
        done = run_command(command)
        bar.empty()
        if done:
            state.put(state.IMPORT_NONCE, nonce + 1)  # a new, empty uploader
            saved(None, t("import.done", **command.summary), reset=(state.IMPORT_CHECK,))
        elif command.row_errors:  # the data changed since the preview
            kept["check"] = ImportCheck(kind, upload.name, check.rows, errors=command.row_errors)
            st.dataframe(errors_frame(command.row_errors), hide_index=True, width="stretch")


def backup_section() -> None:
    st.caption(t("backup.admin_only"))
    url = settings().database_url
    if not is_sqlite(url):
        st.subheader(t("backup.title"))
        st.markdown(t("backup.pg_intro"))
        st.code(pg_dump_command(url, day), language="bash")  # built with db.backup.display_url: no secrets
        st.subheader(t("backup.restore_title"))
        st.markdown(t("backup.pg_restore", restore=pg_restore_command(url, day)))
        return
    path = sqlite_path(url) or ""
    st.subheader(t("backup.title"))
    st.markdown(t("backup.sqlite_intro", path=path))
    if st.button(t("backup.create"), key="backup.create", icon=":material/backup:"):
        command = BackupDatabase(me, in_memory=True)  # audited; its temporary file is already gone
        if run_command(command):
            state.put(state.BACKUP_READY, OneTimeFile.of(command.file_name, command.content, "application/vnd.sqlite3"))
    ready: OneTimeFile | None = state.get(state.BACKUP_READY)
    if ready is not None and ready.released:  # this run found it before the fragment did: say it here
        state.drop(state.BACKUP_READY)
        st.info(t("backup.downloaded", name=ready.name), icon=":material/task_alt:")
    elif ready is not None:
        size = t("backup.size_mb", mb=f"{ready.size / 1e6:.1f}")
        st.success(t("backup.created", name=ready.name, size=size), icon=":material/check_circle:")
        one_time_download(t("backup.download"), ready, key="backup.download", on_release=backup_released,
                          icon=":material/download:")
        st.caption(t("backup.once"))
    st.subheader(t("backup.restore_title"))
    st.markdown(t("backup.restore_sqlite", path=path, name=Path(path).name))


def backup_released() -> None:
    """The backup was handed over and Streamlit's copy is gone (called by its fragment): forget
    it, and say so at the top of the next run's page."""
    ready: OneTimeFile | None = state.take(state.BACKUP_READY)
    if ready is not None:
        state.flash(t("backup.downloaded", name=ready.name))


{"export": export_section, "import": import_section, "backup": backup_section}[view]()
