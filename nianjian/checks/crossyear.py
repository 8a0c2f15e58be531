"""Cross-year rules against the same agency's previous report: CARRY_OVER and IN_FORCE.
They are identities of rules.yaml with `previous:` terms, evaluated by arithmetic.py, once the
previous report is known to be the agency's report for the year before."""
from __future__ import annotations

from parsers.record import Report

from nianjian.checks.arithmetic import evaluate, uses_previous
from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, not_assessable
from nianjian.checks.sheet import Sheet

IDENTITIES = [i for i in CATALOGUE.identities if uses_previous(i)]


def _fits(report: Report, previous: Report) -> bool:
    """The previous report is the year before, and the same agency where both are known."""
    if report.year is None or previous.year != report.year - 1:
        return False
    if report.agency and previous.agency:
        return "".join(report.agency.split()) == "".join(previous.agency.split())
    return True


def cross_year(sheet: Sheet, previous: Report | None) -> list[Finding]:
    if previous is None:
        return []
    report = sheet.report
    if not _fits(report, previous):
        return [not_assessable(identity["rule"], CATALOGUE.note(
            "wrong_previous", rule=identity["rule"], previous_agency=previous.agency or "?",
            previous_year=previous.year or "?", agency=report.agency or "?",
            expected_year=report.year - 1 if report.year else "?"))
            for identity in IDENTITIES]
    return evaluate(IDENTITIES, sheet, Sheet(previous))
