"""Browser benchmark: the same columns crawled twice by the real crawler, once as plain HTML lists
and once built by a script (so `render: auto` fetches each list page with Chromium), on loopback.

    .venv/bin/python benchmarks/browser_bench.py                 # 40 columns of 5 reports
    .venv/bin/python benchmarks/browser_bench.py --columns 10    # a quick run

Prints, for each path: pages fetched, pages/s, browser pages, and the peak memory of the crawl
with everything it started (Chromium's processes included), sampled from /proc every 0.1 s.
Needs the browser extra and Chromium (docs/crawling.md, "Portals that need a browser").
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlite_utils
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "seeds"
REPORTS_PER_COLUMN = 5


def report_page(title: str) -> bytes:
    body = next(SEED.glob("*.txt")).read_text("utf-8")
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<div id='zoom'><pre>{body}</pre></div></body></html>").encode("utf-8")


def build_site(columns: int) -> dict[str, tuple[bytes, str]]:
    pages: dict[str, tuple[bytes, str]] = {}
    for c in range(columns):
        records = []
        for r in range(REPORTS_PER_COLUMN):
            title = f"示例{c}局{2020 + r}年政府信息公开工作年度报告"
            records.append({"title": title, "url": f"./content_{r}.html", "date": f"{2021 + r}-01-20"})
            for kind in ("plain", "script"):
                pages[f"/{kind}{c}/content_{r}.html"] = (report_page(title), "text/html; charset=utf-8")
        items = "".join(f"<li><a href='{x['url']}'>{x['title']}</a><span>{x['date']}</span></li>" for x in records)
        pages[f"/plain{c}/index.html"] = (f"<html><body><ul>{items}</ul></body></html>".encode("utf-8"),
                                          "text/html; charset=utf-8")
        script = ("<script>fetch('./list.json').then(r => r.json()).then(d => { document.getElementById('l')"
                  ".innerHTML = d.map(x => `<li><a href='${x.url}'>${x.title}</a><span>${x.date}</span></li>`)"
                  ".join(''); });</script>")
        pages[f"/script{c}/index.html"] = (f"<html><body><ul id='l'></ul>{script}</body></html>".encode("utf-8"),
                                           "text/html; charset=utf-8")
        pages[f"/script{c}/list.json"] = (json.dumps(records, ensure_ascii=False).encode("utf-8"),
                                          "application/json")
    return pages


def serve(pages: dict) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body, kind = pages.get(self.path.split("?")[0], (b"not found", "text/plain"))
            self.send_response(200 if self.path.split("?")[0] in pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def crawl(kind: str, columns: int, base: str, workdir: Path) -> None:
    sources = [{"id": f"{kind}{c}", "url": f"{base}/{kind}{c}/index.html",
                "agencies": [{"name": f"示例{c}局", "level": "department"}]} for c in range(columns)]
    path = workdir / f"{kind}.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
    db = workdir / f"{kind}.db"
    command = [sys.executable, "-m", "crawler.run", "--sources", str(path), "--db", str(db)]
    command += [a for s in ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=WARNING",
                            "ROBOTSTXT_OBEY=False", "CONCURRENT_REQUESTS_PER_DOMAIN=8") for a in ("-s", s)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{kind} crawl failed:\n{process.stderr.read()[-3000:]}")
    store = sqlite_utils.Database(db)
    fetched = store.execute("select count(*) from fetches").fetchone()[0]
    rendered = store.execute("select count(*) from fetches where rendered is not null").fetchone()[0]
    reports = store.execute("select count(*) from reports").fetchone()[0]
    print(f"{kind:>7}: {fetched:5d} pages ({rendered} through the browser), {reports} reports, "
          f"{elapsed:6.1f} s, {fetched / elapsed:6.1f} pages/s, peak memory {peak / 1024:6.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, default=40)
    args = parser.parse_args()
    server = serve(build_site(args.columns))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"{args.columns} columns of {REPORTS_PER_COLUMN} reports each, on {base}")
    with tempfile.TemporaryDirectory() as workdir:
        for kind in ("plain", "script"):
            crawl(kind, args.columns, base, Path(workdir))
    server.shutdown()


if __name__ == "__main__":
    main()
