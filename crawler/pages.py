"""Pure page reading for the crawler: text (+ its URL) in, links, dates and bodies out.

No Scrapy, no network, no database: everything here is tested against saved portal pages.
The Chinese wording it matches lives in `portal_patterns.yaml` and `botwalls.yaml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import islice
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import yaml
from lxml import etree
from lxml import html as lxml_html
from parsel import Selector

from nianjian.urls import fetch_url
from parsers.html import content_root, table_pictures
from parsers.metadata import title_match
from parsers.page import iso_date, meta_tags, published_date


@lru_cache(maxsize=None)
def patterns() -> dict:
    return yaml.safe_load(resources.files("crawler").joinpath("portal_patterns.yaml").read_text("utf-8"))


@lru_cache(maxsize=None)
def botwalls() -> list[dict]:
    return yaml.safe_load(resources.files("crawler").joinpath("botwalls.yaml").read_text("utf-8"))["walls"]


_SPACE = re.compile(r"[\s\u00a0\u3000]+")
# A year printed in a title, in digits or Chinese numerals (二〇二三年): whether the title names
# one at all, not which is the report's (`report_year`).
_PRINTED_YEAR = re.compile(r"(?:19|20)\d\d|[〇○零一二三四五六七八九]{4}年")


def compact(text: str | None) -> str:
    """Text without any white space: how portal wording is compared."""
    return _SPACE.sub("", text or "")


# ------------------------------------------------------------------ report titles and years
@lru_cache(maxsize=4096)
def is_report_title(title: str | None) -> bool:
    """True when the title names a 政府信息公开 annual report (not the 政府网站 report, not news)."""
    text = compact(title)
    rules = patterns()["report_title"]
    return (any(re.search(p, text) for p in rules["include"])
            and not any(re.search(p, text) for p in rules["exclude"])
            and _PRINTED_YEAR.search(text) is not None)


_CUT = re.compile(r"(?:…+|\.{2,})$")


def listed_report(title: str | None) -> bool:
    """True when a list's link title names a report, or is cut (… or ...) inside the report
    phrase ("某县2023年政府信息公开工作年度..."): the report page then tells."""
    if is_report_title(title):
        return True
    text = compact(title)
    shown = _CUT.sub("", text)
    return (shown != text and _PRINTED_YEAR.search(shown) is not None
            and any(re.search(p, shown) for p in patterns()["report_title"]["cut"])
            and not any(re.search(p, shown) for p in patterns()["report_title"]["exclude"]))


def report_year(title: str | None) -> int | None:
    """The report year a title names, read as the parser reads a title (`title_match`), so the
    crawl and the parse agree: "鄂尔多斯市2019年政府信息公开工作年度报告" → 2019, "二〇二三年" too.
    None when it names none surely: a publication date ("…年度报告（2023年1月20日）"), a range."""
    found = title_match(compact(title))
    return found[2] if found else None


# ------------------------------------------------------------------ list pages
class UnreadablePage(ValueError):
    """A list page that is not what its family reads (an HTML error page where JSON was due)."""


@dataclass(frozen=True)
class ListPage:
    """A further page of a column: a URL, or a form POST (Hanweb's dataproxy.jsp). `reader`
    names the family that reads the answer when it is not HTML (Hanweb XML, gkmlpt JSON)."""
    url: str
    formdata: tuple[tuple[str, str], ...] = ()
    reader: str | None = None


@dataclass(frozen=True)
class Entry:
    """A report listed on a column page."""
    url: str
    title: str
    year: int | None                # None: the title names no year surely (its page may)
    listed_date: str | None = None


# A date in a list row: digits on neither side ("2023-00012" in a 索引号 is none), the year
# first. A month and day alone ("01-20") are no date (its year would be a guess), but are left
# out of a title like a whole date shown inside the link.
_LIST_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d/.-])(?:0?[1-9]|1[0-2])\s*[-/.月]\s*(?:0?[1-9]|[12]\d|3[01])(?![\d/.-])")
# A text that is only a date: bracketed, labelled ("发布时间：") or timed ("10:30") at most.
_DATE_ONLY = re.compile(r"(?:[^\d\s:：]{1,6}\s*[:：])?\s*[\[(（【]?\s*(?:%s|%s)\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
                        r"\s*[\])）】]?" % (_LIST_DATE.pattern, _MONTH_DAY.pattern))
# The address a script link opens (`window.open('…')`, `location.href='…'`, `openWin('…')`):
# its first quoted string that is one (a path, or a file name with a page's extension).
_SCRIPT_TARGET = re.compile(r"""['"]((?:https?:)?//[^'"\s]+|\.{0,2}/[^'"\s]*|[\w.-]+\."""
                            r"""(?:s?html?|jhtml|jsp|aspx?|php|pdf|docx?|wps|ofd)(?:\?[^'"\s]*)?)['"]""", re.I)


def _list_dates(text: str) -> set[str]:
    return {found for m in _LIST_DATE.finditer(text) if (found := iso_date(*m.groups()))}


def _target(anchor, base_url: str) -> str | None:
    """Where a link leads: its href, else the address its script opens (`href="#"
    onclick="window.open('…')"`). A script link whose address is unknown stays as written (the
    crawler records it as a bad link); an in-page link leads nowhere."""
    href = (anchor.get("href") or "").strip()
    if href and not href.lower().startswith(("#", "javascript:")):
        return fetch_url(href, base_url)
    for script in (anchor.get("onclick") or "", href):
        if found := _SCRIPT_TARGET.search(script):
            return fetch_url(found.group(1), base_url)
    return href if href.lower().startswith("javascript:") else None


def _own_texts(anchor) -> list[str]:
    """The link's text nodes but a date shown inside the link (a card's `<span>2024-01-23</span>`)."""
    return [t for t in anchor.xpath(".//text()") if not _DATE_ONLY.fullmatch(t.strip())]


def _link_title(anchor) -> str:
    """The link's text, or its `title` attribute when that is longer (lists cut long titles:
    "…年度报…"), without the file extension of an attachment listed directly ("….pdf")."""
    text = compact(" ".join(_own_texts(anchor)))
    title = compact(anchor.get("title", ""))
    chosen = title if len(title) > len(text.rstrip(".…")) or not text else text
    return _attachment_suffix().sub("", chosen)


@lru_cache(maxsize=1)
def _attachment_suffix() -> re.Pattern:
    kinds = patterns()["attachments"]
    return re.compile(r"\.(?:%s)$" % "|".join((*kinds["supported"], *kinds["unsupported"])), re.I)


@lru_cache(maxsize=1)
def _list_rules() -> dict:
    rules = dict(patterns()["list_rows"])
    rules["heading_class"] = re.compile(rules["heading_class"], re.I)
    rules["sidebar_headings"] = [re.compile(p) for p in rules["sidebar_headings"]]
    return rules


def _row(anchor, url: str, owners: dict) -> object:
    """The list row a link is the item of: its highest ancestor holding no other item's link, a
    few levels up at most, ending at a `row_tags` element (li, tr …), never a whole list (ul,
    table …)."""
    rules, row = _list_rules(), anchor
    for depth, parent in enumerate(anchor.iterancestors()):
        if depth >= rules["max_depth"] or parent.tag in rules["never_rows"] or owners.get(parent) != {url}:
            break
        row = parent
        if parent.tag in rules["row_tags"]:
            break
    return row


def _row_texts(row, anchor) -> list[str]:
    """The row's text nodes but the link's own (a title may name a date; a date inside the link
    is the row's)."""
    inside = set(anchor.iter())
    return [t for t in row.xpath(".//text()")
            if t.getparent() not in inside or (t.is_tail and t.getparent() is anchor)
            or _DATE_ONLY.fullmatch(t.strip())]


def _header(tr) -> list[str] | None:
    """The column labels of the table a row is in, spans spread (a `colspan=2` label names two
    columns): among its first `header_rows` rows, the first of <th>s, or of text cells naming
    a date (`<td>发布日期</td>`), before the row; None when it has none."""
    table = next((a for a in tr.iterancestors() if a.tag == "table"), None)
    if table is None:
        return None
    for row in islice(table.iter("tr"), _list_rules()["header_rows"]):
        if row is tr:
            return None
        cells = row.xpath("./td|./th")
        labels = [compact(cell.xpath("string()")) for cell in cells]
        if row.xpath("./th") or (not row.xpath(".//a") and any("日期" in t or "时间" in t for t in labels)):
            return [label for cell, label in zip(cells, labels) for _ in range(_span(cell))]
    return None


def _span(cell) -> int:
    span = (cell.get("colspan") or "1").strip()
    return int(span) if span.isdigit() and 0 < int(span) < 20 else 1


def _column_date(row) -> str | None | bool:
    """The date of a table row under a header naming its date columns (索引号 | 名称 | 发布机构 |
    成文日期 | 发布日期): the one in the first publication column `date_columns` names; None when
    the header names only other dates (成文日期 is no publication date); False when the row is
    no such table's whole row (a <tr> of two items is read cell by cell)."""
    tr = row if row.tag == "tr" else None
    labels = _header(tr) if tr is not None else None
    if not labels or not any("日期" in label or "时间" in label for label in labels):
        return False
    cells = [cell for cell in tr.xpath("./td|./th") for _ in range(_span(cell))]
    for wanted in _list_rules()["date_columns"]:
        if wanted in labels and labels.index(wanted) < len(cells):
            dates = _list_dates(" ".join(cells[labels.index(wanted)].xpath(".//text()")))
            return dates.pop() if len(dates) == 1 else None
    return None


def _row_date(row, anchor) -> str | None:
    """The date a row shows, when it shows exactly one whole date (a row with two, or with
    only "01-20", has none a reader may be sure of); a table's by its header."""
    if (by_column := _column_date(row)) is not False:
        return by_column
    dates = _list_dates(" ".join(_row_texts(row, anchor)))
    return dates.pop() if len(dates) == 1 else None


def _sidebar(row) -> bool:
    """True when the row sits in the page's chrome (nav, header, footer, aside) or in a block
    whose own heading is a sidebar's (相关链接, 热点信息, 最新文章 …). Its own heading: looking
    outwards from the row, the first heading before it at a level where no block of links
    comes between them (a heading beyond such a block is that block's)."""
    rules = _list_rules()
    if any(a.tag in rules["chrome_tags"] for a in row.iterancestors()):
        return True
    for element in (row, *row.iterancestors()):
        if element.tag in ("body", "html"):
            return False
        for sibling in element.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            named = f"{sibling.get('class', '')} {sibling.get('id', '')}"
            if sibling.tag in rules["heading_tags"] or rules["heading_class"].search(named):
                text = compact(sibling.xpath("string()"))
                return len(text) <= rules["heading_length"] and any(p.match(text) for p in rules["sidebar_headings"])
            if sibling.tag == "a" or next(sibling.iter("a"), None) is not None:
                break                  # another block (or row) of links: look one level out
    return False


def _column_page(url: str) -> bool:
    """True when a URL names a column's list page (a directory, `index.html`, `list.jsp?…`): a
    year's sub-column ("2023年政府信息公开年报" → ./2023/) or an organ's page, never a report.
    `index.php?…&id=5` may be a dynamic CMS's article: only `column_pages_with_query` names
    keep a query."""
    parts = urlsplit(url)
    name = parts.path.rpartition("/")[2]
    stem, _, extension = name.rpartition(".")
    kinds = patterns()["attachments"]
    if extension.lower() in (*kinds["supported"], *kinds["unsupported"]):
        return False
    if parts.query:
        return stem.lower() in patterns()["column_pages_with_query"]
    return not name or stem.lower() in patterns()["column_pages"]


def report_entries(html: str, base_url: str) -> list[Entry]:
    """The reports a list page (or list fragment) lists: links whose title names an annual
    report and a year (or is cut inside that phrase: "…年度..."), in the page rather than its
    chrome (nav, header, footer, a block headed 相关链接/热点/最新…), and no sub-column's; each
    URL once, in page order, with the date its row shows (see `_row_date`), the date all its
    rows agree on when it is listed twice. Links to other sites, `javascript:` or `file://`
    are kept: the crawler refuses them and records why (crawler/origins.py)."""
    selector = Selector(text=html or "<html></html>")
    root = selector.root
    for base in root.iter("base"):
        if base.get("href"):
            base_url = urljoin(base_url, base.get("href").strip())
            break
    shortest = _list_rules()["item_title"]
    links = []
    for anchor in root.iter("a"):
        if (url := _target(anchor, base_url)) is not None:
            links.append((anchor, url, _link_title(anchor)))
    owners: dict = {}                         # element → the item links under it (two are enough)
    for anchor, url, title in links:
        # an item: a titled link, not one to a column or an organ's page (发布机构 in a row)
        if len(title) >= shortest and not _column_page(url):
            for parent in anchor.iterancestors():
                held = owners.setdefault(parent, set())
                if len(held) < 2:
                    held.add(url)
    listed: dict[str, list[tuple[str, str | None]]] = {}
    for anchor, url, title in links:
        if not listed_report(title) or _column_page(url):
            continue
        row = _row(anchor, url, owners)
        if not _sidebar(row):
            listed.setdefault(url, []).append((title, _row_date(row, anchor)))
    entries = []
    for url, rows in listed.items():
        title = max((title for title, _ in rows), key=len)
        dates = {date for _, date in rows} - {None}
        entries.append(Entry(url, title, report_year(title), dates.pop() if len(dates) == 1 else None))
    return entries


def sub_columns(html: str, base_url: str) -> list[str]:
    """The column's own sub-columns a list page links (部门年报 → ./bmnb/, 2023年度 → ./2023/,
    a box's 更多 → ./xznb/index.html): links to column pages in a directory below the page's
    own, outside its chrome; in page order, each once. A column at a site's root has none (its
    "sub-columns" would be the whole site)."""
    own = urlsplit(fetch_url(base_url))
    directory = own.path.rpartition("/")[0] + "/"
    if directory == "/":
        return []
    found = []
    for anchor in Selector(text=html or "<html></html>").root.iter("a"):
        url = _target(anchor, base_url)
        if not url or url in found or not _column_page(url):
            continue
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) == (own.scheme, own.netloc) and parts.path.rpartition("/")[0] + "/" != directory \
                and parts.path.startswith(directory) and not _sidebar(anchor):
            found.append(url)
    return found


def column_links(html: str, base_url: str) -> list[str]:
    """Links of a 政府信息公开 page whose text (or title) names the annual-report column, best
    wording first (the order of `column_link`); "政府信息<br>公开年报" is matched."""
    selector = Selector(text=html or "<html></html>")
    wording = patterns()["column_link"]
    ranked = []
    for anchor in selector.xpath("//a[@href]"):
        texts = {compact(" ".join(anchor.xpath(".//text()").getall())).lstrip("·•>»"),
                 compact(anchor.attrib.get("title", ""))}
        ranks = [rank for rank, pattern in enumerate(wording) for t in texts if re.fullmatch(pattern, t)]
        href = anchor.attrib["href"].strip()
        if ranks and href and not href.startswith("#"):
            ranked.append((min(ranks), fetch_url(href, base_url)))
    urls = []
    for _, url in sorted(ranked, key=lambda r: r[0]):
        if url not in urls:
            urls.append(url)
    return urls


_POSTBACK = re.compile(r"""^javascript:\s*__doPostBack\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""", re.I)


def _postback(anchor: Selector, selector: Selector, base_url: str, target: str, argument: str) -> ListPage:
    """ASP.NET's `javascript:__doPostBack('ctl00$Pager','Page$2')`: the page's form posted back
    with its hidden fields (__VIEWSTATE …) and the event target and argument."""
    form = (anchor.xpath("ancestor::form[1]") or selector.xpath("//form[.//input[@name='__VIEWSTATE']]")
            or selector.xpath("//form"))
    fields = {}
    if form:
        for hidden in form[0].xpath(".//input[@type='hidden'][@name]"):
            fields[hidden.attrib["name"]] = hidden.attrib.get("value", "")
    fields.update({"__EVENTTARGET": target, "__EVENTARGUMENT": argument})
    action = form[0].attrib.get("action", "").strip() if form else ""
    return ListPage(fetch_url(action or base_url, base_url), formdata=tuple(fields.items()))


def next_pages(html: str, base_url: str) -> list[ListPage]:
    """Plain pagination: the 下一页 link(s) (or the address a 下一页 script opens), or ASP.NET's
    下一页 postback (a form POST; the session cookie it needs is kept, see `cookies` in
    docs/crawling.md). Other script pagers (`javascript:…`) are no links, and neither is a 下一页
    leading back to this page or an earlier one (a last page's pager wrapping round to page 1)."""
    selector = Selector(text=html or "<html></html>")
    wording = set(patterns()["next_page_link"])
    here = fetch_url(base_url)
    found: list[ListPage] = []
    for anchor in selector.xpath("//a"):
        # the link's text, else its title or its picture's alt (a pager of images)
        texts = [" ".join(anchor.xpath(".//text()").getall()), anchor.attrib.get("title", ""),
                 *anchor.xpath(".//img/@alt").getall()]
        if next((compact(t) for t in texts if compact(t)), "") not in wording:
            continue
        if postback := _POSTBACK.match(anchor.attrib.get("href", "").strip()):
            page = _postback(anchor, selector, base_url, *postback.groups())
        else:
            target = _target(anchor.root, base_url)
            if not target or target.lower().startswith("javascript:") or _leads_back(target, here):
                continue
            page = ListPage(target)
        if page not in found:
            found.append(page)
    return found


def _page_of(url: str) -> tuple[tuple, int] | None:
    """(the pager, N) when a list page's URL numbers it: `index_3.html` (pager: the directory
    and `index`), `list.jsp?channelId=12&pageNo=3` (the path, the other parameters), else None."""
    parts = urlsplit(url)
    if page := _page_param(url, set(patterns()["article_parts"]["query_params"])):
        return ("query", parts.netloc, parts.path, page[0], tuple(page[2])), page[1]
    named = _file_name(url)
    if named and (numbered := _PART_SUFFIX.match(named[1])):
        return ("file", parts.netloc, named[0], numbered.group("stem"), named[2]), int(numbered.group("n"))
    return None


def _leads_back(target: str, here: str) -> bool:
    """True when `target` is this list page or an earlier page of the same pager: a lower
    number, or the pager's unnumbered first page (`index.html`, the directory, no `pageNo`)."""
    if target == here:
        return True
    numbered, mine = _page_of(target), _page_of(here)
    if mine is None:
        return False
    if numbered is not None:
        return numbered[0] == mine[0] and numbered[1] <= mine[1]
    kind, netloc, path, name, rest = mine[0]
    parts = urlsplit(target)
    if parts.netloc != netloc:
        return False
    if kind == "query":
        return parts.path == path and tuple(_without(target, name)) == rest
    directory, _, file = parts.path.rpartition("/")
    stem = file.rpartition(".")[0] or file
    return directory == path and (not file or stem == name or stem.lower() in patterns()["column_pages"])


# ------------------------------------------------------------------ detail pages
@dataclass(frozen=True)
class Attachment:
    url: str
    name: str
    extension: str

    @property
    def supported(self) -> bool:
        return self.extension in patterns()["attachments"]["supported"]


@dataclass(frozen=True)
class Detail:
    title: str | None
    body_html: str | None            # the article body container, when one was found
    has_report_tables: bool          # the body holds the report's tables: the page is the report
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    pictures: tuple[str, ...] = ()   # the body's pictures that may be tables (its tables as images)
    published: str | None = None     # the publication date the page shows (parsers.page.published_date)
    parts: tuple[str, ...] = ()      # the other parts of an article split over pages (article_parts)


_SCRIPT_HREF = re.compile(r"""href\s*=\s*\\?["']([^"'\\]+)\\?["']""", re.I)


def _attachment(href: str, name: str, base_url: str) -> Attachment | None:
    kinds = patterns()["attachments"]
    url = fetch_url(href, base_url)
    extension = urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in urlsplit(url).path else ""
    if extension not in (*kinds["supported"], *kinds["unsupported"]):
        return None
    return Attachment(url, compact(name) or url.rsplit("/", 1)[-1], extension)


def detail_title(selector: Selector) -> str | None:
    for xpath in patterns()["title_xpaths"]:
        text = compact(" ".join(selector.xpath(xpath).getall()))
        if text:
            return text
    return None


def body_html(html: str, selector: Selector) -> str | None:
    begin, end = patterns()["body_comments"]
    if begin in html and end in html:
        return html.split(begin, 1)[1].split(end, 1)[0]
    for css in patterns()["body_selectors"]:
        found = selector.css(css)
        if found:
            return found[0].get()
    return None


def read_detail(html: str, base_url: str) -> Detail:
    """Title, body, whether the body holds the report tables, and attachments (also the ones
    written by a script: `var att='<a href="./P0….pdf">'`), wherever they are."""
    selector = Selector(text=html or "<html></html>")
    body = body_html(html or "", selector)
    markers = patterns()["report_table_markers"]
    body_selector = Selector(text=body) if body else None
    tables = body_selector.xpath("//table") if body_selector else []
    # Text through lxml itself: parsel makes an object of every text node, the bulk of the time.
    texts = (compact(t.root.xpath("string()")) for t in tables)
    has_tables = any(any(m in text for m in markers) for text in texts)
    found: dict[str, Attachment] = {}
    candidates = [(a.attrib["href"], " ".join(a.root.xpath(".//text()")))
                  for a in selector.xpath("//a[@href]")]
    for script in selector.xpath("//script/text()").getall():
        candidates += [(href, "") for href in _SCRIPT_HREF.findall(script)]
    for href, name in candidates:
        attachment = _attachment(href, name, base_url)
        if attachment and attachment.url not in found:
            found[attachment.url] = attachment
    pictures = () if has_tables or not body else tuple(dict.fromkeys(
        fetch_url(src, base_url) for src in table_pictures(body_selector.root)))
    published = published_date(html or "", base_url, meta_tags(selector.root))
    parts = tuple(article_parts(html, base_url, selector))
    return Detail(detail_title(selector), body, has_tables, tuple(found.values()), pictures, published, parts)


def script_built(html: str) -> bool:
    """True when a page's scripts fetch data or write markup: a list built in the browser."""
    selector = Selector(text=html or "<html></html>")
    code = "\n".join(selector.xpath("//script[not(@src)]/text()").getall())
    return any(marker in code for marker in patterns()["script_list_markers"])


# ------------------------------------------------------------------ bot walls
def _wall(status: int, body: bytes) -> dict | None:
    head = body[:65536].decode("utf-8", "replace") + body[:65536].decode("gb18030", "replace")
    for wall in botwalls():
        if wall.get("status") == status or any(marker in head for marker in wall.get("body", ())):
            return wall
    return None


def botwall(status: int, body: bytes) -> str | None:
    """Name of the anti-bot wall this response is (markers in botwalls.yaml), else None."""
    wall = _wall(status, body)
    return wall["name"] if wall else None


def js_challenge(status: int, body: bytes) -> str | None:
    """Name of the wall when it is a JavaScript challenge a browser passes, else None."""
    wall = _wall(status, body)
    return wall["name"] if wall and wall.get("browser") else None


# ------------------------------------------------------------------ articles split over pages
_PART_SUFFIX = re.compile(r"^(?P<stem>.+)_(?P<n>\d{1,4})$")
_SUFFIX = ""          # how a part is numbered: `…_N.html`, else the query parameter's name


def _file_name(url: str) -> tuple[str, str, str] | None:
    """(directory, stem, extension) of a URL naming a file (`…/t20220120_12345.html`), else None."""
    directory, _, name = urlsplit(url).path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    return (directory, stem, ext.lower()) if dot and stem else None


def _page_param(url: str, names: set[str]) -> tuple[str, int, list] | None:
    """(parameter, page number, the other parameters) when the URL's query numbers a page."""
    params = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    numbered = [(k, v) for k, v in params if k in names and v.isdigit()]
    if len(numbered) != 1:
        return None
    name, number = numbered[0]
    return name, int(number), sorted((k, v) for k, v in params if k != name)


def _part_number(url: str, own: str, names: set[str]) -> tuple[str, int] | None:
    """(_SUFFIX or the query parameter, N) when `url` is part N of the article beginning at `own`."""
    a, b = urlsplit(url), urlsplit(own)
    if (a.scheme, a.netloc) != (b.scheme, b.netloc):
        return None
    mine, theirs = _file_name(own), _file_name(url)
    if mine and theirs and theirs[0] == mine[0] and theirs[2] == mine[2] and a.query == b.query:
        numbered = _PART_SUFFIX.match(theirs[1])
        if numbered and numbered.group("stem") == mine[1]:
            return _SUFFIX, int(numbered.group("n"))
    page = _page_param(url, names)
    if a.path == b.path and page and page[1] >= 2 and page[2] == _without(own, page[0]):
        return page[0], page[1]
    return None


def _without(url: str, param: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k != param)


def _numbered(own: str, kind: str, n: int) -> str:
    """Part `n` of the article beginning at `own`, numbered as `kind` says."""
    if kind == _SUFFIX:
        _, stem, ext = _file_name(own)
        return fetch_url(f"{stem}_{n}.{ext}", own)
    parts = urlsplit(own)
    query = urlencode([*_without(own, kind), (kind, str(n))])
    return fetch_url(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))


