"""Crawl benchmark: a large generated portal on loopback, crawled twice by the real crawler.

    .venv/bin/python benchmarks/crawl_bench.py                 # 2,000 agencies, ~10,000 report pages
    .venv/bin/python benchmarks/crawl_bench.py --agencies 100  # a quick run

Prints pages/s and reports/s of the first crawl (list pages, report pages, parse, checks and
store included), the crawl process's peak memory, the requests of a second, unchanged crawl
(report pages must come back 304, never with content), and `scrapy bench`'s pages/s on the same
machine for scale. The portal is served by an asyncio server in this process, from memory, so it
is not the bottleneck.
"""
from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_portal import Portal, build_portal  # noqa: E402


def crawl(sources: Path, db: Path, concurrency: int) -> float:
    settings = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", f"CONCURRENT_REQUESTS={concurrency}",
                f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "LOG_LEVEL=WARNING",
                "NIANJIAN_MAX_LIST_PAGES=100000"]
    command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--db", str(db)]
    command += [a for s in settings for a in ("-s", s)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"crawl failed:\n{done.stderr[-3000:]}")
    print("  " + done.stderr.strip().splitlines()[-1])
    return elapsed


def scrapy_bench(seconds: int) -> float | None:
    """pages/s of `scrapy bench` (its own loopback server and spider), outside this project."""
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "bench", "-s",
                               f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
                              cwd=empty, capture_output=True, text=True)
    rates = [int(m) for m in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", done.stderr)]
    return max(rates) / 60 if rates else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=2000, help="agencies in the portal (5 reports each)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS of the crawl")
    parser.add_argument("--bench-seconds", type=int, default=10, help="how long `scrapy bench` runs (0: skip)")
    args = parser.parse_args()

    pages, sources = build_portal(args.agencies)
    portal = Portal(pages)
    portal.start()
    base = f"http://127.0.0.1:{portal.port}"
    for source in sources:
        source["url"] = source["url"].replace("PORTAL", base)
    reports = sum(1 for p in pages if "/t" in p)
    print(f"portal: {args.agencies} agencies, {len(sources)} columns, {len(pages) - 1} pages "
          f"({reports} report pages) at {base}")

    with tempfile.TemporaryDirectory() as work:
        sources_file, db = Path(work) / "sources.yaml", Path(work) / "bench.db"
        sources_file.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")

        first = crawl(sources_file, db, args.concurrency)
        fetched = sum(n for (_, status), n in portal.counts.items() if status == "200")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        import sqlite3
        stored = sqlite3.connect(db).execute("select count(*) from reports").fetchone()[0]
        print(f"first crawl: {first:.1f} s, {fetched} pages fetched = {fetched / first:.1f} pages/s, "
              f"{stored} reports stored = {stored / first:.1f} reports/s, peak memory {peak_mb:.0f} MB")

        portal.counts.clear()
        second = crawl(sources_file, db, args.concurrency)
        counts = dict(portal.counts)
        print(f"second, unchanged crawl: {second:.1f} s, {sum(counts.values())} requests: "
              f"{counts.get(('report', '304'), 0)} report pages answered 304, "
              f"{counts.get(('report', '200'), 0)} report pages fetched again, "
              f"{counts.get(('other', '200'), 0)} list pages (and robots.txt)")

    if args.bench_seconds:
        rate = scrapy_bench(args.bench_seconds)
        print(f"scrapy bench on this machine: {rate:.1f} pages/s" if rate else "scrapy bench: no figure")


if __name__ == "__main__":
    main()
