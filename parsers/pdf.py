"""PDF front-end: the bytes of a PDF report in, a `Document` out (pdfplumber).

Tables are rebuilt from the ruling (pdfplumber's table finder on the rules of _rules), not
from the text: in extracted text the values of a wrapped row print on the line above their
label and page footers land between rows. Each ruled cell keeps its box, so a table continued on the next
page is joined back into one grid, and a merged cell cut by the page break is joined too.
Everything outside the tables becomes paragraphs; page numbers and running headers are dropped.

Only what is drawn counts as ruling: office suites put an unstroked white box behind every
line of text, which would otherwise turn the prose into one-column "tables". Only what can be
seen counts as text, and what cannot be read (characters without Unicode, figures drawn as
shapes) is left out with a problem, never read as a blank or a shorter number.
"""
from __future__ import annotations

import contextlib
import functools
import io
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdftypes import resolve1

from parsers import pdfguard
from parsers.document import Document, Paragraph, Table
from parsers.spans import merged_spans
from parsers.template import TEMPLATE, normalise_label
from parsers.values import is_blank, looks_like_value

MAX_PAGES = 200                 # a report has a handful; thousands means a hostile or wrong file
BORDER_THICKNESS = 2.0          # a box thinner than this (pt) is a drawn line: its centre line
EDGE_TOLERANCE = 3.0            # pt: boxes closer than this share a grid line
MAX_CROSSINGS = 2500            # rule positions (rows × columns) beyond any report table: a
                                # dense vector drawing, whose "cells" would take minutes to trace
SAME_TABLE_SLACK = 6.0          # pt: left/right edges of two parts of one table across pages
CELL_GAP = 0.6                  # × font size: a wider gap between characters separates cells
FIGURE_GAP = 0.3                # × font size: the same next to a figure (narrow columns)
MAX_TABLE_GAP_LINES = 4         # lines without figures tolerated between two rows of figures
UNMAPPED_SHARE = 0.3            # beyond this share of (cid:…) characters the text is lost
MIN_VISIBLE_SIZE = 1.0          # pt: characters smaller than this are not seen
FAKE_BOLD_SHIFT = 1.0           # pt: the same character drawn again this close is one (faked bold)
LINE_OVERLAP = 0.5              # share of the smaller height two characters of one line overlap
LINE_LOOKBACK = 16              # lines a character may join: the latest ones (bounded work)
WORD_GAP = 3.0                  # pt: a wider gap between characters is a space (pdfplumber's)
MARGIN_BAND = 0.08              # top/bottom share of the page where headers and footers live
TABLE_SETTINGS = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit"}

_UNMAPPED = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(
    r"^[-—–－·\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?[-—–－·\s]*$"
)
# A page number dressed as one (`— 5 —`, `- 4 -`, `第 3 页 共 9 页`): a footer wherever it stands
_DRESSED_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d+\s*[-—–－]+|第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?)\s*$"
)
# What a browser prints in the margins: the date and time (then the page title), the address
# (then the page counter `1/4`)
_BROWSER_CHROME = re.compile(
    r"^(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s*(?:[上下]午\s*)?\d{1,2}:\d{2}"
    r"|(?:https?|file)://\S+(?:\s+\d+\s*/\s*\d+)?\s*$)"
)
_NUMERIC_TAIL = re.compile(r"(?:[-+]?\d[\d,.]*\s+){1,}[-+]?\d[\d,.]*\s*$")
# A label that starts a row of its own: （一） 一、 1. 1、
_ENUMERATED = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])")
# Captions of the 第二十条 sub-tables of section 二 (from the template): printed across a table
_T2_CAPTIONS = frozenset(normalise_label(block.caption)
                         for blocks in TEMPLATE.t2.values() for block in blocks)
_FIGURE_CHARS = frozenset("0123456789.,%")
_SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、\S{4,}")
_HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
_CJK_CLASS = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"
_CJK = re.compile(f"[{_CJK_CLASS}]")
_LAYOUT_SPACE = re.compile(f"(?<=[{_CJK_CLASS}])[ \t]+(?=[{_CJK_CLASS}A-Za-z0-9])"
                           f"|(?<=[A-Za-z0-9.%])[ \t]+(?=[{_CJK_CLASS}])")


@dataclass
class _Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass
class _TablePart:
    """A ruled table found on one page: cell boxes in document coordinates."""

    cells: list[_Cell]
    page: int
    # A part of one row: a table only where it continues the table that ended the previous
    # page (its last row, printed alone); elsewhere a boxed line, read as these text lines.
    lines: list[_Line] | None = None

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.cells)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.cells)

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.cells)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    in_margin: bool       # in the top or bottom band where headers and footers live
    segments: list[_Segment] = field(default_factory=list)   # runs split by wide gaps


@dataclass
class _Segment:
    """A run of characters on a line, set apart from the next by a gap wider than a character:
    in a table without ruling, a cell or a piece of one."""

    x0: float
    x1: float
    text: str
    top: float = 0.0
    gap_before: float = 0.0     # the gap to the previous segment, in font sizes


def read_pdf(data: bytes) -> Document:
    """Read a PDF report. Never raises: what cannot be read is a problem on the Document."""
    doc = Document()
    with pdfguard.reading() as guard:
        _read(data, doc)
    if guard.refusal:           # whatever pdfminer made of the failure, the refusal is the news
        doc.blocks.clear()
        doc.title = None
        doc.problems[:] = [("TOO_LARGE", f"{guard.refusal}; refused")]
    elif guard.warnings:
        doc.problems.append(("PDF_WARNING", _warnings(guard.warnings)))
    return doc


