"""导入导出 page (AppTest): templates to download, an upload checked and previewed before anything is
written, then written on confirmation; a file with a bad row shows the error table and writes
nothing; who sees which section (viewer: no page; liaison: export only, own unit; convener: no
backup; admin: backup and the documented restore)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.engine import make_engine, read_session
from db.imports import SPECS
from db.imports.templates import csv_file
from db.models import AuditLog, Item
from tests.app.conftest import open_page
from tests.app.helpers import table_with
from ui.state import BACKUP_READY

PAGE = "app_pages/data.py"


def data_page(username: str, **params):
    return open_page(username, PAGE, **params)


def item_rows(*bad: int) -> list[list]:
    """Three 检察建议 rows; the rows whose index is in `bad` name a unit that does not exist."""
    rows = []
    for i in range(3):
        row = dict(external_ref=f"PAGE-{i + 1}", kind="检察建议", from_unit="区检察院",
                   to_unit="区不存在局" if i in bad else "区市场监管局", doc_number=f"硚检建〔2026〕{i + 1}号",
                   title=f"页面导入的检察建议{i + 1}", sent_on=date(2026, 9, 18), received_on=date(2026, 9, 22))
        rows.append([row.get(c.key) for c in SPECS["items"].columns])
    return rows


def imported(url) -> int:
    with read_session(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(Item).where(Item.external_ref.like("PAGE-%")))


def audit_rows(url) -> int:
    with read_session(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


def keys(widgets) -> set[str]:
    return {w.key for w in widgets}


# -- import -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(SPECS))
def test_templates_can_be_downloaded(app_env, kind):
    at = data_page("office", view="import", **{"import": kind})
    assert not at.exception
    assert {"import.template.xlsx", "import.template.csv"} <= keys(at.download_button)
    assert at.file_uploader(key=f"import.file.{kind}.0")
    # the instructions list every column of that type's template
    assert table_with(at, "列名")["列名"].tolist() == SPECS[kind].headers()


def test_good_csv_is_previewed_then_written(app_env):
    at = data_page("office", view="import")
    audit_before = audit_rows(app_env)
    at.file_uploader(key="import.file.items.0").set_value(("台账.csv", csv_file("items", item_rows()), "text/csv")).run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["数据行"] == "3" and metrics["新增"] == "3" and metrics["更新"] == "0"
    preview = table_with(at, "操作")
    assert preview["行号"].tolist() == [2, 3, 4] and set(preview["操作"]) == {"新增"}
    assert imported(app_env) == 0 and audit_rows(app_env) == audit_before  # the preview wrote nothing
    at.button(key="import.confirm").click().run()
    assert not at.exception and not at.error
    assert imported(app_env) == 3
    assert "导入完成:新增 3 条,更新 0 条,无变化 0 条。" in [s.value for s in at.success]
    assert at.file_uploader(key="import.file.items.1")  # an empty uploader for the next file
    # the same file again: nothing to do, and no button to write it
    at.file_uploader(key="import.file.items.1").set_value(("台账.csv", csv_file("items", item_rows()), "text/csv")).run()
    assert {m.label: m.value for m in at.metric}["无变化"] == "3"
    assert "文件中的记录与系统中的完全一致,无需导入。" in [i.value for i in at.info]
    assert "import.confirm" not in keys(at.button)


def test_a_bad_row_shows_the_error_table_and_nothing_is_written(app_env):
    at = data_page("office", view="import")
    audit_before = audit_rows(app_env)
    at.file_uploader(key="import.file.items.0").set_value(("台账.csv", csv_file("items", item_rows(1)), "text/csv")).run()
    assert not at.exception
    assert at.error[0].value.startswith("文件中有 1 行共 1 处问题,未导入任何数据")
    errors = table_with(at, "问题")
    assert errors[["行号", "列"]].values.tolist() == [["3", "接收单位"]]
    assert "区不存在局" in errors["问题"][0]
    assert "import.confirm" not in keys(at.button)
    assert imported(app_env) == 0 and audit_rows(app_env) == audit_before


def test_wrong_headers_are_shown_on_row_one(app_env):
    at = data_page("admin", view="import")
    data = "外部编号,题目\nX1,某事项\n".encode("utf-8-sig")
    at.file_uploader(key="import.file.items.0").set_value(("bad.csv", data, "text/csv")).run()
    errors = table_with(at, "问题")
    assert set(errors["行号"]) == {"1"} and "题目" in set(errors["列"]) and "事项类型" in set(errors["列"])
    assert "import.confirm" not in keys(at.button)


# -- who sees what --------------------------------------------------------------------------------------

def test_viewer_cannot_reach_the_page(app_env):
    at = data_page("viewer", view="export")
    assert "导入导出" not in [t.value for t in at.title]
    assert not {"export.workbook", "export.items.csv"} & keys(at.download_button)


def test_liaison_sees_export_of_own_unit_but_no_import(app_env):
    at = data_page("liaison")
    assert not at.exception and [t.value for t in at.title] == ["导入导出"]
    assert "export.workbook" in keys(at.download_button)
    assert {f"export.{t}.csv" for t in ("items", "units", "liaisons")} <= keys(at.download_button)
    assert "区市场监管局" in at.info[0].value  # the export is limited to the liaison's unit
    assert not at.segmented_control  # no other section to choose
    at = data_page("liaison", view="import")
    assert not at.file_uploader and "import.template.xlsx" not in keys(at.download_button)


def test_convener_exports_but_has_no_import(app_env):
    at = data_page("convener")
    assert not at.segmented_control and "export.workbook" in keys(at.download_button)  # export is all there is


def test_office_imports(app_env):
    at = data_page("office")
    assert at.segmented_control(key="data.view").options == ["导出", "导入"]


@pytest.mark.parametrize("username", ["office", "convener", "liaison"])
def test_only_the_admin_is_offered_a_backup(app_env, username):
    at = data_page(username, view="backup")  # even asked for by URL
    assert not at.exception and "export.workbook" in keys(at.download_button)  # the export instead
    assert not {"backup.create", "backup.download"} & (keys(at.button) | keys(at.download_button))
    assert "备份与恢复" not in (at.segmented_control[0].options if at.segmented_control else [])


# -- backup ---------------------------------------------------------------------------------------------

@pytest.fixture
def deferred(monkeypatch) -> dict:
    """file name -> the callable a download button hands Streamlit, which the browser's click runs."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    made, register = {}, MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def backups_audited(url) -> list[tuple[str, dict]]:
    with read_session(make_engine(url)) as s:
        return s.execute(select(AuditLog.username, AuditLog.after).where(AuditLog.action == "backup.create")
                         .order_by(AuditLog.id)).all()


