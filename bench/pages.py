"""Page benchmark: `python -m bench.pages --scale N --json PATH [--runs 5]`.

Builds a fresh SQLite database with N times the demo volume, then times every page with
AppTest, signed in as the demo admin: the cold first run of the page in a new session, and the
median of warm reruns. Prints a table and writes a JSON list of objects with keys page, scale,
cold_ms, warm_ms, warm_runs_ms and peak_rss_mb (the process's peak resident memory)."""
from __future__ import annotations

import argparse
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


def build_database(scale: int, directory: Path) -> str:
    from db.engine import make_engine, migrate
    from seed.demo import create_demo_accounts, generate_demo
    from seed.reference import load_reference
    url = f"sqlite:///{directory / f'bench-{scale}.db'}"
    engine = make_engine(url)
    migrate(engine)
    load_reference(engine)
    generate_demo(engine, scale=scale, today=TODAY)
    create_demo_accounts(engine)
    engine.dispose()
    return url


def time_page(script: str, runs: int) -> tuple[float, list[float]]:
    from streamlit.testing.v1 import AppTest

    from core.clock import utcnow
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["auth"] = {"username": "admin", "issued_at": utcnow()}
    at.switch_page(script)
    start = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"{script}: {at.exception[0].message}")
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, warm


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7, help="warm reruns per page (at least 5)")
    parser.add_argument("--json", type=Path, help="write results here")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)
    os.environ["FJLD_TODAY"] = TODAY.isoformat()
    os.environ.setdefault("FJLD_BCRYPT_ROUNDS", "4")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url = build_database(args.scale, Path(tmp))
        build_s = time.perf_counter() - t0
        os.environ.update(DATABASE_URL=url, FJLD_DEMO="1")
        from ui.navigation import PAGES
        results = []
        for key, spec in PAGES.items():
            cold, warm = time_page(spec.script, runs)
            results.append({"page": key, "scale": args.scale, "cold_ms": round(cold, 1),
                            "warm_ms": round(statistics.median(warm), 1),
                            "warm_runs_ms": [round(w, 1) for w in warm]})
    peak = round(peak_rss_mb(), 1)
    for r in results:
        r["peak_rss_mb"] = peak
    print(f"scale {args.scale}: database built in {build_s:.1f} s; peak RSS {peak} MB")
    print(f"{'page':<16}{'cold ms':>10}{'warm ms (median)':>20}")
    for r in results:
        print(f"{r['page']:<16}{r['cold_ms']:>10.1f}{r['warm_ms']:>20.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