def _read(data: bytes, doc: Document) -> None:
    try:
        pdf = pdfplumber.open(io.BytesIO(data), pages=list(range(1, MAX_PAGES + 1)))
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted files
        doc.problems.append(("UNREADABLE_FILE", _open_failure(exc)))
        return
    try:
        _read_pages(pdf, doc, data)
        if pdf.pages and any(code == "SCANNED_PDF" for code, _ in doc.problems):
            _read_scan(data, doc)
    except Exception as exc:  # a damaged object deep in a page: report, keep nothing half-read
        doc.blocks.clear()
        doc.problems.append(("UNREADABLE_FILE", f"PDF could not be read: {_describe(exc)}"))
    finally:
        # closing walks the page tree again; a damaged tree has been reported already
        with contextlib.suppress(Exception):
            pdf.close()


def _warnings(messages: list[str]) -> str:
    """One line for what the PDF library warned about (font descriptors without a FontBBox, …)."""
    distinct = list(dict.fromkeys(messages))
    return (f"{len(messages)} warning(s) from the PDF library while reading, e.g. "
            + "; ".join(m[:120] for m in distinct[:2]))


def _read_scan(data: bytes, doc: Document) -> None:
    """A PDF with no text layer: its pages read by OCR (parsers/ocr.py). Only a scan where OCR
    found a ruled table counts as read; otherwise SCANNED_PDF stays (OCR text alone is too weak
    to say the file is no report) and OCR's reason, if any, joins it."""
    from parsers.ocr import read_scanned_pdf

    scanned = read_scanned_pdf(data)
    if scanned.tables:
        doc.problems = [p for p in doc.problems if p[0] != "SCANNED_PDF"] + scanned.problems
        doc.blocks = scanned.blocks
    else:
        doc.problems += [p for p in scanned.problems if p[0] == "OCR_UNAVAILABLE"]


def _open_failure(exc: Exception) -> str:
    text = _describe(exc)
    if "password" in text.lower() or "encrypt" in text.lower():
        return f"PDF is password-protected and cannot be read ({text})"
    return f"not a readable PDF: {text}"


def _describe(exc: Exception) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    return f"{type(inner).__name__}: {inner}".rstrip(": ")


def _read_pages(pdf, doc: Document, data: bytes) -> None:
    total = _page_count(pdf)
    if total > MAX_PAGES:
        doc.problems.append(
            ("PAGE_LIMIT", f"only the first {MAX_PAGES} of {total} pages were read")
        )
    pages = pdf.pages
    items: list[tuple[int, float, object]] = []   # (page number, top, _TablePart | _Line)
    textless: list[int] = []
    dense: list[int] = []       # pages drawing more objects than any report page: skipped
    images = characters = unmapped = 0
    lost: list[str] = []        # what could not be read and was left out, page by page
    offset = 0.0
    for page in pages:
        pdfguard.new_page()
        try:
            page.chars          # lays the page out, within the object limit
        except Exception as exc:
            if not pdfguard.is_dense_page(exc):
                raise
            dense.append(page.page_number)
            offset += float(page.height)
            page.close()
            continue
        page = _upright(page)
        if not page.chars:
            textless.append(page.page_number)
            images += len(page.images)
        else:
            characters += len(page.chars)
            unmapped += sum(1 for ch in page.chars if _UNMAPPED.match(ch["text"]))
            # bold faked by drawing the text twice a fraction of a point apart: one text
            seen = page.dedupe_chars(tolerance=FAKE_BOLD_SHIFT).filter(_visible(page))
            parts, lines = _read_page(seen, offset, lost)
            items.extend((page.page_number, obj.top, obj) for obj in [*parts, *lines])
        offset += float(page.height)
        page.close()        # drop the page's parsed objects: long files stay small in memory
    if dense:
        skipped = ("pages drawing more than "
                   f"{pdfguard.MAX_PAGE_OBJECTS} objects: " + ", ".join(map(str, dense)))
        if len(dense) + len(textless) == len(pages):
            doc.problems.append(("TOO_LARGE", f"nothing readable: {skipped}; refused"))
            return
        doc.problems.append(("DENSE_PAGES", f"skipped {skipped}"))
    if len(textless) == len(pages):
        doc.problems.append(
            ("SCANNED_PDF", f"no text layer on any of {len(pages)} pages ({images} images): "
                            "a scan or outlined text; OCR would be needed")
        )
        return
    if unmapped > UNMAPPED_SHARE * characters:
        doc.problems.append(
            ("UNREADABLE_TEXT", f"{unmapped} of {characters} characters come out as (cid:…): "
                                "the PDF's fonts do not say which characters they draw, so its "
                                "text cannot be extracted; OCR would be needed")
        )
        return
    if lost:
        doc.problems.append(
            ("UNREADABLE_TEXT", "text that cannot be read (characters that come out as (cid:…), "
                                "their font not saying which characters it draws; cells of figures "
                                "drawn as shapes): left out " + ", ".join(lost)))
    if textless:
        items.extend(_scanned_pages(data, textless, doc))
    items.sort(key=lambda item: (item[0], item[1]))
    _settle_one_row_parts(items)
    _drop_running_lines(items, len(pages))
    objs = [obj for _, _, obj in items]
    doc.title = _title([obj for obj in objs if isinstance(obj, _Line)])
    doc.blocks = _blocks(objs)


def _scanned_pages(data: bytes, textless: list[int], doc: Document) -> list[tuple[int, float, object]]:
    """The pages without a text layer in a PDF whose other pages have one, read by OCR
    (parsers/ocr.py, its caps and trust rules): their blocks as items at the top of their page,
    so they fall in place. A page OCR did not read is SCANNED_PAGES."""
    from parsers.ocr import read_pdf_pages

    scanned = read_pdf_pages(data, textless)
    skipped = [n for n in textless if n not in scanned.blocks]
    if skipped:
        doc.problems.append(("SCANNED_PAGES", "pages without a text layer were skipped: " + ", ".join(map(str, skipped))))
    doc.problems += scanned.problems
    return [(number, 0.0, block) for number in textless for block in scanned.blocks.get(number, [])]


