"""Made-up reports (renderings.consistent_cells) written as .docx in every Word/WPS markup family
of tests/parsers/docx_renderings.py read back cell by cell: no wrong cell, every cell read,
except those the style really loses (a formula field whose result Word never stored, text
printed but hidden on the web): absent, with DOCX_UNSHOWN saying why."""
from __future__ import annotations

import pytest

import docx_renderings
from parsers import parse
from parsers.docx import read_docx

SEEDS = (0, 1, 2)
CASES = [pytest.param(style, edition, seed, id=f"{style}-{edition}-{seed}")
         for style in docx_renderings.STYLES for edition in ("2019", "2021") for seed in SEEDS]


@pytest.mark.parametrize("docx_style, edition, seed", CASES)
def test_every_cell_in_every_markup_family(renderings, docx_style, edition, seed):
    cells = renderings.consistent_cells(edition, seed)
    data, lost = docx_renderings.render_docx(docx_renderings.title_of(edition), edition, cells, docx_style)
    report = parse(data, filename="report.docx")
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (made, read): {wrong}"
    assert not set(report.cells) - set(cells)
    assert report.template == edition
    assert not lost & set(report.cells), "a cell whose shown text cannot be told was read"
    codes = [p.code for p in report.problems]
    assert ("DOCX_UNSHOWN" in codes) == bool(lost), report.problems
    missing = sorted(k for k in cells if k not in report.cells and k not in lost)
    assert not missing, f"cells not read: {missing}"
    if not lost:
        assert report.problems == [], report.problems


def test_tracked_correction_reads_the_new_figure():
    """Old 12 deleted, 15 inserted: 15; a figure moved away does not count, moved here does."""
    data = _table_docx('<w:del w:id="1" w:author="a"><w:r><w:delText>12</w:delText></w:r></w:del>'
                       '<w:ins w:id="2" w:author="a"><w:r><w:t>15</w:t></w:r></w:ins>'
                       '<w:moveFrom w:id="3" w:author="a"><w:r><w:t>8</w:t></w:r></w:moveFrom>',
                       '<w:moveTo w:id="4" w:author="a"><w:r><w:t>9</w:t></w:r></w:moveTo>'
                       '<w:r><w:rPr><w:vanish/></w:rPr><w:t>7</w:t></w:r>')
    assert read_docx(data).tables[0].rows == [["15", "9"]]


R = '<w:r><w:t>{}</w:t></w:r>'
SUP = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{}</w:t></w:r>'


@pytest.mark.parametrize("markup, shown", [
    (R.format("55") + SUP.format("1"), "55"),                        # a typed note mark after the figure
    (SUP.format("12"), "12"),                                        # all raised: no mark on anything
    (R.format("1") + SUP.format("2") + R.format("3"), "\ufffd"),      # raised digits inside: no figure to tell
    ('<w:r><w:rPr><w:webHidden/></w:rPr><w:t>7</w:t></w:r>' + R.format("1"), "\ufffd"),
    ('<w:fldSimple w:instr=" =SUM(ABOVE) "/>', "\ufffd"),               # a result never stored
    ('<w:fldSimple w:instr=" XE &quot;公开&quot; "/>' + R.format("9"), "9"),  # a field that shows nothing
    ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>=2+3</w:instrText></w:r>'
     '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + R.format("5") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>', "5"),
    ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>' + R.format("单击此处输入文字。")
     + "</w:sdtContent></w:sdt>", ""),
    ('<m:oMath><m:r><m:t>12</m:t></m:r></m:oMath>', "\ufffd"),          # an equation
])
def test_what_a_cell_shows(markup, shown):
    assert read_docx(_table_docx(R.format("行政复议"), markup)).tables[0].rows == [["行政复议", shown]]


def test_text_box_stays_apart_from_the_figure_and_a_box_alone_is_unsure():
    box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
           '<w:p><w:r><w:t>3</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
           '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>3</w:t></w:r></w:p></w:txbxContent>'
           '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    doc = read_docx(_table_docx('<w:r><w:t>55</w:t></w:r>' + box, box))
    assert doc.tables[0].rows == [["55", "\ufffd"]]
    assert [code for code, _ in doc.problems] == ["DOCX_UNSHOWN"]


def test_a_table_cut_in_two_is_joined_when_its_rows_are_wrapped():
    """The first part's rows inside w:customXml: the two parts' grids still compared."""
    first = '<w:customXml w:element="row"><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc>' \
            '<w:tc><w:p><w:r><w:t>总计</w:t></w:r></w:p></w:tc></w:tr></w:customXml>'
    second = '<w:tr><w:tc><w:p><w:r><w:t>行政复议</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr>'
    data = _docx(_table(2, first), '<w:p><w:r><w:br w:type="page"/></w:r></w:p>', _table(2, second))
    assert [t.rows for t in read_docx(data).tables] == [[["项目", "总计"], ["行政复议", "3"]]]


def _table(width: int, rows: str) -> str:
    return "<w:tbl><w:tblPr/><w:tblGrid>" + '<w:gridCol w:w="1000"/>' * width + f"</w:tblGrid>{rows}</w:tbl>"


def _table_docx(*cells: str) -> bytes:
    return _docx(_table(len(cells), "<w:tr>" + "".join(f"<w:tc><w:p>{cell}</w:p></w:tc>" for cell in cells) + "</w:tr>"))


def _docx(*blocks: str) -> bytes:
    import io

    import docx
    from docx.oxml import parse_xml
    document = docx.Document()
    for block in parse_xml(f"<w:body {docx_renderings.NAMESPACES}>{''.join(blocks)}</w:body>"):
        document.element.body[-1].addprevious(block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
