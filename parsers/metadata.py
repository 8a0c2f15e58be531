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
_ORGAN_SUFFIXES = tuple(_SPEC["organ_suffixes"])
_SIGNATURE_DATE = re.compile(_SPEC["signature_date"])
_SENTENCE_ENDS = _SPEC["sentence_ends"]
_NOT_IN_AGENCY = re.compile(r"[，。；：！？,.;:!?、\d]")
# A signature's organ: Chinese characters and brackets, as long as an organ's name may be.
_SIGNATURE_AGENCY = re.compile(r"[\u4e00-\u9fff()（）]{2,30}$")
# How many paragraphs from the end may hold the signature.
SIGNATURE_SEARCH_DEPTH = 4
# A heading is short: longer paragraphs that merely start with the words are prose.
MAX_HEADING_EXTRA = 8
# How many paragraphs from the top may hold the title, and how long a title may be.
TITLE_SEARCH_DEPTH = 15
MAX_TITLE_CHARS = 80


# A year in Chinese numerals (二〇二二年, 二零二二年): its digits.
_NUMERAL_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=年)")
_NUMERAL_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


def _compact(text: str) -> str:
    """Title text without white space; brackets and digits as printed (NFKC for digits only),
    a year in Chinese numerals in digits."""
    text = _NUMERAL_YEAR.sub(lambda m: m.group().translate(_NUMERAL_DIGITS), _SPACES.sub("", text))
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
    agency = agency.strip("《》“”\"' ：:【】[]")
    for word in _SPEC["agency_forwarding"]:
        if word in agency and agency.split(word)[-1]:
            agency = agency.split(word)[-1].strip("《“\"'")
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


def glued_title(text: str):
    """(title, agency, year) of a title the text starts with, glued to what follows it
    ("…年度报告根据《条例》…", a page flattened to one line); the organ must read as a name."""
    found = title_match(text[:MAX_TITLE_CHARS])
    if found and found[1] and not _NOT_IN_AGENCY.search(found[1]):
        return found
    return None


def _title_candidates(doc: Document):
    """(text, glued): the page title, then the first paragraphs, each also joined to the next
    (a title printed over two lines: "2025年某市人民政府办公厅政府信息公开" / "工作年度报告")."""
    if doc.title:
        yield doc.title, False
    paragraphs = [b.text for b in doc.blocks[:TITLE_SEARCH_DEPTH * 2] if isinstance(b, Paragraph)][:TITLE_SEARCH_DEPTH]
    for i, text in enumerate(paragraphs):
        yield text, False
        if i + 1 < len(paragraphs) and len(text) < MAX_TITLE_CHARS:
            yield text + paragraphs[i + 1], True


def signature_agency(paragraphs: list[str]) -> str | None:
    """The issuing organ of the signature line (落款) at the end: "某某市人民政府办公厅 2022年1月20日",
    on one line, over two, or glued after the last sentence of flattened text."""
    tail = [_compact(p) for p in paragraphs[-SIGNATURE_SEARCH_DEPTH:] if p.strip()]
    for i in range(len(tail) - 1, -1, -1):
        date = _SIGNATURE_DATE.search(tail[i])
        if not date:
            continue
        before = tail[i][: date.start()]
        own_line = not before and i > 0
        if own_line:
            before = tail[i - 1]
        name = _SIGNATURE_AGENCY.search(before)
        if not name:
            return None
        start = name.start()
        if start and before[start - 1] not in _SENTENCE_ENDS:
            return None          # glued to prose that does not end a sentence: where the name starts is unknown
        agency = name.group()
        return agency if agency.endswith(_ORGAN_SUFFIXES) else None
    return None


def read_metadata(doc: Document, report: Report) -> None:
    """Fill title, agency and year; mark documents that are not annual reports."""
    for text, joined in _title_candidates(doc):
        # Title-like lines only, in order: a report's prose may well mention the 网站年度报表.
        if len(text) > MAX_TITLE_CHARS:
            found = None if joined else glued_title(_compact(text))
            if found:
                report.title, report.agency, report.year = found
                break
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
        report.agency = signature_agency(doc.paragraphs)
        report.problem("TITLE_MISSING", "no report title found; " + (
            f"agency {report.agency!r} from the signature line" if report.agency else "agency unknown"))
    elif report.agency is None:
        report.problem("AGENCY_UNKNOWN", f"no issuing organ in the title {report.title!r}")
    if report.year is None:
        report.problem("YEAR_UNKNOWN", "no report year in the title or the statistical period")