def _upright(page):
    """The page turned so that its text reads upright, when most of it runs sideways (a wide
    table turned to fit a portrait page, a page set to be shown rotated); else the page."""
    chars = page.chars
    if sum(1 for ch in chars if not _reads_upright(ch)) * 2 <= len(chars):
        return page
    for turn in (90, 270, 180):
        page_obj = page.page_obj
        page_obj.rotate = (page.rotation + turn) % 360
        page_obj.attrs["Rotate"] = page_obj.rotate
        pdfguard.new_page()
        turned = pdfplumber.page.Page(page.pdf, page_obj, page_number=page.page_number,
                                      initial_doctop=page.initial_doctop)
        if sum(1 for ch in turned.chars if _reads_upright(ch)) * 2 > len(turned.chars):
            page.close()
            return turned
        turned.close()
    page.page_obj.rotate = page.rotation
    page.page_obj.attrs["Rotate"] = page.rotation
    return page


def _reads_upright(char: dict) -> bool:
    """Drawn left to right, head up (not sideways, not upside down)."""
    a, b = char.get("matrix", (1, 0))[:2]
    return a > 0 and abs(b) < a


def _visible(page):
    """Whether an object of the page can be seen: characters white on no dark fill, or smaller
    than MIN_VISIBLE_SIZE, cannot (anti-copy characters between figures, text coloured white):
    read, they would add digits to a figure."""
    dark = [r for r in page.rects if r.get("fill") and not _is_white(r.get("non_stroking_color"))]

    def visible(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        if obj["size"] < MIN_VISIBLE_SIZE:
            return False
        if not _is_white(obj.get("non_stroking_color")):
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return any(r["x0"] <= x <= r["x1"] and r["top"] <= y <= r["bottom"] for r in dark)
    return visible


def _is_white(color) -> bool:
    """A fill colour (gray, RGB or CMYK components) that is white."""
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(c, (int, float)) for c in color):
        return False
    if len(color) == 4:
        return max(color) <= 0.05
    return min(color) >= 0.95


def _page_count(pdf) -> int:
    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except (KeyError, TypeError, ValueError):
        return len(pdf.pages)


# ---------------------------------------------------------------- tables

def _rules(page) -> tuple[list[dict], list[dict]]:
    """The page's ruling as edges, (horizontal, vertical): lines and curves as drawn, stroked
    boxes by their four sides, a box thin enough to be a border (Word and WPS fill one per cell
    side, a dash of a dashed line is one) by its centre line. Its ends are no rules: taken as
    edges, the 0.5 pt ends of a border cut short or dashed would make hundreds of rule
    positions. Wider unstroked boxes are backgrounds (office suites put a white box behind
    every line of text), wider filled shapes are ink (_ink)."""
    rules = [e for e in page.edges if e["object_type"] == "line"]
    rules += [e for curve in page.curves if not _is_ink(curve) for e in pdfplumber.utils.curve_to_edges(curve)]
    for box in page.rects:
        thin = min(box["width"], box["height"])
        if thin <= BORDER_THICKNESS:
            across = box["height"] <= box["width"]
            if max(box["width"], box["height"]) >= 2 * thin:    # a dot of a dotted line is no rule
                rules.append(_centre_line(box, "h" if across else "v"))
        elif box.get("stroke"):
            rules += pdfplumber.utils.rect_to_edges(box)
    return ([e for e in rules if e["orientation"] == "h"],
            [e for e in rules if e["orientation"] == "v"])


def _is_ink(shape: dict) -> bool:
    """A filled shape thick both ways: a glyph drawn as a path, a logo, not a rule."""
    return (bool(shape.get("fill")) and not shape.get("stroke")
            and min(shape["width"], shape["height"]) > BORDER_THICKNESS)


def _ink(page, offset: float) -> list[tuple[float, float]]:
    """Centres (in document coordinates) of what is drawn without being text or ruling: shapes
    (text turned into paths by an exporter) and pictures."""
    return [((o["x0"] + o["x1"]) / 2, (o["top"] + o["bottom"]) / 2 + offset)
            for o in [*filter(_is_ink, page.curves), *page.images]]


def _centre_line(box: dict, orientation: str) -> dict:
    if orientation == "h":
        y = (box["top"] + box["bottom"]) / 2
        return {"object_type": "rule_edge", "orientation": "h", "x0": box["x0"], "x1": box["x1"],
                "top": y, "bottom": y, "width": box["width"], "height": 0.0}
    x = (box["x0"] + box["x1"]) / 2
    return {"object_type": "rule_edge", "orientation": "v", "x0": x, "x1": x,
            "top": box["top"], "bottom": box["bottom"], "width": 0.0, "height": box["height"]}


