"""The red team of the `changed` alert: a stored report served again as real portals serve it.

`same_cases`: everything a portal changes without editing the report (counters, dates, nonces,
sidebars, a re-template, whitespace and punctuation width, another encoding, a re-saved PDF, a
page split over parts, an attachment link beside the report) — none may raise an alert.
`edit_cases`: real edits (a figure, a row, a paragraph, the title's year, another agency's
report, an attachment with other figures) — each must raise one. Both bodies of a case are what
the crawler hands to ingest. Used by tests/monitor/test_change_detection.py and
benchmarks/change_detection.py.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = ("official_grid_trs.html", "word_export_2019.html", "split_tables_gbk.html")


@dataclass(frozen=True)
class Case:
    family: str
    page: str            # the fixture it is made from
    first: bytes
    second: bytes
    filename: str | None = None


def page_text(name: str) -> str:
    data = (FIXTURES / "html" / name).read_bytes()
    from parsers.page import decode_html
    return decode_html(data, None)


def _utf8(html: str) -> bytes:
    return re.sub(r"charset=[\w-]+", "charset=utf-8", html, flags=re.I).encode("utf-8")


def _after_body(html: str, chunk: str) -> str:
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + chunk, html, count=1, flags=re.I)


def _before_body_end(html: str, chunk: str) -> str:
    return re.sub(r"(</body>)", lambda m: chunk + m.group(1), html, count=1, flags=re.I)


# ---------------------------------------------------------------- what changes without an edit
def counters(html: str, n: int) -> str:
    token = f"{n * 7919:08x}"
    published = int(re.search(r"(20\d\d)年", html).group(1)) + 1      # the January after the report's year
    html = re.sub(r"(</head>)", f'<link rel="stylesheet" href="/css/site.css?v={token}">'
                  f'<script nonce="{token}">var _csrf="{token}";</script>\\1', html, count=1, flags=re.I)
    return _after_body(html, f'<div class="top">今天是2026年11月{n}日 星期{"一二三四五六日"[n % 7]}'
                             f' <a href="/login?token={token}">登录</a></div>'
                             f'<div class="info">浏览次数：{n * 37} 发布时间：{published}-01-20</div>')


def sidebars(html: str, n: int) -> str:
    items = "".join(f'<li><a href="/art/{n}{i}.html">关于做好第{n + i}批政务公开工作的通知</a></li>'
                    for i in range(4))
    return _before_body_end(html, f'<div class="side"><h3>相关文章</h3><ul>{items}</ul>'
                                  f'<h3>热点</h3><ul>{items[::-1]}</ul></div>'
                                  f'<div class="foot">版权所有 © 20{20 + n} 网站访问量：{n * 1000}</div>')


def retemplate(html: str, n: int) -> str:
    if n == 1:
        return html
    html = re.sub(r"class=(\"?)([\w-]+)\"?", lambda m: f'class="v2-{m.group(2).lower()}"', html)
    html = _after_body(html, '<div class="wrap"><div class="main-frame"><div class="col">')
    return _before_body_end(html, "</div></div></div>")


def reflow(html: str, n: int) -> str:
    if n == 1:
        return html
    html = re.sub(r"(</p>|</tr>|</td>)", r"\1\n   ", html, flags=re.I)
    html = re.sub(r"(<p[ >][^>]*>|<p>)", r"\1&nbsp;&nbsp; ", html, flags=re.I)
    table = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?"})
    # prose only: the text between tags, never inside a tag
    return re.sub(r">([^<]+)<", lambda m: ">" + m.group(1).translate(table) + "<", html)


def halves(html: str, pager: str = "") -> tuple[str, str]:
    """The page split over two parts as a CMS splits it: the first half of its article (and
    `pager` after it), and a page holding the second half."""
    from lxml import html as lxml_html
    from parsers.html import content_root
    root = lxml_html.document_fromstring(_utf8(html))
    container = content_root(root)
    children = list(container)
    later = lxml_html.document_fromstring("<html><body></body></html>")
    for child in children[len(children) // 2:]:
        later.body.append(child)
    if pager:
        container.addnext(lxml_html.fragment_fromstring(f"<div class='pages'>{pager}</div>"))
    return tuple(lxml_html.tostring(tree, encoding="unicode") for tree in (root, later))


def split_parts(html: str, n: int) -> str:
    """What the crawler hands over for a page split over parts: the first part with the later
    part's article body appended (crawler.pages.merge_parts)."""
    if n == 1:
        return html
    from crawler.pages import merge_parts
    first, later = halves(html)
    return merge_parts(first, [later])


def attachment_link(html: str, n: int) -> str:
    if n == 1:
        return html
    return _before_body_end(html, '<p>附件：<a href="/files/P020220120_report.pdf">年度报告.pdf</a></p>')


CHROME = {"counters_dates_nonces": counters, "sidebars_footer": sidebars,
          "cms_retemplate": retemplate, "whitespace_punctuation": reflow,
          "split_parts": split_parts, "attachment_link_added": attachment_link}
