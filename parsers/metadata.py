"""Title, issuing organ, report year and section headings.

The title patterns, report words and not-a-report markers are data (`spec/page.yaml`); the
section headings come from `spec/template.yaml`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
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
_NOT_ANNUAL = tuple(_SPEC["not_annual"])
_PERIOD = re.compile(_SPEC["period_pattern"])
_SPACES = re.compile(r"\s+")
_NUMERALS = "一二三四五六七八九十"
_HEADING_NUMBER = re.compile(r"^\s*([一二三四五六七八九十])\s*[、.．,，]")
_ORGAN_SUFFIXES = tuple(_SPEC["organ_suffixes"])
_SIGNATURE_DATE = re.compile(_SPEC["signature_date"])
_SENTENCE_ENDS = _SPEC["sentence_ends"]
_SIGNATURE_NOTES = tuple(_SPEC["signature_notes"])
# What no organ's name holds: punctuation, a date's year, month or day, the marks around a
# cited title. (Other figures may be part of a name: 第1号局, 12345热线办公室.)
_NOT_IN_AGENCY = re.compile(r"[，。；：！？,.;:!?、《》“”]|\d+\s*[年月日]|\d{4}")
_AGENCY_LISTS = tuple(_SPEC["agency_lists"])
_AROUND_NAME = "《》“”\"' ：:【】[]"
_CUT_SHORT = tuple(_SPEC["cut_short"])
_OFFICES = tuple(_SPEC["organ_offices"])
_SYNONYMS = _SPEC["organ_synonyms"]
_YEAR_RANGE = re.compile(_SPEC["year_range"])
_OPENING_YEARS = [re.compile(p) for p in _SPEC["opening_years"]]
_LEADING_DATE = re.compile(_SPEC["agency_leading_date"])
FIRST_REPORT_YEAR = _SPEC["first_report_year"]
_EDITION_FIRST_YEAR = {str(k): v for k, v in _SPEC["edition_first_year"].items()}
# A signature's organ: Chinese characters and brackets, as long as an organ's name may be.
_SIGNATURE_AGENCY = re.compile(r"[\u4e00-\u9fff()（）]{2,30}$")
# How many paragraphs from the end may hold the signature.
SIGNATURE_SEARCH_DEPTH = 4
# A heading is short: longer paragraphs that merely start with the words are prose.
MAX_HEADING_EXTRA = 8
# How many paragraphs from the top may hold the title, and how long a title may be.
TITLE_SEARCH_DEPTH = 15
MAX_TITLE_CHARS = 80


# A year in Chinese numerals (二〇二二年, 二零二二年; the zero also typed as 0 or the letter O): its digits.
_NUMERAL_YEAR = re.compile(r"[〇○零0OoＯ一二三四五六七八九]{4}(?=年)")
_NUMERAL_DIGITS = str.maketrans("〇○零OoＯ一二三四五六七八九", "000000123456789")


def _compact(text: str) -> str:
    """Title text without white space; brackets and digits as printed (NFKC for digits only),
    a year in Chinese numerals in digits."""
    text = _NUMERAL_YEAR.sub(lambda m: m.group().translate(_NUMERAL_DIGITS), _SPACES.sub("", text))
    return "".join(unicodedata.normalize("NFKC", c) if c.isdigit() else c for c in text)


@dataclass
class _Reading:
    """What one title says: the agency and year, or why one of them is left out (`doubts`)."""
    title: str
    agency: str | None
    year: int | None
    doubts: list[tuple[str, str]] = field(default_factory=list)   # (field, why)
    named: bool = False        # the title names someone where the organ stands (not 我局, nothing)


def _names_a_report(compact: str) -> bool:
    """Whether a line (compacted) speaks of a 政府信息公开 report at all."""
    folded = unicodedata.normalize("NFKC", compact)
    return any(word in folded for word in _REPORT_WORDS) or "年报" in folded


def _read_title(text: str) -> _Reading | None:
    compact = _compact(text)
    if not _names_a_report(compact):
        return None
    # A range of years reads as its last year, which is then not known.
    ranged = _YEAR_RANGE.search(compact)
    matched = compact if not ranged else compact[: ranged.start()] + ranged.group()[-4:] + compact[ranged.end():]
    for pattern in _TITLE_PATTERNS:
        match = pattern.search(matched)
        if match:
            break
    else:
        return None
    if any(word in match.group() for word in _NOT_ANNUAL):
        return None         # a half-year or quarterly report
    year = int(match.group("year")) if "year" in pattern.groupindex else None
    ranged = ranged if ranged and ranged.start() < match.end() else None
    shift = len(ranged.group()) - 4 if ranged else 0
    reading = _Reading(compact[: match.end() + shift].lstrip("《"), None, year)
    if ranged and year is not None:
        reading.year = None
        reading.doubts.append(("year", f"the title names a range of years ({ranged.group()})"))
    elif year is not None and year < FIRST_REPORT_YEAR:
        reading.year = None
        reading.doubts.append(("year", f"{year} is before the first report year, {FIRST_REPORT_YEAR}"))
    elif year is not None and year > date.today().year:      # the clock: the one thing not in the bytes
        reading.year = None
        reading.doubts.append(("year", f"{year} is in the future"))
    agency = _clean_agency(match.group("agency"))
    if agency and agency not in _SPEC["agency_placeholders"]:
        reading.named = True
        why = _not_an_organ(agency)
        if why and why != _CUT and year is None:
            return None     # prose or a breadcrumb naming the kind of report ("…要认真做好政府信息公开工作年度报告")
        if why:
            reading.doubts.append(("agency", f"{agency!r} in the title {why}"))
        else:
            reading.agency = agency
    return reading


_NOT_A_NAME, _CUT = "is not an organ's name", "is cut short"


def _not_an_organ(name: str) -> str | None:
    """Why a name in the organ's place names no one organ, or None when it does."""
    if any(mark in name for mark in _CUT_SHORT):
        return _CUT
    if any(mark in name for mark in _AGENCY_LISTS):
        return "names several organs"
    if _NOT_IN_AGENCY.search(name) or not all(part.endswith(_ORGAN_SUFFIXES) for part in _names_in(name)):
        return _NOT_A_NAME
    return None


