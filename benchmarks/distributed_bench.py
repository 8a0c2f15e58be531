"""Distributed crawl benchmark: the same generated portal crawled by 1, 2, 4 … Redis workers.

    .venv/bin/python benchmarks/distributed_bench.py                      # --workers 1,2,4
    .venv/bin/python benchmarks/distributed_bench.py --workers 1,2 --agencies 40 --ingest

The portal (benchmarks/synthetic_portal.py, served from memory by asyncio) waits --latency seconds
before each answer, like a remote government site: a worker's throughput is then bounded by its
CONCURRENT_REQUESTS / latency, not by the portal's CPU, and N workers should reach about N times
one worker's pages/s — until this machine's cores run out (each worker is a Python process; 2
cores here). For each worker count it prints the crawl's pages/s (first to last page at the
portal) and the wall time with process start-up, and checks that each report page was fetched
exactly once. With --ingest, it then times `nianjian ingest-redis` storing one crawl (reports/s).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_portal import Portal, build_portal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port),
                               "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(work)],
                              stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return server, url
        except redis.ConnectionError:
            time.sleep(0.05)
    sys.exit("redis-server did not start")


class Clock:
    """First and last page answered with content, watched at the portal."""

    def __init__(self, portal: Portal, pages: int):
        self.portal, self.pages = portal, pages
        self.first = self.last = None
        self.stop = threading.Event()

    def fetched(self) -> int:
        return sum(n for (path, status), n in list(self.portal.hits.items())
                   if status == "200" and path != "/robots.txt")

    def watch(self) -> None:
        while not self.stop.is_set():
            count = self.fetched()
            if count and self.first is None:
                self.first = time.perf_counter()
            if count >= self.pages and self.last is None:
                self.last = time.perf_counter()
            time.sleep(0.01)


def run_workers(count: int, redis_url: str, sources: Path, crawl_id: str, concurrency: int,
                work: Path) -> float:
    settings = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", f"CONCURRENT_REQUESTS={concurrency}",
                f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "LOG_LEVEL=WARNING",
                "NIANJIAN_MAX_LIST_PAGES=100000"]
    command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--db", str(work / "unused.db"),
               "--redis", redis_url, "--crawl-id", crawl_id]
    command += [a for s in settings for a in ("-s", s)]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for _ in range(count)]
    for worker in workers:
        _, err = worker.communicate()
        if worker.returncode != 0:
            sys.exit(f"a worker failed:\n{err[-3000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare (default: 1,2,4)")
    parser.add_argument("--agencies", type=int, default=100, help="agencies in the portal (5 reports each)")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds the portal waits per answer")
    parser.add_argument("--concurrency", type=int, default=4, help="CONCURRENT_REQUESTS of each worker")
    parser.add_argument("--ingest", action="store_true", help="also time ingest-redis on the first crawl")
    args = parser.parse_args()
    try:
        counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error(f"--workers '{args.workers}' is not a list of numbers like 1,2,4")

    pages, sources = build_portal(args.agencies)
    portal = Portal(pages, latency=args.latency)
    portal.start()
    base = f"http://127.0.0.1:{portal.port}"
    for source in sources:
        source["url"] = source["url"].replace("PORTAL", base)
    reports = [p for p in pages if "/t" in p]
    total = len(pages) - 1                                   # all but robots.txt
    print(f"portal: {args.agencies} agencies, {total} pages ({len(reports)} report pages), "
          f"{args.latency:g} s per answer; each worker {args.concurrency} concurrent requests; "
          f"{os.cpu_count()} CPU cores")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources_file = work / "sources.yaml"
        sources_file.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
        server, url = start_redis(work)
        try:
            rates = {}
            for count in counts:
                portal.hits.clear()
                clock = Clock(portal, total)
                watcher = threading.Thread(target=clock.watch, daemon=True)
                watcher.start()
                wall = run_workers(count, url, sources_file, f"bench-{count}", args.concurrency, work)
                clock.stop.set()
                watcher.join()
                once = all(portal.hits[(p, "200")] == 1 for p in reports)
                span = (clock.last or time.perf_counter()) - (clock.first or 0)
                rates[count] = clock.fetched() / span
                print(f"{count} worker(s): {clock.fetched()} pages in {span:.1f} s = {rates[count]:.1f} pages/s "
                      f"({rates[count] / rates[counts[0]]:.2f}× {counts[0]} worker(s)); wall {wall:.1f} s with "
                      f"start-up; each report page fetched once: {'yes' if once else 'NO'}")
            if args.ingest:
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "nianjian", "ingest-redis", "--no-progress",
                                       "--redis", url, "--crawl-id", f"bench-{counts[0]}", "--sources",
                                       str(sources_file), "--db", str(work / "bench.db")],
                                      cwd=ROOT, capture_output=True, text=True)
                elapsed = time.perf_counter() - started
                if done.returncode != 0:
                    sys.exit(f"ingest-redis failed:\n{done.stderr[-3000:]}")
                print(f"ingest-redis: {len(reports)} reports stored in {elapsed:.1f} s = "
                      f"{len(reports) / elapsed:.1f} reports/s (parse, checks, SQLite; one process)")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
