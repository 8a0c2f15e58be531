"""Downloader middlewares: conditional requests, retry backoff, and the fetch ledger.

Order (crawler/settings.py): the ledger sits on the engine side of everything, so it sees each
request's final outcome once — after retries and redirects, including requests that Scrapy's
offsite or robots.txt middlewares refuse.
"""
from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.asyncio import sleep

from crawler import pages
from crawler.ledger import Fetch, LIST, NotDue
from nianjian.ingest import content_hash
from nianjian.store import Store

logger = logging.getLogger(__name__)

REPORT_KINDS = ("detail", "attachment")


def _ledger(crawler):
    return getattr(crawler.spider, "ledger", None)


def _first_url(request: Request) -> str:
    return (request.meta.get("redirect_urls") or [request.url])[0]


class ConditionalRequestMiddleware:
    """Report pages already held are asked for with If-None-Match / If-Modified-Since (a 304
    means "not fetched again"); a 200 whose body hashes as before is marked unchanged, so it is
    neither parsed nor stored again. List pages are always fetched in full."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: Request):
        ledger = _ledger(self.crawler)
        if ledger is None or request.meta.get("kind") not in REPORT_KINDS or "known" in request.meta:
            return None
        known = await ledger.call(Store.known_document, request.url)
        request.meta["known"] = known
        if known:
            if known.get("etag"):
                request.headers.setdefault("If-None-Match", known["etag"])
            if known.get("last_modified"):
                request.headers.setdefault("If-Modified-Since", known["last_modified"])
            request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", ()), 304]
        return None

    def process_response(self, request: Request, response):
        known = request.meta.get("known")
        if known and response.status == 200 and known.get("content_hash") == content_hash(response.body):
            request.meta["unchanged"] = True
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (RETRY_TIMES, RETRY_HTTP_CODES), waiting before retry n for
    RETRY_BACKOFF_BASE * 2**(n-1) seconds, at most RETRY_BACKOFF_MAX."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def process_request(self, request: Request):
        retries = request.meta.get("retry_times", 0)
        if retries and self.backoff_base > 0:
            await sleep(min(self.backoff_base * 2 ** (retries - 1), self.backoff_max))
        return None


class FetchLedgerMiddleware:
    """Records every fetch of a source in the run (status, error, timing) and turns bot-wall
    answers (markers in crawler/botwalls.yaml) into a blocked fetch that is never parsed.
    Report documents that came through are recorded by the pipeline once ingested."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _record(self, request: Request, fetch: Fetch) -> None:
        ledger = _ledger(self.crawler)
        source_id = request.meta.get("source")
        if ledger is not None and source_id in ledger.tallies:
            ledger.record(source_id, fetch)

    def process_response(self, request: Request, response):
        if "source" not in request.meta:
            return response
        fetch = Fetch.of_response(_first_url(request), request, response)
        wall = pages.botwall(response.status, response.body)
        kind = request.meta.get("kind")
        if wall:
            fetch.outcome, fetch.error = "blocked", f"bot wall: {wall}"
        elif response.status == 304:
            fetch.outcome = "not_modified"
        elif not 200 <= response.status < 300:
            fetch.outcome, fetch.error = "http_error", f"HTTP {response.status}"
        elif kind in REPORT_KINDS and request.meta.get("unchanged"):
            fetch.outcome = "unchanged"
        elif kind in REPORT_KINDS:
            request.meta["fetch"] = fetch      # recorded with the ingest outcome
            return response
        else:
            fetch.outcome = LIST if kind == "list" else kind or LIST     # "entry": a 政府信息公开 page
        self._record(request, fetch)
        if wall:
            raise IgnoreRequest(f"{request.url}: blocked by bot wall {wall}")
        return response

    def process_exception(self, request: Request, exception: Exception):
        if "source" not in request.meta or isinstance(exception, NotDue):   # not fetched: nothing to record
            return None
        message = str(exception) or type(exception).__name__
        outcome = "robots" if "robots.txt" in message else "offsite" if "offsite" in message else "error"
        self._record(request, Fetch(url=_first_url(request), outcome=outcome,
                                    error=f"{type(exception).__name__}: {message}"[:500]))
        return None
