"""The one path a document takes into the database: parse → match agency → check → store.

Shared by the crawler's item pipeline, `nianjian ingest` and the Redis ingester (docs/design.md).
One bad document never stops the caller: whatever goes wrong comes back as a status and
problems in the `IngestResult`.
"""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

from nianjian.sources import Source
from nianjian.store import Store
from parsers.record import Problem, Report

# Formats of a page rather than a file: a page that holds nothing of a report (a bot wall with
# no marker, an error page, a page repeating the listed title) is no publication, whatever the
# listing called it; an unreadable PDF or DOCX is one (the agency published a file we cannot read).
_PAGE_FORMATS = ("html", "text")
SAMPLE_CHARS = 120


def content_hash(body: bytes) -> str:
    """A document's identity: the crawler compares it to skip unchanged bodies, the store to
    tell a new version from the same one, so both must compute it here."""
    return hashlib.sha256(body).hexdigest()


@dataclass
class IngestResult:
    status: str              # stored | new_version | unchanged | unreadable | partly_read | not_a_report | unmatched | unsupported | error
    report_id: int | None = None
    version_id: int | None = None
    agency: str | None = None
    year: int | None = None
    problems: list[dict] = field(default_factory=list)
    errors: int = 0          # error findings of the stored version

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "new_version", "unchanged")


def _parse(body: bytes, url: str | None, content_type: str | None, filename: str | None,
           pictures: Sequence[bytes] = ()) -> Report:
    from parsers import parse      # imported late: the parser package is optional to import the store
    return parse(body, url=url, content_type=content_type, filename=filename, pictures=pictures)


def _agency_name(report: Report, source: Source | None, agency_hint: str | None) -> str | None:
    if source is not None:
        agency = source.agency_for_title(report.title)
        if agency is not None:
            return agency.name
    return agency_hint or report.agency


def _is_page(body: bytes, filename: str | None, content_type: str | None) -> bool:
    from parsers.formats import sniff_format
    return sniff_format(body, filename, content_type) in _PAGE_FORMATS


def _sample(report: Report, body: bytes) -> str:
    """What the page says, for the fetch record: its text, else the start of its markup."""
    text = " ".join(filter(None, [report.title, report.narrative])) or \
        body[:4096].decode("utf-8", "replace")
    return " ".join(text.split())[:SAMPLE_CHARS]


@dataclass
class Reading:
    """A document read before the store is asked anything (`read_document`): its report, named
    with its agency and year, and the findings of its own content — or, in `result`, the end of
    its ingest (nothing of a report, no agency, a parser that crashed). Pure, so the crawl's
    writer reads the next documents in another process while it stores this one."""
    content_hash: str
    result: IngestResult | None = None
    report: Report | None = None
    problems: list[dict] = field(default_factory=list)
    own_findings: list | None = None       # None: the checks crashed (the report is stored unchecked)


