"""The URL-identity red team: a portal that links each report the ways real portals do, and the
documents that only look alike.

One column of three list pages (`/nb/`, then `index.html?uid=9&pageNum=2` and `…pageNum=3`:
a Hanweb pager's pages, which DO differ from `index.html`) links:
- the same report page as `./…?from=list`, `/nb/202201/./t….html;jsessionid=…#top`,
  `../nb/202201/t….html?utm_source=weixin&_t=1700000000000`, `HTTP://127.0.0.1:port/…` (scheme
  and host in capitals), `…?utm_medium=share#content`;
- the same PDF from two list pages (`./…pdf` and `…pdf?_t=…&from=list`);
- two old addresses answered 301 and 302 to the new ones, also linked directly with parameters
  in another order; the new pages carry a `<link rel="canonical">`.
The traps: `info.jsp?id=123` and `?id=124` (two agencies' reports), `ndbg.html` in the 2022 and
2023 directories (one agency's reports of two years), and the list pages `pageNum=2`, `=3`.

The server answers as static servers do: a static file ignores its query and path parameters, a
directory serves its index.html, `.jsp` pages are selected by their query. Report pages echo the
address they were asked by (a share link, as portals write them), so one report fetched under two
spellings has two bodies; on later nights the lists link in the other order (`reordered`), so
another spelling comes first. Used by tests/crawler/test_url_identity.py and benchmarks/url_identity.py.
"""
from __future__ import annotations

import html
import importlib.util
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_TIMEOUT=5", "RETRY_TIMES=0",
            "CONCURRENT_REQUESTS_PER_DOMAIN=4", "LOG_LEVEL=INFO", "NIANJIAN_REVERIFY_NIGHTS=1"]


@dataclass(frozen=True)
class Document:
    name: str
    path: str                      # where the server keeps it (a .jsp page: with its query)
    agency: str | None = None      # None: a list page
    year: int | None = None
    seed: str = "000"
    pdf: bool = False

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


DOCUMENTS = [
    Document("list 1", "/nb/index.html"),
    Document("list 2 (pageNum=2)", "/nb/index.html?uid=9&pageNum=2"),
    Document("list 3 (pageNum=3)", "/nb/index.html?uid=9&pageNum=3"),
    Document("spelled six ways", "/nb/202201/t20220120_1.html", "涧西区人民政府", 2021, "000"),
    Document("PDF from two lists", "/nb/202401/P020240125.pdf", "淮安市洪泽区人民政府", 2023, pdf=True),
    Document("moved (301)", "/nb/202401/t20240130_10.html", "延津县人民政府办公室", 2023, "003"),
    Document("moved (302)", "/nb/202302/t20230210_3.html", "老城区民政局", 2022, "002"),
    Document("info.jsp?id=123", "/gk/info.jsp?id=123", "涧西区教育局", 2021, "004"),
    Document("info.jsp?id=124", "/gk/info.jsp?id=124", "涧西区财政局", 2021, "004"),
    Document("ndbg.html of 2022", "/nb/2022/ndbg.html", "涧西区卫生健康委员会", 2021, "002"),
    Document("ndbg.html of 2023", "/nb/2023/ndbg.html", "涧西区卫生健康委员会", 2022, "002"),
]
BY_NAME = {document.name: document for document in DOCUMENTS}
REPORTS = [d for d in DOCUMENTS if d.agency]
REDIRECTS = {"/old/content.jsp?id=88": (301, "/nb/202401/t20240130_10.html"),
             "/gk/view.jsp?id=9&cat=2": (302, "/nb/202302/t20230210_3.html")}

# What each list page links: (href, document name). Titles are the documents'. The first page
# links reports twice, as a list and a 热点 sidebar or a page's attachment list do.
LINKS = {
    "list 1": [("./202201/t20220120_1.html?from=list", "spelled six ways"),
               ("/nb/202201/./t20220120_1.html;jsessionid=A1B2C3D4#top", "spelled six ways"),
               ("../nb/202201/t20220120_1.html?utm_source=weixin&_t=1700000000000", "spelled six ways"),
               ("{ROOT_UPPER}/nb/202201/t20220120_1.html", "spelled six ways"),
               ("./202401/P020240125.pdf", "PDF from two lists"),
               ("/old/content.jsp?id=88", "moved (301)"),
               ("./202401/t20240130_10.html?from=list", "moved (301)"),
               ("/gk/view.jsp?id=9&cat=2", "moved (302)"),
               ("/gk/view.jsp?cat=2&id=9", "moved (302)"),
               ("/gk/info.jsp?id=123", "info.jsp?id=123"),
               ("./2022/ndbg.html", "ndbg.html of 2022")],
    "list 2 (pageNum=2)": [("./202201/t20220120_1.html?utm_medium=share#content", "spelled six ways"),
                           ("./202401/P020240125.pdf?_t=1700000000123&from=list", "PDF from two lists"),
                           ("./2023/ndbg.html", "ndbg.html of 2023")],
    "list 3 (pageNum=3)": [("/gk/info.jsp?id=124", "info.jsp?id=124")],
}
NEXT = {"list 1": "index.html?uid=9&pageNum=2", "list 2 (pageNum=2)": "index.html?uid=9&pageNum=3"}


def _seed(prefix: str) -> str:
    return next((FIXTURES / "seeds").glob(f"{prefix}_*.txt")).read_text("utf-8")


