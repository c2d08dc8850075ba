"""In a real browser: the admin's database backup is downloaded once, and afterwards its address
on the server answers 404 — nothing of it stays reachable."""
import pytest

from tests.e2e.conftest import screenshot, settle, sign_in

pytestmark = pytest.mark.browser


def test_backup_is_downloaded_once_and_then_gone_from_the_server(server, page, tmp_path):
    from playwright.sync_api import expect
    base, _ = server
    sign_in(page, base, "admin", "Demo-admin-2025")
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    page.goto(f"{base}/data?view=backup")
    page.get_by_role("button", name="生成备份").click()
    download_button = page.get_by_role("button", name="下载备份文件")
    expect(download_button).to_be_visible()
    settle(page)
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name.startswith("fujian-") and saved.read_bytes().startswith(b"SQLite format 3\x00")

    # Once Streamlit's copy is swept away the page says so, and the address leads nowhere.
    expect(page.get_by_text("已下载,服务器上未保留副本")).to_be_visible()
    expect(download_button).to_have_count(0)
    assert page.request.get(download.url).status == 404
    screenshot(page, "backup-downloaded-once")
