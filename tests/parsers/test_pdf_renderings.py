"""Made-up reports drawn as PDFs in the drawing habits of real exporters (pdf_renderings.py:
ruling as filled boxes, cut short, dashed, doubled; text glyph by glyph, spaced, before the
ruling, in reverse order; tables across pages with footers and repeated headers; turned pages)
read back cell by cell: none wrong, none missing, none extra. Where the drawing loses what cells
say (fonts without ToUnicode), those cells are absent and a problem says why: never a guess."""
from __future__ import annotations

import pytest

import pdf_renderings
from parsers import parse

ROW_PROBLEMS = ("ROW_", "UNKNOWN_ROW", "LABEL_AMBIGUOUS", "BAD_VALUE", "DUPLICATE_CELL")
STYLES = list(pdf_renderings.STYLES)


def read(renderings, edition: str, style: str) -> tuple[dict, object]:
    # another report for every style and edition: the drawing habits meet other figures and blanks
    cells = renderings.consistent_cells(edition, STYLES.index(style) * 2 + (edition == "2021"))
    return cells, parse(pdf_renderings.render(edition, cells, style), filename="r.pdf")


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("drawing", [s for s in STYLES if s not in pdf_renderings.LOSSY | pdf_renderings.UNSURE])
def test_every_cell_read_back(renderings, edition, drawing):
    cells, report = read(renderings, edition, drawing)
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (expected, read): {wrong}"
    assert sorted(k for k in cells if k not in report.cells) == []
    assert sorted(set(report.cells) - set(cells)) == []
    assert (report.template, report.agency) == (edition, renderings.OWN_AGENCY)
    assert report.year == (2020 if edition == "2019" else 2022)
    assert not [p for p in report.problems if p.code.startswith(ROW_PROBLEMS)], report.problems


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("drawing", sorted(pdf_renderings.LOSSY))
def test_cells_whose_characters_are_unknown_are_absent_with_a_problem(renderings, edition, drawing):
    """The figures' font (or every font) maps its codes to no character: the figures are not
    read as blanks, nor as whatever characters the codes would be in ASCII."""
    cells, report = read(renderings, edition, drawing)
    assert not {k for k in cells if k in report.cells and report.cells[k] != cells[k]}
    assert not set(report.cells) - set(cells)
    assert not [k for k in cells if k.startswith(("t3.", "t4.")) and k in report.cells]
    assert "UNREADABLE_TEXT" in [p.code for p in report.problems]


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("drawing", sorted(pdf_renderings.UNSURE))
def test_rows_not_tied_to_their_label_are_absent_with_a_problem(renderings, edition, drawing):
    cells, report = read(renderings, edition, drawing)
    assert not {k for k in cells if k in report.cells and report.cells[k] != cells[k]}
    assert not set(report.cells) - set(cells)
    assert len(report.cells) > len(cells) * 0.9
    if len(report.cells) < len(cells):
        assert [p for p in report.problems if p.code.startswith(ROW_PROBLEMS)], report.problems
