"""Loopback portals for the crawler tests: a small threaded HTTP server per host serving pages
written here (real report text from tests/fixtures/seeds, the real PDF from tests/fixtures/corpus,
a DOCX built from a seed), with ETag/Last-Modified support and a log of every request."""
from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"
PORTALS = FIXTURES / "portals"
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    conditional: bool = True          # answers If-None-Match / If-Modified-Since with 304
    etag: bool = True                 # sends an ETag (else Last-Modified only, when conditional)
    session: str | None = None        # a cookie "name=value" the page is served only with (else: expired)
    headers: dict = field(default_factory=dict)

    @property
    def tag(self) -> str | None:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"' if self.etag else None


@dataclass
class Hit:
    method: str
    path: str                 # path with query
    headers: dict
    body: bytes
    status: int


class Site:
    """Pages by path (with query; POST bodies are matched by a `POST <path>?<body>` key)."""

    def __init__(self, host: str):
        self.host = host
        self.pages: dict[str, Page] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.root + path

    def add(self, path: str, body: bytes | str, **options) -> None:
        self.pages[path] = Page(body.encode("utf-8") if isinstance(body, str) else body, **options)

    def paths(self, method: str = "GET") -> list[str]:
        return [hit.path for hit in self.hits if hit.method == method]

    def fetched(self, path: str) -> list[Hit]:
        """Requests for `path` answered with content (not 304)."""
        return [hit for hit in self.hits if hit.path == path and hit.status != 304]


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):        # keep test output clean
            pass

        def answer(self, method: str, body: bytes = b""):
            key = self.path if method == "GET" else f"POST {urlsplit(self.path).path}?{body.decode('latin-1')}"
            page = site.pages.get(key)
            if page is None and method == "POST":
                page = site.pages.get(f"POST {urlsplit(self.path).path}?{urlsplit(self.path).query}")
            if page is None:
                page = Page(b"<html><body>404</body></html>", status=404)
            if page.session and page.session not in (self.headers.get("Cookie") or "").split("; "):
                page = Page("<html><body>会话已过期，请从首页进入</body></html>".encode(), conditional=False)
            status = page.status
            if page.conditional and status == 200:
                # RFC 9110: If-None-Match, when sent, decides; If-Modified-Since only without it.
                tag = self.headers.get("If-None-Match")
                if page.tag and tag == page.tag or tag is None and self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    status = 304
            with site.lock:
                site.hits.append(Hit(method, self.path, dict(self.headers), body, status))
            if page.delay:
                time.sleep(page.delay)
            payload = b"" if status == 304 else page.body
            try:
                self.send_response(status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(payload)))
                if page.conditional:
                    if page.tag:
                        self.send_header("ETag", page.tag)
                    self.send_header("Last-Modified", LAST_MODIFIED)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass                          # the crawler gave up (timeout): fine

        def do_GET(self):
            self.answer("GET")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.answer("POST", self.rfile.read(length))

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 128       # the crawler opens many connections at once; do not drop SYNs


@pytest.fixture
def serve():
    """serve(site) starts a server for the site on its host and a free port."""
    servers = []

    def start(site: Site) -> Site:
        server = _Server((site.host, 0), _handler(site))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site.server = server
        servers.append(server)
        return site

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------- report content
def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8")


def seed_title(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def seed_blocks(text: str) -> list[tuple[str, object]]:
    """The seed after its title as ("p", text) paragraphs and ("table", rows) for its
    tab-separated lines."""
    blocks: list[tuple[str, object]] = []
    for line in text.splitlines()[1:]:
        if "\t" in line:
            row = line.rstrip("\t").split("\t")
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(row)
            else:
                blocks.append(("table", [row]))
        elif line.strip():
            blocks.append(("p", line.strip()))
    return blocks


def seed_body_html(text: str) -> str:
    """The seed as a portal would show it: paragraphs, and its tab-separated rows as tables."""
    return "\n".join(
        f"<p>{block}</p>" if kind == "p" else "<table border='1'>" + "".join(
            "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in block) + "</table>"
        for kind, block in seed_blocks(text))


def seed_docx(text: str) -> bytes:
    """The seed as a Word document: title, paragraphs, tables."""
    from docx import Document

    document = Document()
    document.add_heading(seed_title(text), level=1)
    for kind, block in seed_blocks(text):
        if kind == "p":
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=max(len(r) for r in block))
        for i, row in enumerate(block):
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def detail_page(title: str, body: str, *, date_line: str = "", meta: str = "", charset: str = "utf-8",
                container: str = '<div class=TRS_Editor>{}</div>') -> str:
    return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
            f"<meta name='ArticleTitle' content='{title}'>{meta}<title>{title}</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a></div><h1>{title}</h1>"
            f"<div class='info'>{date_line}</div>{container.format(body)}</body></html>")


