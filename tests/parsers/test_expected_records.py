"""Every seed and every HTML fixture parses to its hand-checked record, cell by cell."""
from __future__ import annotations

from parsers.template import TEMPLATE


def test_metadata(case):
    expected, report = case
    assert report.agency == expected["agency"]
    assert report.year == expected["year"]
    assert report.title == expected["title"]
    assert report.template == expected["template"]
    assert report.sections == expected["sections"]
    assert report.published == expected.get("published")


def test_every_cell(case):
    expected, report = case
    want = expected["cells"]
    for key, value in want.items():
        assert key in report.cells, f"{key} missing"
        assert report.cells[key] == value, f"{key}: {report.cells[key]!r} != {value!r}"
    assert set(report.cells) == set(want), f"unexpected cells: {sorted(set(report.cells) - set(want))}"


def test_value_types(case):
    """Counts and changes are int, 万元 amounts float, blanks None — never a 0 for a blank."""
    _, report = case
    for key, value in report.cells.items():
        if value is None:
            assert report.raw_cells[key] in ("", "/", "—", "-", "无"), key
        elif key in TEMPLATE.amount_keys:
            assert isinstance(value, float), key
        else:
            assert isinstance(value, int) and not isinstance(value, bool), key


def test_problem_codes(case):
    expected, report = case
    assert sorted(p.code for p in report.problems) == sorted(expected["problems"])


def test_narrative(case):
    expected, report = case
    for text in expected.get("narrative_contains", []):
        assert text in report.narrative
    # The prose, not the tables: no table label is in it.
    assert "本年新收政府信息公开申请数量" not in report.narrative
    assert report.narrative.count("\n") >= 5


def test_spec_json_shape(case):
    _, report = case
    data = report.to_dict()
    assert list(data) == ["agency", "year", "title", "template", "published", "sections", "cells", "problems"]
