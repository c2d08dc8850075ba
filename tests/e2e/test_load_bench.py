"""The load benchmark drives browser sessions through its pages on several app processes over one
PostgreSQL database, with writes going on, and reports what it measured."""
import os

import pytest

from bench import load
from tests.conftest import empty_database, skip_or_fail


@pytest.mark.browser
def test_the_load_benchmark_reports_page_times_and_memory(tmp_path, monkeypatch):
    if not os.path.exists(load.CHROMIUM):  # the harness drives its own (asynchronous) Playwright
        skip_or_fail("Debian's Chromium is not installed (apt-get install -y chromium fonts-wqy-microhei)")
    monkeypatch.setenv("FJLD_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("FJLD_TODAY", "")  # the harness sets it: put back when the test ends
    with empty_database("postgresql", tmp_path) as engine:
        result = load.main(["--sessions", "2", "--rounds", "1", "--scale", "1", "--think-s", "0.5", "--ramp-s", "1",
                            "--json", str(tmp_path / "load.json"),
                            "--database-url", engine.url.render_as_string(hide_password=False)])
    assert result["database"] == "postgresql" and result["processes"] == 2
    assert result["visits"] == 2 * (1 + 3)  # sign-in, then the three pages once each
    assert set(result["by_page_median_ms"]) == {"signin", "overview", "referrals", "overdue"}
    assert 0 < result["p50_ms"] <= result["p95_ms"] and result["p95_pages_ms"] > 0
    assert result["think_s"] == 0.5 and result["ramp_s"] == 1
    assert 0 <= result["steady_visits"] <= 6  # the second session's visits after it signed in, at most
    assert len(result["rss_after_mb"]) == 2 and (tmp_path / "load.json").exists()
    assert result["server_cpu_s"] > 0 and result["browser_cpu_s"] > 0  # whose work the visits waited for


def test_each_session_reads_its_pages_for_its_own_times_every_run():
    first, again, other = load.think_times(0, 10, 5.0), load.think_times(0, 10, 5.0), load.think_times(1, 10, 5.0)
    assert first == again and first != other
    assert all(2.5 <= s <= 7.5 for s in first + other) and len(set(first)) > 1
    assert load.think_times(3, 4, 0.0) == [0.0] * 4  # the saturation case: no pause at all