def _read_page(page, offset: float, lost: list[str]) -> tuple[list[_TablePart], list[_Line]]:
    """The ruled tables of one page and its text lines outside them. What holds text that
    cannot be read (see _without_unread_rows, _text_lines) is left out and named in `lost`."""
    drawn_across, drawn_down = _rules(page)
    horizontals = drawn_across + _open_ends(drawn_down, drawn_across)
    verticals = drawn_down + _open_sides(horizontals, drawn_down)
    if len(verticals) < 2 or len(horizontals) < 2 or _crossings(drawn_across, drawn_down) > MAX_CROSSINGS:
        return [], _text_lines(page, offset, [], lost)     # no table, or a dense drawing: no table's borders
    settings = dict(TABLE_SETTINGS, explicit_vertical_lines=verticals, explicit_horizontal_lines=horizontals)
    parts, boxes, one_row = [], [], []
    # only a cell without text asks for the page's ink: worked out then, once for the page
    ink = functools.cache(lambda: _ink(page, offset))
    for table in page.find_tables(settings):
        texts = table.extract()
        cells = [
            _Cell(box[0], box[1] + offset, box[2], box[3] + offset, _cell_text(text))
            for row, row_texts in zip(table.rows, texts)
            for box, text in zip(row.cells, row_texts)
            if box is not None
        ]
        part = _TablePart(_without_unread_rows(cells, ink, page.page_number, lost), page.page_number)
        if not part.cells:              # every row unreadable: its text is no prose either
            boxes.append(table.bbox)
            continue
        rows, columns = _grid_shape(part)
        if columns < 2:                  # a single boxed column is framed prose, not a table
            continue
        parts.append(part)
        if rows >= 2:
            boxes.append(table.bbox)
        else:
            one_row.append((part, table.bbox))
    lines = _text_lines(page, offset, boxes, lost)
    for part, (x0, top, x1, bottom) in one_row:
        part.lines = [ln for ln in lines if x0 <= (ln.x0 + ln.x1) / 2 <= x1
                      and top <= (ln.top + ln.bottom) / 2 - offset <= bottom]
        inside = {id(ln) for ln in part.lines}
        lines = [ln for ln in lines if id(ln) not in inside]
    return parts, lines


def _without_unread_rows(cells: list[_Cell], ink: Callable[[], list[tuple[float, float]]], page: int,
                         lost: list[str]) -> list[_Cell]:
    """The cells of a table but its rows where a cell says what cannot be read: characters
    whose font gives no Unicode ("(cid:…)"), or no text but ink (figures drawn as paths, a
    picture). Read without them such a cell would be another value (a blank, a number short of
    digits). A merged cell over such a row and others stays, unless it is the unread one.
    `ink` gives the page's ink (_ink), asked for only when a cell has no text."""
    unread = [c for c in cells if "(cid:" in c.text or not c.text and any(
        c.x0 < x < c.x1 and c.top < y < c.bottom for x, y in ink())]
    if not unread:
        return cells
    ys = _clusters([c.top for c in cells] + [c.bottom for c in cells])

    def rows(cell: _Cell) -> set[int]:
        return set(range(_nearest(ys, cell.top), max(_nearest(ys, cell.bottom), _nearest(ys, cell.top) + 1)))
    dropped = set().union(*map(rows, unread))
    lost.append(f"{len(dropped)} table row(s) on page {page}")
    return [c for c in cells if not rows(c) <= dropped]


def _crossings(horizontals: list[dict], verticals: list[dict]) -> int:
    """Distinct horizontal × vertical rule positions: how many cells a table finder would try."""
    return len({round(e["top"]) for e in horizontals}) * len({round(e["x0"]) for e in verticals})


def _open_ends(verticals: list[dict], horizontals: list[dict]) -> list[dict]:
    """Close a table cut by the page break: its side rules run past its last (or first) rule."""
    if not verticals or not horizontals:
        return []
    closing = []
    for y, pick in ((max(e["bottom"] for e in verticals), "bottom"),
                    (min(e["top"] for e in verticals), "top")):
        reaching = [e for e in verticals if abs(e[pick] - y) <= EDGE_TOLERANCE]
        x0, x1 = min(e["x0"] for e in reaching), max(e["x1"] for e in reaching)
        ruled = any(abs(h["top"] - y) <= EDGE_TOLERANCE and h["x0"] <= x0 + EDGE_TOLERANCE
                    and h["x1"] >= x1 - EDGE_TOLERANCE for h in horizontals)
        if len(reaching) >= 2 and not ruled:
            closing.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                            "width": x1 - x0, "height": 0})
    return closing


def _open_sides(horizontals: list[dict], verticals: list[dict]) -> list[dict]:
    """Close a table drawn without its left or right side (a frame set to none on the sides):
    where its rules end together and nothing is drawn there, the side is drawn, row by row, on
    the rows that inner rules show are rows of a table (not the space between two tables)."""
    closing: list[dict] = []
    if not horizontals:
        return closing
    for end, outermost in (("x0", min), ("x1", max)):
        x = outermost(h[end] for h in horizontals)
        ys = sorted(h["top"] for h in horizontals if abs(h[end] - x) <= EDGE_TOLERANCE)
        for upper, lower in zip(ys, ys[1:]):
            if lower - upper <= EDGE_TOLERANCE:
                continue
            spanning = [v for v in verticals
                        if v["top"] <= upper + EDGE_TOLERANCE and v["bottom"] >= lower - EDGE_TOLERANCE]
            if spanning and not any(abs(v["x0"] - x) <= EDGE_TOLERANCE for v in spanning):
                closing.append({"object_type": "line", "x0": x, "x1": x, "top": upper, "bottom": lower,
                                "width": 0.0, "height": lower - upper})
    return closing


def _cell_text(text: str | None) -> str:
    return _join_lines((text or "").split("\n"))