def read_document(*, body: bytes, url: str, content_type: str | None = None,
                  filename: str | None = None, source: Source | None = None,
                  agency_hint: str | None = None, listed_title: str | None = None,
                  published_hint: str | None = None, expected_year: int | None = None,
                  unread_attachments: Sequence[str] = (), pictures: Sequence[bytes] = (),
                  missing_parts: Sequence[str] = ()) -> Reading:
    """`pictures`: a report page's pictures when its tables are images, read by OCR with it and
    not stored (see crawler.items.ReportDocument.pictures). `missing_parts`: the parts of a page
    split over pages that could not be fetched (the body holds the others)."""
    reading = Reading(content_hash(body))
    try:
        report = _parse(body, url, content_type, filename, pictures)
    except Exception as error:    # the parser promises not to raise; one bad file must not stop a crawl
        reading.result = IngestResult("error", problems=[Problem("PARSER_CRASHED", f"{type(error).__name__}: {error}").to_dict()])
        return reading
    if unread_attachments and not report.holds_report:
        report.problem("UNSUPPORTED_ATTACHMENT", "the report is an attachment in a format nianjian "
                       f"cannot read: {', '.join(unread_attachments)}"[:500])
    if missing_parts:
        report.problem("PARTS_MISSING", f"the page is split over pages; {len(missing_parts)} part(s) "
                       f"could not be fetched: {', '.join(missing_parts)}"[:500])
    problems = reading.problems = [p.to_dict() for p in report.problems]
    if report.status in ("unsupported", "not_a_report"):
        reading.result = IngestResult(report.status, problems=problems)
        return reading
    # A file, or a page whose report is an attachment, is a publication even when unreadable; a
    # page with nothing of a report in it and nothing attached is none.
    publication = bool(unread_attachments) or not _is_page(body, filename, content_type)
    if not report.holds_report and not (report.unreadable and publication):
        # The record says why in one line (the reader's TABLE_INCOMPLETE etc. would only add noise).
        why = [report.unreadable.to_dict()] if report.unreadable else []
        why.append({"code": "NOT_A_REPORT", "detail": "no report tables, text or attachment; "
                    f"the page reads: {_sample(report, body)!r}"})
        reading.result = IngestResult("not_a_report", problems=why)
        return reading

    # The detail page's title and date win over what an attachment carries.
    if listed_title:
        from parsers.metadata import title_match    # the parser's own reading of a title
        report.title = listed_title
        _, listed_agency, listed_year = title_match(listed_title) or (None, None, None)
        report.agency = listed_agency or report.agency
        report.year = listed_year or report.year
    if published_hint:
        report.published = published_hint
    agency = _agency_name(report, source, agency_hint)
    year = report.year or expected_year
    if not agency or not year:
        missing = "agency" if not agency else "year"
        problems.append({"code": "UNMATCHED",
                         "detail": f"no {missing} found (title: {report.title or 'none'})"})
        reading.result = IngestResult("unreadable" if report.unreadable else "unmatched", agency=agency,
                                      year=year, problems=problems)
        return reading
    report.agency, report.year = agency, year
    reading.report = report
    from nianjian.checks import own_findings
    try:
        reading.own_findings = own_findings(report, expected_year)
    except Exception as error:    # a crashing rule must not lose the report: store it unchecked
        problems.append({"code": "CHECKS_CRASHED", "detail": f"{type(error).__name__}: {error}"})
    return reading


def store_document(store: Store, reading: Reading, *, url: str, run_id: int | None = None,
                   seen_at: datetime | None = None) -> IngestResult:
    """A read document into the store: the checks against last year's report and the likely
    copies among other agencies' reports (both from the store), then the report itself."""
    if reading.result is not None:
        return reading.result
    report, problems = reading.report, reading.problems
    agency, year = report.agency, report.year
    findings = []
    if reading.own_findings is not None:
        from nianjian.checks import with_related
        try:
            findings = with_related(reading.own_findings, report, previous=store.previous_report(agency, year),
                                    peers=store.likely_copies(agency, year, report.narrative))
        except Exception as error:    # a crashing rule must not lose the report: store it unchecked
            problems.append({"code": "CHECKS_CRASHED", "detail": f"{type(error).__name__}: {error}"})
    try:
        saved = store.save_report(agency=agency, year=year, url=url, report=report,
                                  findings=findings, content_hash=reading.content_hash,
                                  seen_at=seen_at, run_id=run_id)
    except sqlite3.Error as error:  # locked past the busy timeout, disk full: the transaction rolled back
        problems.append({"code": "STORE_ERROR", "detail": f"{type(error).__name__}: {error}"})
        return IngestResult("error", agency=agency, year=year, problems=problems)
    if saved.kept:
        problems.append({"code": "KEPT_READABLE_VERSION", "detail": "not stored: the version "
                         "already stored, read better, stays current"})
    if saved.kept or report.unreadable:
        return IngestResult(report.readability, saved.report_id, saved.version_id, agency, year,
                            problems, saved.errors)
    status = "stored" if saved.created else "new_version" if saved.new_version else "unchanged"
    return IngestResult(status, saved.report_id, saved.version_id, agency, year, problems,
                        saved.errors)


def ingest_document(store: Store, *, url: str, run_id: int | None = None,
                    seen_at: datetime | None = None, **document) -> IngestResult:
    """`read_document(url=url, **document)`, then `store_document`: one document in one call."""
    return store_document(store, read_document(url=url, **document), url=url, run_id=run_id,
                          seen_at=seen_at)