_SECOND_NAME = re.compile(r"(.+?)[（(]([^（）()]+)[）)]")


def _names_in(name: str) -> list[str]:
    """The names an organ goes by: "某县委宣传部（某县新闻出版局）" → both; brackets inside a name
    ("某区(某高新区)政府办公室") leave it one."""
    second = _SECOND_NAME.fullmatch(name)
    return [second.group(1), second.group(2)] if second else [name]


def title_match(text: str):
    """(title, agency, year) when `text` is a report title, else None; the agency or the year
    None when the title does not name it surely."""
    reading = _read_title(text)
    return (reading.title, reading.agency, reading.year) if reading else None


def title_doubts(text: str) -> dict[str, str]:
    """Why `title_match` leaves a title's agency or year out ({"agency": why, "year": why}): the
    title names one that cannot be right (a range of years, a year in the future; several organs,
    a name cut short). Empty when the title names them surely, names none, or is no report title."""
    reading = _read_title(text)
    return dict(reversed(reading.doubts)) if reading else {}


def _clean_agency(agency: str) -> str:
    agency = agency.strip(_AROUND_NAME)
    for word in (*_SPEC["title_separators"], *_SPEC["agency_forwarding"]):
        if word in agency and agency.split(word)[-1].strip(_AROUND_NAME):
            agency = agency.split(word)[-1].strip(_AROUND_NAME)
    for word in _SPEC["agency_leading"]:
        if agency.startswith(word) and len(agency) > len(word):
            agency = agency[len(word):]
    agency = _LEADING_DATE.sub("", agency)
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
    """(text, glued): the page's titles, then the first paragraphs up to the first section
    heading (after it, a report's title is one the prose cites: last year's), each also joined to
    the next (a title printed over two lines: "2025年某市人民政府办公厅政府信息公开" / "工作年度报告")."""
    if doc.title:
        yield doc.title, False
        for other in doc.other_titles:
            yield other, False
    paragraphs = [b.text for b in doc.blocks[:TITLE_SEARCH_DEPTH * 2] if isinstance(b, Paragraph)][:TITLE_SEARCH_DEPTH]
    heading = next((i for i, text in enumerate(paragraphs) if section_of(text) is not None), None)
    paragraphs = paragraphs[:heading]
    for i, text in enumerate(paragraphs):
        yield text, False
        # not joined to a title naming its organ itself: a breadcrumb before it is not part of it
        if i + 1 < len(paragraphs) and len(text) < MAX_TITLE_CHARS and not _names_an_organ(paragraphs[i + 1]):
            yield text + paragraphs[i + 1], True


def _names_an_organ(text: str) -> bool:
    """Whether the text is a report title naming someone where the organ stands."""
    reading = _read_title(text)
    return reading is not None and reading.named