def _tidy(text: str) -> str:
    """Drop the spaces that layout puts beside Chinese characters (justified lines, the gap
    before a number): "国令第 711 号" is 国令第711号 in the HTML and DOCX versions too."""
    return _LAYOUT_SPACE.sub("", text).strip()


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one between Latin words."""
    out = ""
    for line in (_tidy(ln) for ln in lines):
        if not line:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(line[0])):
            out += " "
        out += line
    return out


def _grid_shape(part: _TablePart) -> tuple[int, int]:
    return (len(_clusters([c.top for c in part.cells] + [c.bottom for c in part.cells])) - 1,
            len(_clusters([c.x0 for c in part.cells] + [c.x1 for c in part.cells])) - 1)


def _clusters(values: list[float]) -> list[float]:
    """Sorted grid lines: values within EDGE_TOLERANCE of each other are one line."""
    lines: list[float] = []
    for v in sorted(values):
        if not lines or v - lines[-1] > EDGE_TOLERANCE:
            lines.append(v)
    return lines


def _nearest(lines: list[float], value: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))


def _join_parts(upper: _TablePart, lower: _TablePart) -> _TablePart:
    """One table from two parts split by a page break.

    The lower part is moved up to touch the upper one (the page margins between them are no
    row), its borders onto the upper part's near them. Cells cut by the break are put back together: a merged label (三、本年度办理结果)
    prints empty at the top of the next page, and a row allowed to break across pages leaves
    the end of its label, with empty value cells, at the top of the next page.
    """
    seam, shift = upper.bottom, upper.bottom - lower.top
    # The columns go on: a border a little off the one above it (the next page laid out again,
    # other border widths) is that border, not a column of its own.
    columns = _clusters([c.x0 for c in upper.cells] + [c.x1 for c in upper.cells])

    def snapped(x: float) -> float:
        nearest = columns[_nearest(columns, x)]
        return nearest if abs(nearest - x) <= SAME_TABLE_SLACK else x

    moved = [_Cell(snapped(c.x0), c.top + shift, snapped(c.x1), c.bottom + shift, c.text) for c in lower.cells]
    at_seam = [a for a in upper.cells if abs(a.bottom - seam) <= EDGE_TOLERANCE]

    def partner(cell: _Cell) -> _Cell | None:
        if abs(cell.top - seam) > EDGE_TOLERANCE:
            return None
        return next((a for a in at_seam if abs(a.x0 - cell.x0) <= EDGE_TOLERANCE
                     and abs(a.x1 - cell.x1) <= EDGE_TOLERANCE), None)

    first_row = [(c, partner(c)) for c in moved if abs(c.top - seam) <= EDGE_TOLERANCE]
    row_continues = (
        all(p is not None for _, p in first_row)
        and any(p.text and not c.text and not _spans_rows(upper, p) for c, p in first_row)
        and not any(_ENUMERATED.match(c.text) for c, _ in first_row)
    )
    cells = list(upper.cells)
    for cell in moved:
        above = partner(cell)
        if above is not None and (
            row_continues or (not cell.text and above.text and _spans_rows(upper, above))
        ):
            above.text = _join_lines([above.text, cell.text])
            above.bottom = cell.bottom
        else:
            cells.append(cell)
    return _TablePart(cells, lower.page)


def _spans_rows(part: _TablePart, cell: _Cell) -> bool:
    return any(cell.top + EDGE_TOLERANCE < c.top < cell.bottom - EDGE_TOLERANCE
               for c in part.cells)


def _to_table(part: _TablePart) -> Table:
    ys = _clusters([c.top for c in part.cells] + [c.bottom for c in part.cells])
    xs = _clusters([c.x0 for c in part.cells] + [c.x1 for c in part.cells])
    rows = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    origin = [[True] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for cell in sorted(part.cells, key=lambda c: (c.top, c.x0)):
        r0, r1 = _nearest(ys, cell.top), _nearest(ys, cell.bottom)
        c0, c1 = _nearest(xs, cell.x0), _nearest(xs, cell.x1)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                rows[r][c] = cell.text
                origin[r][c] = (r, c) == (r0, c0)
    return Table(rows=rows, origin=origin)


# ---------------------------------------------------------------- text

def _text_lines(page, offset: float, boxes: list[tuple], lost: list[str]) -> list[_Line]:
    """The text lines of the page outside `boxes` (its ruled tables). Characters whose font
    gives no Unicode are dropped from running text (a line of nothing else is a symbol font's
    ornament); a line of cells where they make up a cell or stand among its figures (a table
    drawn without ruling) is left out whole, and the lines of that table with it."""
    def outside_tables(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    lines = []
    band = MARGIN_BAND * float(page.height)
    unreadable = 0
    for chars in _char_lines(page.filter(outside_tables).chars):
        mapped = [ch for ch in chars if not _UNMAPPED.match(ch["text"])]
        if len(mapped) < len(chars):
            segments = _segments(chars, statistics.median(ch["size"] for ch in chars), 0.0)
            if (mapped or len(segments) > 1) and any(
                    _UNMAPPED.search(s.text) and not re.search(r"[^\d.,%]", _UNMAPPED.sub("", s.text))
                    for s in segments):
                unreadable += 1
                continue
            if not mapped:
                continue
            chars = mapped
        text = _tidy(_line_text(chars))
        if text:
            size = statistics.median(ch["size"] for ch in chars)
            top, bottom = min(ch["top"] for ch in chars), max(ch["bottom"] for ch in chars)
            in_margin = bottom < band or top > float(page.height) - band
            lines.append(_Line(text, chars[0]["x0"], max(ch["x1"] for ch in chars), top + offset,
                               bottom + offset, round(size, 1), page.page_number,
                               in_margin, _segments(chars, size, top + offset)))
    if unreadable:
        # The rest of such a table is no text to read either: its labels, left without their
        # figures, would read as rows of blanks. Only headings and full lines of prose stay.
        width = max((ln.x1 for ln in lines), default=0.0) - min((ln.x0 for ln in lines), default=0.0)
        kept = [ln for ln in lines if _SECTION_HEADING.match(ln.text) or ln.x1 - ln.x0 >= 0.7 * width]
        lost.append(f"{unreadable + len(lines) - len(kept)} line(s) on page {page.page_number}")
        lines = kept
    return lines


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines, each in x order, lines from top to bottom.

    A character joins a line it overlaps vertically over most of the smaller height, so a
    year printed in another font (another size, another baseline) stays in its title line,
    where grouping by the top of each character would put it on a line of its own.
    """
    lines: list[tuple[float, float, list[dict]]] = []      # (top, bottom) of the first char
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if not ch["text"].strip():
            continue
        height = max(ch["bottom"] - ch["top"], 0.1)
        line = next((members for top, bottom, members in reversed(lines[-LINE_LOOKBACK:])
                     if min(bottom, ch["bottom"]) - max(top, ch["top"])
                     >= LINE_OVERLAP * min(height, bottom - top)), None)
        if line is None:
            lines.append((ch["top"], ch["bottom"], [ch]))
        else:
            line.append(ch)
    ordered = sorted(lines, key=lambda line: min(c["top"] for c in line[2]))
    return [sorted(members, key=lambda c: c["x0"]) for _, _, members in ordered]


