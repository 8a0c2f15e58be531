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

from nianjian.sources import Source
from nianjian.store import Store
from parsers.record import Problem, Report

# Parser problem codes (parsers/PROBLEMS.md) that mean "nothing to store", and the status they give.
_REFUSALS = {"UNSUPPORTED_FORMAT": "unsupported", "NOT_A_REPORT": "not_a_report"}
# Codes of a document the parser could not read. With no agency and year to file it under, such a
# document is an 'error' rather than 'unmatched'; with them (e.g. from the listing page) it is
# stored, empty: the report was published even if nianjian cannot read it.
_UNREADABLE = frozenset({"UNREADABLE_FILE", "PARSE_ERROR", "EMPTY_DOCUMENT", "DECODE_ERROR",
                         "SCANNED_PDF"})


def content_hash(body: bytes) -> str:
    """A document's identity: the crawler compares it to skip unchanged bodies, the store to
    tell a new version from the same one, so both must compute it here."""
    return hashlib.sha256(body).hexdigest()


@dataclass
class IngestResult:
    status: str              # stored | new_version | unchanged | not_a_report | unmatched | unsupported | error
    report_id: int | None = None
    version_id: int | None = None
    agency: str | None = None
    year: int | None = None
    problems: list[dict] = field(default_factory=list)
    errors: int = 0          # error findings of the stored version

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "new_version", "unchanged")


def _parse(body: bytes, url: str | None, content_type: str | None, filename: str | None) -> Report:
    from parsers import parse      # imported late: the parser package is optional to import the store
    return parse(body, url=url, content_type=content_type, filename=filename)


def _check(report: Report, previous: Report | None, peers: list[Report],
           expected_year: int | None) -> list:
    from nianjian.checks import check
    return check(report, previous=previous, peers=peers, expected_year=expected_year)


def _agency_name(report: Report, source: Source | None, agency_hint: str | None) -> str | None:
    if source is not None:
        agency = source.agency_for_title(report.title)
        if agency is not None:
            return agency.name
    return agency_hint or report.agency


def ingest_document(store: Store, *, body: bytes, url: str, content_type: str | None = None,
                    filename: str | None = None, source: Source | None = None,
                    agency_hint: str | None = None, listed_title: str | None = None,
                    published_hint: str | None = None, expected_year: int | None = None,
                    run_id: int | None = None, seen_at: datetime | None = None) -> IngestResult:
    try:
        report = _parse(body, url, content_type, filename)
    except Exception as error:    # the parser promises not to raise; one bad file must not stop a crawl
        return IngestResult("error", problems=[Problem("PARSER_CRASHED", f"{type(error).__name__}: {error}").to_dict()])
    problems = [p.to_dict() for p in report.problems]
    for code, status in _REFUSALS.items():
        if any(p.code == code for p in report.problems):
            return IngestResult(status, problems=problems)

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
        unreadable = not report.cells and any(p.code in _UNREADABLE for p in report.problems)
        return IngestResult("error" if unreadable else "unmatched", agency=agency, year=year,
                            problems=problems)
    report.agency, report.year = agency, year

    try:
        findings = _check(report, store.previous_report(agency, year),
                          store.likely_copies(agency, year, report.narrative), expected_year)
    except Exception as error:    # a crashing rule must not lose the report: store it unchecked
        findings = []
        problems.append({"code": "CHECKS_CRASHED", "detail": f"{type(error).__name__}: {error}"})
    try:
        saved = store.save_report(agency=agency, year=year, url=url, report=report,
                                  findings=findings, content_hash=content_hash(body),
                                  seen_at=seen_at, run_id=run_id)
    except sqlite3.Error as error:  # locked past the busy timeout, disk full: the transaction rolled back
        problems.append({"code": "STORE_ERROR", "detail": f"{type(error).__name__}: {error}"})
        return IngestResult("error", agency=agency, year=year, problems=problems)
    status = "stored" if saved.created else "new_version" if saved.new_version else "unchanged"
    return IngestResult(status, saved.report_id, saved.version_id, agency, year, problems,
                        saved.errors)
