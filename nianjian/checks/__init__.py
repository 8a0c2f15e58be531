"""The 勾稽关系 rule catalogue (docs/spec/README.md §3): `Report` in, `Finding`s out. Pure.

    from nianjian.checks import check, Finding
    findings = check(report, previous=last_years_report, peers=same_year_reports)
"""
from __future__ import annotations

from typing import Sequence

from parsers.record import Report

from nianjian.checks.arithmetic import evaluate, uses_previous
from nianjian.checks.catalogue import CATALOGUE, SEVERITIES
from nianjian.checks.completeness import blank_cells, incomplete_tables, missing_sections
from nianjian.checks.copied import copied_text
from nianjian.checks.crossyear import cross_year
from nianjian.checks.finding import Finding
from nianjian.checks.metadata import outdated_template, year_mismatch
from nianjian.checks.narrative import text_table
from nianjian.checks.ranges import value_range
from nianjian.checks.sheet import Sheet
from nianjian.checks.unreadable import unreadable

__all__ = ["check", "own_findings", "with_related", "Finding", "SEVERITIES"]

_WITHIN_REPORT = [i for i in CATALOGUE.identities if not uses_previous(i)]


def check(report: Report, *, previous: Report | None = None, peers: Sequence[Report] = (),
          expected_year: int | None = None) -> list[Finding]:
    """Every finding on `report`, errors first, then in catalogue order.

    previous: the same agency's report for the year before (CARRY_OVER, IN_FORCE, COPIED_TEXT).
    peers: other agencies' reports of the same year (COPIED_TEXT).
    expected_year: the year the caller (crawler, monitor) expected this report to be for.
    A document nianjian could not read gets one UNREADABLE warning and nothing else.
    """
    return with_related(own_findings(report, expected_year), report, previous=previous, peers=peers)


def own_findings(report: Report, expected_year: int | None = None) -> list[Finding]:
    """The findings of the report's own content, unordered: every rule but those comparing it
    with other reports, so no store is needed (the crawl's writer runs them beside parsing)."""
    if report.unreadable:
        return unreadable(report)
    sheet = Sheet(report)
    return [
        *evaluate(_WITHIN_REPORT, sheet),
        *value_range(sheet),
        *missing_sections(sheet),
        *incomplete_tables(sheet),
        *outdated_template(sheet),
        *year_mismatch(sheet, expected_year),
        *text_table(sheet),
        *blank_cells(sheet),
    ]


def with_related(own: list[Finding], report: Report, *, previous: Report | None = None,
                 peers: Sequence[Report] = ()) -> list[Finding]:
    """`own` (own_findings) with those comparing the report with last year's and with other
    agencies' reports, errors first, then in catalogue order."""
    related = [] if report.unreadable else \
        [*cross_year(Sheet(report), previous), *copied_text(report, previous, peers)]
    return sorted([*own, *related], key=lambda f: (SEVERITIES.index(f.severity), CATALOGUE.order(f.rule)))
