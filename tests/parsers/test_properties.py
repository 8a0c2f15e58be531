"""Property: whatever bytes come in — random, truncated, mangled reports — parse() returns a
Report (with problems), never raises, and never fails inside: parse() turns a crash into a
PARSE_ERROR problem, so a record with one is a bug however hostile the input."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse
from parsers.record import Report

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPORTS = [p.read_bytes() for p in sorted((FIXTURES / "html").glob("*.html"))] + \
          [p.read_bytes() for p in sorted((FIXTURES / "seeds").glob("*.txt"))]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", '<td rowspan="99999">', '<td colspan="0">',
        '<td colspan="abc">', "<p>", "</p>", "<br>", "<o:p>", "&nbsp;", "<script>", "<!--", "-->",
        "\t", "|", "\n", " |", "||", "一、本年新收政府信息公开申请数量", "（七）总计", "3.其他", "总计", "其他",
        "第二十条第（一）项", "本年制发件数", "行政复议", "结果维持", "0", "12", "1,234", "/", "—", "251000元",
        "二、主动公开政府信息情况", "某县人民政府2021年政府信息公开工作年度报告", "发布日期：2022-01-20"]


def _check(report) -> None:
    assert isinstance(report, Report)
    crashes = [p.detail for p in report.problems if p.code == "PARSE_ERROR"]
    assert not crashes, f"the parser crashed: {crashes}"
    data = report.to_dict()
    assert set(data) == {"agency", "year", "title", "template", "published", "sections", "cells", "problems"}
    for key, value in report.cells.items():
        assert key.count(".") == 2
        assert value is None or isinstance(value, (int, float))


@SETTINGS
@given(st.binary(max_size=4000), st.sampled_from([None, "a.html", "a.txt", "a.pdf", "a.docx", "a.doc"]))
def test_random_bytes(data, filename):
    _check(parse(data, filename=filename))


@SETTINGS
@given(st.lists(st.sampled_from(TAGS), max_size=200), st.sampled_from(["a.html", "a.txt"]))
def test_report_like_soup(pieces, filename):
    _check(parse("".join(pieces).encode("utf-8"), filename=filename))


@SETTINGS
@given(st.sampled_from(REPORTS), st.floats(0, 1), st.integers(0, 50), st.binary(max_size=20))
def test_truncated_and_mangled_reports(data, cut, drop_at, junk):
    """A real report cut anywhere, with a slice removed and junk bytes spliced in."""
    end = int(len(data) * cut)
    position = min(drop_at * 97, end)
    mangled = data[:position] + junk + data[position + 200:end]
    report = parse(mangled, filename="r.html" if mangled.lstrip().startswith(b"<") else "r.txt")
    _check(report)
    assert report.problems or len(report.cells) >= 198


def test_truncated_report_keeps_what_is_there():
    data = (FIXTURES / "html" / "official_grid_trs.html").read_bytes()
    cut = data[: data.index("（五）不予处理".encode())]
    report = parse(cut, filename="r.html")
    assert report.cells["t3.new.total"] == 60
    assert report.cells["t2.normative.in_force"] == 1234
    assert "t3.rejected_repeat.natural" not in report.cells
    codes = {p.code for p in report.problems}
    assert {"TABLE_INCOMPLETE", "SECTION_MISSING"} <= codes


def test_hostile_sizes_are_read():
    """A 1.6 MB page of 20 000 repeated rows and date labels is read through (see the benchmark
    for speed): rows named like t2 rows outside section 二 and without a header are not cells."""
    big = ("<html><body>" + "<div><p>发布日期：</p><span>x</span></div>" * 20000 + "<table>"
           + "<tr><td>规章</td><td>1</td></tr>" * 20000 + "</table></body></html>").encode()
    report = parse(big, filename="a.html")
    assert report.cells == {}
    assert [p.code for p in report.problems] == ["NOT_A_REPORT"]


def test_a_crash_inside_the_parser_fails_the_properties(monkeypatch):
    """The properties above would catch a reader that raises: parse() still returns a record,
    and `_check` rejects it."""
    import pytest

    import parsers.reader

    def crash(doc):
        raise ValueError("a bug in the reader")

    monkeypatch.setattr(parsers.reader, "read_document", crash)
    report = parse(REPORTS[0], filename="r.html")
    with pytest.raises(AssertionError, match="a bug in the reader"):
        _check(report)
