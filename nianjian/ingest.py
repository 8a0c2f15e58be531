"""The one path a document takes into the database: parse → match agency → check → store.

Shared by the crawler's item pipeline, `nianjian ingest` and the Redis ingester (docs/design.md).
One bad document never stops the caller: whatever goes wrong comes back as a status and
problems in the `IngestResult`.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
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


_UNSURE = {"agency": "AGENCY_UNSURE", "year": "YEAR_UNSURE"}


def _place(report: Report, listed_title: str | None, source: Source | None, agency_hint: str | None,
           expected_year: int | None) -> tuple[str | None, int | None, list[tuple[str, str]]]:
    """(agency, year, doubts) of a report. One rule for both: a value some reading names
    unsurely (the parser's AGENCY_UNSURE / YEAR_UNSURE, the listed title's doubt, a title naming
    several watched agencies) is left out, whatever else names one. Else the agency is the watched
    one the title names, else the caller's (`--agency`), else the organ read; the year the listed
    title's, else the document's, else the one the caller expected (the list's, `--year`)."""
    from parsers.metadata import title_doubts, title_match    # the parser's own reading of a title
    doubts = {what: next(p.detail for p in report.problems if p.code == code)
              for what, code in _UNSURE.items() if any(p.code == code for p in report.problems)}
    agency, year = report.agency, report.year
    if listed_title:
        _, listed_agency, listed_year = title_match(listed_title) or (None, None, None)
        agency, year = listed_agency or agency, listed_year or year
        for what, why in title_doubts(listed_title).items():
            doubts.setdefault(what, f"the listed title {listed_title!r}: {why}")
    named = source.agencies_in_title(report.title) if source is not None else []
    if len(named) > 1:
        doubts.setdefault("agency", f"the title names {len(named)} watched agencies: "
                                    + ", ".join(a.name for a in named))
    agency = named[0].name if len(named) == 1 else agency_hint or agency
    year = year or expected_year
    new = [(_UNSURE[what], why) for what, why in doubts.items()
           if not any(p.code == _UNSURE[what] for p in report.problems)]
    return (None if "agency" in doubts else agency, None if "year" in doubts else year, new)


# A year printed in a title (digits as the parser compares them): a year the report may be for.
_PRINTED_YEAR = re.compile(r"(?:19|20)\d\d")


def _unplaced(report: Report, titles: list[str | None], source: Source | None, agency: str | None,
              year: int | None, expected_year: int | None, problems: list[dict]) -> dict:
    """Where a report read but not placed may belong: its agency, else the watched agencies its
    title names, else its column's; its year, else each year printed in its titles (its own, the
    listed one) and the year before (a publication date's year follows the report's) and the
    year the list expected; None, any year, when nothing names one."""
    if agency:
        agencies = [agency]
    elif source is not None:
        agencies = [a.name for a in source.agencies_in_title(report.title) or source.agencies]
    else:
        agencies = []
    printed = {int(y) for title in titles if title
               for y in _PRINTED_YEAR.findall(unicodedata.normalize("NFKC", title))}
    expected = {expected_year} if expected_year else set()
    years = [year] if year else sorted(printed | {y - 1 for y in printed} | expected) or None
    why = "; ".join(f"{p['code']}: {p['detail']}" for p in problems
                    if p["code"] in (*_UNSURE.values(), "YEAR_UNKNOWN", "AGENCY_UNKNOWN", "UNMATCHED"))
    return {"title": report.title, "agency": agency, "year": year, "agencies": agencies, "years": years,
            "why": why[:1000], "published": report.published}


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
    unplaced: dict | None = None           # a report read but not placed: where it may belong (Store.record_unplaced)


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
    titles = [report.title, listed_title]
    if listed_title:
        report.title = listed_title
    if published_hint:
        report.published = published_hint
    agency, year, doubts = _place(report, listed_title, source, agency_hint, expected_year)
    if not agency or not year:
        problems.extend({"code": code, "detail": why} for code, why in doubts)
        missing = "agency" if not agency else "year"
        problems.append({"code": "UNMATCHED",
                         "detail": f"no {missing} found surely (title: {report.title or 'none'})"})
        reading.result = IngestResult("unreadable" if report.unreadable else "unmatched", agency=agency,
                                      year=year, problems=problems)
        reading.unplaced = _unplaced(report, titles, source, agency, year, expected_year, problems)
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
        if reading.unplaced is not None:
            _store_unplaced(store, reading.unplaced, url, run_id, seen_at, reading.result)
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
        store.forget_unplaced(url)          # placed now, should it have been read unplaced before
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


def _store_unplaced(store: Store, unplaced: dict, url: str, run_id: int | None,
                    seen_at: datetime | None, result: IngestResult) -> None:
    try:
        store.record_unplaced(url, **unplaced, seen_at=seen_at, run_id=run_id)
    except sqlite3.Error as error:  # the result still says why it was not placed
        result.problems.append({"code": "STORE_ERROR", "detail": f"{type(error).__name__}: {error}"})


def ingest_document(store: Store, *, url: str, run_id: int | None = None,
                    seen_at: datetime | None = None, **document) -> IngestResult:
    """`read_document(url=url, **document)`, then `store_document`: one document in one call."""
    return store_document(store, read_document(url=url, **document), url=url, run_id=run_id,
                          seen_at=seen_at)
