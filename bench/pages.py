"""Page benchmark: `python -m bench.pages --scale N [--database-url URL] --json PATH [--runs 7]`.

Builds N times the demo volume in a fresh SQLite database (or, with --database-url, in that
database, which must be empty: a PostgreSQL one, say, which is then analysed as autovacuum would
have done on a database in use), then times every page with AppTest, signed in as the demo admin:

- cold_ms: the first run of the page in a new session;
- warm_ms: the median of reruns with nothing changed (the read cache serves them);
- miss_ms: the median of reruns each right after another session's write of a note on an item (the
  commonest write: office staff log every call): the reads of the tables it changed are done
  afresh, the others stay cached (db/table_versions.py);
- miss_item_ms: the same right after another session changes an item itself (an edit of its
  summary): every read of the items table is done afresh. Between the two, the figures users feel.

Prints a table and writes a JSON list of objects with keys page, scale, database, cold_ms,
warm_ms, miss_ms, miss_item_ms, the runs of each, and peak_rss_mb (the process's peak resident memory)."""
from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = date(2026, 11, 26)


def build_database(scale: int, directory: Path, url: str | None = None, districts: int = 1) -> str:
    from sqlalchemy import inspect

    from db.engine import gather_statistics, make_engine, migrate
    from seed.demo import create_demo_accounts, generate_demo
    from seed.reference import load_reference
    url = url or f"sqlite:///{directory / f'bench-{scale}.db'}"
    engine = make_engine(url)
    if inspect(engine).get_table_names():
        raise SystemExit(f"{engine.url.render_as_string(hide_password=True)} is not empty: give an empty database")
    migrate(engine)
    load_reference(engine)
    generate_demo(engine, scale=scale, today=TODAY)
    create_demo_accounts(engine)
    if districts > 1:  # the city case: more districts of the same volume, and the city convener
        from seed.demo_districts import create_city_demo
        create_city_demo(engine, scale=scale, count=districts - 1, today=TODAY)
    from db.commands.settings import refresh_estimates
    from manage import CLI_ACTOR
    refresh_estimates(engine, CLI_ACTOR, always=True)  # as `manage.py migrate` does before app processes start
    # The planner's statistics (and on PostgreSQL a vacuum), as `manage.py migrate` gathers them and
    # PostgreSQL's autovacuum within a minute of a load on a database in use: without them the freshly
    # built database plans its item queries for a handful of rows, and reads every row where the
    # index holds the figures.
    gather_statistics(engine)
    engine.dispose()
    return url


def another_sessions_write(url: str, kind: str = "note") -> None:
    """A write as another user's session makes it, through the command layer: a note on the newest
    item ("note"), or an edit of the summary of an item of the benchmark's own ("item")."""
    from sqlalchemy import func, select

    from core.permissions import Actor
    from db.commands.items import AddItemNote, CreateItem, UpdateItem
    from db.engine import make_engine, read_session
    from db.models import Item, Unit
    from db import districts
    root = _engines.setdefault(url, make_engine(url))
    engine = districts.scoped(root, districts.by_code(root, districts.HOME))  # 硚口区, whose pages are timed
    bench = Actor(None, "bench", "admin")
    if kind == "note":
        with read_session(engine) as s:
            newest = s.scalar(select(func.max(Item.id)))
        AddItemNote(bench, item_id=newest, note="基准测试:另一会话的写入").run(engine)
        return
    with read_session(engine) as s:
        item = s.scalar(select(Item).where(Item.external_ref == BENCH_REF))
        unit = dict(s.execute(select(Unit.code, Unit.id)).all())
    fields = dict(kind="procuratorial_suggestion", from_unit_id=unit["procuratorate"],
                  to_unit_id=unit["market_regulation"], title="基准测试事项", doc_number="基准〔2026〕1号",
                  sent_on=TODAY, received_on=TODAY, external_ref=BENCH_REF, details={"suggestion_number": "1"})
    if item is None:
        CreateItem(bench, **fields, summary="0").run(engine)
    else:
        UpdateItem(bench, **fields, summary=str(int(item.summary) + 1), item_id=item.id,
                   version=item.version).run(engine)


