"""Every page of the demo portal for one round, built from the data by one builder per CMS
family (TRS, Hanweb, plain list, county 集约化 column, bot wall). Pure: no I/O but reading data."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from html import escape
from posixpath import join as urljoin

from nianjian.demo_portal.content import ReportContent, data_file, portal_data, reports, reports_data
from nianjian.demo_portal.markup import render_body, render_docx

# Pages were last touched at publication, 09:30 Beijing time = 01:30 UTC (HTTP dates are UTC).
PUBLISHED_UTC = time(1, 30)


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    modified: datetime                   # naive UTC, for Last-Modified

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


@dataclass(frozen=True)
class Item:
    """One entry of a column: a report, a news item or a 政府网站工作年度报表."""

    source_id: str
    title: str
    published: date
    path: str                            # the detail page
    kind: str                            # report | news | website_report
    report: ReportContent | None = None
    attachment: str | None = None        # path of the PDF/DOCX, when the report is one


@dataclass
class Column:
    source_id: str
    url: str                             # the source's url (the entry page when find_column)
    list_pages: list[str]
    items: list[Item]


@dataclass
class Site:
    round: int
    pages: dict[str, Page] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)
    failing: dict[str, str] = field(default_factory=dict)     # kind -> path
    dataproxy: dict[str, list[str]] = field(default_factory=dict)  # path -> records (<li> HTML)
    dataproxy_params: dict[str, dict] = field(default_factory=dict)
    botwall_prefixes: list[str] = field(default_factory=list)
    challenge_prefixes: list[str] = field(default_factory=list)   # pages behind a JavaScript challenge


def chrome() -> dict:
    return portal_data()["chrome"]


def utc(day: date) -> datetime:
    return datetime.combine(day, PUBLISHED_UTC)


def iso(day: date) -> str:
    return day.isoformat()


def zh_date(day: date) -> str:
    return chrome()["date_zh"].format(y=day.year, m=day.month, d=day.day)


def _detail_path(source: dict, item_id: int, day: date) -> str:
    relative = source["detail"].format(
        id=item_id, yyyymm=f"{day:%Y%m}", yyyymmdd=f"{day:%Y%m%d}", y=day.year, m=day.month, d=day.day)
    return relative if relative.startswith("/") else urljoin(source["column"], relative)


def _html(source: dict, title: str, head: str, body: str) -> bytes:
    charset = source.get("declared_charset", source.get("encoding", "utf-8"))
    text = (f'<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            f'charset={charset}">\n<title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n')
    return text.encode(source.get("encoding", "utf-8"))


def _content_type(source: dict) -> str:
    return f"text/html; charset={source.get('declared_charset', source.get('encoding', 'utf-8'))}"


def _breadcrumb(source: dict) -> str:
    return (f'<div class="crumb"><a href="/">{escape(chrome()["home"])}</a> &gt; '
            f'<a href="{escape(first_list_page(source))}">{escape(source["column_name"])}</a></div>')


def _li(item: Item, href: str, day_text: str) -> str:
    return (f'<li><a href="{escape(href)}" title="{escape(item.title)}" target="_blank">'
            f'{escape(item.title)}</a><span>{day_text}</span></li>')


def _relative(from_page: str, to_path: str) -> str:
    """'./YYYYMM/t….html' links, as TRS writes them."""
    base = from_page.rsplit("/", 1)[0] + "/"
    return "./" + to_path[len(base):] if to_path.startswith(base) else to_path


# --------------------------------------------------------------------------- detail pages
def _report_html(item: Item) -> str:
    report = item.report
    if report.style in ("pdf", "docx"):
        return f"<p>{escape(chrome()[report.style + '_note'])}</p>\n"
    return render_body(report)


def _attachment_html(item: Item, in_script: bool) -> str:
    if not item.attachment:
        return ""
    name = f"{item.title}.{item.attachment.rsplit('.', 1)[1]}"
    link = f'<a href="{_relative(item.path, item.attachment)}">{escape(name)}</a>'
    if in_script:
        # TRS writes some attachment links only from a script: no <a> in the static HTML.
        label = chrome()["attachment_label"]
        return (f"<div class=\"fj\"><script>\nvar att='{link}';\n"
                f"if (att != '') {{ document.write('{label}' + att); }}\n</script></div>")
    return f'<div class="fj-a">{escape(chrome()["attachment_label"])}{link}</div>'


def _detail(source: dict, item: Item, pubdate_meta: str) -> bytes:
    kind = source["kind"]
    body_html = _report_html(item) if item.report else f"<p>{escape(item.title)}</p>"
    who = item.report.agency if item.report else source["site"]
    meta = (f'<meta name="ArticleTitle" content="{escape(item.title)}">\n'
            f'<meta name="PubDate" content="{pubdate_meta}">\n'
            f'<meta name="ContentSource" content="{escape(who)}">\n'
            f'<meta name="ColumnName" content="{escape(source["column_name"])}">\n'
            f'<meta name="SiteName" content="{escape(source["site"])}">\n')
    title = f'<h1 class="article-title">{escape(item.title)}</h1>'
    if kind == "trs":
        info = (f'<div class="info">{escape(chrome()["published_label"])}{iso(item.published)}&nbsp;&nbsp;'
                f'{escape(chrome()["source_label"])}{escape(who)}</div>')
        quote = '"' if source.get("encoding", "utf-8") == "utf-8" else ""   # class sometimes unquoted
        content = (f"<div class={quote}TRS_Editor{quote}>\n{body_html}</div>\n"
                   + _attachment_html(item, in_script=True))
    elif kind == "hanweb":
        info = (f'<div class="info">{escape(chrome()["published_label"])}{iso(item.published)}&nbsp;'
                f'{escape(chrome()["source_label"])}{escape(who)}</div>')
        content = (f'<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n{body_html}'
                   f'<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>')
    elif kind == "plain":
        info = (f'<div class="info">{escape(chrome()["published_time_label"])}'
                f'{item.published:%Y/%m/%d} 09:30</div>')
        content = f'<div class="article_con">\n{body_html}</div>'
    else:  # county: the provincial 集约化 platform
        info = (f'<div class="meta-data">{escape(chrome()["published_label"])}'
                f'<span class="date">{zh_date(item.published)}</span></div>')
        content = (f'<div id="zoomcon" class="article-content">\n{body_html}</div>\n'
                   + _attachment_html(item, in_script=False))
    body = f'{_breadcrumb(source)}\n<div class="article">\n{title}\n{info}\n{content}\n</div>'
    return _html(source, item.title, meta, body)


# --------------------------------------------------------------------------- list pages
# The two TRS pager forms (docs/spec/portals.md). "index": index.html, index_1.html …, page
# numbers from 0, plus `var countPage`; "page_div": xlist.shtml, xlist_2.shtml …, from 1.
TRS_PAGERS = {
    "index": {"name": "index", "ext": "html", "first": 0},
    "page_div": {"name": "xlist", "ext": "shtml", "first": 1},
}
PAGER_JS = {
    "index": """<script>
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {{
  if (_nPageCount == null || _nPageCount <= 1) return;
  var prev = _nCurrIndex <= 1 ? _sPageName + "." + _sPageExt : _sPageName + "_" + (_nCurrIndex - 1) + "." + _sPageExt;
  var next = _sPageName + "_" + (_nCurrIndex + 1) + "." + _sPageExt;
  if (_nCurrIndex > 0) document.write("<a href=\\"" + prev + "\\">{prev}</a> ");
  if (_nCurrIndex + 1 < _nPageCount) document.write("<a href=\\"" + next + "\\">{next}</a> ");
  document.write("{total}");
}}
</script>
""",
    "page_div": """<script>
