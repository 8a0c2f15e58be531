"""Requests fingerprinted by the document they ask for (nianjian.urls.canonical_url), not by
their spelling: `?from=list`, `;jsessionid=…`, `https`, `/index.html` or a trailing slash make no
second request of a page in a run, nor a redirect to one already asked for. Method and body count
as in Scrapy's own fingerprint (a Hanweb dataproxy POST of another page is another request)."""
from __future__ import annotations

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy.utils.request import fingerprint

from nianjian.urls import canonical_url


def _as_document(request):
    return request.replace(url=canonical_url(request.url))


class DocumentFingerprinter:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def fingerprint(self, request) -> bytes:
        return fingerprint(_as_document(request))


class DocumentDupeFilter(RFPDupeFilter):
    """scrapy-redis' duplicate filter (distributed crawls) by the same key."""

    def request_fingerprint(self, request) -> str:
        return super().request_fingerprint(_as_document(request))