def list_page(items: list[tuple[str, str, str]], *, script: str = "", extra: str = "", charset: str = "utf-8") -> str:
    rows = "".join(f"<li><a href='{href}' title='{title}'>{title}</a><span>{date}</span></li>"
                   for href, title, date in items)
    return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
            f"<title>政府信息公开年报</title></head><body><ul class='list'>{rows}</ul>{extra}"
            f"<div class='page'><script>{script}</script></div></body></html>")


def sources_yaml(sources: list[dict]) -> str:
    import yaml
    return yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False)


def strip_ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------- the test portals
JIANXI = "涧西区人民政府2021年政府信息公开工作年度报告"
XIGUAN = "老城区西关街道办事处2021年政府信息公开工作年度报告"
YIBIN = "洛阳市伊滨经开区人民政府2020年政府信息公开工作年度报告"
YANJIN = "延津县人民政府办公室2023年政府信息公开工作年度报告"
HONGZE = "淮安市洪泽区人民政府2023年政府信息公开工作年度报告"
BAIJIANTAN = "2021年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告"

# (agency, year) → publication date the crawl must find
EXPECTED = {
    ("涧西区人民政府", 2021): "2022-01-20",          # visible 发布日期 on the page
    ("老城区西关街道办事处", 2021): "2022-01-25",     # URL date (the PubDate meta is a rebuild time)
    ("洛阳市伊滨经开区人民政府", 2020): "2021-01-20",  # visible date; the report is a DOCX attachment
    ("延津县人民政府办公室", 2023): "2024-01-30",     # GBK page declared gb2312
    ("淮安市洪泽区人民政府", 2023): "2024-01-25",     # a PDF listed directly: the list date
    ("白碱滩区(克拉玛依高新区)政府办公室", 2021): "2022-01-18",  # Hanweb dataproxy record, URL date
}

TRS_PAGER = """
//createPageHTML(9, 0, "index", "html");   an old call left behind: never followed
createPageHTML(3, 0, "index", "html");
"""


@dataclass
class Portals:
    county: Site        # TRS column behind a 政府信息公开 entry page (127.0.0.1)
    hanweb: Site        # Hanweb column; also hosts the county's DOCX attachment (localhost)
    blocked: Site       # 加速乐 wall (127.0.0.3)
    foreign: Site       # a host no source allows (127.0.0.2)
    sources: Path

    @property
    def sites(self) -> list[Site]:
        return [self.county, self.hanweb, self.blocked, self.foreign]


