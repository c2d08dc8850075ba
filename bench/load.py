"""Load benchmark: `python -m bench.load --sessions N --database-url URL [--scale 10] [--processes 2]
[--rounds 3] [--json PATH]`.

Builds the demo at `--scale` in the given empty database (as bench.pages does),
starts `--processes` app processes on it (as deploy/ runs them; sessions are spread over them as
nginx's sticky hash would), then drives N concurrent browser sessions (Playwright, Debian's
Chromium, headless) through sign-in → 总览 → 移送与反馈 → 逾期反馈, `--rounds` times each, while one
office session writes every few seconds (a note on an item and an edit of an item by turns,
through the command layer, so the readers' cached item figures go stale as they do in real use).
People arrive over `--ramp-s` seconds (session n starts at n × ramp / N) and read each page for
`--think-s` seconds (± half, fixed per session and visit) before the next click, as users do. The
defaults, 10 s of reading and arrival over 30 s, are the load the budget is held to: ten people
at work in the app at once, each reading what a page shows (a figure, a list of overdue items)
before the next click; people who read a page for minutes and sign in over a morning load it less.
`--think-s 0 --ramp-s 0` is the saturation case: every session starts at once and clicks the
moment a page is drawn. Every browser has loaded the sign-in page (in turn) before the clock
starts (`--open-first`, the default), as on a real deployment, where each person's own computer
loads Streamlit's front end; with `--no-open-first` each new browser loads it as its person
arrives, on the same two cores as the app.

Reports the time from a click (the sign-in button or a navigation link) to the page drawn (its
title shown and the script run finished): p50 and p95 over every visit; and the app processes'
resident memory before the sessions and with all of them open, as growth per session. Prints a
table and writes JSON with keys sessions, processes, scale, database, visits, p50_ms, p95_ms,
p95_pages_ms (the visits between pages, sign-in left out), steady_visits and p95_steady_ms (the
visits begun once the last session had signed in: while people arrive, each new browser loading
the front end takes the same two cores), think_s, ramp_s, open_first, by_page, rss_before_mb,
rss_after_mb, growth_per_session_mb, and the CPU time the app processes and the browsers used
while the clock ran (server_cpu_s, server_cpu_ms_per_visit, browser_cpu_s): on one machine the
browsers take most of it, so the split says how much of a slow visit was the app's."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
PAGES = (("overview", "总览"), ("referrals", "移送与反馈"), ("overdue", "逾期反馈"))
ACCOUNTS = (("convener", "Demo-convener-2025"), ("viewer", "Demo-viewer-2025"), ("office", "Demo-office-2025"))
LANDING = {"overview": ("",)}  # the default page's address is the app's root
WRITE_EVERY_S = 3.0


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_process(env: dict, log: Path):
    """`streamlit run app.py` on a free loopback port with `env`; yields (base URL, pid) once it
    answers its health check (the browser tests start theirs with it too)."""
    port = free_port()
    # The server's output goes to a file: an unread pipe fills up and stalls the server.
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError(f"the app stopped: {log.read_text(errors='replace')}") from None
                    time.sleep(0.5)
            else:
                raise RuntimeError("the app did not answer within 2 minutes")
            yield base, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def cpu_s(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s() -> float:
    """CPU time used so far by the running Chromium processes (the browsers' share of the machine)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if "chrom" in (entry / "comm").read_text():
                    total += cpu_s(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass  # the process ended while being read
    return total


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def writer(url: str, stop: threading.Event, count: list[int]) -> None:
    """The office session's writes every few seconds, through the command layer: a note on an
    item and an edit of an item by turns (bench.pages.another_sessions_write), so the readers'
    item figures go stale as they do in real use."""
    from bench.pages import another_sessions_write
    while not stop.wait(WRITE_EVERY_S):
        another_sessions_write(url, ("note", "item")[count[0] % 2])
        count[0] += 1


async def _drawn(page, title: str) -> None:
    await page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=120_000)
    await page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=120_000)


def think_times(n: int, visits: int, think_s: float) -> list[float]:
    """Session n's reading time on each page: `think_s` ± half, the same on every run."""
    rng = random.Random(n)
    return [think_s * rng.uniform(0.5, 1.5) for _ in range(visits)]


