"""Title, issuing organ, report year and section headings.

The title patterns, report words and not-a-report markers are data (`spec/page.yaml`); the
section headings come from `spec/template.yaml`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from parsers.document import Document, Paragraph
from parsers.labels import labels
from parsers.record import Report
from parsers.template import normalise_label
from parsers.values import page_spec

_SPEC = page_spec()
_TITLE_PATTERNS = [re.compile(p) for p in _SPEC["title_patterns"]]
_REPORT_WORDS = tuple(_SPEC["report_title_words"])
_NOT_REPORT = tuple(_SPEC["not_report_markers"])
_PERIOD = re.compile(_SPEC["period_pattern"])
_SPACES = re.compile(r"\s+")
_NUMERALS = "一二三四五六七八九十"
_HEADING_NUMBER = re.compile(r"^\s*([一二三四五六七八九十])\s*[、.．,，]")
# A heading is short: longer paragraphs that merely start with the words are prose.
MAX_HEADING_EXTRA = 8
# How many paragraphs from the top may hold the title, and how long a title may be.
TITLE_SEARCH_DEPTH = 15
MAX_TITLE_CHARS = 80


def _compact(text: str) -> str:
    """Title text without white space; brackets and digits as printed (NFKC for digits only)."""
    text = _SPACES.sub("", text)
    return "".join(unicodedata.normalize("NFKC", c) if c.isdigit() else c for c in text)


def title_match(text: str):
    """(title, agency, year) when `text` is a report title, else None."""
    compact = _compact(text)
    folded = unicodedata.normalize("NFKC", compact)
    if not any(word in folded for word in _REPORT_WORDS) and "年报" not in folded:
        return None
    for pattern in _TITLE_PATTERNS:
        match = pattern.search(compact)
        if match:
            agency = _clean_agency(match.group("agency"))
            if agency in _SPEC["agency_placeholders"]:
                agency = ""
            return compact[: match.end()].lstrip("《"), agency or None, int(match.group("year"))
    return None


def _clean_agency(agency: str) -> str:
    agency = agency.strip("《》“”\"' ：:")
    for word in _SPEC["agency_leading"]:
        if agency.startswith(word) and len(agency) > len(word):
            agency = agency[len(word):]
    changed = True
    while changed:
        changed = False
        for word in _SPEC["agency_trailing"]:
            if agency.endswith(word) and len(agency) > len(word):
                agency, changed = agency[: -len(word)], True
    return agency


def is_not_report(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", _compact(text))
    return any(marker in folded for marker in _NOT_REPORT)


@lru_cache(maxsize=2048)
def section_of(text: str) -> int | None:
    """The section number (1–6) when a paragraph is one of the six section headings."""
    if len(text) > 60:
        return None
    folded = normalise_label(text).rstrip(":：。.")
    numbered = _HEADING_NUMBER.match(unicodedata.normalize("NFKC", text))
    for number, names in labels().sections.items():
        for name in names:
            if folded == name:
                return number
            if numbered and _NUMERALS.index(numbered.group(1)) + 1 == number \
                    and folded.startswith(name[:4]) and len(folded) <= len(name) + MAX_HEADING_EXTRA:
                return number
    return None


def read_metadata(doc: Document, report: Report) -> None:
    """Fill title, agency and year; mark documents that are not annual reports."""
    candidates = [doc.title] if doc.title else []
    candidates += [b.text for b in doc.blocks[:TITLE_SEARCH_DEPTH * 2] if isinstance(b, Paragraph)][:TITLE_SEARCH_DEPTH]
    for text in candidates:
        # Title-like lines only, in order: a report's prose may well mention the 网站年度报表.
        if len(text) > MAX_TITLE_CHARS:
            continue
        found = title_match(text)
        if found:
            report.title, report.agency, report.year = found
            break
        if is_not_report(text):
            report.title = _compact(text)
            report.problem("NOT_A_REPORT", f"{report.title!r} is not a 政府信息公开 annual report")
            return
    report.published = doc.published
    if report.year is None:
        match = _PERIOD.search(_compact(report.narrative))
        if match:
            report.year = int(match.group("year"))
    has_tables = any(key.startswith(("t2.", "t3.")) for key in report.cells)
    if report.title is None:
        if not has_tables and len(report.sections) < 3:
            shown = _compact(doc.title or next((b.text for b in doc.blocks if isinstance(b, Paragraph)), ""))[:60]
            report.title = shown or None
            report.problem("NOT_A_REPORT", f"no report title, tables or section headings found ({shown!r})"
                           if shown else "the document is empty")
            return
        report.title = _compact(doc.title) if doc.title else None
        report.problem("TITLE_MISSING", "no report title found; agency unknown")
    elif report.agency is None:
        report.problem("AGENCY_UNKNOWN", f"no issuing organ in the title {report.title!r}")
    if report.year is None:
        report.problem("YEAR_UNKNOWN", "no report year in the title or the statistical period")