def build_portals(serve, tmp_path: Path) -> Portals:
    county, hanweb = serve(Site("127.0.0.1")), serve(Site("localhost"))
    blocked, foreign = serve(Site("127.0.0.3")), serve(Site("127.0.0.2"))
    nb = "/xxgk/nb"

    county.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    county.add("/xxgk/index.html", (
        "<html><head><meta charset='utf-8'><title>政府信息公开</title></head><body><div class='menu'>"
        "<h3><a href='/xxgk/zn/'>政府信息<br>公开指南</a></h3>"
        f"<h3><a href='{nb}/'><em></em>政府信息<br>\n    公开年报</a></h3></div></body></html>"))
    first = list_page([
        ("./202201/t20220120_1.html", JIANXI, "2022-01-20"),
        (f"{county.root}{nb}/202201/t20220120_1.html#content", JIANXI, "2022-01-20"),
        ("./202201/t20220115_2.html", "涧西区召开2022年政务公开工作会议", "2022-01-15"),
        ("./202201/t20220110_3.html", "涧西区人民政府2021年政府网站工作年度报表", "2022-01-10"),
        (foreign.url("/nb/t20220101_1.html"), "外区人民政府2021年政府信息公开工作年度报告", "2022-01-01"),
        ("/private/t20220101_9.html", "涧西区人民政府2020年政府信息公开工作年度报告", "2021-01-09"),
        ("./202202/t20220210_4.html", "涧西区卫生健康委员会2021年政府信息公开工作年度报告", "2022-02-10"),
        ("./202202/t20220211_5.html", "涧西区教育局2021年政府信息公开工作年度报告", "2022-02-11"),
        ("./202202/t20220212_6.html", "涧西区财政局2021年政府信息公开工作年度报告", "2022-02-12"),
    ], script=TRS_PAGER)
    county.add(f"{nb}/", first)
    county.add(f"{nb}/index.html", first)
    county.add(f"{nb}/index_1.html", list_page([
        ("./202201/t20220120_1.html;jsessionid=A1B2?from=list", JIANXI, "2022-01-20"),
        ("./202201/t20220125_7.html", XIGUAN, "2022-01-25"),
        ("./202101/t20210120_8.html", YIBIN, "2021-01-20"),
    ], script=TRS_PAGER.replace("3, 0,", "3, 1,")))
    county.add(f"{nb}/index_2.html", list_page([
        ("./202401/t20240130_10.html", YANJIN, "2024-01-30"),
        ("./202401/P020240125.pdf", HONGZE, "2024-01-25"),
    ], script=TRS_PAGER.replace("3, 0,", "3, 2,"), charset="gb2312").encode("gb18030"),
        content_type="text/html; charset=gb2312")
    county.add(f"{nb}/index_3.html", list_page([("./202401/t20240101_99.html", "涧西区2099年政府信息公开工作年度报告", "2099-01-01")]))

    jianxi = seed("000")
    county.add(f"{nb}/202201/t20220120_1.html", detail_page(
        JIANXI, seed_body_html(jianxi), date_line="发布日期：2022-01-20 来源：涧西区人民政府办公室",
        meta="<meta name='PubDate' content='2023-06-01 10:00'>"))
    county.add(f"{nb}/202201/t20220115_2.html", detail_page("涧西区召开2022年政务公开工作会议", "<p>会议</p>"))
    county.add(f"{nb}/202201/t20220125_7.html", detail_page(
        XIGUAN, seed_body_html(seed("001")), meta="<meta name='PubDate' content='2023-05-01 08:00:00'>"))
    county.add(f"{nb}/202101/t20210120_8.html", detail_page(
        YIBIN, "<p>洛阳市伊滨经开区人民政府2020年政府信息公开工作年度报告全文见附件。</p>"
               "<p><a href='./P020210120_report.wps'>附件（WPS）</a></p>"
               "<script>var att='<a href=\"" + hanweb.url("/files/P020210120.docx") + "\">附件</a>';"
               "document.write(att);</script>",
        date_line="发布时间：2021年01月20日"))
    county.add(f"{nb}/202401/t20240130_10.html", detail_page(
        YANJIN, seed_body_html(seed("003")), date_line="发布日期：2024-01-30", charset="gb2312",
    ).encode("gb18030"), content_type="text/html; charset=gb2312")
    county.add(f"{nb}/202401/P020240125.pdf", (FIXTURES / "corpus" / "hongze_2023.pdf").read_bytes(),
               content_type="application/pdf")
    county.add(f"{nb}/202202/t20220210_4.html", "<html><body>Internal Server Error</body></html>", status=500)
    county.add(f"{nb}/202202/t20220211_5.html", detail_page("涧西区教育局2021年政府信息公开工作年度报告", "<p>慢</p>"),
               delay=4)
    county.add(f"{nb}/202202/t20220212_6.html",
               "<html><body><script>var wzws_cid='x';</script><p>请开启JavaScript并刷新该页.</p></body></html>")
    county.add("/private/t20220101_9.html", detail_page("涧西区人民政府2020年政府信息公开工作年度报告", "<p>x</p>"))

    hanweb.add("/files/P020210120.docx", seed_docx(seed("002")),
               content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    record = "<record><![CDATA[<li><a href='{0}' title='{1}' target='_blank'>{1}</a><span>{2}</span></li>]]></record>"
    hanweb.add("/col/col123/index.html", (
        "<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body><div id='6789'>"
        "<script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1"
        "&webid=1&path=/&columnid=123&unitid=6789\"></a>]]></nextgroup><recordset>"
        + record.format("/art/2022/3/1/art_123_701.html", "克拉玛依市白碱滩区2022年政务公开工作要点", "2022-03-01")
        + record.format("/art/2022/2/1/art_123_702.html", "白碱滩区政府网站2021年工作年度报表", "2022-02-01")
        + "</recordset></datastore></script></div>"
        "<script>$('#6789').jpage({dataStore: dataStore, perPage: 2, totalRecord: 5, groupSize: 1,"
        " proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {col: 1, webid: 1, path: '/',"
        " columnid: 123, unitid: '6789', permissiontype: 0}});</script></body></html>"))
    proxy = "POST /module/web/jpage/dataproxy.jsp?startrecord={}&endrecord={}&perpage=2"
    hanweb.add(proxy.format(3, 4), (
        "<?xml version='1.0' encoding='utf-8'?><datastore><totalrecord>5</totalrecord><totalpage>3</totalpage>"
        "<recordset>" + record.format("/art/2022/1/18/art_123_777.html", BAIJIANTAN, "2022-01-18")
        + record.format("/art/2021/12/1/art_123_703.html", "白碱滩区召开政务公开培训会", "2021-12-01")
        + "</recordset></datastore>"), content_type="text/xml; charset=utf-8")
    hanweb.add(proxy.format(5, 5), (
        "<?xml version='1.0' encoding='utf-8'?><datastore><totalrecord>5</totalrecord><totalpage>3</totalpage>"
        "<recordset>" + record.format("/art/2021/11/1/art_123_704.html", "白碱滩区政务服务通知", "2021-11-01")
        + "</recordset></datastore>"), content_type="text/xml; charset=utf-8")
    hanweb.add("/art/2022/1/18/art_123_777.html", (
        f"<html><head><meta charset='utf-8'><title>{BAIJIANTAN}</title></head><body><div id='zoom'>"
        f"<!--ZJEG_RSS.content.begin--><p>{BAIJIANTAN}</p>{seed_body_html(seed('004'))}"
        "<!--ZJEG_RSS.content.end--></div></body></html>"))

    blocked.add("/col/index.html", "<html><script>document.cookie='__jsl_clearance=1';</script></html>", status=521)
    foreign.add("/nb/t20220101_1.html", detail_page("外区人民政府2021年政府信息公开工作年度报告", "<p>x</p>"))

    agencies = lambda *names: [{"name": n, "level": "government", "first_year": 2019} for n in names]  # noqa: E731
    path = tmp_path / "sources.yaml"
    path.write_text(sources_yaml([
        {"id": "luoyang-county", "url": county.url("/xxgk/index.html"), "find_column": True,
         "allowed_hosts": [hanweb.root],          # another port is another site: named with it
         "agencies": agencies("涧西区人民政府", "老城区西关街道办事处", "洛阳市伊滨经开区人民政府",
                              "延津县人民政府办公室", "淮安市洪泽区人民政府", "涧西区卫生健康委员会",
                              "涧西区教育局", "涧西区财政局")},
        {"id": "baijiantan", "url": hanweb.url("/col/col123/index.html"), "cms": "hanweb",
         "agencies": agencies("白碱滩区(克拉玛依高新区)政府办公室")},
        {"id": "walled", "url": blocked.url("/col/index.html"), "agencies": agencies("某县人民政府")},
    ]), "utf-8")
    return Portals(county, hanweb, blocked, foreign, path)


@pytest.fixture
def portals(serve, tmp_path) -> Portals:
    return build_portals(serve, tmp_path)


# Fast, deterministic settings for loopback crawls.
# NIANJIAN_REVERIFY_NIGHTS=1: every run asks for every stored report page again, as the tests of
# conditional requests expect; tests/crawler/test_rotation.py sets the rotation itself.
TEST_SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_TIMEOUT=1",
                 "RETRY_TIMES=1", "RETRY_BACKOFF_BASE=0.1", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                 "LOG_LEVEL=INFO", "NIANJIAN_REVERIFY_NIGHTS=1"]


@pytest.fixture
def expected_reports() -> dict:
    return dict(EXPECTED)


ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrawlResult:
    returncode: int
    stderr: str


@pytest.fixture
def crawl(tmp_path):
    """crawl(sources, db, *settings, jobdir=None) runs `python -m crawler.run` in a subprocess,
    as the monitor does (the Twisted reactor cannot restart inside the test process)."""
    import subprocess
    import sys

    def run(sources: Path, db: Path, *settings: str, jobdir: Path | None = None, timeout: float = 120) -> CrawlResult:
        command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--db", str(db)]
        command += [arg for setting in (*TEST_SETTINGS, *settings) for arg in ("-s", setting)]
        if jobdir:
            command += ["--jobdir", str(jobdir)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        return CrawlResult(done.returncode, done.stderr)

    return run


@pytest.fixture
def kit():
    """The helpers above for tests that build their own small site (conftest cannot be imported
    under --import-mode=importlib)."""
    from types import SimpleNamespace
    return SimpleNamespace(Site=Site, Page=Page, seed=seed, seed_title=seed_title, seed_body_html=seed_body_html,
                           detail_page=detail_page, list_page=list_page, sources_yaml=sources_yaml)
