"""Polite re-runs: a report page (or attachment) already stored is asked for again only on its
night of a rotation of NIANJIAN_REVERIFY_NIGHTS nights (default 7), so a nightly crawl of an
unchanged portal sends about 1/N of its report requests, and a silent edit is still seen within
N nights. List pages are always fetched (new reports appear there); pages never stored, or whose
last fetch failed, are always asked; what is asked keeps its conditional request (304).

A page's night is a stable hash of its canonical URL's path and query (nianjian/urls.py: every
spelling of a page has the same night) modulo N against the day number of `clock.now()`
(NIANJIAN_NOW / --now move it), so the nightly share is even and needs no state. A page not
asked for more than N days (its night was missed: no crawl, a failure) is asked at once.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from scrapy import Request

from crawler.ledger import FAILURES, REPORT_FAILURES, REPORT_KINDS, NotDue
from nianjian import clock
from nianjian.urls import canonical_url


def night_of(url: str, nights: int) -> int:
    """The page's night: from its canonical path and query only, so it stays the same if a
    portal moves host or port, or links the page another way."""
    parts = urlsplit(canonical_url(url))
    key = f"{parts.path}?{parts.query}".encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") % nights


def due(url: str, known: dict | None, now: datetime, nights: int) -> bool:
    """Whether to ask for a report page tonight, given what the store knows of it."""
    if (nights <= 1 or not known or not known.get("last_fetched")
            or known.get("outcome") in FAILURES | REPORT_FAILURES):     # failed last time: fetched in full
        return True
    if now - datetime.fromisoformat(known["last_fetched"]) > timedelta(days=nights):
        return True
    return night_of(url, nights) == now.date().toordinal() % nights


class ReverifyRotationMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.nights = crawler.settings.getint("NIANJIAN_REVERIFY_NIGHTS", 7)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        if request.meta.get("kind") not in REPORT_KINDS or "known" not in request.meta:
            return None
        if due(request.url, request.meta["known"], clock.now(), self.nights):
            return None
        self.crawler.stats.inc_value("nianjian/not_due")
        raise NotDue(f"{request.url}: stored, re-verified on its night of {self.nights}")