def _line_text(chars: list[dict]) -> str:
    """The text of one line: a space where the gap between two characters is wider than
    WORD_GAP (what pdfplumber does between words)."""
    out = chars[0]["text"]
    for prev, ch in zip(chars, chars[1:]):
        if ch["x0"] - prev["x1"] > WORD_GAP:
            out += " "
        out += ch["text"]
    return out


def _segments(chars: list[dict], size: float, top: float) -> list[_Segment]:
    segments: list[_Segment] = []
    for ch in sorted(chars, key=lambda c: c["x0"]):
        if not ch["text"].strip():
            continue
        before = (ch["x0"] - segments[-1].x1) / size if segments else float("inf")
        figures = segments and (ch["text"][0] in _FIGURE_CHARS or segments[-1].text[-1] in _FIGURE_CHARS)
        if before <= (FIGURE_GAP if figures else CELL_GAP):
            segments[-1].x1 = max(segments[-1].x1, ch["x1"])
            segments[-1].text += ch["text"]
        else:
            segments.append(_Segment(ch["x0"], ch["x1"], ch["text"], top, before))
    return segments


def _settle_one_row_parts(items: list[tuple]) -> None:
    """Keep a one-row part as a table where it continues the table just before it (page
    headers and footers between them aside); elsewhere put its text lines in its place."""
    settled: list[tuple] = []
    previous = None                 # the last object that is not a page header or footer
    for item in items:
        obj = item[2]
        if isinstance(obj, _TablePart) and obj.lines is not None and not (
                isinstance(previous, _TablePart) and _continues(previous, obj)):
            settled.extend((ln.page, ln.top, ln) for ln in obj.lines)
            previous = obj.lines[-1] if obj.lines else previous
            continue
        settled.append(item)
        if not (isinstance(obj, _Line) and (obj.in_margin or _DRESSED_PAGE_NUMBER.match(obj.text))):
            previous = obj
    items[:] = settled