function createPageHTML(_sDivId, _nPageCount, _nCurrIndex, _sPageName, _sPageExt, _nRecords) {{
  var div = document.getElementById(_sDivId), html = "";
  if (!div || _nPageCount <= 1) return;
  if (_nCurrIndex > 1) html += "<a href=\\"" + (_nCurrIndex == 2 ? _sPageName : _sPageName + "_" + (_nCurrIndex - 1)) + "." + _sPageExt + "\\">{prev}</a> ";
  if (_nCurrIndex < _nPageCount) html += "<a href=\\"" + _sPageName + "_" + (_nCurrIndex + 1) + "." + _sPageExt + "\\">{next}</a> ";
  div.innerHTML = html + "{total}";
}}
</script>
""",
}


def trs_page_name(form: str, page: int) -> str:
    """The file name of list page `page` (0-based) in a TRS pager form."""
    pager = TRS_PAGERS[form]
    number = page + pager["first"]
    suffix = "" if number == pager["first"] else f"_{number}"
    return f"{pager['name']}{suffix}.{pager['ext']}"


def first_list_page(source: dict) -> str:
    return urljoin(source["column"], trs_page_name(source.get("pager", "index"), 0))


def _trs_pager(form: str, count: int, page: int, records: int) -> str:
    if form == "page_div":
        return (f'<div id="page_div"></div><script>\ncreatePageHTML(\'page_div\', {count}, {page + 1}, '
                f"'xlist', 'shtml', {records});\n</script>")
    # A commented-out call from an older template: a crawler must not believe it.
    return (f'<div class="page"><script>\nvar currentPage = {page};//{chrome()["trs_current"]}\n'
            f'var countPage = {count}//{chrome()["trs_count"]}\n'
            f'//createPageHTML({count + 2}, {page}, "index", "html");\n'
            f'createPageHTML({count}, {page}, "index", "html");\n</script></div>')


def _trs_lists(source: dict, items: list[Item], site: Site) -> list[str]:
    form = source.get("pager", "index")
    per_page = source["per_page"]
    count = max(1, math.ceil(len(items) / per_page))
    paths = []
    pager_js = PAGER_JS[form].format(prev=chrome()["prev_page"], next=chrome()["next_page"],
                                     total=chrome()["total_pages"].format(n=count))
    for page in range(count):
        path = urljoin(source["column"], trs_page_name(form, page))
        chunk = items[page * per_page:(page + 1) * per_page]
        lis = "\n".join(_li(i, _relative(path, i.path), iso(i.published)) for i in chunk)
        body = (f'{_breadcrumb(source)}\n<div class="list">\n<ul class="gl_list">\n{lis}\n</ul>\n'
                f'{_trs_pager(form, count, page, len(items))}\n</div>')
        site.pages[path] = Page(_html(source, source["column_name"], pager_js, body),
                                _content_type(source), utc(max(i.published for i in items)))
        paths.append(path)
    return paths

def _hanweb_lists(source: dict, items: list[Item], site: Site) -> list[str]:
    path = urljoin(source["column"], "index.html")
    records = [_li(i, i.path, iso(i.published)) for i in items]
    per_page = source["per_page"]
    inline = "".join(f"<record><![CDATA[{r}]]></record>" for r in records[:per_page])
    params = {"columnid": source["column_id"], "unitid": source["unit_id"], "webid": source["web_id"]}
    script = (f'<div id="{source["unit_id"]}"><script type="text/xml"><datastore><nextgroup><![CDATA['
              f'<a href="{source["dataproxy"]}?columnid={params["columnid"]}&unitid={params["unitid"]}'
              f'&webid={params["webid"]}"></a>]]></nextgroup><recordset>{inline}</recordset></datastore>'
              f'</script></div>\n<script>\nvar pageParams = {{proxyUrl:"{source["dataproxy"]}",'
              f'columnid:{params["columnid"]},unitid:{params["unitid"]},webid:{params["webid"]},'
              f'totalRecord:{len(records)},perPage:{per_page}}};\n</script>')
    body = f'{_breadcrumb(source)}\n<div class="list">\n{script}\n</div>'
    site.pages[path] = Page(_html(source, source["column_name"], "", body), _content_type(source),
                            utc(max(i.published for i in items)))
    site.dataproxy[source["dataproxy"]] = records
    site.dataproxy_params[source["dataproxy"]] = {**params, "per_page": per_page}
    return [path]


def _plain_lists(source: dict, items: list[Item], site: Site) -> list[str]:
    path = urljoin(source["column"], "index.html")
    lis = "\n".join(_li(i, _relative(path, i.path), iso(i.published)) for i in items)
    body = f'{_breadcrumb(source)}\n<ul class="news-list">\n{lis}\n</ul>'
    site.pages[path] = Page(_html(source, source["column_name"], "", body), _content_type(source),
                            utc(max(i.published for i in items)))
    return [path]


def _county_lists(source: dict, items: list[Item], site: Site) -> list[str]:
    path = urljoin(source["column"], "index.html")
    groups = [("government", "government_reports"), ("department", "dept_reports"),
              ("township", "township_reports")]
    levels = portal_data()["agencies"]
    blocks = []
    for level, label in groups:
        chosen = [i for i in items if i.report and levels[i.report.agency]["level"] == level]
        if level == "government":
            chosen += [i for i in items if not i.report]
        lis = "\n".join(_li(i, _relative(path, i.path), zh_date(i.published)) for i in chosen)
        blocks.append(f'<h3>{escape(chrome()[label])}</h3>\n<ul class="xxgk-list">\n{lis}\n</ul>')
    body = f'{_breadcrumb(source)}\n' + "\n".join(blocks)
    modified = utc(max(i.published for i in items))
    site.pages[path] = Page(_html(source, source["column_name"], "", body), _content_type(source), modified)

    # The 政府信息公开 entry page: the column's link text is split by <br>.
    links = [(chrome()["guide"], "#guide"), (chrome()["rules"], "#rules"),
             (chrome()["catalogue"], "#catalogue"),
             ("<br>".join(escape(p) for p in chrome()["entry_link"]), "./ndbg/index.html"),
             (chrome()["application"], "#application")]
    menu = "\n".join(f'<h3><a href="{href}">{text}</a></h3>' for text, href in links)
    entry_body = f'<div class="crumb">{escape(chrome()["disclosure"])}</div>\n<div class="menu">\n{menu}\n</div>'
    site.pages[source["entry"]] = Page(_html(source, chrome()["disclosure"], "", entry_body),
                                       _content_type(source), modified)
    return [path]


def _script_lists(source: dict, items: list[Item], site: Site) -> list[str]:
    """A column whose list a script fetches from a JSON endpoint: no report link in its HTML."""
    path = urljoin(source["column"], "index.html")
    records = [{"title": i.title, "url": _relative(path, i.path), "date": iso(i.published)} for i in items]
    modified = utc(max(i.published for i in items))
    site.pages[urljoin(source["column"], "list.json")] = Page(
        json.dumps({"total": len(records), "records": records}, ensure_ascii=False).encode("utf-8"),
        "application/json; charset=utf-8", modified)
    script = ("<script>\nfetch('./list.json').then(function (r) { return r.json(); }).then(function (data) {\n"
              "  document.getElementById('list').innerHTML = data.records.map(function (x) {\n"
              "    return '<li><a href=\"' + x.url + '\" title=\"' + x.title + '\">' + x.title + '</a><span>'"
              " + x.date + '</span></li>'; }).join('');\n});\n</script>")
    body = (f'{_breadcrumb(source)}\n<ul class="news-list" id="list"><li>{escape(chrome()["script_loading"])}'
            f'</li></ul>\n{script}')
    site.pages[path] = Page(_html(source, source["column_name"], "", body), _content_type(source), modified)
    return [path]


def _challenge_lists(source: dict, items: list[Item], site: Site) -> list[str]:
    """A plain column, every page of which sits behind the JavaScript challenge."""
    site.challenge_prefixes.append(source["column"])
    return _plain_lists(source, items, site)


LIST_BUILDERS = {"trs": _trs_lists, "hanweb": _hanweb_lists, "plain": _plain_lists, "county": _county_lists,
                 "script": _script_lists, "challenge": _challenge_lists}


# --------------------------------------------------------------------------- the whole site
def _items(source: dict, round_: int) -> list[Item]:
    items = []
    for report in reports(round_):
        if report.agency not in source["agencies"]:
            continue
        path = _detail_path(source, report.id, report.published)
        attachment = None
        if report.style == "pdf":
            attachment = urljoin(path.rsplit("/", 1)[0], f"P0{report.published:%Y%m%d}{report.id}.pdf")
        elif report.style == "docx":
            attachment = urljoin(path.rsplit("/", 1)[0], f"P0{report.published:%Y%m%d}{report.id}.docx")
        items.append(Item(source["id"], report.title, report.published, path, "report", report, attachment))
    for other in reports_data()["items"].get(source["id"], ()):
        items.append(Item(source["id"], other["title"], other["published"],
                          _detail_path(source, other["id"], other["published"]), other["kind"]))
    return sorted(items, key=lambda i: (i.published, i.path), reverse=True)


def _attachment_page(item: Item) -> Page:
    report = item.report
    if report.style == "pdf":
        body = data_file(report.file).read_bytes()
        kind = "application/pdf"
    else:
        body = render_docx(report)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Page(body, kind, utc(report.modified))


@lru_cache(maxsize=None)
def build_site(round_: int = 1) -> Site:
    site = Site(round=round_)
    for source in portal_data()["sources"]:
        if source["kind"] == "botwall":
            site.botwall_prefixes.append(source["column"])
            site.failing["bot_wall"] = urljoin(source["column"], "index.html")
            site.columns[source["id"]] = Column(source["id"], site.failing["bot_wall"],
                                                [site.failing["bot_wall"]], [])
            continue
        items = _items(source, round_)
        list_pages = LIST_BUILDERS[source["kind"]](source, items, site)
        # Old portals (and GBK ones) regenerate pages: their PubDate meta is the rebuild time.
        for item in items:
            pubdate = (f"{iso(item.published)} 09:30" if source.get("encoding", "utf-8") == "utf-8"
                       else f"{portal_data()['now'][:10]} 03:12")
            site.pages[item.path] = Page(_detail(source, item, pubdate), _content_type(source),
                                         utc(item.report.modified if item.report else item.published))
            if item.attachment:
                site.pages[item.attachment] = _attachment_page(item)
            if item.report and item.report.fails:
                site.failing[item.report.fails] = item.path
        site.columns[source["id"]] = Column(source["id"], source.get("entry", list_pages[0]),
                                            list_pages, items)
    _region_pages(site, max(page.modified for page in site.pages.values()))
    return site


# Links of the region's pages that go to another host name of the region: the server writes
# its own address there (it knows its port only when serving).
OTHER_HOST = b"@other-host@"


def _region_link(link: dict, site: Site) -> str:
    if "column" in link:
        path = site.columns[link["column"]].list_pages[0]
    elif "entry" in link:
        path = site.columns[link["entry"]].url
    else:
        path = link["page"]
    return f"http://{OTHER_HOST.decode()}{path}" if link.get("host") == "other" else path


def _region_pages(site: Site, modified: datetime) -> None:
    """The region's portal pages (portal.yaml `region`): headed lists of links, as real portal
    homes, 政府信息公开 platforms and organ pages print them."""
    for page in portal_data()["region"]:
        sections = []
        for section in page["sections"]:
            items = "\n".join(f'<li><a href="{escape(_region_link(link, site))}">{escape(link["text"])}</a></li>'
                               for link in section["links"])
            sections.append(f'<div class="section"><h3>{escape(section["heading"])}</h3>\n<ul>\n{items}\n</ul></div>')
        body = (f'<div class="header"><h1>{escape(page["site"])}</h1>'
                f'<p class="note">{escape(chrome()["portal_title"])}</p></div>\n' + "\n".join(sections))
        site.pages[page["path"]] = Page(_html({}, page["site"], "", body), "text/html; charset=utf-8", modified)


def botwall_page() -> bytes:
    """What a WZWS firewall answers (HTTP 200) instead of the page."""
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title></title></head><body>"
            f"<p>{escape(chrome()['bot_wall'])}</p>"
            f"<script>var wzwschallenge=\"{hashlib.sha1(b'demo').hexdigest()}\";"
            f"document.cookie='wzwstemplate=' + wzwschallenge; location.reload();</script></body></html>"
            ).encode("utf-8")


# The JavaScript challenge (WZWS-style): the page computes a cookie from its token and reloads;
# the server lets through requests that carry it.
CHALLENGE_COOKIE = "nj_clearance"
CHALLENGE_TOKEN = hashlib.sha1(b"demo-challenge").hexdigest()


def challenge_answer() -> str:
    return str(int(CHALLENGE_TOKEN[:8], 16) % 9973)


def challenge_page() -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title></title></head><body>"
            f"<p>{escape(chrome()['bot_wall'])}</p>"
            f"<script>var wzws_cid=\"{CHALLENGE_TOKEN}\";"
            f"document.cookie='{CHALLENGE_COOKIE}=' + (parseInt(wzws_cid.slice(0, 8), 16) % 9973) + '; path=/';"
            f"location.reload();</script></body></html>").encode("utf-8")


def error_page(kind: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>{escape(chrome()[kind])}"
            f"</p></body></html>").encode("utf-8")
