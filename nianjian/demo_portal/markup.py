"""Renderers: one per markup style seen on real portals, all fed the same grids and prose.

`render_body(report)` gives the HTML of the report itself (what sits inside the detail page's
content div); `render_docx(report)` fills the blank 2021 template with python-docx."""
from __future__ import annotations

import io
import zipfile
from copy import deepcopy
from html import escape

from parsers.template import TEMPLATE

from nianjian.demo_portal.content import ReportContent, data_file, portal_data
from nianjian.demo_portal.tables import Cell, Grid, section_grids


def _heading(number: int) -> str:
    return portal_data()["layout"]["sections"][number - 1] + TEMPLATE.sections[number][0]


def _spans(cell: Cell) -> str:
    return (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
           (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")


# --------------------------------------------------------------------------- table writers
def official_table(grid: Grid) -> str:
    """The official template as portals' rich-text editors save it."""
    rows = "".join(
        "<tr>" + "".join(
            f'<td{_spans(c)} style="text-align:center">{escape(c.text)}</td>' for c in line
        ) + "</tr>\n"
        for line in grid
    )
    return f'<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">\n{rows}</table>'


def word_table(grid: Grid) -> str:
    """Word's "save as web page": MsoNormalTable, every cell a <p><span>, &nbsp; for blanks, <o:p>."""
    word_font = portal_data()["layout"]["word_font"]

    def cell(c: Cell) -> str:
        spans = _spans(c).replace('"', "")
        text = escape(c.text) if c.text else "&nbsp;"
        font = "font-size:10.5pt;font-family:&quot;Times New Roman&quot;" if c.value else \
               f"font-size:10.5pt;font-family:{word_font};mso-ascii-font-family:&quot;Times New Roman&quot;"
        return (f"<td{spans} valign=middle style='border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>"
                f"<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US "
                f"style='{font}'>{text}<o:p></o:p></span></p></td>")
    rows = "".join(f"<tr style='height:22.5pt'>{''.join(cell(c) for c in line)}</tr>\n" for line in grid)
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
            f"style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>\n{rows}</table>")


def expand_cells(grid: Grid) -> list[list[Cell | None]]:
    """The grid as a full matrix: each cell at its top-left position, None where spans cover."""
    width = sum(c.colspan for c in grid[0])
    matrix: list[list] = [[0] * width for _ in grid]       # 0: not yet placed
    for r, line in enumerate(grid):
        col = 0
        for c in line:
            while matrix[r][col] != 0:
                col += 1
            for dr in range(c.rowspan):
                for dc in range(c.colspan):
                    matrix[r + dr][col + dc] = None
            matrix[r][col] = c
            col += c.colspan
    return matrix


def expand(grid: Grid) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in expand_cells(grid)]


# --------------------------------------------------------------------------- report bodies
def _paragraphs_html(report: ReportContent, number: int, tag: str = "p") -> str:
    return "".join(f"<{tag}>{escape(p)}</{tag}>\n" for p in report.paragraphs.get(number, ()))


def _html_body(report: ReportContent, table_writer, split_t3: bool = False) -> str:
    grids = section_grids(report)
    out = [f'<p style="text-align:center"><strong>{escape(report.title)}</strong></p>\n']
    for number in range(1, 7):
        out.append(f"<p><strong>{escape(_heading(number))}</strong></p>\n")
        out.append(_paragraphs_html(report, number))
        if number in grids:
            grid = grids[number]
            if split_t3 and number == 3:
                # Reports pasted in two pieces: the header and the first two rows, then the rest.
                out.append(table_writer(grid[:5]) + "\n<p>&nbsp;</p>\n" + table_writer(grid[5:]) + "\n")
            else:
                out.append(table_writer(grid) + "\n")
    return "".join(out)


def _text_body(report: ReportContent) -> str:
    grids = section_grids(report)
    lines = [report.title, ""]
    for number in range(1, 7):
        lines.append(_heading(number))
        lines.extend(report.paragraphs.get(number, ()))
        if number in grids:
            lines.extend("\t".join(row) for row in expand(grids[number]))
        lines.append("")
    return f'<pre style="white-space:pre-wrap">{escape(chr(10).join(lines))}</pre>\n'


RENDERERS = {
    "official": lambda r: _html_body(r, official_table),
    "word": lambda r: _html_body(r, word_table),
    "split": lambda r: _html_body(r, official_table, split_t3=True),
    "text": _text_body,
}


def render_body(report: ReportContent) -> str:
    return RENDERERS[report.style](report)


# --------------------------------------------------------------------------- DOCX
def render_docx(report: ReportContent) -> bytes:
    """Fill the blank 2021 template the way an office does: title, prose, one figure per cell."""
    import docx  # python-docx: only needed when the portal starts

    document = docx.Document(str(data_file("template_2021_blank.docx")))
    paragraphs = document.paragraphs
    _set_text(paragraphs[1], report.title)
    # The blank template says "（文字描述…）" where sections 一, 五 and 六 take their prose.
    marker = portal_data()["layout"]["docx_prose_marker"]
    slots = [p for p in paragraphs if p.text.startswith(marker)]
    if len(slots) != 3:
        raise ValueError(f"template_2021_blank.docx: expected 3 '{marker}' paragraphs, found {len(slots)}")
    for number, target in zip((1, 5, 6), slots):
        texts = report.paragraphs[number]
        _set_text(target, texts[0])
        for text in reversed(texts[1:]):
            _insert_after(target, text)
    grids = section_grids(report)
    for table, number in zip(document.tables, (2, 3, 4)):
        for r, row in enumerate(expand_cells(grids[number])):
            for c, cell in enumerate(row):
                if cell is not None and cell.value:
                    _set_text(table.rows[r].cells[c].paragraphs[0], cell.text)
    out = io.BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue(), report.modified)


def _stable_zip(data: bytes, day) -> bytes:
    """Word files are zips stamped with the time of saving: stamp them with the report's date
    instead, so the same report is the same bytes (same ETag) on every run of the portal."""
    stamp = (day.year, day.month, day.day, 9, 30, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), source.read(info.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _set_text(paragraph, text: str) -> None:
    for run in paragraph.runs[1:]:
        run._element.getparent().remove(run._element)
    if paragraph.runs:
        paragraph.runs[0].text = text
    else:
        paragraph.add_run(text)


def _insert_after(paragraph, text: str) -> None:
    from docx.text.paragraph import Paragraph

    element = deepcopy(paragraph._element)
    paragraph._element.addnext(element)
    _set_text(Paragraph(element, paragraph._parent), text)