def test_admin_backs_up_once_audited_and_leaves_nothing_behind(app_env, own_tempdir, deferred, monkeypatch):
    at = data_page("admin", view="backup")
    assert at.segmented_control(key="data.view").options == ["导出", "导入", "备份与恢复"]
    restore = "\n".join(m.value for m in at.markdown)
    assert "停止应用" in restore and app_env.removeprefix("sqlite:///") in restore
    assert "backup.download" not in keys(at.download_button) and backups_audited(app_env) == []

    at.button(key="backup.create").click().run()
    assert not at.exception and not at.error
    [(who, audited)] = backups_audited(app_env)  # who took the whole database, and which file
    assert who == "admin" and at.success[0].value.startswith(f"备份已生成:{audited['file']}")
    assert "backup.download" in keys(at.download_button)
    assert list(own_tempdir.iterdir()) == []  # the copy was read into memory: no file on disk

    content = deferred[audited["file"]]()  # the admin's click: the bytes are handed over...
    assert content.startswith(b"SQLite format 3\x00") and len(content) == audited["bytes"]
    with pytest.raises(LookupError):
        deferred[audited["file"]]()  # ...once
    assert list(own_tempdir.iterdir()) == []

    at.run()  # the page's next run: the button is gone at once
    assert "backup.download" not in keys(at.download_button) and not at.info
    monkeypatch.setattr("ui.downloads.SETTLE", 0)  # Streamlit has stored its copy of the bytes
    at.run().run()  # two runs, each ending with Streamlit's sweep of unreferenced downloads
    at.run()  # and the page knows the copy is gone
    assert at.info[0].value == f"备份文件 {audited['file']} 已下载,服务器上未保留副本。"

    at.button(key="backup.create").click().run()  # another backup: another audit row
    assert len(backups_audited(app_env)) == 2 and "backup.download" in keys(at.download_button)
    assert list(own_tempdir.iterdir()) == []


def test_a_backup_not_downloaded_is_dropped_when_the_admin_moves_on(app_env, own_tempdir):
    at = data_page("admin", view="backup")
    at.button(key="backup.create").click().run()
    assert BACKUP_READY in at.session_state
    at.segmented_control(key="data.view").set_value("export").run()
    assert BACKUP_READY not in at.session_state and list(own_tempdir.iterdir()) == []
