"""A document holding several reports one after the other (a county's page of its offices'
reports, a report followed by last year's) is read as its first report only, with
SEVERAL_REPORTS: read together, two reports' figures would mix into one record that adds up
to nothing, and the checks would accuse the agency of it."""
from __future__ import annotations

import re

import pytest

from nianjian.checks import check
from parsers import parse

FIRST = "青山县人民政府2022年政府信息公开工作年度报告"
SECOND = "青山县教育局2022年政府信息公开工作年度报告"


def one_after_the_other(renderings, style: str, reports: list[tuple[str, str, dict]]) -> tuple[bytes, str]:
    """The reports rendered in `style`, their bodies in one page (or one text)."""
    parts, filename = [], None
    for title, edition, cells in reports:
        data, filename = renderings.render(title, edition, cells, style)
        parts.append(data)
    if not filename.endswith(".html"):
        return b"\n\n".join(parts), filename
    head = re.search(rb"^.*?<body[^>]*>", parts[0], re.S).group()
    bodies = [re.search(rb"<body[^>]*>(.*)</body>", part, re.S).group(1) for part in parts]
    return head + b"".join(bodies) + b"</body></html>", filename


@pytest.mark.parametrize("editions", [("2019", "2021"), ("2021", "2019"), ("2021", "2021")])
def test_only_the_first_report_is_read_in_every_style(editions, style, renderings):
    first = renderings.consistent_cells(editions[0], 1)
    second = renderings.consistent_cells(editions[1], 2)
    data, filename = one_after_the_other(renderings, style, [(FIRST, editions[0], first), (SECOND, editions[1], second)])
    report = parse(data, filename=filename)
    assert report.cells == first
    assert [p.code for p in report.problems if p.code in ("SEVERAL_REPORTS", "DUPLICATE_CELL")] == ["SEVERAL_REPORTS"]
    assert (report.agency, report.year, report.template) == ("青山县人民政府", 2022, editions[0])
    assert "教育局" not in report.narrative


def test_the_checks_find_nothing_wrong_with_the_first_report(renderings):
    """The 2019 edition followed by a 2021 one: mixed, the 2021 report's （六） sub-rows and the
    2019 one's totals made a T3_OUTCOMES error."""
    first = renderings.consistent_cells("2019", 1)
    data, filename = one_after_the_other(renderings, "official_html", [
        (FIRST.replace("2022", "2020"), "2019", first), (SECOND, "2021", renderings.consistent_cells("2021", 2))])
    findings = check(parse(data, filename=filename))
    assert [f for f in findings if f.severity == "error"] == []


def test_one_report_with_its_headings_listed_first_is_not_cut(renderings):
    """A table of contents (the six headings) before the report: section 一 comes twice, but no
    table was read before the second: one report."""
    cells = renderings.consistent_cells("2021", 3)
    data, _ = renderings.render(FIRST, "2021", cells, "official_html")
    contents = "".join(f"<p>{heading}</p>" for heading in renderings.SECTIONS.values())
    report = parse(data.replace(b"<body>", b"<body>" + contents.encode("utf-8"), 1), filename="r.html")
    assert report.cells == cells
    assert "SEVERAL_REPORTS" not in [p.code for p in report.problems]


def test_a_second_report_without_its_title_is_cut_at_its_first_heading(renderings):
    first = renderings.consistent_cells("2021", 1)
    data, _ = one_after_the_other(renderings, "official_html", [
        (FIRST, "2021", first), (SECOND, "2021", renderings.consistent_cells("2021", 2))])
    data = data.replace(f"<h1>{SECOND}</h1>".encode("utf-8"), b"")
    report = parse(data, filename="r.html")
    assert report.cells == first
    [problem] = [p for p in report.problems if p.code == "SEVERAL_REPORTS"]
    assert "一、总体情况" in problem.detail
