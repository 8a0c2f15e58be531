"""Grid styles of tests/parsers/renderings.py printed to PDF by Chromium (the fixtures
tests/fixtures/pdf/grid_*.pdf, renderings.PRINTED says which style and report each holds):
read back cell by cell, none wrong, none missing, none extra, with the title's organ and year."""
from __future__ import annotations

import pytest

from parsers import parse


@pytest.mark.parametrize("name", ["wps_combined_2021", "transposed_t4_seed_000", "split_columns_2021",
                                  "subtotal_rows_seed_001", "turned_seed_003", "turned_2019"])
def test_grid_style_printed_to_pdf(name, renderings, fixtures, expected_record):
    style, source, *_ = renderings.PRINTED[name]
    title, edition, cells, agency, year = renderings.printed_report(source, expected_record)
    report = parse((fixtures / "pdf" / f"grid_{name}.pdf").read_bytes(), filename=f"grid_{name}.pdf")
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (expected, read): {wrong}"
    assert sorted(k for k in cells if k not in report.cells) == []
    assert sorted(set(report.cells) - set(cells)) == []
    assert report.template == edition
    assert (report.agency, report.year) == (agency, year)


def test_rows_laid_out_unlike_their_header_give_no_wrong_cell(renderings, fixtures, expected_record):
    """The header of t3's second column part ends a page, its rows start the next one on other
    grid columns: read by the header's positions they would put 总计 under 其他. They are not;
    what is read is right."""
    style, source, *_ = renderings.PRINTED["turned_split_columns_seed_000"]
    _, _, cells, _, _ = renderings.printed_report(source, expected_record)
    report = parse((fixtures / "pdf" / "grid_turned_split_columns_seed_000.pdf").read_bytes(), filename="r.pdf")
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (expected, read): {wrong}"
    assert not set(report.cells) - set(cells)
    assert len([k for k in cells if k in report.cells]) > len(cells) // 2
