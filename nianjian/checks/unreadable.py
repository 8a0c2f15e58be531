"""UNREADABLE: the one finding on a document nianjian could not read (a scan without OCR, an
encrypted or damaged file, an empty page). Nothing else is checked: a section or a sum that
was not read is no evidence against the agency."""
from __future__ import annotations

from parsers.record import Report

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, finding


def unreadable(report: Report) -> list[Finding]:
    problem = report.unreadable
    if problem is None:
        return []
    reason_zh, reason_en = CATALOGUE.rules_data["unreadable_reasons"][problem.code]
    return [finding("UNREADABLE", expected=None, actual=problem.code, code=problem.code,
                    detail=problem.detail, reason_zh=reason_zh, reason_en=reason_en)]