async def open_signin(browser, base: str):
    """A new browser session (its own cookies) with the sign-in page loaded: Streamlit's front end
    fetched, compiled and connected."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(base)
    await page.get_by_label("用户名").wait_for(timeout=120_000)
    return page


async def session(browser, base: str, n: int, rounds: int, times: list, start_s: float = 0.0,
                  think_s: float = 0.0, page=None):
    """Session n: sign in after `start_s`, then go through the pages `rounds` times. Without a
    `page` opened beforehand, the browser loads the sign-in page first, as someone arriving does."""
    await asyncio.sleep(start_s)
    thinking = iter(think_times(n, 1 + 3 * rounds, think_s))
    page = page or await open_signin(browser, base)
    username, password = ACCOUNTS[n % len(ACCOUNTS)]
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    start = time.perf_counter()
    await page.get_by_role("button", name="登录").click()
    await _drawn(page, "总览")
    times.append(("signin", (time.perf_counter() - start) * 1000, start))
    for _ in range(rounds):
        for key, title in (*PAGES[1:], PAGES[0]):
            await asyncio.sleep(next(thinking))
            await page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
            start = time.perf_counter()
            await page.get_by_role("link", name=title).first.click()
            await page.wait_for_url(lambda address: urlparse(address).path.strip("/") in (key, *LANDING.get(key, ())),
                                    timeout=120_000, wait_until="commit")
            await _drawn(page, title)
            times.append((key, (time.perf_counter() - start) * 1000, start))
    return page.context  # kept open: the memory is measured with every session alive


async def drive(bases: list[str], sessions: int, rounds: int, pids: list[int], ramp_s: float = 0.0,
                think_s: float = 0.0, open_first: bool = False) -> dict:
    """Run the sessions; with `open_first`, every session's browser loads the sign-in page (in
    turn) before the clock starts. Returns the visits' times, the app processes' memory with every
    session open, and the CPU the app processes and the browsers used while the clock ran."""
    from playwright.async_api import async_playwright
    times: list = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        opened = [await open_signin(browser, bases[n % len(bases)]) for n in range(sessions)] if open_first \
            else [None] * sessions
        cpu = (sum(cpu_s(pid) for pid in pids), browser_cpu_s(), time.perf_counter())
        contexts = await asyncio.gather(*(session(browser, bases[n % len(bases)], n, rounds, times,
                                                  n * ramp_s / sessions, think_s, opened[n]) for n in range(sessions)))
        used = {"elapsed_s": time.perf_counter() - cpu[2], "server_cpu_s": sum(cpu_s(pid) for pid in pids) - cpu[0],
                "browser_cpu_s": browser_cpu_s() - cpu[1]}
        after = [rss_mb(pid) for pid in pids]
        for context in contexts:
            await context.close()
        await browser.close()
    return {"times": times, "rss_after_mb": after, **used}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--database-url", required=True, help="an empty database (e.g. PostgreSQL) to build the demo in")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="times each session goes through the three pages")
    parser.add_argument("--think-s", type=float, default=10.0, help="seconds a user reads a page before the next click")
    parser.add_argument("--ramp-s", type=float, default=30.0, help="seconds over which the sessions start")
    parser.add_argument("--open-first", action=argparse.BooleanOptionalAction, default=True,
                        help="every browser loads the sign-in page before the clock starts (on a real deployment "
                             "each person's own computer does that work, not the server's two cores); "
                             "--no-open-first loads each as its person arrives")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from bench.pages import TODAY, build_database
    os.environ["FJLD_TODAY"] = TODAY.isoformat()
    os.environ.setdefault("FJLD_BCRYPT_ROUNDS", "4")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as apps:
        url = build_database(args.scale, Path(tmp), args.database_url)
        env = dict(os.environ, DATABASE_URL=url, FJLD_DEMO="1")
        started = [apps.enter_context(app_process(env, Path(tmp) / f"app{i}.log")) for i in range(args.processes)]
        bases, pids = [b for b, _ in started], [pid for _, pid in started]
        for base in bases:  # each process's first page (imports, caches) before the clock starts
            asyncio.run(drive([base], 1, 0, pids))
        before = [rss_mb(pid) for pid in pids]
        stop, writes = threading.Event(), [0]
        thread = threading.Thread(target=writer, args=(url, stop, writes), daemon=True)
        thread.start()
        ran = asyncio.run(drive(bases, args.sessions, args.rounds, pids, args.ramp_s, args.think_s, args.open_first))
        stop.set()
        thread.join()
    times, after, elapsed = ran["times"], ran["rss_after_mb"], ran["elapsed_s"]
    values = [ms for _, ms, _ in times]
    pages = [ms for key, ms, _ in times if key != "signin"]  # moving between pages once signed in
    everyone_in = max(started + ms / 1000 for key, ms, started in times if key == "signin")
    steady = [ms for _, ms, started in times if started >= everyone_in]  # once the last session is in
    by_page = {key: round(statistics.median([ms for k, ms, _ in times if k == key]), 1)
               for key in ("signin", *(k for k, _ in PAGES))}
    result = {"sessions": args.sessions, "processes": args.processes, "scale": args.scale,
              "think_s": args.think_s, "ramp_s": args.ramp_s, "open_first": args.open_first,
              "database": "postgresql" if url.startswith("postgresql") else "sqlite", "visits": len(values),
              "writes": writes[0], "elapsed_s": round(elapsed, 1),
              "p50_ms": round(percentile(values, 0.5), 1), "p95_ms": round(percentile(values, 0.95), 1),
              "p95_pages_ms": round(percentile(pages, 0.95), 1),
              "steady_visits": len(steady), "p95_steady_ms": round(percentile(steady, 0.95), 1) if steady else None,
              "by_page_median_ms": by_page, "rss_before_mb": [round(r, 1) for r in before],
              "rss_after_mb": [round(r, 1) for r in after],
              "growth_per_session_mb": round((sum(after) - sum(before)) / args.sessions, 1),
              "server_cpu_s": round(ran["server_cpu_s"], 1), "browser_cpu_s": round(ran["browser_cpu_s"], 1),
              "server_cpu_ms_per_visit": round(ran["server_cpu_s"] * 1000 / len(values), 1)}
    print(f"{args.sessions} sessions on {args.processes} processes, scale {args.scale}, {result['database']}, "
          f"reading {args.think_s} s a page, arriving over {args.ramp_s} s"
          f"{' (sign-in pages loaded first)' if args.open_first else ''}: "
          f"{len(values)} visits and {writes[0]} writes in {elapsed:.0f} s")
    print(f"time to a drawn page: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
          f"(p95 {result['p95_pages_ms']} ms leaving sign-in out; p95 {result['p95_steady_ms']} ms over the "
          f"{len(steady)} visits made once every session was signed in); medians {by_page}")
    print(f"CPU: app processes {result['server_cpu_s']} s ({result['server_cpu_ms_per_visit']} ms per visit), "
          f"browsers {result['browser_cpu_s']} s, of {(os.cpu_count() or 1) * elapsed:.0f} s the machine had")
    print(f"memory: {result['rss_before_mb']} MB before, {result['rss_after_mb']} MB with every session open: "
          f"{result['growth_per_session_mb']} MB per session")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
