"""Crawl benchmark: a large generated portal on loopback (every report its own narrative),
crawled on two nights by the real crawler, beside `scrapy bench` in the same run.

    .venv/bin/python benchmarks/crawl_bench.py                 # 2,000 agencies: 10,000 report pages
    .venv/bin/python benchmarks/crawl_bench.py --agencies 200  # a quick run (1,000 report pages)

Prints, for the first night: pages/s of crawl + ingest (list pages, report pages, parse, checks
and store, until the last report is stored), the peak memory (RSS) of the crawling process and
of its writer process with those it reads documents in, when 1,000, 5,000 and 10,000 pages had
been answered; for the second, unchanged night (the next day, NIANJIAN_NOW): its requests and bytes as a share of the first's;
then `scrapy bench`'s pages/s (responses over its whole run) and the ratio of the two. The portal
is served by an asyncio server in this process, from memory, so it is not the bottleneck.
"""
from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_portal import Portal, build_portal  # noqa: E402

MARKS = (1000, 5000, 10_000)
FIRST_NIGHT = "2024-03-01T02:00:00+08:00"
SECOND_NIGHT = "2024-03-02T02:00:00+08:00"


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                for c in (task / "children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    found = children(pid)
    return found + [d for c in found for d in descendants(c)]


def writers(pid: int) -> list[int]:
    """The crawl's writer and the processes it reads documents in (not the browser driver
    the crawl also starts)."""
    def command(child: int) -> bytes:
        try:
            return Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return b""
    found = [c for c in children(pid) if b"crawler.spool_writer" in command(c)]
    return found + [d for c in found for d in descendants(c)]


def crawl(sources: Path, db: Path, concurrency: int, portal: Portal, now: str) -> tuple[float, dict]:
    """Seconds the crawl took, and the peak RSS (crawl, writer) at each mark of answered pages."""
    settings = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", f"CONCURRENT_REQUESTS={concurrency}",
                f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "LOG_LEVEL=WARNING",
                "NIANJIAN_MAX_LIST_PAGES=100000"]
    command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--db", str(db)]
    command += [a for s in settings for a in ("-s", s)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "NIANJIAN_NOW": now})
    peaks, marks, crawler_peak, writer_peak = {}, list(MARKS), 0.0, 0.0
    while process.poll() is None:
        crawler_peak = max(crawler_peak, rss_mb(process.pid))
        writer_peak = max(writer_peak, sum(rss_mb(c) for c in writers(process.pid)))
        answered = sum(portal.hits.values())
        while marks and answered >= marks[0]:
            peaks[marks.pop(0)] = (crawler_peak, writer_peak)
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read()
    if process.returncode != 0:
        sys.exit(f"crawl failed:\n{stderr[-3000:]}")
    print("  " + stderr.strip().splitlines()[-1])
    peaks["end"] = (crawler_peak, writer_peak)
    return elapsed, peaks


def scrapy_bench(seconds: int) -> float | None:
    """pages/s of `scrapy bench` (its own loopback server and spider): responses over its run."""
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "bench", "-s",
                               f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
                              cwd=empty, capture_output=True, text=True)
    received = re.search(r"'response_received_count': (\d+)", done.stderr)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", done.stderr)
    return int(received.group(1)) / float(elapsed.group(1)) if received and elapsed else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=2000, help="agencies in the portal (5 reports each)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS of the crawl")
    parser.add_argument("--bench-seconds", type=int, default=20, help="how long `scrapy bench` runs (0: skip)")
    args = parser.parse_args()

    pages, sources = build_portal(args.agencies, distinct=True)
    portal = Portal(pages)
    portal.start()
    base = f"http://127.0.0.1:{portal.port}"
    for source in sources:
        source["url"] = source["url"].replace("PORTAL", base)
    reports = sum(1 for p in pages if "/t" in p)
    print(f"portal: {args.agencies} agencies, {len(sources)} columns, {len(pages) - 1} pages "
          f"({reports} report pages, each its own narrative) at {base}")

    with tempfile.TemporaryDirectory() as work:
        sources_file, db = Path(work) / "sources.yaml", Path(work) / "bench.db"
        sources_file.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")

        first, peaks = crawl(sources_file, db, args.concurrency, portal, FIRST_NIGHT)
        answered, sent = sum(portal.hits.values()), portal.sent
        stored = sqlite3.connect(db).execute("select count(*) from reports").fetchone()[0]
        rate = answered / first
        print(f"first night: {first:.1f} s, {answered} pages = {rate:.1f} pages/s (crawl + ingest), "
              f"{stored} reports stored")
        for mark, (crawler_mb, writer_mb) in peaks.items():
            label = f"at {mark:,} pages" if mark != "end" else "over the crawl"
            print(f"  peak RSS {label}: crawl process {crawler_mb:.0f} MB, writer and its readers {writer_mb:.0f} MB")

        portal.hits.clear()
        portal.counts.clear()
        portal.sent = 0
        second, _ = crawl(sources_file, db, args.concurrency, portal, SECOND_NIGHT)
        counts = dict(portal.counts)
        requests = sum(portal.hits.values())
        print(f"second, unchanged night: {second:.1f} s, {requests} requests = {requests / answered:.1%} "
              f"of the first night's, {portal.sent:,} bytes = {portal.sent / sent:.2%} of its bytes "
              f"({counts.get(('report', '304'), 0)} report pages answered 304, "
              f"{counts.get(('report', '200'), 0)} fetched again, {counts.get(('other', '200'), 0)} list pages "
              "and robots.txt)")

    if args.bench_seconds:
        bench = scrapy_bench(args.bench_seconds)
        if bench:
            print(f"scrapy bench on this machine: {bench:.1f} pages/s; crawl + ingest / scrapy bench = "
                  f"{rate / bench:.2f}")
        else:
            print("scrapy bench: no figure")


if __name__ == "__main__":
    main()
