"""The page benchmark measures the four figures per page (cold, warm, right after another
session's note and right after its edit of an item) on the database it is given, and never builds into one that holds data."""
from __future__ import annotations

import pytest

from bench import pages


def test_the_benchmark_reports_cold_warm_and_after_a_write_for_each_page(tmp_path, monkeypatch):
    monkeypatch.setenv("FJLD_BCRYPT_ROUNDS", "4")
    for name in ("FJLD_TODAY", "DATABASE_URL", "FJLD_DEMO"):  # the harness sets them: put back as they
        monkeypatch.setenv(name, "")  # were when the test ends
    out = tmp_path / "bench.json"
    results = pages.main(["--scale", "1", "--runs", "5", "--pages", "overview,overdue", "--json", str(out),
                          "--database-url", f"sqlite:///{tmp_path / 'given.db'}"])
    assert [r["page"] for r in results] == ["overview", "overdue"]
    for r in results:
        assert r["database"] == "sqlite"
        assert len(r["warm_runs_ms"]) == len(r["miss_runs_ms"]) == len(r["miss_item_runs_ms"]) == 5
        assert r["cold_ms"] > 0 and r["warm_ms"] > 0 and r["miss_ms"] > 0 and r["miss_item_ms"] > 0
    assert out.exists() and (tmp_path / "given.db").exists()
    # the item writes really changed an item: created once, then edited at each of the other nine
    from sqlalchemy import select

    from db.engine import make_engine, read_session
    from db.models import Item
    given = make_engine(f"sqlite:///{tmp_path / 'given.db'}")
    with read_session(given) as s:
        assert s.scalar(select(Item.summary).where(Item.external_ref == pages.BENCH_REF)) == "9"
    given.dispose()


def test_the_benchmark_refuses_a_database_that_is_not_empty(engine, tmp_path):
    with pytest.raises(SystemExit, match="not empty"):
        pages.build_database(1, tmp_path, engine.url.render_as_string(hide_password=False))
