"""The one item the spider yields: a downloaded document that may be a report."""
from __future__ import annotations

from dataclasses import dataclass, field

from crawler.ledger import Fetch


@dataclass
class ReportDocument:
    """A report page or attachment, with what the list and detail pages said about it.

    `fetch` is recorded by the pipeline only after the document is ingested (so a crawl killed
    in between fetches it again next time); `parent` is the detail page whose attachment this
    is, recorded with it for the same reason.
    """
    source_id: str
    url: str
    # Feeds (`scrapy crawl annual_reports -o reports.jsonl`) carry everything but the raw bytes:
    # the database keeps the document, and `fetch.size` / `fetch.content_hash` describe it.
    body: bytes = field(metadata={"serializer": lambda body: None})
    content_type: str | None
    filename: str | None
    listed_title: str | None
    published_hint: str | None
    expected_year: int | None
    fetch: Fetch
    parent: Fetch | None = None
    # the page's attachments in formats nianjian cannot read (.doc, .wps…): a page holding no
    # report but such an attachment is the report's publication all the same
    unread_attachments: tuple[str, ...] = ()
    # the page's pictures when its tables are images (TABLE_IMAGES): read by OCR with the page,
    # never stored (a re-parse without them finds the page's tables unread, not missing)
    pictures: tuple[bytes, ...] = field(default=(), metadata={"serializer": lambda pictures: None})
    # the later parts of a report page split over pages that could not be fetched: the document
    # holds the others, and is read as partly read (PARTS_MISSING)
    missing_parts: tuple[str, ...] = ()
