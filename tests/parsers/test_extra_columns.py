"""Tables with a column the template does not have, right of 总计 (备注, 上年数): its cells are no
figures of the report. Before, a 备注 figure was read into 总计 and the row's figures shifted
(wrong cells, and the checks accused the agency of a t3 that does not add up)."""
from __future__ import annotations

import pytest

from columns import NOTES, TITLE, insert_column, page, with_column, with_notes_column
from nianjian.checks import check
from parsers import parse

@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", sorted(NOTES))
def test_t3_with_a_column_after_the_total_reads_every_figure_in_its_column(renderings, edition, seed, kind):
    cells = renderings.consistent_cells(edition, seed)
    tables = renderings.tables(edition, cells)
    with_column(tables[3][0], *NOTES[kind])
    report = parse(page(renderings, tables), filename="r.html")
    assert report.cells == cells
    assert [p.code for p in report.problems if p.code.startswith("ROW")] == []


def test_a_header_a_column_off_its_figures_is_not_trusted_to_set_a_column_aside(renderings):
    """Every data row printed one cell further right than its header (a leading empty cell),
    so 总计's figures stand under 备注: no row adds up under the header, nothing is set aside,
    and no cell is read wrong."""
    cells = renderings.consistent_cells("2021", 1)
    tables = renderings.tables("2021", cells)
    t3 = tables[3][0]
    t3[0].append("备注")
    for row in t3[1:]:
        row.insert(1, "")
    report = parse(page(renderings, tables), filename="r.html")
    wrong = {k: v for k, v in report.cells.items() if k.startswith("t3.") and v != cells[k]}
    assert wrong == {}


def test_a_notes_column_no_row_confirms_reads_no_wrong_cell(renderings):
    """No row of the table can be checked (自然人 blank in each): nothing shows the header stands
    over its figures, so the 备注 column is not set aside; rows whose figures could be read two
    ways (a leading blank, a 备注 figure) keep only what both readings agree on."""
    cells = renderings.consistent_cells("2021", 2)
    cells.update({key: None for key in cells if key.startswith("t3.") and key.endswith(".natural")})
    tables = renderings.tables("2021", cells)
    with_column(tables[3][0], *NOTES["notes as figures"])
    report = parse(page(renderings, tables), filename="r.html")
    wrong = {k: (v, cells[k]) for k, v in report.cells.items() if v != cells[k]}
    assert wrong == {}
    # What could not be read is named, and the agency is not accused of it.
    assert any(p.code == "ROW_AMBIGUOUS" and p.detail.startswith("t3.") for p in report.problems)
    assert [f.rule for f in check(report) if f.severity == "error"] == []


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_t4_with_a_notes_column_reads_no_wrong_cell(renderings, edition, seed):
    cells = renderings.consistent_cells(edition, seed)
    tables = renderings.tables(edition, cells)
    with_column(tables[4][0], *NOTES["notes as figures"])
    report = parse(page(renderings, tables), filename="r.html")
    assert {k: v for k, v in report.cells.items() if v != cells[k]} == {}
    t4 = [k for k in cells if k.startswith("t4.")]
    if any(cells[k] for k in t4 if k.endswith(".total")) and all(cells[k] is not None for k in t4):
        assert all(k in report.cells for k in t4)      # a row adds up: 备注 is set aside


def test_t4_with_a_notes_column_and_rows_that_add_up_reads_every_cell(renderings):
    cells = renderings.consistent_cells("2021", 3, blanks=0.0)
    tables = renderings.tables("2021", cells)
    with_column(tables[4][0], *NOTES["notes as figures"])
    report = parse(page(renderings, tables), filename="r.html")
    assert report.cells == cells


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2])
def test_t3_columns_in_another_order_are_read_under_their_header(renderings, edition, seed):
    """总计 printed first: every figure is read under the column its header names (before, the
    rows were read in the template's order: 840 cells wrong over eight reports)."""
    cells = renderings.consistent_cells(edition, seed)
    tables = renderings.tables(edition, cells)
    for row in tables[3][0]:
        row[1:8] = [row[7]] + row[1:7]
    report = parse(page(renderings, tables), filename="r.html")
    assert report.cells == cells


