"""The bundled demo portal's reports (official grid, Word export, split tables, <pre> text,
DOCX) parse back to exactly the cells they were printed from."""
from __future__ import annotations

import pytest

from nianjian.demo_portal.content import reports
from nianjian.demo_portal.markup import render_body, render_docx
from parsers import parse

REPORTS = [r for r in reports(1) if not r.file]


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: f"{r.style}-{r.agency}-{r.year}")
def test_demo_report_round_trip(report):
    if report.style == "docx":
        parsed = parse(render_docx(report), filename="report.docx")
    else:
        html = (f"<html><head><title>{report.title}</title></head><body>"
                f"<div class='TRS_Editor'>{render_body(report)}</div></body></html>")
        parsed = parse(html.encode("utf-8"), filename="report.html")
    assert parsed.agency == report.agency
    assert parsed.year == report.year
    assert parsed.template == report.edition
    assert parsed.cells == report.cells
    assert [p.code for p in parsed.problems] == []