def signature(paragraphs: list[str]) -> tuple[str | None, int | None]:
    """(organ, year signed) of the signature line (落款) at the end: "某某市人民政府办公厅 2022年1月20日",
    on one line, over two, or glued after the last sentence of flattened text; the year also when
    no organ reads surely."""
    tail = [_compact(p) for p in paragraphs[-SIGNATURE_SEARCH_DEPTH:] if p.strip()]
    for i in range(len(tail) - 1, -1, -1):
        date_ = _SIGNATURE_DATE.search(tail[i])
        if not date_:
            continue
        signed = int(date_.group()[:4])
        before = tail[i][: date_.start()]
        own_line = not before and i > 0
        if own_line:
            before = tail[i - 1]
        name = _SIGNATURE_AGENCY.search(before)
        if not name:
            return None, signed
        start = name.start()
        if start and before[start - 1] not in _SENTENCE_ENDS:
            return None, signed   # glued to prose that does not end a sentence: where the name starts is unknown
        agency = name.group()
        for note in _SIGNATURE_NOTES:
            agency = agency.removesuffix(note)
        return (agency if _not_an_organ(agency) is None else None), signed
    return None, None


def _organ_core(name: str) -> str:
    """The organ a name stands for, to compare two names: its issuing office dropped
    (某县人民政府办公室 → 某县人民政府), synonyms made one (人民政府 → 政府)."""
    for office in sorted(_OFFICES, key=len, reverse=True):
        rest = name[: -len(office)]
        if name.endswith(office) and rest.endswith(_ORGAN_SUFFIXES):
            name = rest
            break
    for long, short in _SYNONYMS.items():
        name = name.replace(long, short)
    return name


def same_organ(a: str, b: str) -> str | None:
    """The fuller of two names of one organ ("教育局" / "某县教育局" → "某县教育局"; "某县人民政府" /
    its 办公室, which issues its reports → "某县人民政府"), or None when they name different organs."""
    core_a, core_b = _organ_core(a), _organ_core(b)
    if core_a.endswith(core_b):
        return a
    if core_b.endswith(core_a):
        return core_b[: len(core_b) - len(core_a)] + a      # the place b names in front, a's own words
    return None


def _opening_years(doc: Document) -> set[int]:
    """The years the paragraphs before section 二 open with ("2022年，本机关…", "第一部分 2022年…")."""
    years = set()
    for text in doc.paragraphs[:TITLE_SEARCH_DEPTH * 2]:
        number = section_of(text)
        if number is not None and number > 1:
            break
        compact = _compact(text)
        match = next((m for p in _OPENING_YEARS for m in [p.match(compact)] if m), None)
        if match and not _names_a_report(compact):      # a title's year is the title's to give
            years.add(int(match.group("year")))
    return years


def _title_readings(doc: Document) -> tuple[list[tuple[_Reading, bool]], str | None]:
    """Each title read in the page (with whether it is one of the page's own titles: meta, h1,
    <title>), and the text of a page that is no report (None when it is one)."""
    found = []
    page_titles = len(doc.other_titles) + 1 if doc.title else 0
    for at, (text, joined) in enumerate(_title_candidates(doc)):
        # Title-like lines only, in order: a report's prose may well mention the 网站年度报表.
        prose = len(text) > MAX_TITLE_CHARS
        if prose:
            glued = None if joined else glued_title(_compact(text))
            reading = _read_title(glued[0]) if glued else None
        else:
            reading = _read_title(text)
        if reading is not None:
            found.append((reading, at < page_titles))
        elif not found and not prose and is_not_report(text):
            return found, text
        if at >= page_titles - 1 and any(r.year is not None and r.agency is not None for r, _ in found):
            break       # the page's titles all read, and one names both
    return found, None


def _equal(a, b):
    return a if a == b else None


class _Sure:
    """A field read from several places: its value, unless they disagree (then why)."""

    def __init__(self, what: str):
        self.what, self.value, self.doubt = what, None, None

    def offer(self, value, where: str, same=_equal) -> None:
        """A value read from `where`: taken when none yet; else `same(value so far, value)` is
        the value both stand for, and None (a doubt) when they disagree."""
        if value is None or self.doubt:
            return
        merged = value if self.value is None else same(self.value, value)
        if merged is None:
            self.doubted(f"{where} names another {self.what}: {value!r}, not {self.value!r}")
        self.value = merged or self.value

    def doubted(self, why: str) -> None:
        self.doubt = self.doubt or why

    def doubt_of(self, reading: _Reading) -> None:
        for what, why in reading.doubts:
            if what == self.what:
                self.doubted(why)

    @property
    def sure(self):
        return None if self.doubt else self.value


