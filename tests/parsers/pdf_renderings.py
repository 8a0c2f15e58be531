"""The made-up reports of the HTML red team (renderings.consistent_cells, laid out in the official
spanned grids of renderings.official_grids) drawn as PDFs the ways office suites export them
(reportlab), for the PDF front-end's tests and benchmarks/pdf_robustness.py.

Every style draws the same A4 report (title, section headings, prose, tables 二 三 四 broken
across pages wherever they do not fit) in one drawing habit of a real exporter; STYLES says
which. Tables are laid out like Word lays them out: columns as wide as their text wants, scaled
to the text block; labels wrapped within their cell; a merged cell's text centred in its rows
(in its part on the first page when a page break cuts it, but with `text_below`); figures in a
Latin font, the rest in a CJK one.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import renderings

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FIGURE_FONT = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"   # Times New Roman's metrics
pdfmetrics.registerFont(TTFont("CJK", CJK_FONT, subfontIndex=0))
pdfmetrics.registerFont(TTFont("Figures", FIGURE_FONT))
# Sister faces whose codes are not ASCII (numbers of the glyphs in the subset, as most embedded
# subsets have), for the styles that drop the ToUnicode map: then nothing says which character
# a code draws. (reportlab keeps one font per face: a sister face, not the same one again.)
pdfmetrics.registerFont(TTFont("OpaqueCJK", CJK_FONT, subfontIndex=1, asciiReadable=False))
pdfmetrics.registerFont(TTFont("OpaqueFigures", FIGURE_FONT.replace("Serif", "Sans"), asciiReadable=False))

# style → the drawing habits it uses (see _Doc and _Layout below)
STYLES = {
    "stroked": (),                              # stroked lines, whole strings, centred text
    "filled_rules": ("filled",),                # Word, WPS: every border a thin filled rectangle
    "double_frame": ("filled", "double"),       # the table's frame a double line
    "short_rules": ("filled", "short"),         # each cell's borders stop 0.75 pt short of the next
    "overshoot_rules": ("overshoot",),          # …or run 1.5 pt past it
    "dashed_inner": ("dashed",),                # inner lines dashed, each dash a filled rectangle
    "glyphs": ("filled", "glyphs"),             # WPS: one glyph at a time, each at its own position
    "spaced_labels": ("spaced",),               # one-line labels justified over their cell
    "spaced_figures": ("spaced", "spaced_figures"),  # …and the figures too (distributed alignment)
    "wrapped_figures": ("wrapped_figures",),    # long figures broken over two lines of a narrow cell
    "fake_bold": ("fake_bold",),                # bold faked: header and total rows drawn twice, 0.3 pt apart
    "open_sides": ("open_sides",),              # the table's frame without its left and right sides
    "no_ruling": ("no_ruling",),                # no ruling at all (borders set to none)
    # characters no one sees in every figure and label: a white one after it, a 0.5 pt one inside
    # (text coloured white or shrunk to nothing, as anti-copy tricks and leftovers in documents)
    "hidden_chars": ("filled", "hidden_chars"),
    "shaded_header": ("filled", "shaded"),      # the header rows on a dark fill, their text white
    "text_first": ("filled", "text_first"),     # the cells' text drawn before the ruling
    "reversed_text": ("reversed",),             # the text in reverse order in the content stream
    "right_figures": ("filled", "right"),       # figures right-aligned in their cells
    "wrapped_labels": ("narrow",),              # narrow label columns: labels over two lines or more
    "repeated_header": ("filled", "repeat"),    # the header rows repeated on each page
    # the part on the next page a little to the right, a merged cell's text in its last part
    "shifted_continuation": ("filled", "shifted", "text_below"),
    "footers": ("filled", "footer"),            # the organ's name and "- 3 -" at every page's foot
    "landscape": ("landscape", "footer"),       # tables 三 and 四 on landscape pages
    "rotated": ("rotated",),                    # …drawn turned on portrait pages shown with /Rotate 90
    "rotated_270": ("rotated", "270"),          # …turned the other way, shown with /Rotate 270
    "sideways": ("rotated", "unflagged"),       # …turned, no /Rotate: the text runs up the page
    "wps_combined": ("filled", "glyphs", "short", "right", "repeat", "footer", "text_first"),
    # the fonts give no ToUnicode: their codes are glyph numbers of a subset, not characters
    "figures_unmapped": ("unmapped_figures",),  # only the figures' font (Word's Times New Roman)
    "unmapped": ("unmapped_figures", "unmapped_text"),
    "outlined_figures": ("filled", "outlined_figures"),     # the figures drawn as shapes, not text
    "no_ruling_unmapped": ("no_ruling", "unmapped_figures"),
}
# Styles whose drawing loses what some cells say: these must be absent with a problem.
LOSSY = {"figures_unmapped", "unmapped", "outlined_figures", "no_ruling_unmapped"}
# Styles where positions alone may not tie a piece of a wrapped label to its row (a table drawn
# without ruling): a row may be absent, with a problem, never read wrong.
UNSURE = {"no_ruling"}

SIZE, TABLE_SIZE, TITLE_SIZE = 10.5, 9.0, 16.0
LEADING = 1.3           # × font size
PAD = 2.5               # pt between a cell's border and its text
RULE = 0.5              # pt: border thickness
MARGIN = 56.0
OWN_AGENCY = renderings.OWN_AGENCY


def title_of(edition: str) -> str:
    return f"{OWN_AGENCY}{2020 if edition == '2019' else 2022}年政府信息公开工作年度报告"


def render(edition: str, cells: dict, style: str) -> bytes:
    """The report `cells` (renderings.consistent_cells) of `edition` as a PDF in `style`."""
    habits = STYLES[style]
    doc = _Doc(habits)
    doc.paragraph(title_of(edition), TITLE_SIZE, centred=True)
    grids = renderings.official_grids(edition, cells)
    for number, heading in renderings.SECTIONS.items():
        doc.paragraph(heading, SIZE)
        if renderings._prose(number):
            doc.paragraph(renderings._prose(number), SIZE)
        if number in grids:
            wide = number in (3, 4) and bool({"landscape", "rotated"} & set(habits))
            if wide:
                doc.new_page(turned=True)
            doc.table(grids[number])
            if wide:
                doc.new_page()
    return _unmapped(doc.finish(), habits)


# ---------------------------------------------------------------- drawing

@dataclass
class _Text:
    x: float
    baseline: float
    text: str
    font: str
    size: float
    spacing: float = 0.0
    bold: bool = False
    in_cell: bool = False           # a cell's text (where hidden_chars hides characters)
    white: bool = False             # on a dark fill


@dataclass
class _Rule:
    x0: float
    top: float
    x1: float
    bottom: float       # a horizontal rule has top == bottom, a vertical one x0 == x1
    outward: float      # the table's frame: -1 (top, left) or 1 (bottom, right); 0 inside


@dataclass
class _Page:
    size: tuple[float, float]
    turned: bool = False
    texts: list[_Text] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    shading: list[tuple[float, float, float, float]] = field(default_factory=list)   # dark cells
    used: bool = False


class _Doc:
    """Pages laid out top-down (y from the page's top), drawn when finished."""

    def __init__(self, habits: tuple):
        self.habits = habits
        self.pages: list[_Page] = []
        self.new_page()

    # layout ------------------------------------------------------------
    def new_page(self, turned: bool = False) -> None:
        if self.pages and not self.pages[-1].used:
            self.pages.pop()
        self.pages.append(_Page(landscape(A4) if turned else A4, turned))
        self.y = MARGIN

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    @property
    def width(self) -> float:
        return self.page.size[0] - 2 * MARGIN

    @property
    def bottom(self) -> float:
        return self.page.size[1] - MARGIN

    def paragraph(self, text: str, size: float, centred: bool = False) -> None:
        indent = 0.0 if centred else 2 * size
        lines = _wrap(text, "CJK", size, self.width - indent)
        for at, line in enumerate(lines):
            if self.y + size * LEADING > self.bottom:
                self.new_page(self.page.turned)
            self.page.used = True
            w = pdfmetrics.stringWidth(line, "CJK", size)
            x = MARGIN + ((self.width - w) / 2 if centred else (indent if at == 0 else 0.0))
            self.page.texts.append(_Text(x, self.y + size, line, "CJK", size))
            self.y += size * LEADING
        self.y += size * 0.5

    def table(self, grid) -> None:
        layout = _Layout(grid, self.width, self.habits)
        head = layout.head
        segments: list[tuple[_Page, list[int], dict[int, float]]] = [(self.page, [], {})]
        self.page.used = True
        for r in range(len(grid)):
            if self.y + layout.heights[r] > self.bottom and segments[-1][1]:
                self.new_page(self.page.turned)
                self.page.used = True
                segments.append((self.page, [], {}))
                if "repeat" in self.habits and r >= head:
                    for h in range(head):
                        segments[-1][1].append(h)
                        segments[-1][2][h] = self.y
                        self.y += layout.heights[h]
            segments[-1][1].append(r)
            segments[-1][2][r] = self.y
            self.y += layout.heights[r]
        for at, (page, rows, tops) in enumerate(segments):
            self._draw_segment(page, layout, rows, tops, at > 0)
        self.y += SIZE

    def _draw_segment(self, page: _Page, layout: "_Layout", rows: list[int], tops: dict[int, float],
                      continued: bool) -> None:
        x0 = MARGIN + (2.5 if continued and "shifted" in self.habits else 0.0)
        first, last = rows[0], rows[-1]
        seg_top, seg_bottom = tops[first], tops[last] + layout.heights[last]
        table_x1 = x0 + sum(layout.widths)
        for r, c, cell in layout.origins:
            covered = [row for row in rows if r <= row < r + cell.rowspan]
            if not covered:
                continue
            top = tops[covered[0]]
            bottom = tops[covered[-1]] + layout.heights[covered[-1]]
            left = x0 + sum(layout.widths[:c])
            right = left + sum(layout.widths[c:c + cell.colspan])
            page.rules += [_Rule(left, top, right, top, -1.0 if top <= seg_top + 0.1 else 0.0),
                           _Rule(left, bottom, right, bottom, 1.0 if bottom >= seg_bottom - 0.1 else 0.0),
                           _Rule(left, top, left, bottom, -1.0 if left <= x0 + 0.1 else 0.0),
                           _Rule(right, top, right, bottom, 1.0 if right >= table_x1 - 0.1 else 0.0)]
            # a merged cell cut by the page: its text in its first part, or its last
            if cell.text and ((covered[-1] == r + cell.rowspan - 1) if "text_below" in self.habits
                              else covered[0] == r):
                shaded = "shaded" in self.habits and r < layout.head
                if shaded:
                    page.shading.append((left, top, right, bottom))
                self._cell_text(page, cell, left, top, right, bottom, r in layout.bold_rows, shaded)

    def _cell_text(self, page: _Page, cell, left, top, right, bottom, bold: bool, shaded: bool) -> None:
        font = "Figures" if cell.value else "CJK"
        size = TABLE_SIZE
        lines = _cell_lines(cell, right - left - 2 * PAD, self.habits)
        block = len(lines) * size * LEADING
        y = top + (bottom - top - block) / 2 + size * (LEADING - 1) / 2 + size * 0.88
        for line in lines:
            w = pdfmetrics.stringWidth(line, font, size)
            room = right - left - 2 * PAD
            spacing = 0.0
            if cell.value and "right" in self.habits:
                x = right - PAD - w
            elif ("spaced_figures" if cell.value else "spaced") in self.habits and len(lines) == 1 and len(line) > 1:
                spacing = (room - w) / (len(line) - 1)
                x = left + PAD
            else:
                x = left + (right - left - w) / 2
            page.texts.append(_Text(x, y, line, font, size, spacing, bold and "fake_bold" in self.habits,
                                    in_cell=True, white=shaded))
            y += size * LEADING

    # drawing -----------------------------------------------------------
    def finish(self) -> bytes:
        out = io.BytesIO()
        c = canvas.Canvas(out, pagesize=A4, pageCompression=0)
        for number, page in enumerate(self.pages, 1):
            if "footer" in self.habits:
                w, h = page.size
                page.texts.append(_Text(MARGIN, h - MARGIN / 2, OWN_AGENCY, "CJK", SIZE))
                label = f"- {number} -"
                page.texts.append(_Text((w - pdfmetrics.stringWidth(label, "Figures", SIZE)) / 2,
                                        h - MARGIN / 2, label, "Figures", SIZE))
            self._draw_page(c, page)
            c.showPage()
        c.save()
        return out.getvalue()

    def _draw_page(self, c, page: _Page) -> None:
        w, h = page.size
        if page.turned and "rotated" in self.habits:      # a landscape drawing turned to stand on portrait paper
            c.setPageSize((h, w))
            if "270" in self.habits:
                c.setPageRotation(270)
                c.transform(0, -1, 1, 0, 0, w)
            else:
                c.setPageRotation(0 if "unflagged" in self.habits else 90)
                c.transform(0, 1, -1, 0, h, 0)
        else:
            c.setPageSize((w, h))
            c.setPageRotation(0)
        texts = list(reversed(page.texts)) if "reversed" in self.habits else page.texts
        c.setFillColorRGB(0.2, 0.3, 0.5)
        for left, top, right, bottom in page.shading:
            c.rect(left, h - bottom, right - left, bottom - top, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        if "text_first" in self.habits:
            self._draw_texts(c, texts, h)
            self._draw_rules(c, page.rules, h)
        else:
            self._draw_rules(c, page.rules, h)
            self._draw_texts(c, texts, h)

    def _draw_texts(self, c, texts: list[_Text], h: float) -> None:
        opaque = {"Figures": "unmapped_figures", "CJK": "unmapped_text"}
        for t in texts:
            c.setFont("Opaque" + t.font if opaque[t.font] in self.habits else t.font, t.size)
            if t.white:
                c.setFillColorRGB(1, 1, 1)
            for shift in (0.0, 0.3) if t.bold else (0.0,):
                x = t.x + shift
                if "outlined_figures" in self.habits and t.font == "Figures":
                    for ch in t.text:
                        _outline(c, x, h - t.baseline, pdfmetrics.stringWidth(ch, t.font, t.size), t.size)
                        x += pdfmetrics.stringWidth(ch, t.font, t.size) + t.spacing
                elif "glyphs" in self.habits:
                    for ch in t.text:
                        c.drawString(x, h - t.baseline, ch)
                        x += pdfmetrics.stringWidth(ch, t.font, t.size) + t.spacing
                else:
                    c.drawString(x, h - t.baseline, t.text, charSpace=t.spacing)
            if t.in_cell and "hidden_chars" in self.habits:
                end = t.x + pdfmetrics.stringWidth(t.text, t.font, t.size) + t.spacing * len(t.text)
                c.setFillColorRGB(1, 1, 1)
                c.drawString(end, h - t.baseline, "7")
                c.setFillColorRGB(0, 0, 0)
                c.setFont(t.font, 0.5)
                c.drawString(t.x + pdfmetrics.stringWidth(t.text[:1], t.font, t.size), h - t.baseline, "9")
            if t.white:
                c.setFillColorRGB(0, 0, 0)

    def _draw_rules(self, c, rules: list[_Rule], h: float) -> None:
        habits = self.habits
        if "no_ruling" in habits:
            return
        seen: set = set()
        for rule in rules:
            key = tuple(round(v, 2) for v in (rule.x0, rule.top, rule.x1, rule.bottom))
            if key in seen and "filled" not in habits:      # Word draws shared borders twice
                continue
            seen.add(key)
            horizontal = rule.top == rule.bottom
            a, b = (rule.x0, rule.x1) if horizontal else (rule.top, rule.bottom)
            if "short" in habits:
                a, b = a + 0.75, b - 0.75
            if "overshoot" in habits:
                a, b = a - 1.5, b + 1.5
            at = rule.top if horizontal else rule.x0
            if rule.outward and "double" in habits:      # a second line 1.5 pt outside the first
                self._piece(c, horizontal, at, a, b, h, filled=True)
                self._piece(c, horizontal, at + 1.5 * rule.outward, a - 1.5, b + 1.5, h, filled=True)
                continue
            if rule.outward and not horizontal and "open_sides" in habits:
                continue
            if not rule.outward and "dashed" in habits:
                start = a
                while start < b:
                    self._piece(c, horizontal, at, start, min(start + 3.0, b), h, filled=True)
                    start += 5.0
                continue
            self._piece(c, horizontal, at, a, b, h, filled="filled" in habits)

    @staticmethod
    def _piece(c, horizontal: bool, at: float, a: float, b: float, h: float, filled: bool) -> None:
        c.setLineWidth(RULE)
        if horizontal:
            if filled:
                c.rect(a, h - at - RULE / 2, b - a, RULE, stroke=0, fill=1)
            else:
                c.line(a, h - at, b, h - at)
        elif filled:
            c.rect(at - RULE / 2, h - b, RULE, b - a, stroke=0, fill=1)
        else:
            c.line(at, h - a, at, h - b)


class _Layout:
    """Column widths and row heights of one grid, Word's way: each column as wide as its
    one-column cells want (labels capped), scaled to the text block; each row as high as its
    wrapped text needs, a merged cell's need spread on its last row."""

    def __init__(self, grid, width: float, habits: tuple):
        self.origins = renderings._origins(grid)
        self.head = head = renderings._header_rows(grid)
        # rows printed in bold: the header, and totals (（七）总计)
        self.bold_rows = set(range(head)) | {r for r, _, cell in self.origins
                                             if r >= head and not cell.value and "总计" in cell.text}
        columns = renderings._width(grid)
        cap = (4.5 if "narrow" in habits else 10) * TABLE_SIZE
        want = [2 * PAD + 2 * TABLE_SIZE] * columns
        for _, c, cell in self.origins:
            if cell.colspan == 1:
                font = "Figures" if cell.value else "CJK"
                text = pdfmetrics.stringWidth(cell.text, font, TABLE_SIZE)
                want[c] = max(want[c], min(text, cap) + 2 * PAD)
        scale = width / sum(want)
        self.widths = [w * scale for w in want]
        line = TABLE_SIZE * LEADING
        self.heights = [line + 2 * PAD] * len(grid)
        for r, c, cell in sorted(self.origins, key=lambda o: o[2].rowspan):
            room = sum(self.widths[c:c + cell.colspan]) - 2 * PAD
            need = len(_cell_lines(cell, room, habits)) * line + 2 * PAD
            have = sum(self.heights[r:r + cell.rowspan])
            if need > have:
                self.heights[r + cell.rowspan - 1] += need - have


def _cell_lines(cell, room: float, habits: tuple) -> list[str]:
    if cell.value and "wrapped_figures" in habits:     # as if the cell held three digits
        return _wrap(cell.text, "Figures", TABLE_SIZE, pdfmetrics.stringWidth("000", "Figures", TABLE_SIZE),
                     numbers=False)
    return _wrap(cell.text, "Figures" if cell.value else "CJK", TABLE_SIZE, room)


def _wrap(text: str, font: str, size: float, room: float, numbers: bool = True) -> list[str]:
    """Lines of `text` no wider than `room`, broken between any two characters (CJK's way)
    except inside a number (unless not `numbers`: a number too wide for its cell)."""
    if not text:
        return []
    lines, line = [], ""
    for token in re.findall(r"\d+(?:\.\d+)?|." if numbers else ".", text):
        if line and pdfmetrics.stringWidth(line + token, font, size) > room:
            lines.append(line)
            line = ""
        line += token
    return lines + [line]


def _outline(c, x: float, baseline: float, width: float, size: float) -> None:
    """A glyph drawn as a filled outline (an exporter that turns text into paths): ink, no text."""
    path = c.beginPath()
    x0, x1, y0, y1 = x + 0.1 * width, x + 0.9 * width, baseline, baseline + 0.7 * size
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    path.moveTo(x0, ym)                                  # an O through its four extremes
    for (cx, cy), end in (((x0, y1), (xm, y1)), ((x1, y1), (x1, ym)), ((x1, y0), (xm, y0)), ((x0, y0), (x0, ym))):
        path.curveTo(cx, cy, cx, cy, *end)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _unmapped(data: bytes, habits: tuple) -> bytes:
    """Drop the ToUnicode map of the fonts the style says (renamed in place: offsets hold)."""
    names = [name for habit, name in (("unmapped_figures", b"LiberationSans"), ("unmapped_text", b"WenQuanYiZenHeiMono"))
             if habit in habits]
    if not names:
        return data

    def strip(match: re.Match) -> bytes:
        body = match.group()
        return body.replace(b"/ToUnicode", b"/NoUnicode") if any(n in body for n in names) else body
    return re.sub(rb"<<[^<>]*/BaseFont /[A-Z]{6}\+[^<>]*>>", strip, data)
