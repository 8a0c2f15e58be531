"""HTML front-end: page bytes → `Document` (paragraphs and span-expanded tables).

lxml builds the tree (BeautifulSoup is far too slow for the hot path); the encoding is found by
`parsers.page.detect_encoding`. Word-exported HTML (MsoNormalTable, <p><span> in cells, <o:p>,
&nbsp;) needs nothing special: cell text is the joined text of the cell. Layout tables (tables
holding other tables) are read as containers, only innermost tables become `Table` blocks.
"""
from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from parsers.document import UNREAD, Document, Paragraph, Table
from parsers.page import decode, meta_tags, published_date
from parsers.shown import Shown, drop, drop_unshown
from parsers.text import read_text_str
from parsers.values import page_spec

_SPEC = page_spec()
_SKIP = frozenset({"script", "style", "noscript", "head", "title", "select", "option", "template",
                   "iframe", "object", "button", "textarea", "svg", "map"})
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
                    "dd", "section", "article", "header", "footer", "nav", "aside", "blockquote",
                    "pre", "center", "form", "fieldset", "address", "main", "figure", "hr",
                    "caption", "tr", "td", "th", "tbody", "thead", "tfoot"})
# Hostile pages: refuse to build grids larger than this (cells), and spans beyond these.
MAX_COLSPAN, MAX_ROWSPAN, MAX_GRID_CELLS = 60, 500, 200_000
# A table of at most this many rows with a cell longer than this is page layout, not data.
LAYOUT_MAX_ROWS, LAYOUT_MIN_CELL_CHARS = 3, 300
# A body container with less text than this is an empty template placeholder.
MIN_CONTENT_CHARS = 20
# A picture declared smaller than this (pixels, either side) is an icon, not a table.
MIN_PICTURE_SIDE = 100


