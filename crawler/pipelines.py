"""Item pipelines of report documents. In a crawl the spider's pipeline only hands documents over
(crawler/handover.py); the writer then runs `IngestPipeline` on each: `nianjian.ingest`
(parse → match agency → check → store), then its fetch is recorded with the ingest outcome."""
from __future__ import annotations

import logging

from nianjian import clock
from nianjian.ingest import ingest_document

from crawler.items import ReportDocument

logger = logging.getLogger(__name__)


class ReportDocumentPipeline:
    """Hands each downloaded report document to `process_document`; other items pass by.
    The document's body is dropped afterwards: its store has it, feeds and memory need not."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        if isinstance(item, ReportDocument):
            await self.process_document(item)
            item.body = b""
        return item

    async def process_document(self, item: ReportDocument) -> None:
        raise NotImplementedError


class IngestPipeline(ReportDocumentPipeline):
    """The writer's step for one document: parse, check and store in SQLite, then record the
    fetch with its outcome."""

    async def process_document(self, item: ReportDocument) -> None:
        spider = self.crawler.spider
        ledger = spider.ledger
        # On the store's thread: parsing a PDF must not hold up the reactor.
        result = await ledger.call(
            ingest_document, body=item.body, url=item.url, content_type=item.content_type,
            filename=item.filename, source=spider.sources.get(item.source_id), agency_hint=None,
            listed_title=item.listed_title, published_hint=item.published_hint,
            expected_year=item.expected_year, run_id=ledger.run_id, seen_at=clock.now(),
            unread_attachments=item.unread_attachments, pictures=item.pictures)
        item.fetch.outcome = result.status
        if result.status in ("error", "unreadable", "partly_read", "not_a_report"):   # why (a page: a sample)
            item.fetch.error = "; ".join(f"{p.get('code')}: {p.get('detail')}" for p in result.problems)[:500]
        ledger.record(item.source_id, item.fetch)
        if item.parent is not None:
            item.parent.outcome = "detail"
            ledger.record(item.source_id, item.parent)
        logger.info("%s: %s (%s %s)", item.url, result.status, result.agency, result.year)