def _declared_total(anchor: Selector, pattern: str) -> int | None:
    """"共3页" in the pager holding this link (its three nearest ancestors at most)."""
    for ancestor in reversed(anchor.xpath("ancestor::*[position() <= 3]")):
        if found := re.search(pattern, compact(ancestor.root.xpath("string()"))):
            return int(found.group(1))
    return None


@lru_cache(maxsize=1)
def _part_link_texts() -> list[re.Pattern]:
    """The pager link texts of an article's parts (下一页, 第N页, N), compiled once."""
    return [re.compile(text) for text in patterns()["article_parts"]["link_texts"]]


def article_parts(html: str, url: str, selector: Selector | None = None) -> list[str]:
    """The URLs of the other parts of the article this page begins, in order (none when the page
    is no first part). Read from the TRS pager call whose base is the page's own file name
    (`createPageHTML(3, 0, "t20220120_12345", "html")`), and from pager links to the page's own
    name numbered (`t20220120_12345_1.html`, `?page=2`), completed to "共N页" when the pager
    links only some parts. A list's pager on the page (`"index"`), links to other articles and
    links back to part 1 are no parts; at most `max_parts` parts, the first one included.
    `selector`: the page's, when the caller has parsed it already."""
    from crawler.families import trs      # the families import this module: asked once needed

    rules = patterns()["article_parts"]
    names, cap = set(rules["query_params"]), rules["max_parts"]
    own = fetch_url(url)
    mine = _file_name(own)
    numbered_self = _page_param(own, names)
    if numbered_self and numbered_self[1] >= 2 or mine and mine[1].lower() in patterns()["column_pages"]:
        return []                          # a later part (?page=2), or a list page
    found: dict[tuple[str, int], str] = {}
    selector = selector or Selector(text=html or "<html></html>")
    for pager in trs.pagers(html, selector):
        if not mine or pager.ext.lower() != mine[2]:
            continue
        if pager.prefix == mine[1]:
            for name in islice(pager.names(), 1, cap):
                part = fetch_url(name, own)
                if number := _part_number(part, own, names):
                    found[number] = part
        elif (later := _PART_SUFFIX.match(mine[1])) and later.group("stem") == pager.prefix:
            return []                      # this page is a later part of that pager's article
    wording = _part_link_texts()
    total = None
    for anchor in selector.xpath("//a[@href]"):
        href = anchor.attrib["href"].strip()
        text = compact(" ".join(anchor.root.xpath(".//text()")))
        if not href or href.lower().startswith(("javascript:", "#")) or not any(w.fullmatch(text) for w in wording):
            continue
        number = _part_number(fetch_url(href, own), own, names)
        if number is None or number[1] > cap:
            continue
        found.setdefault(number, fetch_url(href, own))
        total = total or _declared_total(anchor, rules["total"])
    if total and found:
        # The pager's own numbering goes on: TRS numbers the second part _1, others _2 or page=2.
        kind, first = min(found)
        for n in range(first, first + min(total, cap) - 1):
            found.setdefault((kind, n), _numbered(own, kind, n))
    return list(dict.fromkeys(found[key] for key in sorted(found) if found[key] != own))[:cap - 1]


_UTF8_HTML = lxml_html.HTMLParser(encoding="utf-8")


def _tree(text: str):
    """The page's tree, from its text as UTF-8 bytes (a str may not carry an XHTML page's
    `<?xml … encoding="gb2312"?>`, which lxml refuses in a str)."""
    return lxml_html.document_fromstring(text.encode("utf-8"), parser=_UTF8_HTML)


def merge_parts(first: str, parts: list[str]) -> str:
    """The first part's page with the article body of every later part appended to its article
    container, in order: one page the parser reads as one report (a table cut between two parts
    is two pieces of one table to it). The container is the one the parser reads
    (`parsers.html.content_root`), on every part alike."""
    root = _tree(first)
    container = content_root(root)
    for text in parts:
        body = content_root(_tree(text))
        if body.text and body.text.strip():
            last = container[-1] if len(container) else None
            if last is None:
                container.text = (container.text or "") + body.text
            else:
                last.tail = (last.tail or "") + body.text
        for child in list(body):
            container.append(child)     # moved with its tail
    # etree's serialiser: lxml.html's drops the page's <meta http-equiv="Content-Type">
    return etree.tostring(root.getroottree(), encoding="unicode", method="html")
