"""Excel workbooks for the office: the status grid with its findings, and one report's tables
as printed. Most readers work in Excel on Windows, where Datasette's CSV (UTF-8 without a BOM)
opens garbled; a workbook has no encoding to guess."""
from __future__ import annotations

import io
from typing import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nianjian.browse.grid import STATES, Grid
from nianjian.browse.report import WORDS, PrintedTable, ReportView, sums

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="center")
_FILLS = {"error": "FFE3E3", "warning": "FFF4D6"}
_SHEETS = {"grid": "发布状态", "findings": "核查结果", "report": "报告"}


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour.lstrip("#").upper())


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def grid_workbook(grid: Grid, report_link: Callable[[int], str] | None = None) -> bytes:
    """The grid (each cell coloured as on the page, linking to its report when `report_link`
    gives an address) and the error findings of the reports it shows."""
    book = Workbook()
    sheet = book.active
    sheet.title = _SHEETS["grid"]
    sheet.append([WORDS["labels"]["agency"], *grid.years])
    for cell in sheet[1]:
        cell.font = _BOLD
    for agency in grid.agencies:
        sheet.append([agency, *(grid.cell(agency, year).text for year in grid.years)])
        for year, target in zip(grid.years, sheet[sheet.max_row][1:]):
            cell = grid.cell(agency, year)
            target.fill = _fill(STATES[cell.state]["colour"])
            target.font = Font(color=STATES[cell.state]["text"].lstrip("#").upper())
            target.alignment = Alignment(horizontal="center")
            if cell.report_id is not None and report_link:
                target.hyperlink = report_link(cell.report_id)
    sheet.column_dimensions["A"].width = 28
    sheet.freeze_panes = "B2"
    findings = book.create_sheet(_SHEETS["findings"])
    labels = WORDS["labels"]
    findings.append([labels["agency"], labels["year"], labels["rule"], labels["findings"], labels["document"]])
    for cell in grid.cells.values():
        for f in grid.findings.get(cell.report_id, ()):
            findings.append([cell.agency, cell.year, f["rule"], f["message_zh"], cell.url])
    for column, width in zip("ABCDE", (28, 8, 16, 80, 50)):
        findings.column_dimensions[column].width = width
    return _bytes(book)


def _write_table(sheet: Worksheet, top: int, table: PrintedTable, severity: Callable[[tuple], str]) -> int:
    """The table's header and body rows from row `top`, spans merged as printed; the next free row."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate([*table.head, *table.rows]):
        c = 1
        for item in row:
            while (top + r, c) in taken:
                c += 1
            rowspan, colspan = getattr(item, "rowspan", 1), getattr(item, "colspan", 1)
            target = sheet.cell(top + r, c)
            if item.kind == "label":
                target.value = item.text
                target.alignment = _WRAP
                target.font = _BOLD if r < len(table.head) else Font()
            elif item.now is not None:
                target.value = item.now.value
                fill = _FILLS.get(severity(item.marks))
                if fill:
                    target.fill = _fill(fill)
            if rowspan > 1 or colspan > 1:
                sheet.merge_cells(start_row=top + r, start_column=c,
                                  end_row=top + r + rowspan - 1, end_column=c + colspan - 1)
            taken |= {(top + r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)}
            c += colspan
    return top + len(table.head) + len(table.rows) + 1


def report_workbook(view: ReportView) -> bytes:
    """The report's facts and sections 二–四 as printed (failing cells filled red, warnings
    amber), and its findings with their sums."""
    labels = WORDS["labels"]
    book = Workbook()
    sheet = book.active
    sheet.title = _SHEETS["report"]
    version = view.version
    sheet.append([version["title"] or f"{view.report['agency']} {view.report['year']}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in ((labels["agency"], view.report["agency"]), (labels["year"], view.report["year"]),
                         (labels["published"], version["published"]), (labels["template"], version["template"]),
                         (labels["document"], version["url"]),
                         (labels["version"], labels["version_label"].format(version=version["version"]))):
        sheet.append([label, value])
    by_number = {f["number"]: f["severity"] for f in view.findings}

    def severity(marks: tuple) -> str:
        found = [by_number[n] for n in marks]
        return "error" if "error" in found else ("warning" if found else "")
    row = sheet.max_row + 2
    for section in view.sections:
        sheet.cell(row, 1, section.title).font = Font(bold=True, size=12)
        row += 1
        for table in section.tables:
            if table.caption:
                sheet.cell(row, 1, table.caption).font = _BOLD
                row += 1
            row = _write_table(sheet, row, table, severity)
    for column in range(1, 19):
        sheet.column_dimensions[get_column_letter(column)].width = 22 if column <= 3 else 10
    findings = book.create_sheet(_SHEETS["findings"])
    findings.append(["#", labels["severity_column"], labels["rule"], labels["findings"], labels["sums_column"],
                     "Message"])
    for f in view.findings:
        findings.append([f["number"], labels["severity"].get(f["severity"], f["severity"]), f["rule"],
                         f["message_zh"], sums(f), f["message_en"]])
    for column, width in zip("ABCDEF", (4, 8, 16, 70, 20, 70)):
        findings.column_dimensions[column].width = width
    return _bytes(book)
