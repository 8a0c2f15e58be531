"""Every seed's hand-checked cells, and reports of our own that keep the template's identities,
rendered in every way people print them (tests/parsers/renderings.py, one test per style),
parse back to exactly those cells: none wrong, none missing, no row reported as ambiguous or
unknown."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse

ROW_PROBLEMS = ("ROW_", "UNKNOWN_ROW", "LABEL_AMBIGUOUS", "BAD_VALUE", "DUPLICATE_CELL")


def assert_round_trip(renderings, title: str, edition: str, cells: dict, style: str) -> None:
    data, filename = renderings.render(title, edition, cells, style)
    report = parse(data, filename=filename)
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    missing = sorted(k for k in cells if k not in report.cells)
    extra = sorted(set(report.cells) - set(cells))
    assert not wrong, f"wrong cells (expected, read): {wrong}"
    assert not missing, f"missing cells: {missing}"
    assert not extra, f"cells that were not printed: {extra}"
    assert report.template == edition
    assert not [p for p in report.problems if p.code.startswith(ROW_PROBLEMS)], report.problems
    # Every style prints the six headings (as paragraphs, table rows or captions): none missing.
    assert report.sections == [1, 2, 3, 4, 5, 6]


def test_seed_cells_in_every_style(case_of_seed, style, renderings):
    expected, cells = case_of_seed
    assert_round_trip(renderings, expected["title"], expected["template"], cells, style)


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("number, blanks", [(1, 0.15), (2, 0.7), (3, 0.0)])
def test_consistent_reports_with_blank_cells_in_every_style(edition, number, blanks, style, renderings):
    cells = renderings.consistent_cells(edition, number, blanks)
    if blanks:
        assert None in cells.values()        # the rendering really has blank cells to keep
    title = f"青山县人民政府{2020 if edition == '2019' else 2022}年政府信息公开工作年度报告"
    assert_round_trip(renderings, title, edition, cells, style)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edition=st.sampled_from(["2019", "2021"]), number=st.integers(0, 10_000), blanks=st.floats(0, 1),
       style=st.sampled_from(["pipe", "tab", "prefixed_pipe", "generic_pipe", "prefixed_html", "generic_html",
                              "wps_combined_html", "subtotal_rows_html", "split_columns_html", "transposed_t4_html"]),
       stray=st.integers(0, 2))
def test_consistent_reports_never_yield_a_wrong_cell(renderings, edition, number, blanks, style, stray):
    """Stray empty cells around every row's values: a row whose blank first or last cells let
    its values sit in several places is placed by the rows around it, or left out with
    ROW_AMBIGUOUS — never shifted into the wrong columns."""
    cells = renderings.consistent_cells(edition, number, blanks)
    data, filename = renderings.render("青山县人民政府2022年政府信息公开工作年度报告", edition, cells, style, stray)
    report = parse(data, filename=filename)
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (expected, read): {wrong}"
    assert not set(report.cells) - set(cells)
    if any(k not in report.cells for k in cells):
        assert "ROW_AMBIGUOUS" in [p.code for p in report.problems]
