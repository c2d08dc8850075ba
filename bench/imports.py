"""Import benchmark: `python -m bench.imports --rows 50000 [--runs 3] [--format xlsx|csv] [--json PATH]`.

Builds an items file of N rows in the import format (a mix of every kind, a third of them with
their feedback recorded, some closed), then runs each run in a fresh Python process that imports
it into a fresh SQLite database (migrated, reference data loaded) the way the page does, timing
each phase:

- read: parse_file (the workbook read, headers, cell formats, repeated 外部编号);
- check: check_import, the preview (every row validated against the database, nothing written);
- import: ImportFile.run, the write (validation again inside the transaction, inserts, timeline
  events, one audit row per item and one for the import, commit);
- again: the same file a second time (every row unchanged, nothing written).

Memory is the peak resident set size (ru_maxrss) of the run's process, interpreter and libraries
included — a fresh process per run, so a run's peak is its own; "base" is the resident size just
before the file is read.

Prints every run and the median of the runs for each figure; "total" is read + import, what an
import costs without the preview, with the CPU time it took (on a shared machine the wall time
also holds the time other processes had the CPU). Budgets: 10,000 rows — median total under 10 s; 50,000 rows (the
default row limit) — median total under 30 s and median peak under 500 MB."""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = date(2026, 11, 26)
os.environ.setdefault("FJLD_TODAY", TODAY.isoformat())
# rows -> (seconds for read + import, MB of peak resident memory); medians of the runs
BUDGETS = {10_000: (10.0, None), 50_000: (30.0, 500.0)}


def build_rows(n: int, seed: int = 7) -> list[list]:
    """N valid item rows in the items template's column order."""
    from core.kinds import KINDS
    from seed.reference import _read_units
    r = random.Random(seed)
    units = [u["name"] for u in _read_units()]
    procuratorate = next(u["name"] for u in _read_units() if u["code"] == "procuratorate")
    police = next(u["name"] for u in _read_units() if u["code"] == "public_security")
    kinds = list(KINDS.values())
    rows = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind.code in ("crime_transfer",):
            src, dst = r.choice([u for u in units if u not in (police, procuratorate)]), police
        elif kind.direction.startswith("区检察院"):
            src, dst = procuratorate, r.choice([u for u in units if u != procuratorate])
        else:
            src, dst = r.choice([u for u in units if u != procuratorate]), procuratorate
        sent = TODAY - timedelta(days=r.randint(20, 400))
        received = sent + timedelta(days=r.randint(0, 5)) if r.random() < 0.8 else None
        doc = f"硚检〔{sent.year}〕{i + 1}号"
        override = reason = None
        if kind.code == "pre_suit_consultation":
            override, reason = sent + timedelta(days=30), "双方磋商议定"
        case = offence = ""
        if "case_name" in kind.extra_fields:
            case = f"当事人{i}涉嫌违法案"
        if "suspected_offence" in kind.extra_fields:
            offence = "销售伪劣产品罪"
        status = outcome = feedback_on = feedback_text = closed_on = None
        if received and r.random() < 0.35 and received + timedelta(days=10) < TODAY:
            feedback_on = received + timedelta(days=r.randint(1, 10))
            status, outcome, feedback_text = "已反馈", kind.outcomes[0], "已按要求办理并书面回复。"
            if r.random() < 0.5:
                status, closed_on = "已办结", feedback_on
        urgent = "是" if kind.urgent_rule and r.random() < 0.1 else ""
        rows.append([f"BENCH-{i + 1:06d}", kind.label, src, dst, doc, f"{kind.label}事项第{i + 1}号", "批量导入的测试事项摘要。",
                     sent, received, urgent, override, reason, case, offence, (i % 14) + 1 if i % 5 == 0 else None,
                     status, outcome, feedback_on, feedback_text, closed_on])
    return rows


def fresh_database(directory: Path, run: int):
    from db.engine import make_engine, migrate
    from seed.reference import load_reference
    engine = make_engine(f"sqlite:///{directory / f'import-{run}.db'}")
    migrate(engine)
    load_reference(engine)
    return engine


