"""Item pipelines of report documents. In a crawl the spider's pipeline only hands documents over
(crawler/handover.py); the writer then runs `IngestPipeline` on each: `nianjian.ingest`
(read: parse → match agency → own checks; store: checks against other reports → store), then its
fetch is recorded with the ingest outcome."""
from __future__ import annotations

import logging

from nianjian import clock
from nianjian.ingest import store_document

from crawler.items import ReportDocument
from crawler.ledger import PARTS_MISSING

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
    """The writer's step for one document: read it (`read`: parse and the checks of its own
    content, see crawler.handover.Readers), store it with the checks that need the store, then
    record the fetch with its outcome."""

    def __init__(self, crawler, read):
        super().__init__(crawler)
        self.read = read                 # ReportDocument → nianjian.ingest.Reading

    async def process_document(self, item: ReportDocument) -> None:
        ledger = self.crawler.spider.ledger
        reading = self.read(item)
        result = await ledger.call(store_document, reading, url=item.url, run_id=ledger.run_id,
                                   seen_at=clock.now())
        item.fetch.outcome = result.status
        if item.missing_parts and result.status not in ("error", "not_a_report", "unmatched"):
            item.fetch.outcome = PARTS_MISSING
        if item.fetch.outcome in ("error", "unreadable", "partly_read", "not_a_report", PARTS_MISSING):   # why (a page: a sample)
            item.fetch.error = "; ".join(f"{p.get('code')}: {p.get('detail')}" for p in result.problems)[:500]
        ledger.record(item.source_id, item.fetch)
        if item.parent is not None:
            item.parent.outcome = "detail"
            ledger.record(item.source_id, item.parent)
        logger.info("%s: %s (%s %s)", item.url, result.status, result.agency, result.year)
