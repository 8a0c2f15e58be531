"""The `annual_reports` spider: every source's report column → its list pages → report pages
and attachments → `ReportDocument` items (handed to the writer process by crawler.handover).

    scrapy crawl annual_reports -a sources=data/sources.yaml -s NIANJIAN_DB=data/nianjian.db

The CMS family of a column (crawler/families) tells how it lists reports and further pages;
pure page reading is in crawler/pages.py. Requests carry their source in `meta["source"]`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urlsplit

import scrapy
from scrapy import exceptions
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import pages
from crawler.families import FAMILIES, detect, further_pages
from crawler.items import ReportDocument
from crawler.ledger import LIST, PART, Fetch, Ledger
from crawler.origins import SourcePolicy, origin, origin_text
from crawler.spool_writer import SpoolLedger
from nianjian.sources import Source, load_sources
from nianjian.urls import fetch_url

_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?["']?([^"';]+)""", re.I)

# What a portal can do to a request: recorded by the FetchLedgerMiddleware, logged in one line.
PORTAL_FAILURES = (exceptions.IgnoreRequest, exceptions.DownloadTimeoutError, exceptions.CannotResolveHostError,
                   exceptions.DownloadConnectionRefusedError, exceptions.DownloadFailedError,
                   exceptions.DownloadCancelledError, exceptions.ResponseDataLossError, HttpError)

# Report pages go before further list pages, so reports arrive early and memory stays flat.
DETAIL_PRIORITY = 10
ATTACHMENT_PRIORITY = 20
# A report page whose tables are pictures: at most this many of its pictures, each at most this
# large, are fetched with it for OCR (a page of a report's tables rarely needs more).
MAX_PICTURES, MAX_PICTURE_BYTES = 12, 5_000_000


@dataclass
class SplitArticle:
    """A report page split over pages, being read: the first part's URL and encoding, the texts
    of the parts read so far, the parts still to ask for and those asked for."""
    first: str
    encoding: str
    read: list[str]
    waiting: list[str]
    asked: list[str] = field(default_factory=list)

    def learn(self, parts: list[str]) -> None:
        """Parts a later part names that are not known yet, up to `max_parts` in all."""
        known = {self.first, *self.asked, *self.waiting}
        room = pages.patterns()["article_parts"]["max_parts"] - len(known)
        self.waiting += [url for url in parts if url not in known][:max(0, room)]


class AnnualReportsSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(self, *args, sources: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources
        self.sources: dict[str, Source] = {}
        self.policies: dict[str, SourcePolicy] = {}
        self.ledger: Ledger | None = None
        self.list_pages: dict[str, int] = {}
        self.sub_columns: dict[str, set[str]] = {}      # source id → the sub-columns asked for

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        path = spider.sources_path or crawler.settings.get("NIANJIAN_SOURCES")
        if not path:
            raise ValueError("no sources file: pass -a sources=FILE or -s NIANJIAN_SOURCES=FILE")
        sources = load_sources(path)
        spider.sources = {source.id: source for source in sources}
        # crawler.middlewares.OriginMiddleware refuses (and records) whatever leaves a source's
        # origins; the spider only uses them to prefer a link that may be followed.
        spider.policies = {source.id: SourcePolicy.of(source) for source in sources}
        spider.max_list_pages = crawler.settings.getint("NIANJIAN_MAX_LIST_PAGES", 200)
        if crawler.settings.get("NIANJIAN_REDIS_URL"):       # distributed: the record goes to Redis
            from crawler.redis_mode.worker import RedisLedger
            spider.ledger = RedisLedger.from_crawler(crawler, sources)
        else:                                                # the writer process stores (spool)
            spider.ledger = SpoolLedger.start(crawler.settings, path, sources)
        return spider

    def closed(self, reason: str) -> None:
        if self.ledger is not None:
            self.ledger.finish(reason)

    # ------------------------------------------------------------------ start
    async def start(self):
        # With JOBDIR, `state` is restored on resume: list pages already counted stay counted.
        self.list_pages = getattr(self, "state", {}).setdefault("list_pages", {})
        self.sub_columns = getattr(self, "state", {}).setdefault("sub_columns", {})
        for source in self.sources.values():
            if source.find_column:
                yield self.request(source, source.url, self.parse_entry, kind="entry")
            else:
                yield self.list_request(source, pages.ListPage(source.url), first=True)

    def request(self, source: Source, url: str, callback, *, kind: str, formdata=None, priority: int = 0,
                dont_filter: bool = False, errback=None, **meta) -> scrapy.Request | None:
        """A request of `source`: its id in the meta, and its own cookie jar (or none). A link
        that is no web address (`javascript:`, `mailto:`, `file://`) is recorded as a `bad_link`
        fetch instead (Scrapy could not even make a request of the first two; Scrapy yields of
        None are ignored). Other sites are refused by the OriginMiddleware."""
        refusal = self.policies[source.id].refusal(url)
        if refusal is not None and refusal.outcome == "bad_link":
            self.ledger.record(source.id, Fetch(url=url, outcome=refusal.outcome, error=refusal.reason))
            return None
        # With cookies the session is in them, not in the address; a gkmlpt column page names its
        # column in the #fragment (`_page_url`), which the request keeps.
        fragment = urlsplit(url).fragment
        url = fetch_url(url, session=not source.cookies) + (f"#{fragment}" if fragment else "")
        meta = {"source": source.id, "kind": kind, **meta}
        if source.cookies:
            meta["cookiejar"] = source.id
        else:
            meta["dont_merge_cookies"] = True
        if formdata:
            return scrapy.FormRequest(url, formdata=dict(formdata), callback=callback, errback=self.fetch_failed,
                                      priority=priority, meta=meta, dont_filter=dont_filter)
        return scrapy.Request(url, callback=callback, errback=errback or self.fetch_failed, priority=priority,
                              meta=meta, dont_filter=dont_filter)

    def list_request(self, source: Source, page: pages.ListPage, first: bool = False,
                     render: str | None = None) -> scrapy.Request | None:
        """`render`: why this page goes (again) through the browser (crawler/browser.py)."""
        extra = {"render": render} if render else {}
        return self.request(source, page.url, self.parse_list, kind="list", formdata=page.formdata,
                            reader=page.reader, first=first, dont_filter=bool(render), **extra)

    def read(self, source: Source, response, outcome: str, error: str | None = None) -> None:
        """Records the list or entry page this response is, once read (an unreadable one is
        named in the source's message too)."""
        fetch = response.meta.get("fetch")
        if fetch is not None:
            fetch.outcome, fetch.error = outcome, error
            self.ledger.record(source.id, fetch)
        if error:
            self.ledger.note(source.id, f"{response.url}: {error}", error=False)

    def fetch_failed(self, failure) -> None:
        """A failed fetch is already recorded with the run; one log line, not a traceback (a
        failure of nianjian's own code keeps its traceback)."""
        # A page the browser could not load (crawler/browser.py) is the portal's failure too.
        if failure.check(*PORTAL_FAILURES) or failure.request.meta.get("rendered"):
            if not failure.check(exceptions.IgnoreRequest):
                self.logger.warning("%s: %s", failure.request.url, failure.getErrorMessage())
        else:
            self.logger.error("%s failed:\n%s", failure.request.url, failure.getTraceback())

    # ------------------------------------------------------------------ entry page → column
    def parse_entry(self, response):
        source = self.sources[response.meta["source"]]
        if not isinstance(response, TextResponse):
            self.read(source, response, "parse_error", "entry page is not a web page")
            return
        self.read(source, response, "entry")
        links = pages.column_links(response.text, response.url)
        policy = self.policies[source.id]
        allowed = [link for link in links if policy.refusal(link) is None]
        if not links:
            self.ledger.note(source.id, f"no annual-report column link found on {response.url}")
            return
        if not allowed:          # followed all the same: refused, its fetch says why
            elsewhere = ", ".join(dict.fromkeys(origin_text(origin(link)) if origin(link) else link for link in links))
            self.ledger.note(source.id, f"annual-report column link found on {response.url}, but on a site "
                                        f"this source does not allow: {elsewhere} — add it to allowed_hosts")
        yield self.list_request(source, pages.ListPage((allowed or links)[0]), first=True)

    # ------------------------------------------------------------------ list pages
    def parse_list(self, response):
        source = self.sources[response.meta["source"]]
        if not isinstance(response, TextResponse):
            self.read(source, response, "parse_error", "list page is not a web page")
            return
        text, url = response.text, _page_url(response)
        family_name = response.meta.get("reader") or (
            source.cms if source.cms != "auto" else detect(text, url))
        family = FAMILIES[family_name]
        try:
            entries = family.entries(text, url)
        except pages.UnreadablePage as error:
            self.read(source, response, "parse_error", f"{family_name} list page: {error}")
            return
        self.read(source, response, LIST)
        if (not entries and response.meta.get("first") and "rendered" not in response.meta
                and source.render == "auto" and pages.script_built(text)):
            # The column is built in the browser: fetch it again with one (render: auto).
            yield self.list_request(source, pages.ListPage(response.url), first=True,
                                    render="scripts build the list")
            return
        for entry in entries:
            yield self.report_request(source, entry)
        # Pages are made lazily: the cap bounds the cost.
        for page in further_pages(family, text, url, bool(response.meta.get("first"))):
            if not self.count_list_page(source):
                break
            yield self.list_request(source, pages.ListPage(page.url, page.formdata, page.reader or family_name))
        # The column's sub-columns (部门年报, 乡镇年报, a year's) are columns of their own: each
        # read from its first page, asked once however many of the column's pages link it.
        asked = self.sub_columns.setdefault(source.id, set())
        for column in pages.sub_columns(text, url):
            if column not in asked:
                if not self.count_list_page(source):
                    break
                asked.add(column)
                yield self.list_request(source, pages.ListPage(column), first=True)

    def count_list_page(self, source: Source) -> bool:
        """Counts one more list page of the source; False (and a note) past the cap."""
        if self.list_pages.get(source.id, 0) >= self.max_list_pages:
            self.ledger.note(source.id, f"stopped at {self.max_list_pages} list pages "
                                        "(NIANJIAN_MAX_LIST_PAGES)", error=False)
            return False
        self.list_pages[source.id] = self.list_pages.get(source.id, 0) + 1
        return True

    def report_request(self, source: Source, entry: pages.Entry) -> scrapy.Request | None:
        meta = {"title": entry.title, "year": entry.year, "listed": entry.listed_date}
        extension = urlsplit(entry.url).path.rsplit(".", 1)[-1].lower()
        if extension in pages.patterns()["attachments"]["supported"]:
            return self.request(source, entry.url, self.parse_attachment, kind="attachment",
                                priority=ATTACHMENT_PRIORITY, **meta)
        return self.request(source, entry.url, self.parse_detail, kind="detail", priority=DETAIL_PRIORITY, **meta)

    # ------------------------------------------------------------------ report pages
    def parse_detail(self, response):
        if response.status == 304 or response.meta.get("unchanged"):
            return
        meta = response.meta
        source = self.sources[meta["source"]]
        if not isinstance(response, TextResponse):     # a report served without an extension
            yield self.document(response, meta.get("title"), meta.get("listed"))
            return
        text = response.text
        detail = pages.read_detail(text, response.url)
        title = detail.title if pages.is_report_title(detail.title) else meta.get("title")
        published = detail.published or meta.get("listed")
        readable = [a for a in detail.attachments if a.supported]
        for attachment in detail.attachments:
            if not attachment.supported:
                self.ledger.record(source.id, Fetch(
                    url=attachment.url, outcome="unsupported",
                    error=f".{attachment.extension} attachment is not a format nianjian reads"))
        if detail.has_report_tables or not readable:
            unread = tuple(a.url for a in detail.attachments if not a.supported)
            document = self.document(response, title, published, unread)
            if detail.parts:        # an article split over pages: its other parts come first, in order
                article = SplitArticle(pages.fetch_url(response.url), response.encoding, [text], list(detail.parts))
                yield self.part_request(source, document, article)
            else:
                yield self.with_pictures(source, document, detail)
            return
        # The page only points at the report: the best attachment is the report (one the source
        # may fetch first, then the preference order `attachments.supported`), with the page's
        # title and date.
        preference = pages.patterns()["attachments"]["supported"]
        policy = self.policies[source.id]
        best = min(readable, key=lambda a: (policy.refusal(a.url) is not None, preference.index(a.extension)))
        yield self.request(source, best.url, self.parse_attachment, kind="attachment", priority=ATTACHMENT_PRIORITY,
                           title=title, year=meta.get("year"), listed=published, parent=meta.get("fetch"))

    def with_pictures(self, source: Source, document: ReportDocument, detail: pages.Detail):
        """The document, or the request of its first picture when its tables may be pictures."""
        policy = self.policies[source.id]
        pictures = [url for url in detail.pictures if policy.refusal(url) is None][:MAX_PICTURES]
        if pictures and not document.unread_attachments:
            return self.picture_request(source, document, pictures)
        return document

    # ------------------------------------------------------------------ parts of an article
    def part_request(self, source: Source, document: ReportDocument, article: SplitArticle) -> scrapy.Request:
        """The next part of an article split over pages, the document and the article travelling
        with it (as a page's pictures do, `picture_request`)."""
        url = article.waiting.pop(0)
        article.asked.append(url)
        return self.request(source, url, self.parse_part, kind=PART, priority=ATTACHMENT_PRIORITY, dont_filter=True,
                            errback=self.part_failed, document=document, article=article)

    def parse_part(self, response):
        meta, article = response.meta, response.meta["article"]
        if isinstance(response, TextResponse) and response.text.strip():
            article.read.append(response.text)
            meta["fetch"].outcome = PART
            self.ledger.record(meta["source"], meta["fetch"])
            # A pager may link only the next part (上一页 下一页): each part names those after it.
            article.learn(pages.article_parts(response.text, article.first))
        else:
            meta["fetch"].outcome, meta["fetch"].error = "parse_error", "a part of a report page is no web page"
            self.ledger.record(meta["source"], meta["fetch"])
            meta["document"].missing_parts += (meta["fetch"].url,)
        yield self.next_part(meta)

    def part_failed(self, failure):
        """A part that failed (recorded like any fetch) is missing: the document goes on without
        it, and is read as partly read (PARTS_MISSING), never as lacking what that part held."""
        self.fetch_failed(failure)
        failure.request.meta["document"].missing_parts += (failure.request.url,)
        yield self.next_part(failure.request.meta)

    def next_part(self, meta: dict):
        source, document, article = self.sources[meta["source"]], meta["document"], meta["article"]
        if article.waiting:
            return self.part_request(source, document, article)
        if len(article.read) > 1:
            merged = pages.merge_parts(article.read[0], article.read[1:])
            document.body = merged.encode(article.encoding, "xmlcharrefreplace")
        else:
            merged = article.read[0]
        return self.with_pictures(source, document, pages.read_detail(merged, document.url))

    # ------------------------------------------------------------------ pictures of a page
    def picture_request(self, source: Source, document: ReportDocument, pictures: list[str]) -> scrapy.Request:
        """The next of a report page's pictures, the page's document travelling with it; the
        document goes on once the last picture came or failed."""
        return self.request(source, pictures[0], self.parse_picture, kind="picture", priority=ATTACHMENT_PRIORITY,
                            dont_filter=True, errback=self.picture_failed, document=document, pictures=pictures[1:])

    def parse_picture(self, response):
        document = response.meta["document"]
        kind = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if response.status == 200 and kind.startswith("image/") and len(response.body) <= MAX_PICTURE_BYTES:
            document.pictures += (response.body,)
        yield self.next_picture(response.meta)

    def picture_failed(self, failure):
        self.fetch_failed(failure)
        yield self.next_picture(failure.request.meta)

    def next_picture(self, meta: dict):
        source, rest = self.sources[meta["source"]], meta["pictures"]
        return self.picture_request(source, meta["document"], rest) if rest else meta["document"]

    def parse_attachment(self, response):
        if response.status == 304 or response.meta.get("unchanged"):
            parent = response.meta.get("parent")
            if parent is not None:          # the page changed, its report did not: remember the page
                parent.outcome = "detail"
                self.ledger.record(response.meta["source"], parent)
            return
        yield self.document(response, response.meta.get("title"), response.meta.get("listed"))

    def document(self, response, title: str | None, published: str | None,
                 unread_attachments: tuple[str, ...] = ()) -> ReportDocument:
        meta = response.meta
        disposition = (response.headers.get("Content-Disposition") or b"").decode("utf-8", "replace")
        named = _DISPOSITION_NAME.search(disposition)
        filename = unquote(named.group(1)) if named else unquote(urlsplit(response.url).path.rsplit("/", 1)[-1])
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        # Stored under the address it was served at: after a redirect the old one may die tomorrow
        # (a web address: a browser's failed navigation ends at chrome-error://…).
        served = response.url if response.url.startswith(("http://", "https://")) else response.request.url
        return ReportDocument(
            source_id=meta["source"], url=served, body=response.body, content_type=content_type,
            filename=filename or None, listed_title=title, published_hint=published,
            expected_year=meta.get("year"), fetch=meta["fetch"], parent=meta.get("parent"),
            unread_attachments=unread_attachments)


def _page_url(response) -> str:
    """The URL of the page asked for: the response's, with the request's #fragment kept (a
    gkmlpt column page names its column only there: `…/gkmlpt/index#21023`)."""
    asked = response.request.url if response.request is not None else response.url
    return asked if urldefrag(asked)[0] == response.url else response.url
