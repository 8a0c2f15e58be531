"""What the report leaves out: SECTION_MISSING, TABLE_INCOMPLETE, BLANK_CELLS.

What a partly read document lacks (pages skipped as scans, past the page limit, garbled text) may
be what nianjian did not read: its SECTION_MISSING and TABLE_INCOMPLETE are not assessable, never
errors. So are the missing cells of a table some of whose rows the parser could not read (their
values fitted no column reading, or several): they may be those rows'."""
from __future__ import annotations

from parsers.template import TEMPLATE

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, abbreviate, finding, not_assessable
from nianjian.checks.sheet import Sheet

TABLES = ("t2", "t3", "t4")


def _unless_partly_read(sheet: Sheet, findings: list[Finding]) -> list[Finding]:
    problem = sheet.report.partly_read
    if problem is None:
        return findings
    zh, en = CATALOGUE.note("partly_read", code=problem.code, detail=problem.detail)
    return [not_assessable(f.rule, (f.message_zh + zh, f.message_en + en), f.cells) for f in findings]


def missing_sections(sheet: Sheet) -> list[Finding]:
    numerals = CATALOGUE.notes["numerals"]
    return _unless_partly_read(sheet, [
        finding("SECTION_MISSING", expected=number, actual=None, section=number,
                numeral=numerals[number], label=labels[0])
        for number, labels in TEMPLATE.sections.items()
        if number not in sheet.report.sections
    ])


def incomplete_tables(sheet: Sheet) -> list[Finding]:
    findings = []
    for table in TABLES:
        expected = sheet.expected_keys(table)
        missing = [k for k in expected if k not in sheet.cells]
        if not missing:
            continue
        rows = {k.rsplit(".", 1)[0] for k in expected}
        present_rows = {k.rsplit(".", 1)[0] for k in expected if k in sheet.cells}
        found = finding(
            "TABLE_INCOMPLETE", cells=missing, expected=len(expected),
            actual=len(expected) - len(missing), table=table, count=len(missing),
            expected_count=len(expected), missing_rows=len(rows - present_rows),
            row_count=len(rows))
        unread = sheet.report.rows_unread(table)
        if unread is not None:
            zh, en = CATALOGUE.note("rows_unread", code=unread.code, detail=unread.detail)
            found = not_assessable(found.rule, (found.message_zh + zh, found.message_en + en), found.cells)
        findings.append(found)
    return _unless_partly_read(sheet, findings)


def blank_cells(sheet: Sheet) -> list[Finding]:
    order = [k for table in TABLES for k in sheet.expected_keys(table)]
    blanks = [k for k in order if k in sheet.cells and sheet.cells[k] is None]
    blanks += sorted(k for k, v in sheet.cells.items() if v is None and k not in order)
    if not blanks:
        return []
    return [finding("BLANK_CELLS", cells=blanks, expected=None, actual=len(blanks),
                    count=len(blanks), cells_shown=abbreviate(blanks, 8))]
