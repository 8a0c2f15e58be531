"""The `annual_reports` spider: every source's report column → its list pages → report pages
and attachments → `ReportDocument` items (handed to the writer process by crawler.handover).

    scrapy crawl annual_reports -a sources=data/sources.yaml -s NIANJIAN_DB=data/nianjian.db

The CMS family of a column (crawler/families) tells how it lists reports and further pages;
pure page reading is in crawler/pages.py. Requests carry their source in `meta["source"]`.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy import exceptions
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import pages
from crawler.families import FAMILIES, detect, gkmlpt
from crawler.items import ReportDocument
from crawler.ledger import Fetch, Ledger
from crawler.spool_writer import SpoolLedger
from nianjian.sources import Source, load_sources
from parsers.page import published_date

_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?["']?([^"';]+)""", re.I)

# What a portal can do to a request: recorded by the FetchLedgerMiddleware, logged in one line.
PORTAL_FAILURES = (exceptions.IgnoreRequest, exceptions.DownloadTimeoutError, exceptions.CannotResolveHostError,
                   exceptions.DownloadConnectionRefusedError, exceptions.DownloadFailedError,
                   exceptions.DownloadCancelledError, exceptions.ResponseDataLossError, HttpError)

# Report pages go before further list pages, so reports arrive early and memory stays flat.
DETAIL_PRIORITY = 10
ATTACHMENT_PRIORITY = 20


class AnnualReportsSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(self, *args, sources: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources
        self.sources: dict[str, Source] = {}
        self.ledger: Ledger | None = None
        self.list_pages: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        path = spider.sources_path or crawler.settings.get("NIANJIAN_SOURCES")
        if not path:
            raise ValueError("no sources file: pass -a sources=FILE or -s NIANJIAN_SOURCES=FILE")
        sources = load_sources(path)
        spider.sources = {source.id: source for source in sources}
        # Scrapy's OffsiteMiddleware guards every request; each source's own hosts are checked
        # again when links are read, so one source never wanders onto another's hosts.
        spider.allowed_domains = sorted({host for source in sources for host in source.hosts if host})
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
        for source in self.sources.values():
            if source.find_column:
                yield scrapy.Request(source.url, callback=self.parse_entry, errback=self.fetch_failed,
                                     meta={"source": source.id, "kind": "entry"})
            elif source.cms == "gkmlpt":
                yield self.list_request(source, pages.ListPage(gkmlpt.api_url(source.url), reader="gkmlpt"), first=True)
            else:
                yield self.list_request(source, pages.ListPage(source.url), first=True)

    def list_request(self, source: Source, page: pages.ListPage, first: bool = False) -> scrapy.Request:
        meta = {"source": source.id, "kind": "list", "reader": page.reader, "first": first}
        if page.formdata:
            return scrapy.FormRequest(page.url, formdata=dict(page.formdata), callback=self.parse_list,
                                      errback=self.fetch_failed, meta=meta)
        return scrapy.Request(page.url, callback=self.parse_list, errback=self.fetch_failed, meta=meta)

    def fetch_failed(self, failure) -> None:
        """A failed fetch is already recorded with the run; one log line, not a traceback (a
        failure of nianjian's own code keeps its traceback)."""
        if failure.check(*PORTAL_FAILURES):
            if not failure.check(exceptions.IgnoreRequest):
                self.logger.warning("%s: %s", failure.request.url, failure.getErrorMessage())
        else:
            self.logger.error("%s failed:\n%s", failure.request.url, failure.getTraceback())

    # ------------------------------------------------------------------ entry page → column
    def parse_entry(self, response):
        source = self.sources[response.meta["source"]]
        if not isinstance(response, TextResponse):
            self.ledger.note(source.id, f"entry page {response.url} is not a web page")
            return
        links = pages.column_links(response.text, response.url, source.hosts)
        if not links:
            self.ledger.note(source.id, f"no annual-report column link found on {response.url}")
            return
        yield self.list_request(source, pages.ListPage(links[0]), first=True)

    # ------------------------------------------------------------------ list pages
    def parse_list(self, response):
        source = self.sources[response.meta["source"]]
        if not isinstance(response, TextResponse):
            self.ledger.note(source.id, f"list page {response.url} is not a web page")
            return
        text = response.text
        family_name = response.meta.get("reader") or (
            source.cms if source.cms != "auto" else detect(text, response.url))
        family = FAMILIES[family_name]
        for entry in family.entries(text, response.url, source.hosts):
            yield self.report_request(source, entry)
        # A column's first page declares all its pages (TRS, Hanweb, gkmlpt); plain pages each
        # name the next one.
        if not (response.meta.get("first") or family.CHAINED):
            return
        for page in family.more_pages(text, response.url, source.hosts):
            if self.list_pages.get(source.id, 0) >= self.max_list_pages:
                self.ledger.note(source.id, f"stopped at {self.max_list_pages} list pages "
                                            "(NIANJIAN_MAX_LIST_PAGES)", error=False)
                break
            self.list_pages[source.id] = self.list_pages.get(source.id, 0) + 1
            yield self.list_request(source, pages.ListPage(page.url, page.formdata, page.reader or family_name))

    def report_request(self, source: Source, entry: pages.Entry) -> scrapy.Request | None:
        meta = {"source": source.id, "title": entry.title, "year": entry.year, "listed": entry.listed_date}
        extension = urlsplit(entry.url).path.rsplit(".", 1)[-1].lower()
        if extension in pages.patterns()["attachments"]["supported"]:
            return scrapy.Request(entry.url, callback=self.parse_attachment, errback=self.fetch_failed,
                                  priority=ATTACHMENT_PRIORITY, meta={**meta, "kind": "attachment"})
        return scrapy.Request(entry.url, callback=self.parse_detail, errback=self.fetch_failed,
                              priority=DETAIL_PRIORITY, meta={**meta, "kind": "detail"})

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
        detail = pages.read_detail(text, response.url, source.hosts)
        title = detail.title if pages.is_report_title(detail.title) else meta.get("title")
        published = published_date(text, response.url) or meta.get("listed")
        readable = [a for a in detail.attachments if a.supported]
        for attachment in detail.attachments:
            if not attachment.supported:
                self.ledger.record(source.id, Fetch(
                    url=attachment.url, outcome="unsupported",
                    error=f".{attachment.extension} attachment is not a format nianjian reads"))
        if detail.has_report_tables or not readable:
            yield self.document(response, title, published)
            return
        # The page only points at the report: the best attachment is the report (the preference
        # order is `attachments.supported`), with the page's title and date.
        preference = pages.patterns()["attachments"]["supported"]
        best = min(readable, key=lambda a: preference.index(a.extension))
        yield scrapy.Request(best.url, callback=self.parse_attachment, errback=self.fetch_failed,
                             priority=ATTACHMENT_PRIORITY,
                             meta={"source": source.id, "kind": "attachment", "title": title,
                                   "year": meta.get("year"), "listed": published, "parent": meta.get("fetch")})

    def parse_attachment(self, response):
        if response.status == 304 or response.meta.get("unchanged"):
            parent = response.meta.get("parent")
            if parent is not None:          # the page changed, its report did not: remember the page
                parent.outcome = "detail"
                self.ledger.record(response.meta["source"], parent)
            return
        yield self.document(response, response.meta.get("title"), response.meta.get("listed"))

    def document(self, response, title: str | None, published: str | None) -> ReportDocument:
        meta = response.meta
        disposition = (response.headers.get("Content-Disposition") or b"").decode("utf-8", "replace")
        named = _DISPOSITION_NAME.search(disposition)
        filename = unquote(named.group(1)) if named else unquote(urlsplit(response.url).path.rsplit("/", 1)[-1])
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        return ReportDocument(
            source_id=meta["source"], url=meta["fetch"].url, body=response.body, content_type=content_type,
            filename=filename or None, listed_title=title, published_hint=published,
            expected_year=meta.get("year"), fetch=meta["fetch"], parent=meta.get("parent"))