def _drop_running_lines(items: list[tuple], page_count: int) -> None:
    """Remove page numbers and running headers/footers (text repeated in the margins)."""
    def shape(line: _Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    margin_lines = [obj for _, _, obj in items if isinstance(obj, _Line) and obj.in_margin]
    pages_by_shape: dict[str, set[int]] = {}
    for line in margin_lines:
        pages_by_shape.setdefault(shape(line), set()).add(line.page)
    running = {
        id(line) for line in margin_lines
        if _PAGE_NUMBER.match(line.text) or _BROWSER_CHROME.match(line.text)
        or (page_count >= 2 and len(pages_by_shape[shape(line)]) >= max(2, page_count / 2))
    } | {  # footers placed higher than the margin band (a Word footer set far from the edge)
        id(obj) for _, _, obj in items
        if isinstance(obj, _Line) and _DRESSED_PAGE_NUMBER.match(obj.text)
    }
    items[:] = [item for item in items if id(item[2]) not in running]


def _heading_size(lines: list[_Line]) -> float | None:
    """The size of the title: the largest text of the first page, if larger than the body."""
    if not lines:
        return None
    body = statistics.median(ln.size for ln in lines)
    largest = max(ln.size for ln in lines if ln.page == lines[0].page)
    return largest if largest >= body * 1.15 else None


def _title(lines: list[_Line]) -> str | None:
    """The first run of lines printed at the title size on the first page."""
    size = _heading_size(lines)
    if size is None:
        return None
    heading: list[str] = []
    for line in lines:
        if line.size == size and line.page == lines[0].page:
            heading.append(line.text)
        elif heading:
            break
    return _join_lines(heading)


def _blocks(objs: list) -> list:
    """Tables (parts continued across pages joined) and paragraphs, in reading order."""
    blocks: list = []
    lines = [o for o in objs if isinstance(o, _Line)]
    margins = _text_margins(lines) if lines else (0.0, 0.0)
    heading_size = _heading_size(lines) or float("inf")
    pending: _TablePart | None = None
    paragraph: list[_Line] = []
    objs = _with_unruled_tables(objs, margins)

    def flush():
        nonlocal pending
        if paragraph:
            blocks.append(Paragraph(_join_lines([ln.text for ln in paragraph])))
            paragraph.clear()
        if pending is not None:
            blocks.append(_to_table(pending))
            pending = None

    for obj in objs:
        if isinstance(obj, _TablePart) and pending is not None and _continues(pending, obj):
            pending = _join_parts(pending, obj)
        elif isinstance(obj, (_TablePart, Table, Paragraph)):     # Table, Paragraph: OCR'd or rebuilt
            flush()
            if isinstance(obj, _TablePart):
                pending = obj
            else:
                blocks.append(obj)
        else:
            if pending is not None or (
                    paragraph and _starts_paragraph(paragraph[-1], obj, margins, heading_size)):
                flush()
            paragraph.append(obj)
    flush()
    return blocks


def _continues(upper: _TablePart, lower: _TablePart) -> bool:
    """A table at the top of a page continues the one that ended the previous page."""
    return (lower.page == upper.page + 1
            and abs(upper.x0 - lower.x0) <= SAME_TABLE_SLACK
            and abs(upper.x1 - lower.x1) <= SAME_TABLE_SLACK)


def _text_margins(lines: list[_Line]) -> tuple[float, float]:
    """Left and right edges of the text block, over the whole document (a page may hold only
    indented lines); lines of figures are left out, they are table rows."""
    prose = [ln for ln in lines if not _NUMERIC_TAIL.search(ln.text)] or lines
    return min(ln.x0 for ln in prose), max(ln.x1 for ln in prose)


def _starts_paragraph(prev: _Line, line: _Line, margins: tuple[float, float],
                      heading_size: float) -> bool:
    """Whether `line` begins a new paragraph rather than continuing the wrapped `prev`."""
    left, right = margins
    if line.size == prev.size >= heading_size:      # a title wrapped over centred lines
        return False
    return (abs(line.size - prev.size) > 0.5
            or line.x0 > left + line.size                       # first-line indent
            or bool(_HEADING.match(line.text))
            or prev.x1 < right - 1.5 * prev.size                # previous line ended short
            or (line.page == prev.page and line.top - prev.bottom > 2.5 * line.size)
            or bool(_NUMERIC_TAIL.search(prev.text) or _NUMERIC_TAIL.search(line.text)))


# ---------------------------------------------------------------- tables without ruling

def _with_unruled_tables(objs: list, margins: tuple[float, float]) -> list:
    """Runs of text lines that lay out rows of figures become Tables (the "text lines"
    fallback for a table drawn without any ruling); the rest stays as it is."""
    out: list = []
    i = 0
    while i < len(objs):
        region = _region_at(objs, i, margins)
        if region:
            start, end = region
            out.extend(objs[i:start])
            out.append(_unruled_table(objs[start:end]))
            i = end
        else:
            out.extend(objs[i:])
            break
    return out


def _region_at(objs: list, i: int, margins: tuple[float, float]) -> tuple[int, int] | None:
    """(start, end) of the first table region at or after objs[i], if any.

    A region holds at least two lines with figures, no more than MAX_TABLE_GAP_LINES other
    lines between two of them, nothing that reads as prose, and all on one page; the header
    lines just above its first row of figures belong to it.
    """
    first = next((k for k in range(i, len(objs)) if _has_figures(objs[k])), None)
    if first is None:
        return None
    end, last = first + 1, first
    while end < len(objs) and end - last <= MAX_TABLE_GAP_LINES + 1:
        obj = objs[end]
        if not isinstance(obj, _Line) or obj.page != objs[first].page or _is_prose(obj, margins):
            break
        if _has_figures(obj):
            last = end
        end += 1
    end = last + 1
    while end < len(objs) and end - last <= 2 and _is_fragment_of(objs[end], objs[end - 1], margins):
        end += 1
    rows_of_figures = [o for o in objs[first:end] if _has_figures(o)]
    if len(rows_of_figures) < 2 and sum(map(_is_figure, (s.text for s in objs[first].segments))) < 3:
        return _region_at(objs, first + 1, margins) if first + 1 < len(objs) else None
    start = first
    while (start > i and first - start < MAX_TABLE_GAP_LINES + 2
           and _is_fragment_of(objs[start - 1], objs[start], margins)):
        start -= 1
    return start, end


def _has_figures(obj) -> bool:
    """A line of two or more cells, at least one a number set apart like a cell (a number in
    running text has only a space before it), or a line of numbers only."""
    if not isinstance(obj, _Line) or len(obj.segments) < 2:
        return False
    figures = [_is_figure(s.text) for s in obj.segments]
    return all(figures) or any(
        figure and s.gap_before >= CELL_GAP for figure, s in zip(figures, obj.segments))


def _is_figure(text: str) -> bool:
    return looks_like_value(text) and not is_blank(text)


def _is_prose(line: _Line, margins: tuple[float, float]) -> bool:
    left, right = margins
    return len(line.segments) <= 1 and (
        line.x1 - line.x0 >= 0.7 * (right - left) or bool(_SECTION_HEADING.match(line.text)))


def _is_fragment_of(line, neighbour, margins: tuple[float, float]) -> bool:
    """A header line or a wrapped label next to a table row (not prose, close by)."""
    return (isinstance(line, _Line) and isinstance(neighbour, _Line)
            and line.page == neighbour.page and not _is_prose(line, margins)
            and abs(line.top - neighbour.top) <= 3 * max(line.size, neighbour.size))


def _unruled_table(lines: list[_Line]) -> Table:
    """Rebuild the grid from positions.

    Figures give the value columns and the rows. A label wrapped over several lines joins the
    row it sits beside (printed values often sit on the line above their label); a row's
    labels are grouped by where they stand and fill the label columns from the right: the
    last is the row's own label, those before it its groups. Header lines become header rows,
    a header spread over several value columns (法人或其他组织) is copied into each, a t2
    caption (第二十条第（一）项) into every column.
    """
    grid = _Grid(lines)
    value_rows: list[_GridRow] = []
    for line in lines:
        if grid.has_figures(line):
            row = _GridRow(line.top, line.bottom)
            row.place(grid, line.segments)
            if value_rows and value_rows[-1].joins(row, grid.pitch):
                value_rows[-1].absorb(row)
            else:
                value_rows.append(row)

    header_rows: list[_GridRow] = []
    block: _GridRow | None = None
    for line in lines:
        if grid.has_figures(line):
            block = None
            continue
        if _is_caption(line.text):
            header_rows.append(_GridRow(line.top, line.bottom, spread_text=line.text))
            block = None
            continue
        if all(grid.is_label(s) for s in line.segments):
            row = grid.row_of_fragment(line, value_rows)
            if row is not None:
                row.labels.extend(line.segments)
                continue
        for segment in line.segments:
            covered = grid.columns_covered(segment)
            if len(covered) >= 2:
                header_rows.append(_GridRow(line.top, line.bottom, spread_text=segment.text,
                                            spread_columns=covered))
                continue
            if block is None:
                block = _GridRow(line.top, line.bottom)
                header_rows.append(block)
            block.place(grid, [segment])

    rows = sorted(value_rows + header_rows, key=lambda r: (r.top, r.spread_text is None))
    label_width = max(len(r.label_cells()) for r in rows)
    width = label_width + len(grid.columns)
    return Table(rows=[r.texts(label_width, width) for r in rows],
                 origin=[r.origins(label_width, width) for r in rows])


class _Grid:
    """The value columns of a table without ruling, found from the positions of its figures."""

    def __init__(self, lines: list[_Line]):
        segments = [s for line in lines for s in line.segments]
        # value columns: the x-extents of value cells, those that overlap merged
        self.columns = merged_spans(((s.x0, s.x1) for s in segments if looks_like_value(s.text)), EDGE_TOLERANCE)
        self.value_x0 = self.columns[0][0]
        self.pitch = statistics.median(ln.size for ln in lines) * 1.6

    def has_figures(self, line: _Line) -> bool:
        return any(_is_figure(s.text) and not self.is_label(s) for s in line.segments)

    def is_label(self, segment: _Segment) -> bool:
        return segment.x1 <= self.value_x0 + EDGE_TOLERANCE

    def column_of(self, segment: _Segment) -> int:
        centre = (segment.x0 + segment.x1) / 2
        return min(range(len(self.columns)), key=lambda k: 0 if self.columns[k][0] <= centre <= self.columns[k][1]
                   else min(abs(centre - self.columns[k][0]), abs(centre - self.columns[k][1])))

    def columns_covered(self, segment: _Segment) -> list[int]:
        return [k for k, (x0, x1) in enumerate(self.columns) if segment.x0 < x1 and segment.x1 > x0]

    def row_of_fragment(self, line: _Line, rows: list["_GridRow"]) -> "_GridRow | None":
        """The row a wrapped piece of label belongs to: the nearest one, unless the piece is
        above a row whose own label starts there (`4.保护…` starts with its number): then the
        row above it."""
        if not rows:
            return None
        index = min(range(len(rows)), key=lambda k: rows[k].gap(line))
        row = rows[index]
        if row.gap(line) > self.pitch:
            return None
        if line.top < row.top and row.starts_with_enumerator(line):
            above = rows[index - 1] if index > 0 else None
            return above if above is not None and above.gap(line) <= 2 * self.pitch else None
        return row


@dataclass
class _GridRow:
    """A row being rebuilt: its label pieces, its value cells, or one spread header."""

    top: float
    bottom: float
    labels: list[_Segment] = field(default_factory=list)
    values: dict[int, list[_Segment]] = field(default_factory=dict)
    spread_text: str | None = None
    spread_columns: list[int] | None = None     # value columns; None: the whole row

    def place(self, grid: _Grid, segments: list[_Segment]) -> None:
        for segment in segments:
            if grid.is_label(segment):
                self.labels.append(segment)
            else:
                self.values.setdefault(grid.column_of(segment), []).append(segment)

    def label_cells(self) -> list[str]:
        """Label pieces standing one above the other are one cell; cells left to right."""
        groups: list[list[_Segment]] = []
        for segment in sorted(self.labels, key=lambda s: s.x0):
            if groups and segment.x0 < max(s.x1 for s in groups[-1]) - EDGE_TOLERANCE:
                groups[-1].append(segment)
            else:
                groups.append([segment])
        return [_join_lines([s.text for s in sorted(g, key=lambda s: (s.top, s.x0))]) for g in groups]

    def starts_with_enumerator(self, fragment: _Line) -> bool:
        """Whether the row's label in the column of `fragment` (a group label in another
        column does not count) begins with 1. （一） 一、 …"""
        pieces = [s for s in self.labels if s.x0 < fragment.x1 and s.x1 > fragment.x0]
        return bool(pieces) and bool(
            _ENUMERATED.match(min(pieces, key=lambda s: (s.top, s.x0)).text))

    def joins(self, other: "_GridRow", pitch: float) -> bool:
        """Two lines of figures in complementary columns, one above the other: one row whose
        cells are vertically aligned differently (a total printed half a line higher)."""
        mine = {k for k, segs in self.values.items() if any(_is_figure(s.text) for s in segs)}
        theirs = {k for k, segs in other.values.items() if any(_is_figure(s.text) for s in segs)}
        return bool(mine and theirs) and not (mine & theirs) and other.top - self.bottom < pitch / 2

    def absorb(self, other: "_GridRow") -> None:
        self.labels.extend(other.labels)
        for k, segs in other.values.items():
            self.values.setdefault(k, []).extend(segs)
        self.bottom = max(self.bottom, other.bottom)

    def gap(self, line: _Line) -> float:
        """The white space between the row and a line (0 when they overlap): a label wrapped
        above its row is as near as one wrapped below it, whatever the line height."""
        return max(0.0, self.top - line.bottom, line.top - self.bottom)

    def _spread(self, label_width: int, width: int) -> list[int]:
        if self.spread_text is None:
            return []
        if self.spread_columns is None:
            return list(range(width))
        return [label_width + k for k in self.spread_columns]

    def texts(self, label_width: int, width: int) -> list[str]:
        out = [""] * width
        for k in self._spread(label_width, width):
            out[k] = self.spread_text
        labels = self.label_cells()
        out[label_width - len(labels):label_width] = labels
        for k, segs in self.values.items():
            out[label_width + k] = _join_lines([s.text for s in sorted(segs, key=lambda s: (s.top, s.x0))])
        return out

    def origins(self, label_width: int, width: int) -> list[bool]:
        spread = self._spread(label_width, width)
        return [k not in spread or k == spread[0] for k in range(width)]


def _is_caption(text: str) -> bool:
    return normalise_label(text) in _T2_CAPTIONS
