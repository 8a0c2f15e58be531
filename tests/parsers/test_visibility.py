"""HTML tables read as a browser shows them (tests/parsers/visibility.py, each quirk's kind
checked against headless Chromium once by check_visibility_with_chromium.py): reports of both
editions whose figures and labels carry hidden characters, footnote marks, struck figures and
markup that only looks hidden give back every cell, none wrong; a struck figure's cell is absent
with CELL_AMBIGUOUS, a footnote mark is set aside with FOOTNOTE_MARK."""
from __future__ import annotations

import pytest
import visibility as V      # beside the tests (conftest puts them on the path)

from parsers import parse
from parsers.html import read_html


@pytest.mark.parametrize("family", list(V.FAMILIES))
@pytest.mark.parametrize("edition, number", [("2019", 0), ("2019", 1), ("2021", 0), ("2021", 2)])
def test_reports_read_as_the_browser_shows_them(renderings, family, edition, number):
    cells = renderings.consistent_cells(edition, number, 0.15)
    title = f"青山县人民政府{2020 if edition == '2019' else 2022}年政府信息公开工作年度报告"
    data, expected = V.render(title, edition, cells, family)
    report = parse(data, filename="r.html")
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (true, read): {wrong}"
    assert sorted(k for k in expected if k not in report.cells) == []
    assert sorted(set(report.cells) - set(expected)) == []
    codes = {p.code for p in report.problems}
    assert report.template == edition
    assert ("CELL_AMBIGUOUS" in codes) == (family == "struck") == (len(expected) < len(cells))
    assert ("FOOTNOTE_MARK" in codes) == (family == "footnote_marks")
    assert report.readability == ("partly_read" if family == "struck" else "read")
    assert not [p for p in report.problems if p.code.startswith(("ROW_", "UNKNOWN_ROW", "LABEL_AMBIGUOUS", "BAD_VALUE"))]


def cell(markup: str, head: str = "") -> str:
    doc = read_html(f"<html><head>{head}</head><body><table><tr><td>项目</td><td>{markup}</td></tr></table>"
                    "</body></html>".encode())
    return doc.tables[0].rows[0][1]


def test_the_style_rules_outside_tables_hide_paragraphs_too():
    doc = read_html("<html><head><style>.k{display:none} p.x{visibility:hidden}</style></head><body>"
                    "<p>一、总体情况<span class=k>隐藏</span></p><p class=x>看不见</p><p hidden>也看不见</p>"
                    "<p style='opacity:0'>透明</p></body></html>".encode())
    assert doc.paragraphs == ["一、总体情况"]


@pytest.mark.parametrize("markup, head, shown", [
    # a rule the matcher cannot evaluate is not applied; one it can is, by specificity and order
    ('1<span class="a">7</span>2', "<style>.a:first-child{display:none}</style>", "172"),
    ('1<span class="a">7</span>2', "<style>td > span.a{display:none} .a{display:inline}</style>", "12"),
    ('1<span class="a" style="display:inline">7</span>2', "<style>.a{display:none !important}</style>", "12"),
    ('1<span class="a" style="display:inline">7</span>2', "<style>.a{display:none}</style>", "172"),
    # visibility:hidden shown again below; display:none is not
    ('<span class="a">7<span class="b">12</span></span>', "<style>.a{visibility:hidden} .b{visibility:visible}</style>", "12"),
    ('<span class="a">7<span class="b">12</span></span>', "<style>.a{display:none} .b{display:inline}</style>", ""),
    # offsets, clips and boxes as Chromium draws them (check_visibility_with_chromium.py)
    ('1<span style="position:relative;left:-5000px">7</span>2', "", "12"),
    ('1<span style="position:relative;top:-2px">7</span>2', "", "172"),
    ('1<span style="width:0;overflow:hidden;float:left">7</span>2', "", "12"),
])
def test_what_is_shown_follows_the_cascade(markup, head, shown):
    assert cell(markup, head) == shown


