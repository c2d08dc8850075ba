"""In a real browser: the 通报 page's yearly report and the overdue list's full download are made
when their buttons are clicked (outside the page's run) and arrive as whole files."""
import io

import pytest

from tests.e2e.conftest import settle, sign_in

pytestmark = pytest.mark.browser


def download(page, button: str, tmp_path):
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=button).first.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def test_the_yearly_report_and_the_full_overdue_list_download(server, page, tmp_path):
    from docx import Document
    from playwright.sync_api import expect
    base, _ = server
    sign_in(page, base, "office", "Demo-office-2025")
    page.goto(f"{base}/bulletin?start=2026-01-01&end=2026-06-30&period=custom")
    expect(page.get_by_role("heading", name="工作情况通报", exact=True)).to_be_visible()
    report = download(page, "导出年度工作情况报告(Word)", tmp_path)
    text = "\n".join(p.text for p in Document(io.BytesIO(report.read_bytes())).paragraphs)
    assert "2026年度“府检联动”工作情况报告" in text and "“府检联动”协调机制办公室" in text
    page.goto(f"{base}/overdue")
    expect(page.get_by_role("heading", name="逾期反馈", exact=True)).to_be_visible()
    listing = download(page, "下载 CSV", tmp_path)  # the first: the overdue list's
    lines = listing.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("标题") and len(lines) > 1


def test_the_whole_workbook_and_the_item_list_download(server, page, tmp_path):
    """Made when clicked, outside the page's run, where the session is unknown: they read through
    the district's engine taken during the run (ui.session.reader_for_click)."""
    import openpyxl
    from playwright.sync_api import expect
    base, _ = server
    sign_in(page, base, "office", "Demo-office-2025")
    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="导入导出", exact=True)).to_be_visible()
    book = openpyxl.load_workbook(download(page, "下载完整工作簿(Excel)", tmp_path))
    assert len(book.sheetnames) >= 4 and book.worksheets[0].max_row > 10
    page.goto(f"{base}/referrals")
    expect(page.get_by_role("heading", name="移送与反馈", exact=True)).to_be_visible()
    listing = download(page, "下载 CSV", tmp_path)
    assert len(listing.read_text(encoding="utf-8-sig").splitlines()) > 10