def read_html(data: bytes, *, content_type: str | None = None, url: str | None = None) -> Document:
    """Read an HTML page into a Document; problems (decoding, empty page) are recorded on it."""
    doc = Document()
    declared = _charset_from_content_type(content_type)
    text, codec, trusted = decode(data, declared)
    if not trusted and "\ufffd" in text:
        doc.problems.append(("DECODE_ERROR", f"no declared charset decodes the page; read as {codec} with replacements"))
    elif not trusted and declared:
        doc.problems.append(("ENCODING_GUESSED", f"declared charset {declared!r} does not fit the bytes; read as {codec}"))
    try:
        if not text.strip():
            root = None
        else:
            # libxml2 reads UTF-8 bytes faster than a str (which it converts from UCS-2/4): the
            # page's own bytes when they were UTF-8 exactly as decoded, else the text encoded.
            source = data if codec == "utf-8" and b"\x00" not in data else text.replace("\x00", "").encode("utf-8")
            root = etree.fromstring(source, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        doc.problems.append(("DECODE_ERROR", f"not readable as HTML: {error}"))
        return doc
    if root is None:
        doc.problems.append(("EMPTY_DOCUMENT", "the page has no content"))
        return doc
    metas = meta_tags(root)
    titles = _titles(root, metas)
    doc.title, doc.other_titles = (titles[0], titles[1:]) if titles else (None, [])
    doc.published = published_date(text, url, metas)
    names = _IDS_AND_CLASSES(root)
    body = content_root(root, names)
    footnotes: list[str] = []           # marks after figures and labels, set aside
    _read_marks(drop_unshown(root, body, names), doc, footnotes)
    _Walker(doc, footnotes).walk(body)
    if footnotes:
        doc.problems.append(("FOOTNOTE_MARK", f"{len(footnotes)} footnote mark(s) after a figure or label set "
                                              f"aside: {'; '.join(footnotes[:5])}"))
    pictures = len(doc.picture_places)
    if pictures and not doc.tables:
        doc.problems.append(("TABLE_IMAGES", f"the page holds no table but {pictures} pictures: "
                                             "its tables may be images, not read"))
    return doc


_STRUCK = frozenset({"s", "del", "strike"})


def _read_marks(shown: Shown, doc: Document, footnotes: list[str]) -> None:
    """Grid cells as a reader takes them from what the browser shows: a footnote mark raised
    after a figure or label (12<sup>1</sup>) is set aside (FOOTNOTE_MARK); a cell whose shown
    figure cannot be told (struck text beside a correction, a mark raised between digits, a
    clip or script `parsers.shown` cannot evaluate) becomes UNREAD (CELL_AMBIGUOUS)."""
    if not shown.marks and not shown.doubtful:
        return
    doubtful = set(shown.doubtful)
    unread: dict = {}           # cell → why
    grids: dict = {}
    for mark in [*shown.marks, *shown.doubtful]:
        cell = _grid_cell(mark, grids)
        if cell is None or cell in unread:
            continue
        if mark.tag == "sup" and mark not in doubtful:
            before, after = _around(mark, cell)
            if after.strip() and before.rstrip()[-1:].isdigit() and after.lstrip()[:1].isdigit():
                unread[cell] = "a mark raised between digits"
            else:
                footnotes.append(f"{_clean(before + after)!r} marked {_clean(_text(mark))!r}")
                drop(mark)
        else:
            unread[cell] = "struck text" if mark.tag in _STRUCK else "a style or script whose effect cannot be told"
    for cell in unread:
        for child in list(cell):
            cell.remove(child)
        cell.text = UNREAD
    if unread:
        reasons = ", ".join(sorted(set(unread.values())))
        doc.problems.append(("CELL_AMBIGUOUS", f"{len(unread)} table cells left out: what the browser shows in "
                                               f"them is not one figure ({reasons})"))


def _grid_cell(element, grids: dict):
    """The cell of a table read as a grid holding `element`, or None (`grids`: table → whether
    it is one, as found so far)."""
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in ("td", "th"):
            table = next(ancestor.iterancestors("table"), None)
            if table is None:
                return None
            if table not in grids:
                grids[table] = _is_grid(table)
            return ancestor if grids[table] else None
    return None


def _around(mark, cell) -> tuple[str, str]:
    """The cell's text before `mark` and after it."""
    before: list[str] = []
    after: list[str] = []
    inside = done = False
    for event, element in etree.iterwalk(cell, events=("start", "end")):
        if element is mark:
            inside, done = event == "start", event == "end"
            if done:
                after.append(mark.tail or "")
            continue
        if inside:
            continue
        pieces = after if done else before
        if event == "start":
            pieces.append(element.text or "")
        elif element is not cell:
            pieces.append(element.tail or "")
    return "".join(before), "".join(after)


def table_pictures(body) -> list[str]:
    """The `src` of the article body's pictures that may be tables (not icons), in order."""
    return [img.get("src") for img in body.iter("img") if _may_be_table(img)]


def _may_be_table(img) -> bool:
    """A picture with a source, not declared icon-sized."""
    def side(value) -> int:
        digits = re.match(r"\s*(\d+)", value or "")
        return int(digits.group(1)) if digits else MIN_PICTURE_SIDE
    return bool((img.get("src") or "").strip()) and \
        min(side(img.get("width")), side(img.get("height"))) >= MIN_PICTURE_SIDE


def _charset_from_content_type(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    return match.group(1) if match else None


_TITLE_PLACES = ("h1", "title")


def _titles(root, metas: dict[str, str]) -> list[str]:
    """The page's titles, most trusted first: the title meta tag, the first <h1>, <title>
    (which often appends the site's name); each once."""
    lowered = {k.lower(): v for k, v in metas.items()}
    found = [_clean(lowered[n.lower()]) for n in _SPEC["title_meta"] if lowered.get(n.lower())][:1]
    for tag in _TITLE_PLACES:
        element = next(root.iter(tag), None)      # the first in document order, as //h1 gives
        if element is not None:
            found.append(_clean(_text(element)))
    return list(dict.fromkeys(t for t in found if t))


_CONTAINER_IDS = {sel[1:]: rank for rank, sel in enumerate(_SPEC["content_containers"]) if sel.startswith("#")}
_CONTAINER_CLASSES = {sel[1:]: rank for rank, sel in enumerate(_SPEC["content_containers"]) if sel.startswith(".")}
# Every id and class attribute in document order: lxml's `//*[@id or @class]` tests each element
# and costs more than the tree walk; the attributes themselves come cheaply when asked of
# elements only (`//@id` would visit every text node as well).
_IDS_AND_CLASSES = etree.XPath("//*/@id | //*/@class")


def _container_rank(element) -> int | None:
    """Rank of an element among the content containers of page.yaml, or None."""
    ranks = [_CONTAINER_IDS[element.get("id")]] if element.get("id") in _CONTAINER_IDS else []
    ranks += [_CONTAINER_CLASSES[c] for c in (element.get("class") or "").split() if c in _CONTAINER_CLASSES]
    return min(ranks) if ranks else None


def content_root(root, names: list | None = None):
    """The article body container of the common CMS families (in the order of page.yaml),
    or <body>. `names`: the page's `_IDS_AND_CLASSES`, when already asked."""
    found = dict.fromkeys(value.getparent() for value in (_IDS_AND_CLASSES(root) if names is None else names)
                          if value in _CONTAINER_IDS or not _CONTAINER_CLASSES.keys().isdisjoint(value.split()))
    ranked = [(rank, n, el) for n, el in enumerate(found) if (rank := _container_rank(el)) is not None]
    for _, _, element in sorted(ranked, key=lambda item: item[:2]):
        # An empty container (a template placeholder) is no article.
        if _holds_text(element, MIN_CONTENT_CHARS):
            return element
    body = root.find("body")
    return body if body is not None else root


def _holds_text(element, chars: int) -> bool:
    """len(_text(element).strip()) >= chars, reading only as far as needed (a container holds
    the whole article)."""
    length = 0          # characters from the first one that is not white space
    solid = 0           # of which up to the last one that is not white space
    for piece in element.itertext():
        if not length:
            piece = piece.lstrip()
        kept = piece.rstrip()
        if kept:
            solid = length + len(kept)
            if solid >= chars:
                return True
        length += len(piece)
    return False


# Format characters a browser draws as nothing (zero-width spaces and joiners, direction marks,
# the word joiner, the BOM, the soft hyphen): anti-copy filler inside figures and labels.
_FORMAT_CHARACTERS = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def _clean(text: str) -> str:
    # str.split() splits on every Unicode space (NBSP, ideographic space) in C.
    # Rare: only text that is not all printable (they are not, nor are line breaks and NBSP)
    # is searched, and searching is cheaper than substituting.
    if not text.isprintable() and _FORMAT_CHARACTERS.search(text):
        text = _FORMAT_CHARACTERS.sub("", text)
    return " ".join(text.split())


def _text(element) -> str:
    """All the text inside an element (XPath string()): a leaf's own text, else libxml2's text
    serialisation, which costs a third of an XPath call per cell."""
    if not len(element):
        return element.text or ""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


# Plain lxml elements (lxml.html's element classes cost a Python call per element); comments and
# processing instructions are dropped while parsing. The HTML parser lowercases tag names.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")


class _Walker:
    """Depth-first walk emitting paragraphs (text between block boundaries) and tables."""

    def __init__(self, doc: Document, footnotes: list[str]):
        self.doc = doc
        self.parts: list[str] = []
        self.footnotes = footnotes          # figures printed with a mark after them (12①)

    def flush(self) -> None:
        if self.parts:
            for line in "".join(self.parts).split("\n"):
                line = _clean(line)
                if line:
                    self.doc.blocks.append(Paragraph(line))
            self.parts = []

    def walk(self, element) -> None:
        tag = element.tag
        if not tag or not isinstance(tag, str):       # comment or processing instruction
            return
        if tag in _SKIP:
            return
        if tag == "table" and _is_grid(element):
            self.flush()
            caption = element.find("caption")       # a section heading printed as the table's caption
            if caption is not None:
                self.parts.append(_text(caption))
                self.flush()
            table = _grid(element, self.footnotes)
            if table.rows:
                self.doc.blocks.append(table)
            return
        if tag == "br":
            self.parts.append("\n")
            return
        if tag == "img" and _may_be_table(element):     # its tables, if any, will stand here
            self.flush()
            self.doc.picture_places.append(len(self.doc.blocks))
            return
        style = element.get("style")
        if tag == "pre" or style and "white-space:pre" in style.replace(" ", "").lower():
            # Preformatted text keeps tab-separated or pipe tables: the text front-end reads it.
            self.flush()
            self.doc.blocks.extend(read_text_str(_text(element)).blocks)
            return
        block = tag in _BLOCK or tag == "table"
        if block:
            self.flush()
        text = element.text
        if text:
            self.parts.append(text)
        for child in element:
            self.walk(child)
            tail = child.tail
            if tail:
                self.parts.append(tail)
        if block:
            self.flush()


def _is_grid(table) -> bool:
    """A table read as a grid of cells: not a container of tables, not page layout."""
    return not _has_nested_table(table) and not _is_layout(table)


def _has_nested_table(table) -> bool:
    return next(table.iterdescendants("table"), None) is not None


def _is_layout(table) -> bool:
    """A table of a few rows holding a whole article in a cell: a container, not data."""
    rows = list(islice(_own_rows(table), LAYOUT_MAX_ROWS + 1))
    if len(rows) > LAYOUT_MAX_ROWS:
        return False
    return any(len(_text(cell)) > LAYOUT_MIN_CELL_CHARS for row in rows for cell in row
               if cell.tag in ("td", "th"))


def _own_rows(table):
    """The table's rows, not those of tables nested inside it."""
    for child in table:
        tag = child.tag
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            for row in child:
                if row.tag == "tr":
                    yield row


# Span attributes that span nothing: such cells take the cheap path.
_NO_SPAN = (None, "1")


def _span(raw: str | None, limit: int) -> int:
    if raw is None:
        return 1
    if not raw.isdigit():
        raw = "".join(c for c in raw if c.isdigit())[:6] or "1"
    return max(1, min(int(raw), limit))


def _fill_pending(row: list[str], marks: list[bool], pending: dict[int, tuple[int, str]]) -> None:
    """Copy the rowspans from above that cover the next columns of `row`."""
    while len(row) in pending:
        col = len(row)
        left, text = pending[col]
        row.append(text)
        marks.append(False)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (left - 1, text)


# A figure with a footnote mark printed after it (12*, 12①, 12¹): the mark is no digit of it.
_MARKED_FIGURE = re.compile(r"([-+－]?[0-9０-９][0-9０-９,，.．]*)\s*[*＊※†‡\u2460-\u2473\u00b9\u00b2\u00b3\u2070-\u2079]+")
_MARK_ENDS = frozenset("*＊※†‡¹²³" + "".join(map(chr, range(0x2460, 0x2474))) + "".join(map(chr, range(0x2070, 0x207a))))


def _grid(table, footnotes: list[str]) -> Table:
    """Expand rowspan/colspan into a full grid; `origin` marks the cells as printed. Figures
    printed with a footnote mark after them are read without it, noted in `footnotes`."""
    rows: list[list[str]] = []
    origin: list[list[bool]] = []
    pending: dict[int, tuple[int, str]] = {}     # column → (rows left, text) from rowspans above
    cells = 0
    tostring = etree.tostring
    for tr in _own_rows(table):
        row: list[str] = []
        marks: list[bool] = []
        for cell in tr.iterchildren("td", "th"):
            if pending and len(row) in pending:
                _fill_pending(row, marks, pending)
            # _clean(_text(cell)), with no call for what runs for every cell of every table: a
            # leaf's own text, and nothing to clean in a bare figure
            text = tostring(cell, method="text", encoding="unicode", with_tail=False) if len(cell) else cell.text
            if not text:
                text = ""
            elif not (text.isdigit() and text.isascii()):      # isdigit() holds for ① and ¹ too
                text = _clean(text)
                if text[-1:] in _MARK_ENDS and (marked := _MARKED_FIGURE.fullmatch(text)):
                    footnotes.append(f"{text!r} read as {marked.group(1)!r}")
                    text = marked.group(1)
            raw_colspan, raw_rowspan = cell.get("colspan"), cell.get("rowspan")
            if raw_colspan in _NO_SPAN and raw_rowspan in _NO_SPAN:
                row.append(text)
                marks.append(True)
                continue
            colspan = _span(raw_colspan, MAX_COLSPAN)
            rowspan = _span(raw_rowspan, MAX_ROWSPAN)
            for i in range(colspan):
                if rowspan > 1:
                    pending[len(row)] = (rowspan - 1, text)
                row.append(text)
                marks.append(i == 0)
        if pending:
            _fill_pending(row, marks, pending)
            if pending:
                # Rowspans from above reaching past the end of this row's own cells.
                last = max(pending)
                while len(row) <= last:
                    if len(row) in pending:
                        _fill_pending(row, marks, pending)
                    else:
                        row.append("")
                        marks.append(False)
        rows.append(row)
        origin.append(marks)
        cells += len(row)
        if cells > MAX_GRID_CELLS:
            break
    width = max((len(r) for r in rows), default=0)
    for row, marks in zip(rows, origin):
        if len(row) < width:
            row.extend([""] * (width - len(row)))
            marks.extend([False] * (width - len(marks)))
    # Rows with no cell at all (<tr></tr> in Word exports) carry nothing.
    kept = [(r, m) for r, m in zip(rows, origin) if any(r)]
    return Table([r for r, _ in kept], [m for _, m in kept])