@pytest.mark.parametrize("cells, shown", [
    # a cell hidden whole is a hidden column; one whose text is shown again below is no column hidden
    ('<td>1</td><td style="visibility:hidden">7</td><td>2</td>', ["1", "2"]),
    ('<td>1</td><td style="visibility:hidden"><span style="visibility:visible">7</span></td><td>2</td>', ["1", "7", "2"]),
])
def test_hidden_cells_are_hidden_columns_unless_shown_again(cells, shown):
    doc = read_html(f"<html><body><table><tr>{cells}</tr></table></body></html>".encode())
    assert doc.tables[0].rows == [shown]


@pytest.mark.parametrize("markup, head", [
    ('<s>17</s> 12', ""),
    ('1<sup>7</sup>2', ""),                                     # raised between digits: 1⁷2 is no figure
    ('1<span class="c">7</span>2', "<style>.c{clip-path:polygon(0 0,1px 0,0 1px)}</style>"),
    ('1<span style="position:absolute;left:-50px">7</span>2', ""),     # off the page or not: where it stood
    ("<script>document.write('12')</script>", ""),              # what a script writes cannot be told
])
def test_a_cell_whose_figure_cannot_be_told_is_left_out(markup, head):
    doc = read_html(f"<html><head>{head}</head><body><table><tr><td>项目</td><td>{markup}</td></tr></table>"
                    "</body></html>".encode())
    assert doc.tables[0].rows[0][1] == "\ufffd"
    assert [code for code, _ in doc.problems] == ["CELL_AMBIGUOUS"]


@pytest.mark.parametrize("markup, shown", [("12<sup>1</sup>", "12"), ("-3<sup>注</sup>", "-3"), ("12①", "12"),
                                           ("1,234.5*", "1,234.5"), ("２０※", "２０")])
def test_footnote_marks_after_a_figure_are_set_aside(markup, shown):
    doc = read_html(f"<html><body><table><tr><td>项目</td><td>{markup}</td></tr></table></body></html>".encode())
    assert doc.tables[0].rows[0][1] == shown
    assert [code for code, _ in doc.problems] == ["FOOTNOTE_MARK"]


def test_a_sheet_too_large_to_evaluate_leaves_the_cells_out():
    """A hostile page's thousands of hiding selectors are not weighed one by one: what its cells
    show cannot be told, so they are absent (never read with what the sheet may hide)."""
    from parsers.shown import MAX_SELECTORS
    sheet = "".join(f".c{i}{{display:none}}" for i in range(MAX_SELECTORS + 1))
    cells = "".join(f'<td>1<span class="c{i}">7</span>2</td>' for i in range(MAX_SELECTORS + 1))
    doc = read_html(f"<html><head><style>{sheet}</style></head><body><table><tr>{cells}</tr></table>"
                    "</body></html>".encode())
    assert set(doc.tables[0].rows[0]) == {"\ufffd"}
    assert [code for code, _ in doc.problems] == ["CELL_AMBIGUOUS"]


def test_a_sheet_inside_noscript_is_not_applied():
    assert cell('1<span class="a">7</span>2', "<noscript><style>.a{display:none}</style></noscript>") == "172"


@pytest.mark.parametrize("doctype, shown", [
    ("", "12"),                                                                         # quirks mode
    ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">', "12"),            # quirks mode
    ("<!DOCTYPE html>", "172"),                                                         # standards
    ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
     '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">', "172"),
    ('<!DOCTYPE html PUBLIC "-//Acme//DTD Portal 1.0//EN">', "\ufffd"),                  # which, cannot be told
])
def test_classes_match_case_blind_in_quirks_mode_only(doctype, shown):
    """As Chromium (document.compatMode) shows `.Hide{display:none}` on class="hide"."""
    doc = read_html(f"{doctype}<html><head><style>.Hide{{display:none}}</style></head><body><table><tr>"
                    '<td>项目</td><td>1<span class="hide">7</span>2</td></tr></table></body></html>'.encode())
    assert doc.tables[0].rows[0][1] == shown