@lru_cache(maxsize=1)
def _synthetic_portal():
    spec = importlib.util.spec_from_file_location("synthetic_portal", ROOT / "benchmarks" / "synthetic_portal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed_html(text: str) -> str:
    return _synthetic_portal().seed_html(text.splitlines()[1:])


def _report_page(document: Document) -> str:
    """{SELF}: the address the page was asked by (filled in when served)."""
    canonical = f"<link rel='canonical' href='{document.path}'>" if "moved" in document.name else ""
    return (f"<html><head><meta charset='utf-8'><title>{document.title}</title>{canonical}</head><body>"
            f"<h1>{document.title}</h1><div class='info'>发布日期：{document.year + 1}-01-20</div>"
            f"<div class=TRS_Editor>{_seed_html(_seed(document.seed))}</div>"
            "<div class='share'><a href='{SELF}'>分享到微信</a></div></body></html>")


def _list_page(name: str, root: str, reordered: bool) -> str:
    links = LINKS[name][::-1] if reordered else LINKS[name]
    rows = "".join(f"<li><a href='{href.replace('{ROOT_UPPER}', root.upper())}'>{BY_NAME[doc].title}</a>"
                   f"<span>{BY_NAME[doc].year + 1}-01-20</span></li>" for href, doc in links)
    pager = f"<div class='page'><a href='{NEXT[name]}'>下一页</a></div>" if name in NEXT else ""
    return (f"<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body>"
            f"<ul class='list'>{rows}</ul>{pager}</body></html>")


class Portal:
    """The red team's portal on 127.0.0.1: `hits` counts (document name or path, status)."""

    def __init__(self):
        self.hits: Counter = Counter()
        self.reordered = False             # the lists' links in the other order (a later night)
        self.pdf = (FIXTURES / "corpus" / "hongze_2023.pdf").read_bytes()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.pages = {d.name: _report_page(d) for d in REPORTS}

    def start(self) -> "Portal":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def document_at(self, address: str) -> Document | None:
        """The document a static server answers `address` (path and query) with."""
        parts = urlsplit(address)
        path = ";".join(parts.path.split(";")[:1])           # path parameters: ignored
        if path.endswith("/"):                                 # a directory: its index file
            path += "index.html"
        here = [d for d in DOCUMENTS if d.path.partition("?")[0] == path]
        for document in here:                                  # selected by its query
            query = document.path.partition("?")[2]
            if query and sorted(parse_qsl(query)) == sorted(parse_qsl(parts.query)):
                return document
        static = [d for d in here if "?" not in d.path and not path.endswith(".jsp")]
        return static[0] if static else None                   # a static file ignores its query

    def _answer(self, address: str) -> tuple[int, dict, bytes, str]:
        if address in REDIRECTS:
            status, target = REDIRECTS[address]
            return status, {"Location": target}, b"", address
        document = self.document_at(address)
        if document is None:
            return 404, {}, b"<html><body>404</body></html>", address
        if document.pdf:
            return 200, {"Content-Type": "application/pdf"}, self.pdf, document.name
        if document.agency is None:
            body = _list_page(document.name, self.root, self.reordered)
        else:
            body = self.pages[document.name].replace("{SELF}", html.escape(address))
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("utf-8"), document.name

    def _handler(self):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                status, headers, body, name = portal._answer(self.path)
                portal.hits[(name, status)] += 1
                self.send_response(status)
                headers.setdefault("Content-Type", "text/html; charset=utf-8")
                for key, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler


def sources_yaml(portal: Portal) -> str:
    import yaml
    agencies = sorted({d.agency for d in REPORTS})
    return yaml.safe_dump({"sources": [{"id": "redteam", "url": portal.root + "/nb/", "cms": "plain",
                                        "agencies": [{"name": a, "level": "department"} for a in agencies]}]},
                          allow_unicode=True)


def crawl(sources: Path, db: Path, *, python: str = sys.executable, root: Path | None = None,
          env: dict | None = None) -> subprocess.CompletedProcess:
    """One night's crawl, as the monitor runs it (`python -m crawler.run`)."""
    command = [python, "-m", "crawler.run", "--sources", str(sources), "--db", str(db)]
    command += [arg for setting in SETTINGS for arg in ("-s", setting)]
    return subprocess.run(command, cwd=root or ROOT, capture_output=True,
                          text=True, timeout=300, env=env)


def nights(portal: Portal, sources: Path, db: Path, count: int, **crawling) -> list[Counter]:
    """`count` nights' crawls, the lists reordered after the first; each night's hits."""
    hits = []
    for night in range(count):
        portal.hits.clear()
        portal.reordered = night > 0
        done = crawl(sources, db, **crawling)
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        hits.append(Counter(portal.hits))
    return hits


def figures(portal: Portal, db: Path, nights: list[Counter]) -> dict:
    """What the store and the portal show after the nights crawled (`nights`: each night's hits)."""
    import sqlite3
    with sqlite3.connect(db) as conn:
        reports = conn.execute("SELECT agency, year, versions, url FROM reports").fetchall()
        documents = [row[0] for row in conn.execute("SELECT url FROM documents")]
    held = Counter()
    for url in documents:
        document = portal.document_at(urlsplit(url)._replace(scheme="", netloc="").geturl())
        if document is not None and document.agency:
            held[document.name] += 1
    stored = {(agency, year) for agency, year, _, _ in reports}
    moved = {address for address in REDIRECTS}
    return {
        "reports expected": len({(d.agency, d.year) for d in REPORTS}),
        "reports stored": len(reports),
        "reports missing (merged away or never reached)": sum((d.agency, d.year) not in stored for d in REPORTS),
        "versions beyond the first": sum(versions - 1 for _, _, versions, _ in reports),
        "report downloads beyond one per night": sum(
            n - 1 for night in nights for (name, status), n in night.items()
            if status == 200 and name in BY_NAME and BY_NAME[name].agency),
        "document rows beyond one per document": sum(n - 1 for n in held.values()),
        "reports stored under an address that redirects": sum(
            any(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "") == old
                for old in moved) for *_, url in reports),
    }
