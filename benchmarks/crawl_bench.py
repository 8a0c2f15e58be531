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
import asyncio
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = next((ROOT / "tests" / "fixtures" / "seeds").glob("000_*.txt")).read_text("utf-8")
YEARS = (2019, 2020, 2021, 2022, 2023)
AGENCIES_PER_SOURCE = 50
PER_PAGE = 20


def report_body() -> str:
    """The seed report (涧西区 2021) as HTML: paragraphs and tables."""
    out, rows = [], []
    for line in SEED.splitlines()[2:] + [""]:
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in line.rstrip("\t").split("\t")) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{line.strip()}</p>")
    return "\n".join(out)


def build_portal(agencies: int) -> tuple[dict[str, bytes], list[dict]]:
    """path → page bytes, and the sources (one TRS column per 50 agencies, 5 reports each)."""
    body = report_body()
    pages: dict[str, bytes] = {}
    sources = []
    names = [f"第{n}号局" for n in range(1, agencies + 1)]
    for s, start in enumerate(range(0, agencies, AGENCIES_PER_SOURCE)):
        group = names[start:start + AGENCIES_PER_SOURCE]
        items = []
        for a, name in enumerate(group):
            for year in YEARS:
                path = f"/s{s}/{year + 1}01/t{year + 1}0120_{a}.html"
                title = f"{name}{year}年政府信息公开工作年度报告"
                pages[path] = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                               f"<h1>{title}</h1><p>发布日期：{year + 1}-01-20</p><div class=TRS_Editor>"
                               f"{body.replace('涧西区人民政府', name)}</div></body></html>").encode()
                items.append((path, title, f"{year + 1}-01-20"))
        count = -(-len(items) // PER_PAGE)
        for k in range(count):
            rows = "".join(f"<li><a href='{p}'>{t}</a><span>{d}</span></li>"
                           for p, t, d in items[k * PER_PAGE:(k + 1) * PER_PAGE])
            name = "index.html" if k == 0 else f"index_{k}.html"
            pages[f"/s{s}/{name}"] = (
                f"<html><head><meta charset='utf-8'></head><body><ul>{rows}</ul><script>"
                f"createPageHTML({count}, {k}, \"index\", \"html\");</script></body></html>").encode()
        sources.append({"id": f"s{s}", "url": f"PORTAL/s{s}/index.html", "cms": "trs",
                        "agencies": [{"name": n, "level": "department"} for n in group]})
    pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    return pages, sources


class Portal:
    """A minimal HTTP/1.1 keep-alive server on asyncio, answering from memory, with ETags."""

    def __init__(self, pages: dict[str, bytes], latency: float = 0.0):
        self.pages = pages
        self.latency = latency            # seconds per answer: a remote portal (distributed_bench)
        self.hits: Counter = Counter()    # (path, status) → requests
        self.etags = {path: f'"{hash(body) & 0xffffffff:x}"' for path, body in pages.items()}
        self.counts: Counter = Counter()
        self.port = 0
        self.loop = asyncio.new_event_loop()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                body, etag = self.pages.get(path), self.etags.get(path)
                if body is None:
                    status, body = "404 Not Found", b"not found"
                elif headers.get("if-none-match") == etag:
                    status, body = "304 Not Modified", b""
                else:
                    status = "200 OK"
                self.counts[(path.endswith(".html") and "/t" in path and "report" or "other", status[:3])] += 1
                self.hits[(path, status[:3])] += 1
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write((f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                              f"Content-Length: {len(body)}\r\nETag: {etag or ''}\r\n\r\n").encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    def start(self) -> None:
        ready = threading.Event()

        async def serve():
            server = await asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=1024)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            async with server:
                await server.serve_forever()

        threading.Thread(target=lambda: self.loop.run_until_complete(serve()), daemon=True).start()
        ready.wait()


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
