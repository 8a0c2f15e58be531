"""The `discover` spider: from a region's portal home (or its 政府信息公开 platform), find the
organs it links to and each one's annual-report column, for `nianjian discover`.

    scrapy crawl discover -a url=http://www.example.gov.cn/ [-a depth=4] [-a max_pages=500]

It follows only what leads to organs: organ links of directories (部门, 区县, 乡镇街道 lists and
公开 platforms' organ lists), links to 政府信息公开 pages and directories, and report-column
links, whose first page is read for its CMS and for the organs its reports name. Politeness,
robots.txt and limits are the crawler's settings. Pure page reading: crawler/directory.py and
crawler/pages.py; the result (nianjian.discovery.Discovery) is in `spider.found`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse

from crawler import directory, origins, pages
from crawler.families import FAMILIES, detect
from crawler.spiders.annual_reports import PORTAL_FAILURES
from nianjian.discovery import Discovery, Organ


def _region_of(host: str) -> str:
    """The part of a host its region's other sites share: www.hd.gov.cn → hd.gov.cn."""
    labels = host.split(".")
    if host.endswith(".gov.cn") and len(labels) > 3:
        return ".".join(labels[-3:])
    return host


class DiscoverSpider(scrapy.Spider):
    name = "discover"
    # Discovery stores nothing: no fetch ledger, no conditional requests, no ingest.
    custom_settings = {
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.FetchLedgerMiddleware": None,
                                   "crawler.middlewares.ConditionalRequestMiddleware": None},
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"crawler.extensions.CrawlProgress": None},
    }

    def __init__(self, *args, url: str | None = None, depth: int | str = 4, max_pages: int | str = 500,
                 on_page=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError("no start URL: pass -a url=http://…")
        self.start_url = url
        self.max_depth, self.max_pages = int(depth), int(max_pages)
        self.on_page = on_page                     # progress: called with (pages, organs, columns)
        self.found = Discovery(url)
        self.requested = 0
        self.region = _region_of(urlsplit(url).hostname or "")
        self.private_start = origins.is_private_address(urlsplit(url).hostname or "")

    async def start(self):
        yield self._follow(self.start_url, None, 0)

    # ------------------------------------------------------------------ requests
    def _follow(self, url: str, organ: Organ | None, hops: int, callback=None):
        """A request for the page, or None past --max-pages or on a private address (loopback,
        intranet) when the start page is not on one: the crawler's rule (crawler/origins.py)."""
        host = urlsplit(url).hostname or ""
        if self.requested >= self.max_pages or (origins.is_private_address(host) and not self.private_start):
            return None
        self.requested += 1
        return scrapy.Request(url, callback=callback or self.parse_page, errback=self.failed,
                              meta={"organ": organ.name if organ else None, "hops": hops})

    def _progress(self) -> None:
        if self.on_page:
            self.on_page(self.requested, len(self.found.organs), len(self.found.columns))

    def failed(self, failure):
        request = failure.request
        if not failure.check(*PORTAL_FAILURES):
            self.logger.error("%s failed:\n%s", request.url, failure.getTraceback())
        reason = f"{request.url}: {failure.getErrorMessage() or failure.type.__name__}"
        column = self.found.columns.get(request.meta.get("column") or "")
        organ = self.found.organs.get(request.meta.get("organ") or "")
        if column is not None:
            column.reason = reason
        elif organ is not None and not organ.column:
            organ.reason = reason
        self._progress()

    # ------------------------------------------------------------------ portal pages
    def parse_page(self, response):
        self._progress()
        organ = self.found.organs.get(response.meta["organ"] or "")
        if not isinstance(response, TextResponse):
            if organ is not None and not organ.column:
                organ.reason = f"{response.url} is not a web page"
            return
        html, url, hops = response.text, response.url, response.meta["hops"]
        if organ is None:                               # the start page names the region's government
            own = directory.region_government(html)
            if own is None:
                self.logger.warning("%s names no 人民政府 in its title or site name", url)
                return
            organ = self.found.add_organ(own[0], "government", None, url)
        for column_url in pages.column_links(html, url)[:1]:
            if not organ.column:
                column, new = self.found.attach(organ, column_url)
                request = self._column_request(column_url) if new else None
                if request is not None:
                    yield request
        prefix = self._prefix(organ)
        for link in directory.organ_links(html, url, prefix):
            if link.name in self.found.organs or hops >= self.max_depth:
                continue
            parent = organ.name if organ.level == "government" else organ.parent
            child = self.found.add_organ(link.name, link.level, parent, link.url)
            request = self._follow(link.url, child, hops + 1)
            if request is None:
                child.reason = f"not visited: --max-pages {self.max_pages} reached"
            else:
                yield request
        # 政府信息公开 pages and directories: a government's hold its organs, anyone's its column.
        if hops < self.max_depth and (organ.level == "government" or not organ.column):
            for entry in directory.entry_links(html, url):
                if _region_of(urlsplit(entry).hostname or "") == self.region or \
                        urlsplit(entry).hostname == urlsplit(url).hostname:
                    request = self._follow(entry, organ, hops + 1)
                    if request is not None:
                        yield request

    def _prefix(self, organ: Organ) -> str | None:
        """The region prefix of the names on an organ's pages: its government's place name."""
        government = organ if organ.level == "government" else self.found.organs.get(organ.parent or "")
        if government is None:
            return None
        return government.name.removesuffix("人民政府").removesuffix("政府") or None

    # ------------------------------------------------------------------ report columns
    def _column_request(self, url: str) -> scrapy.Request | None:
        host = urlsplit(url).hostname or ""
        if origins.is_private_address(host) and not self.private_start:
            return None
        self.requested += 1
        return scrapy.Request(url, callback=self.parse_column, errback=self.failed, meta={"column": url},
                              priority=10)

    def parse_column(self, response):
        """The column's family, and the organs its reports name (a county column lists its
        departments' and townships' reports too)."""
        self._progress()
        column = self.found.columns[response.meta["column"]]
        wall = pages.botwall(response.status, response.body)
        if wall or not isinstance(response, TextResponse):
            column.reason = f"bot wall ({wall})" if wall else f"{response.url} is not a web page"
            return
        html, url = response.text, response.url
        column.cms = detect(html, url)
        try:
            entries = FAMILIES[column.cms].entries(html, url)
        except pages.UnreadablePage:                     # e.g. a gkmlpt shell page without its JSON
            entries = []
        owner = self.found.organs[column.organs[0]]
        for entry in entries:
            host = urlsplit(entry.url).hostname
            if host and host != urlsplit(url).hostname:
                column.hosts.add(host)
            name = directory.organ_of_title(entry.title, entry.year)
            if not name:
                continue
            level = directory.level_of(name)
            parent = owner.name if owner.level == "government" else owner.parent
            organ = self.found.organs.get(name) or self.found.add_organ(name, level, parent, url)
            if not organ.column or organ.column == column.url:
                self.found.attach(organ, column.url)
