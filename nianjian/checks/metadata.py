"""What the report says about itself: TEMPLATE_OUTDATED and YEAR_MISMATCH."""
from __future__ import annotations

import re
import unicodedata

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, finding
from nianjian.checks.sheet import Sheet, edition_for_year
from parsers.metadata import title_match

_YEAR = CATALOGUE.narrative["year"]
_TITLE_YEAR = re.compile(_YEAR["title"])
_PERIODS = [re.compile(p) for p in _YEAR["statistical_period"]]


def outdated_template(sheet: Sheet) -> list[Finding]:
    report = sheet.report
    if report.template == "2019" and edition_for_year(report.year) == "2021":
        return [finding("TEMPLATE_OUTDATED", expected="2021", actual="2019", year=report.year)]
    return []


def title_year(sheet: Sheet) -> int | None:
    """The year the title names (the report year N), read as the parser reads titles: none where
    it names none surely (a publication date, a range); the parsed year when there is no title
    or it names no year."""
    report = sheet.report
    found = title_match(report.title) if report.title else None
    if found is None:
        return report.year
    if found[2] is None and _TITLE_YEAR.search(unicodedata.normalize("NFKC", report.title)):
        return None         # a year is printed, but it is not the report's surely
    return found[2] or report.year


def stated_period_year(narrative: str) -> int | None:
    """The year of a stated statistical period "统计期限为2021年1月1日至2021年12月31日"."""
    text = unicodedata.normalize("NFKC", narrative)
    for pattern in _PERIODS:
        for match in pattern.finditer(text):
            if match.group("end") in (None, match.group("start")):
                return int(match.group("start"))
    return None


def year_mismatch(sheet: Sheet, expected_year: int | None = None) -> list[Finding]:
    year = title_year(sheet)
    if year is None:
        return []
    findings = []
    for source, other in (("statistical_period", stated_period_year(sheet.report.narrative)),
                          ("expected_year", expected_year)):
        if other is not None and other != year:
            zh, en = _YEAR["sources"][source]
            findings.append(finding("YEAR_MISMATCH", expected=other, actual=year,
                                    title_year=year, other_year=other, source_zh=zh, source_en=en))
    return findings
