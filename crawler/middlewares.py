"""Downloader middlewares: each source's origins, conditional requests, retry backoff, and the
fetch ledger.

Order (crawler/settings.py): the ledger sits on the engine side of everything, so it sees each
request's final outcome once — after retries and redirects, including requests that the origin
or robots.txt middlewares refuse, and requests the duplicate filter drops.
"""
from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future

from crawler import pages
from crawler.ledger import REPORT_FAILURES, REPORT_KINDS, Fetch, NotDue
from crawler.origins import Refusal, SourcePolicy, origin
from nianjian.ingest import content_hash
from nianjian.store import Store

logger = logging.getLogger(__name__)


def _ledger(crawler):
    return getattr(crawler.spider, "ledger", None)


def record_fetch(crawler, source_id: str | None, fetch: Fetch) -> None:
    """One fetch of a source in the crawl's record (no record for requests of no source)."""
    ledger = _ledger(crawler)
    if ledger is not None and source_id in ledger.tallies:
        ledger.record(source_id, fetch)


def _first_url(request: Request) -> str:
    return (request.meta.get("redirect_urls") or [request.url])[0]


class Refused(IgnoreRequest):
    """A request the origin rules do not let out; `refusal.outcome` is its recorded outcome."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.reason)
        self.refusal = refusal


class OriginMiddleware:
    """Scrapy's OffsiteMiddleware by origin (scheme + host + port) and per source: a request
    (a link, a redirect, a further list page) goes only to its source's origins, and to a
    private, loopback or link-local address only when the source's own portal is on one —
    checked on literal addresses and `localhost`, and on the address a host name resolves to
    (through Scrapy's caching resolver, off the reactor thread). Requests of no source
    (robots.txt and its redirects) must be allowed by some source. Refused requests raise
    `Refused`, recorded by the FetchLedgerMiddleware."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.policies: dict[str, SourcePolicy] = {}
        self.by_origin: dict = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider) -> None:
        self.policies = getattr(spider, "policies", {})
        self.by_origin = {}
        for policy in self.policies.values():
            for allowed in policy.origins:
                self.by_origin.setdefault(allowed, []).append(policy)

    async def process_request(self, request: Request):
        source_id = request.meta.get("source")
        if source_id in self.policies:
            candidates = [self.policies[source_id]]
        else:
            candidates = self.by_origin.get(origin(request.url), [])
            if not candidates and self.policies:
                raise Refused(Refusal("offsite", f"{request.url} is on no source's site"))
        refusal = None
        for policy in candidates:
            refusal = await self.refusal(policy, request.url)
            if refusal is None:
                return None
        if refusal is not None:
            raise Refused(refusal)
        return None

    @staticmethod
    async def refusal(policy: SourcePolicy, url: str) -> Refusal | None:
        found = policy.refusal(url)
        if found is not None or not policy.needs_resolving(url):
            return found
        host = origin(url)[1]
        address = await _resolve(host)
        if address is None:
            return None                  # the download reports the lookup failure itself
        return policy.address_refusal(host, address, await _resolve(policy.own_host))


async def _resolve(host: str) -> str | None:
    """The IPv4 address of `host` by the reactor's resolver (Scrapy's DNS cache), or None."""
    from twisted.internet import reactor
    try:
        return await maybe_deferred_to_future(reactor.resolve(host))
    except Exception:                    # no such host, a timeout: the download says so itself
        return None


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
        if known and known.get("outcome") in REPORT_FAILURES:
            known = None        # what failed last time (a wall, an error page) is fetched afresh
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
    Pages that came through are recorded by whoever reads them: list and entry pages by the
    spider once read, report documents by the pipeline once ingested. Refused requests are
    recorded with their refusal's outcome; a redirect to a page already requested in this run,
    or a link to a page another source asked for first (both dropped by the duplicate filter),
    as `duplicate`."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.first_asked: dict[bytes, str] = {}      # request fingerprint → the source that asked first

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        return middleware

    def _record(self, request: Request, fetch: Fetch) -> None:
        record_fetch(self.crawler, request.meta.get("source"), fetch)

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
        else:
            request.meta["fetch"] = fetch      # recorded by the spider or the pipeline
            return response
        self._record(request, fetch)
        if wall:
            raise IgnoreRequest(f"{request.url}: blocked by bot wall {wall}")
        return response

    def process_exception(self, request: Request, exception: Exception):
        if "source" not in request.meta or isinstance(exception, NotDue):   # not fetched: nothing to record
            return None
        message = str(exception) or type(exception).__name__
        if isinstance(exception, Refused):
            outcome, error = exception.refusal.outcome, message
        else:
            # An exception may name its outcome (crawler.browser.NotRendered: needs_browser, browser_cap).
            outcome = getattr(exception, "outcome", None) or ("robots" if "robots.txt" in message else "error")
            error = f"{type(exception).__name__}: {message}"
        final = request.url if request.meta.get("redirect_urls") else None
        self._record(request, Fetch(url=_first_url(request), final_url=final, outcome=outcome, error=error[:500],
                                    rendered=request.meta.get("rendered"), kind=request.meta.get("kind")))
        return None

    def request_scheduled(self, request: Request, spider=None) -> None:
        if "source" in request.meta:
            self.first_asked.setdefault(self.crawler.request_fingerprinter.fingerprint(request),
                                        request.meta["source"])

    def request_dropped(self, request: Request, spider=None) -> None:
        """The duplicate filter dropped it: recorded when it is a redirect, or a page another
        source asked for first (a source's own repeated links are no news)."""
        source_id = request.meta.get("source")
        first = self.first_asked.get(self.crawler.request_fingerprinter.fingerprint(request))
        if request.meta.get("redirect_urls"):
            error = f"redirected to {request.url}, already requested in this run"
        elif first is not None and first != source_id:
            error = f"already requested in this run by source {first}"
        else:
            return
        self._record(request, Fetch(url=_first_url(request), final_url=request.url, outcome="duplicate", error=error))