def _year(readings: list[tuple[_Reading, bool]], title: _Reading | None, doc: Document,
          narrative: str, signed: int | None) -> _Sure:
    """The title's year, which the page's other titles must not contradict; else a title's in the
    text, else the statistical period's and the opening words' (agreeing); never a year not
    before the report was signed or published."""
    year = _Sure("year")
    for reading, own in readings:
        if own or reading is title:
            year.doubt_of(reading)
            year.offer(reading.year, "a title of the page")
    if year.value is None:
        year.offer(next((r.year for r, _ in readings if r.year is not None), None), "a title in the text")
    if year.value is None:
        period = _PERIOD.search(_compact(narrative))
        year.offer(int(period.group("year")) if period else None, "the statistical period")
        for opening in sorted(_opening_years(doc)):
            year.offer(opening, "the opening words")
    # The report of year N is written after N ends: not signed nor published within N or before.
    published = int(doc.published[:4]) if doc.published and doc.published[:4].isdigit() else None
    latest = max((d for d in (signed, published) if d), default=None)
    if year.value is not None and latest is not None and year.value >= latest:
        year.doubted(f"a report for {year.value} cannot be signed or published in {latest}")
    return year


def _agency(readings: list[tuple[_Reading, bool]], title: _Reading | None, signed_by: str | None) -> _Sure:
    """The title's organ, which the page's other titles and the signature must name too (an
    office signs for its organ); else a title's in the text, else the signature's — unless a
    title names someone who is no one organ (a list, a place, a name cut short)."""
    agency = _Sure("agency")
    named = False
    for reading, own in readings:
        if own or reading is title:
            named = named or reading.named
            agency.doubt_of(reading)
            agency.offer(reading.agency, "a title of the page", same_organ)
    if agency.value is None and not named:
        agency.offer(next((r.agency for r, _ in readings if r.agency), None), "a title in the text")
    if agency.value is not None or not named:
        agency.offer(signed_by, "the signature", same_organ)
    return agency


def read_metadata(doc: Document, report: Report) -> None:
    """Fill title, agency and year; mark documents that are not annual reports. Where the page
    names them in ways that disagree or cannot be right, they are left out with a problem."""
    readings, not_report = _title_readings(doc)
    if not_report is not None:
        report.title = _compact(not_report)
        report.problem("NOT_A_REPORT", f"{report.title!r} is not a 政府信息公开 annual report")
        return
    report.published = doc.published
    # The title: the first that names the most of year and organ.
    title = max((r for r, _ in readings), key=lambda r: (r.year is not None) + (r.agency is not None), default=None)
    has_tables = any(key.startswith(("t2.", "t3.")) for key in report.cells)
    if title is None and not has_tables and len(report.sections) < 3:
        shown = _compact(doc.title or next((b.text for b in doc.blocks if isinstance(b, Paragraph)), ""))[:60]
        report.title = shown or None
        report.problem("NOT_A_REPORT", f"no report title, tables or section headings found ({shown!r})"
                       if shown else "the document is empty")
        return
    signed_by, signed = signature(doc.paragraphs)
    year = _year(readings, title, doc, report.narrative, signed)
    agency = _agency(readings, title, signed_by)
    report.year, report.agency = year.sure, agency.sure
    if title is None:
        report.title = _compact(doc.title) if doc.title else None
        report.problem("TITLE_MISSING", "no report title found; " + (
            f"agency {report.agency!r} from the signature line" if report.agency else "agency unknown"))
    else:
        report.title = title.title
    if agency.doubt:
        report.problem("AGENCY_UNSURE", agency.doubt)
    elif report.agency is None and title is not None:
        report.problem("AGENCY_UNKNOWN", f"no issuing organ in the title {report.title!r}")
    if year.doubt:
        report.problem("YEAR_UNSURE", year.doubt)
    elif report.year is None:
        report.problem("YEAR_UNKNOWN", "no report year in the title or the statistical period")


def year_against_edition(report: Report) -> None:
    """Leave out a year before the first the tables' edition was used for (once the edition is
    told from the labels): the year or the tables are not the report's."""
    first = _EDITION_FIRST_YEAR.get(report.template or "")
    if report.year is not None and first is not None and report.year < first:
        report.problem("YEAR_UNSURE", f"a report for {report.year} in the {report.template} edition's "
                       f"tables, first used for {first}")
        report.year = None