def resident_mb() -> float:
    """This process's resident set size now (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def one_run(directory: Path, run: int, path: Path) -> dict[str, float]:
    from sqlalchemy import func, select

    from core.permissions import Actor
    from db.commands.imports import ImportFile, check_import
    from db.engine import read_session
    from db.imports import parse_file
    from db.models import Item
    office = Actor(None, "bench", "office")
    engine = fresh_database(directory, run)
    out = {}
    data = path.read_bytes()
    out["base_mb"] = resident_mb()
    start, cpu = time.perf_counter(), time.process_time()
    parsed = parse_file("items", path.name, data)
    out["read"] = time.perf_counter() - start
    read_cpu = time.process_time() - cpu
    if parsed.errors:
        raise SystemExit(f"benchmark file has errors: {parsed.errors[:5]}")
    start = time.perf_counter()
    check = check_import(engine, office, parsed)
    out["check"] = time.perf_counter() - start
    if check.errors:
        raise SystemExit(f"benchmark file has errors: {check.errors[:5]}")
    start, cpu = time.perf_counter(), time.process_time()
    command = ImportFile(office, parsed=parsed)
    command.run(engine)
    out["import"] = time.perf_counter() - start
    out["total"] = out["read"] + out["import"]
    out["total_cpu"] = read_cpu + time.process_time() - cpu
    rows, summary = len(parsed.rows), command.summary
    del parsed, check, command  # as on the page: the next import is a new script run
    start = time.perf_counter()
    again = ImportFile(office, parsed=parse_file("items", path.name, data))
    again.run(engine)
    out["again"] = time.perf_counter() - start
    with read_session(engine) as s:
        stored = s.scalar(select(func.count()).select_from(Item))
    assert stored == rows == summary["create"], (stored, summary)
    assert again.summary["unchanged"] == stored, again.summary
    engine.dispose()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    return out


def run_in_fresh_process(directory: Path, run: int, path: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "bench.imports", "--child", str(path), "--run", str(run),
                           "--dir", str(directory)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"run {run} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # one run, in this process
    parser.add_argument("--run", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one_run(args.dir, args.run, args.child)))
        return 0
    from db.imports.templates import csv_file, xlsx_file
    rows = build_rows(args.rows)
    data = xlsx_file("items", rows) if args.format == "xlsx" else csv_file("items", rows)
    del rows
    print(f"items file: {args.rows} rows, {args.format}, {len(data) / 1e6:.1f} MB")
    phases = ("read", "check", "import", "total", "again")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench-items.{args.format}"
        path.write_bytes(data)
        for run in range(1, args.runs + 1):
            result = run_in_fresh_process(Path(tmp), run, path)
            results.append(result)
            print(f"run {run}: " + figures(result, phases))
    medians = {p: statistics.median(r[p] for r in results) for p in results[0]}
    print(f"median of {args.runs}: " + figures(medians, phases))
    ok = verdict(args.rows, medians)
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "format": args.format, "runs": results,
                                         "median": medians}, indent=2), encoding="utf-8")
    return 0 if ok else 1


def figures(result: dict[str, float], phases: tuple[str, ...]) -> str:
    return ("  ".join(f"{p} {result[p]:.2f} s" + (f" (CPU {result['total_cpu']:.2f} s)" if p == "total" else "")
                      for p in phases) + f"  base {result['base_mb']:.0f} MB  peak {result['peak_mb']:.0f} MB")


def verdict(rows: int, medians: dict[str, float]) -> bool:
    if rows not in BUDGETS:
        print(f"no budget for {rows} rows (budgets: {', '.join(f'{n:,}' for n in BUDGETS)} rows)")
        return True
    seconds, megabytes = BUDGETS[rows]
    ok = medians["total"] < seconds
    print(f"import (read + write) {medians['total']:.2f} s: {'within' if ok else 'OVER'} the {seconds:.0f} s budget")
    if megabytes is not None:
        fits = medians["peak_mb"] < megabytes
        print(f"peak resident memory {medians['peak_mb']:.0f} MB: {'within' if fits else 'OVER'} the "
              f"{megabytes:.0f} MB budget")
        ok = ok and fits
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