PDFS = ("filled_2021.pdf", "grid_split_columns_2021.pdf", "browser_seed_000.pdf")


def _resaved(pdf: bytes) -> bytes:
    """The same PDF saved again by another program: new object order, new trailer."""
    import pypdfium2
    out = io.BytesIO()
    pypdfium2.PdfDocument(pdf).save(out, version=17)
    return out.getvalue()


def same_cases() -> list[Case]:
    cases = []
    for name in PAGES:
        html = page_text(name)
        for family, chrome in CHROME.items():
            cases.append(Case(family, name, _utf8(chrome(html, 1)), _utf8(chrome(html, 2))))
        gbk = re.sub(r"charset=[\w-]+", "charset=gbk", html, flags=re.I)
        if "charset=gbk" not in gbk:
            gbk = re.sub(r"(<head[^>]*>)", r'\1<meta charset="gbk">', gbk, count=1, flags=re.I)
        cases.append(Case("gbk_encoding", name, _utf8(html), gbk.encode("gbk")))
    for name in PDFS:
        pdf = (FIXTURES / "pdf" / name).read_bytes()
        cases.append(Case("pdf_resaved", name, pdf, _resaved(pdf), filename=name))
    return cases


# ---------------------------------------------------------------- real edits
_NUMBER_CELL = re.compile(r"(<td[^>]*>(?:\s*<[^>]+>)*\s*)(\d+)(\s*<)")
EDIT_ROW = "8.属于行政查询事项"


def one_figure(html: str) -> str:
    """The first figure of table 三 (after its heading), one more."""
    match = _NUMBER_CELL.search(html, html.index("三、收到和处理"))
    return html[:match.start(2)] + str(int(match.group(2)) + 1) + html[match.end(2):]


def _without_row(html: str, label: str) -> str:
    return re.sub(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(label) + r"(?:(?!</tr>).)*</tr>", "", html,
                  count=1, flags=re.S | re.I)


def _rewritten_paragraph(html: str) -> str:
    from parsers import parse
    lines = [line for line in parse(html.encode("utf-8")).narrative.splitlines() if line in html]
    head, _, tail = html.rpartition(max(lines, key=len))     # the body's, not the <title>'s
    return head + "本机关将进一步加强政务公开平台建设，及时回应社会关切。" + tail


def _title_year(html: str) -> str:
    """The page with the year of its title one less wherever the title stands (the typo the
    agency then corrects)."""
    from parsers import parse
    title = parse(html.encode("utf-8")).title
    year = re.search(r"20\d\d", title).group(0)
    return html.replace(title, title.replace(year, str(int(year) - 1)))


def edit_cases() -> list[Case]:
    cases = []
    other = (FIXTURES / "pdf" / "browser_seed_000.pdf").read_bytes()
    for name in PAGES:
        html = page_text(name)
        cases.append(Case("figure_changed", name, _utf8(html), _utf8(one_figure(html))))
        cases.append(Case("row_added", name, _utf8(_without_row(html, EDIT_ROW)), _utf8(html)))
        cases.append(Case("paragraph_rewritten", name, _utf8(html), _utf8(_rewritten_paragraph(html))))
        cases.append(Case("title_year_corrected", name, _utf8(_title_year(html)), _utf8(html)))
        cases.append(Case("another_agency", name, _utf8(html), other, filename="report.pdf"))
    pdfs = [(FIXTURES / "pdf" / f).read_bytes() for f in
            ("grid_split_columns_2021.pdf", "grid_split_columns_2021_edited.pdf")]
    cases.append(Case("attachment_replaced", "grid_split_columns_2021.pdf", *pdfs, filename="report.pdf"))
    return cases



def replay(case: Case, db_path: Path) -> tuple[list[str], list]:
    """Ingest the case's two bodies at one address a day apart, as two crawls would; the ingest
    statuses and the `changed` conditions the monitor then finds."""
    from datetime import datetime
    from monitor.alerts import changed_conditions, moved_conditions
    from nianjian.clock import SHANGHAI
    from nianjian.ingest import ingest_document
    from nianjian.store import Store
    from parsers import parse
    base = (FIXTURES / ("pdf" if case.page.endswith(".pdf") else "html") / case.page).read_bytes()
    truth = parse(base, filename=case.page)
    statuses = []
    with Store(db_path) as store:
        for day, body in ((1, case.first), (2, case.second)):
            pdf = body.startswith(b"%PDF")
            statuses.append(ingest_document(
                store, body=body, url="http://127.0.0.1:9/zwgk/nb/t20220120_1.html",
                content_type="application/pdf" if pdf else "text/html",
                filename=case.filename if pdf else None, source=None, agency_hint=truth.agency,
                published_hint=None, listed_title=None, expected_year=truth.year,
                seen_at=datetime(2022, 2, day, 2, tzinfo=SHANGHAI)).status)
        return statuses, changed_conditions(store.db) + moved_conditions(store.db)
