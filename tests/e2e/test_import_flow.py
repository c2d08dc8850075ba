"""Import in a real browser: a file with one bad row shows the error and writes nothing."""
import pytest
from sqlalchemy import func, select

from db.engine import make_engine, read_session
from db.models import Item
from db.imports.templates import csv_file
from tests.app.test_data_page import item_rows
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def imported(db_url: str) -> int:
    with read_session(make_engine(db_url)) as s:
        return s.scalar(select(func.count()).select_from(Item).where(Item.external_ref.like("PAGE-%")))


def test_import_with_one_bad_row_writes_nothing(server, page, tmp_path):
    from playwright.sync_api import expect
    base, db_url = server
    bad = tmp_path / "台账.csv"
    bad.write_bytes(csv_file("items", item_rows(1)))  # row 2 of 3 names a unit that does not exist
    sign_in(page, base, "office", "Demo-office-2025")
    page.goto(f"{base}/data?view=import&import=items")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    expect(page.get_by_text("文件中有 1 行共 1 处问题,未导入任何数据。", exact=False)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).not_to_have_count(0)  # the row / column / problem table
    expect(page.get_by_role("button", name="确认导入", exact=False)).to_have_count(0)
    page.wait_for_timeout(800)
    screenshot(page, "import-one-bad-row")
    assert imported(db_url) == 0