BENCH_REF = "BENCH-1"
_engines: dict = {}


@functools.cache
def _components():
    """Streamlit's custom components, found once per process: a server looks for them when it
    starts, before any page, but AppTest looks again for each new session (0.3 s here), which
    would count against every page's cold time."""
    from streamlit.components.v2.component_manager import BidiComponentManager
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def time_page(script: str, runs: int, url: str) -> tuple[float, list[float], list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    from core.clock import utcnow
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at._bidi_component_manager = _components()  # found once per process, as a server does when it starts
    # the city's own page is a city account's; every other page 硚口区's admin's
    at.session_state["auth"] = {"username": "city" if script.endswith("city.py") else "admin", "issued_at": utcnow()}
    at.switch_page(script)
    start = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - start) * 1000
    _check(script, at)
    warm, miss, miss_item = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    for kind, times in (("note", miss), ("item", miss_item)):
        for _ in range(runs):
            another_sessions_write(url, kind)
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
            _check(script, at)
    return cold, warm, miss, miss_item


def _check(script: str, at) -> None:
    """A page that failed is not timed: an exception, or the message app.py shows instead of a
    traceback (its log has the traceback)."""
    from core.i18n import t
    if at.exception:
        raise RuntimeError(f"{script}: {at.exception[0].message}")
    if any(e.value == t("app.error") for e in at.error):
        raise RuntimeError(f"{script}: the page failed (see the log above)")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7, help="warm reruns per page (at least 5)")
    parser.add_argument("--json", type=Path, help="write results here")
    parser.add_argument("--database-url", help="an empty database to build the demo in (default: a new SQLite file)")
    parser.add_argument("--pages", help="comma-separated page keys (default: every page)")
    parser.add_argument("--districts", type=int, default=1,
                        help="districts of that volume each (硚口区 and up to 12 fictional ones); above 1 the "
                             "city overview is timed too")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)
    os.environ["FJLD_TODAY"] = TODAY.isoformat()
    os.environ.setdefault("FJLD_BCRYPT_ROUNDS", "4")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url = build_database(args.scale, Path(tmp), args.database_url, args.districts)
        database = "postgresql" if url.startswith("postgresql") else "sqlite"
        build_s = time.perf_counter() - t0
        os.environ.update(DATABASE_URL=url, FJLD_DEMO="1")
        from ui.navigation import PAGES
        results = []
        chosen = args.pages.split(",") if args.pages else [k for k in PAGES if k != "city" or args.districts > 1]
        for key in chosen:
            cold, warm, miss, miss_item = time_page(PAGES[key].script, runs, url)
            results.append({"page": key, "scale": args.scale, "districts": args.districts, "database": database,
                            "cold_ms": round(cold, 1),
                            "warm_ms": round(statistics.median(warm), 1), "miss_ms": round(statistics.median(miss), 1),
                            "miss_item_ms": round(statistics.median(miss_item), 1),
                            "warm_runs_ms": [round(w, 1) for w in warm], "miss_runs_ms": [round(m, 1) for m in miss],
                            "miss_item_runs_ms": [round(m, 1) for m in miss_item]})
    peak = round(peak_rss_mb(), 1)
    for r in results:
        r["peak_rss_mb"] = peak
    print(f"scale {args.scale} × {args.districts} district(s) on {database}: database built in {build_s:.1f} s; "
          f"peak RSS {peak} MB")
    print(f"{'page':<16}{'cold ms':>10}{'warm ms':>10}{'miss ms':>10}{'item ms':>10}   (medians; miss: after a note, item: after an item edit)")
    for r in results:
        print(f"{r['page']:<16}{r['cold_ms']:>10.1f}{r['warm_ms']:>10.1f}{r['miss_ms']:>10.1f}{r['miss_item_ms']:>10.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