def test_an_empty_column_between_t3_columns_is_no_column(renderings):
    """A column with no header and no figure between 自然人 and 商业企业 (a cell split in Word)."""
    cells = renderings.consistent_cells("2021", 1)
    tables = renderings.tables("2021", cells)
    insert_column(tables[3][0], 2, "", lambda row: "")
    report = parse(page(renderings, tables), filename="r.html")
    assert report.cells == cells


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_a_subtotal_column_among_the_t3_columns_is_set_aside(renderings, edition):
    """法人或其他组织小计 printed between 自然人 and 商业企业: rows read by the header's
    positions add up, so the column is no template column and is cut."""
    cells = renderings.consistent_cells(edition, 2)
    tables = renderings.tables(edition, cells)
    insert_column(tables[3][0], 2, "法人或其他组织小计",
                  lambda row: str(sum(int(t) for t in row[2:7] if t.isdigit())))
    report = parse(page(renderings, tables), filename="r.html")
    assert report.cells == cells


@pytest.mark.parametrize("grid", ["official_html", "word_html", "wps_html", "excel_html", "nested_html"])
def test_the_official_grid_with_a_notes_column_reads_no_wrong_cell(renderings, grid):
    """The official three-row t3 header with 备注 spanning it; and t4, whose flat row of 15
    figures and a 备注 figure is not read (absent), never shifted."""
    cells = renderings.consistent_cells("2021", 1)
    data, filename = renderings.render(TITLE, "2021", cells, grid)
    data = with_notes_column(data, "自然人", [str(n % 10) for n in range(40)])
    data = with_notes_column(data, "结果维持", ["7"] * 5)
    report = parse(data, filename=filename)
    assert {k: v for k, v in report.cells.items() if k.startswith("t3.")} == \
        {k: v for k, v in cells.items() if k.startswith("t3.")}
    assert {k: v for k, v in report.cells.items() if v != cells[k]} == {}
    assert [f.rule for f in check(report) if f.severity == "error"] == []


def test_a_t4_printed_downwards_with_notes_reads_no_note_as_a_figure(renderings):
    """行政复议 | 结果纠正 | (blank) | 9: the blank is the cell's, the 9 a note; which of the two
    is the figure is not guessed."""
    cells = renderings.consistent_cells("2021", 1)
    data, filename = renderings.render(TITLE, "2021", cells, "transposed_t4_html")
    data = with_notes_column(data, "结果维持", [str(n % 9 + 1) for n in range(15)])
    report = parse(data, filename=filename)
    assert {k: v for k, v in report.cells.items() if v != cells[k]} == {}
    blank = [k for k in cells if k.startswith("t4.") and cells[k] is None]
    assert blank and not any(k in report.cells for k in blank)


def test_a_subtotal_column_no_row_confirms_reads_no_wrong_cell(renderings):
    """法人或其他组织小计 among the columns and 自然人 blank in every row: nothing shows the header
    stands over the figures, so each row is read both ways and only what both agree on is kept
    (before: the 小计 figures were read as 自然人's). A group's label in a header flattened to
    one row (法人或其他组织 alone) is no such column (tests/fixtures/styles/prefixed_2021.html)."""
    cells = renderings.consistent_cells("2021", 2)
    cells.update({key: None for key in cells if key.startswith("t3.") and key.endswith(".natural")})
    tables = renderings.tables("2021", cells)
    insert_column(tables[3][0], 2, "法人或其他组织小计", lambda row: str(sum(int(t) for t in row[2:7] if t.isdigit())))
    report = parse(page(renderings, tables), filename="r.html")
    assert {k: (v, cells[k]) for k, v in report.cells.items() if v != cells[k]} == {}
    assert [f.rule for f in check(report) if f.severity == "error"] == []
