"""Cell values as printed → numbers; blanks and placeholders → None, never 0."""
from __future__ import annotations

import pytest

from parsers.values import AMOUNT, COUNT, SIGNED, is_blank, read_value


@pytest.mark.parametrize("text, kind, value", [
    ("0", COUNT, 0),
    ("54", COUNT, 54),
    ("1,234", COUNT, 1234),
    ("１２３", COUNT, 123),              # full-width digits
    (" 3 件", COUNT, 3),
    ("2,157.936", AMOUNT, 2157.936),
    ("638.8016", AMOUNT, 638.8016),
    ("251000元", AMOUNT, 25.1),
    ("25.1万元", AMOUNT, 25.1),
    ("1.2亿元", AMOUNT, 12000.0),
    ("0", AMOUNT, 0.0),
    ("+3", SIGNED, 3),
    ("-2", SIGNED, -2),
    ("－2", SIGNED, -2),               # full-width minus
    ("减少2", SIGNED, -2),
    ("增加3", SIGNED, 3),
])
def test_numbers(text, kind, value):
    reading = read_value(text, kind)
    assert reading.ok
    assert reading.value == value
    assert type(reading.value) is type(value)


@pytest.mark.parametrize("text", ["", "  ", "/", "／", "—", "——", "-", "无", "不适用", "\u00a0"])
def test_blanks_are_none(text):
    reading = read_value(text, COUNT)
    assert reading.ok and reading.value is None
    assert is_blank(text)


def test_unit_conversion_is_flagged_only_for_amounts():
    assert read_value("251000元", AMOUNT).unit_converted
    assert not read_value("25.1", AMOUNT).unit_converted


@pytest.mark.parametrize("text", ["见附件", "约10", "12a", "1,23"])
def test_text_is_not_a_value(text):
    reading = read_value(text, COUNT)
    assert not reading.ok and reading.value is None


@pytest.mark.parametrize("text, kind, value, note", [
    ("55（含自然失效 29 件）", COUNT, 55, "含自然失效29件"),
    ("1,234(其中新增 5 件)", COUNT, 1234, "其中新增5件"),
    ("3 件（已办结）", COUNT, 3, "已办结"),
    ("12.5（不含退费）", AMOUNT, 12.5, "不含退费"),
    ("减少2（调整口径）", SIGNED, -2, "调整口径"),
])
def test_a_bracketed_note_after_the_number_is_set_aside(text, kind, value, note):
    reading = read_value(text, kind)
    assert (reading.ok, reading.value, reading.note) == (True, value, note)
    assert type(reading.value) is type(value)


@pytest.mark.parametrize("text, kind, value, converted", [
    ("251000（元）", AMOUNT, 25.1, True),     # a unit in brackets is a unit, not a note
    ("12（万元）", AMOUNT, 12.0, False),
    ("7（件）", COUNT, 7, False),
])
def test_a_unit_in_brackets_is_a_unit(text, kind, value, converted):
    reading = read_value(text, kind)
    assert (reading.ok, reading.value, reading.note, reading.unit_converted) == (True, value, None, converted)


@pytest.mark.parametrize("text", ["55（29）", "（含自然失效29件）", "约10（估计）", "55（含）（另）"])
def test_no_number_or_two_numbers_is_no_note(text):
    """`55（29）` could be two values: neither is guessed."""
    reading = read_value(text, COUNT)
    assert not reading.ok and reading.value is None


T2_ANNOTATED = [("规章", "0", "1", "12"), ("行政规范性文件", "3", "0", "55（含自然失效 29 件）")]
TITLE = "某某县人民政府2022年政府信息公开工作年度报告"
T2_HEAD = ("第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数")


def annotated_markups() -> dict[str, bytes]:
    """The same t2 block with an annotated cell, as an HTML table and as pipe text."""
    caption, *head = T2_HEAD
    rows = [head, *T2_ANNOTATED]
    html = (f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
            "<p>二、主动公开政府信息情况</p><table>"
            f'<tr><td colspan="4">{caption}</td></tr>'
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
            + "</table></body></html>")
    text = (f"{TITLE}\n二、主动公开政府信息情况\n| {caption} | | | |\n"
            + "".join("| " + " | ".join(row) + " |\n" for row in rows))
    return {"r.html": html.encode(), "r.md": text.encode()}


@pytest.mark.parametrize("filename", ["r.html", "r.md"])
def test_annotated_cell_in_every_front_end(filename):
    from parsers import parse

    report = parse(annotated_markups()[filename], filename=filename)
    assert report.cells["t2.normative.in_force"] == 55
    assert report.cells["t2.rules.in_force"] == 12
    assert report.raw_cells["t2.normative.in_force"].startswith("55")
    [note] = [p.detail for p in report.problems if p.code == "ANNOTATED_VALUE"]
    assert note.startswith("t2.normative.in_force:") and "含自然失效29件" in note
