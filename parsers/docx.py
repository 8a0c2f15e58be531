"""DOCX front-end: the bytes of a Word report in, a `Document` out (python-docx).

The body is walked in document order, so paragraphs and tables keep their places. The text is
what Word shows (`_Shown`: tracked changes, hidden runs, fields, text boxes, note marks by
their WordprocessingML semantics); a cell whose shown text the file does not tell is UNREAD,
with a DOCX_UNSHOWN problem. Merged cells are expanded to a full grid: a cell spanning columns
(gridSpan, hMerge) or continued down rows (vMerge) is copied into every grid position it
covers, and `origin` marks the real one.

A DOCX is a zip, and its declared sizes may lie: the package is rebuilt from the parts
inflated here, measured while inflating (`parsers.inflate`), before python-docx sees it. Parts
the reader never looks at (pictures, fonts, embedded files) are not inflated at all; the
markup it parses is limited in bytes and in tags, which is what its tree costs in memory.
"""
from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree

from parsers.document import UNREAD, Document, Paragraph, Table
from parsers.formats import CONTENT_TYPES_LIMIT, OLE2_MAGIC
from parsers.inflate import TooLarge, zip_part

MAX_ENTRIES = 2000                        # parts in the package
MAX_PART_BYTES = 32 * 2**20               # one part that is read, inflated
MAX_TOTAL_BYTES = 48 * 2**20              # all parts that are read, inflated
MAX_TAGS = 1_500_000                      # markup tags of all parts: ~1 KB of memory per 10
_CHUNK_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_docx(data: bytes) -> Document:
    """Read a DOCX report. Never raises: what cannot be read is a problem on the Document."""
    doc = Document()
    try:
        package = _package(data)
        word = docx.Document(io.BytesIO(package))
    except _Refused as refusal:
        doc.problems.append(refusal.args)
        return doc
    except Exception as exc:  # python-docx and lxml raise many types on malformed packages
        doc.problems.append(("UNREADABLE_FILE", f"DOCX could not be read: {type(exc).__name__}: {exc}"))
        return doc
    del package
    # No title from the package properties: offices reuse the template file, so it is stale.
    body = word.element.body
    chunks = _ChunkReader(word.part, doc)
    shown = _Shown(word.styles.element)
    doc.blocks = _blocks(body, chunks, shown)
    if shown.doubtful:
        doc.problems.append(("DOCX_UNSHOWN", f"{len(shown.doubtful)} table cells left out: what Word shows "
                             f"in them cannot be told from the file ({'; '.join(sorted(set(shown.doubtful)))})"))
    if not doc.blocks and chunks.unreadable:
        # UNSUPPORTED_FORMAT refuses the whole file: only when nothing else could be read
        doc.problems.append(("UNSUPPORTED_FORMAT", f"the DOCX embeds its content as a "
                             f"{chunks.unreadable[0]} chunk (w:altChunk), which cannot be read"))
    if not doc.blocks and not doc.problems:
        images = sum(1 for _ in body.iter(_W + "drawing", _W + "pict"))
        doc.problems.append(("EMPTY_DOCUMENT", (
            f"the DOCX holds {images} images and no text: a scan pasted into Word; OCR would be needed"
            if images else "the DOCX holds no text")))
    return doc


class _Refused(Exception):
    """(code, detail): the package is not opened."""


def _package(data: bytes) -> bytes:
    """The package rebuilt, uncompressed, from its parts as inflated here: the parts python-docx
    parses (markup, embedded HTML or text) whole, the others (pictures, fonts) empty."""
    if data.startswith(OLE2_MAGIC):
        raise _Refused("UNREADABLE_FILE", "DOCX is password-protected (an encrypted package) "
                                          "and cannot be read")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _Refused("UNREADABLE_FILE", f"not a DOCX (damaged or not a zip package): {exc}") from None
    if len(infos) > MAX_ENTRIES:
        raise _Refused("TOO_LARGE", f"the DOCX package has {len(infos)} parts "
                                    f"(limit {MAX_ENTRIES}); refused")
    out = io.BytesIO()
    total = tags = 0
    try:
        wanted = _read_parts(data, infos)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
            for info in infos:
                if info.is_dir():
                    continue
                blob = zip_part(data, info, MAX_PART_BYTES) if info.filename in wanted else b""
                total += len(blob)
                tags += blob.count(b"<")
                if total > MAX_TOTAL_BYTES:
                    raise TooLarge(f"the DOCX's parts inflate to more than {MAX_TOTAL_BYTES // 2**20} MB")
                if tags > MAX_TAGS:
                    raise TooLarge(f"the DOCX's markup holds more than {MAX_TAGS} tags")
                package.writestr(info.filename, blob)
    except TooLarge as exc:
        raise _Refused("TOO_LARGE", f"{exc}; refused (a decompression bomb?)") from None
    except (zipfile.BadZipFile, etree.XMLSyntaxError, ValueError) as exc:
        raise _Refused("UNREADABLE_FILE", f"DOCX package is damaged: {exc}") from None
    return out.getvalue()


def _read_parts(data: bytes, infos: list[zipfile.ZipInfo]) -> set[str]:
    """Names of the parts python-docx parses or the reader reads: XML (relationships included)
    and embedded HTML or text, by the package's own content types."""
    index = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
    if index is None:
        raise zipfile.BadZipFile("no [Content_Types].xml: not an Office package")
    types = etree.fromstring(zip_part(data, index, CONTENT_TYPES_LIMIT),
                             etree.XMLParser(resolve_entities=False, no_network=True))
    defaults, overrides = {}, {}
    for node in types:
        kind = node.get("ContentType", "").lower()
        if node.get("Extension") is not None:
            defaults[node.get("Extension").lower()] = kind
        elif node.get("PartName") is not None:
            overrides[node.get("PartName").lstrip("/").lower()] = kind
    wanted = {index.filename}
    for info in infos:
        name = info.filename.lower()
        kind = overrides.get(name, defaults.get(name.rsplit(".", 1)[-1] if "." in name else ""))
        if kind and (kind.endswith("xml") or kind in _CHUNK_TYPES):
            wanted.add(info.filename)
    return wanted


class _ChunkReader:
    """Content embedded whole by "export to Word" tools (`w:altChunk`): an HTML page or plain
    text stored as its own part, read by the HTML front-end or as a text file is read (its
    HTML tables, if any, as tables)."""

    READERS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}

    def __init__(self, part, doc: Document):
        self.part = part
        self.doc = doc
        self.unreadable: list[str] = []      # content types of chunks that cannot be read

    def blocks(self, element) -> list:
        chunk = self.part.related_parts.get(element.get(_R_ID))
        kind = self.READERS.get(chunk.content_type) if chunk is not None else None
        if kind is None:
            self.unreadable.append(chunk.content_type if chunk is not None else "missing")
            return []
        if kind == "html":
            from parsers.html import read_html
            inner = read_html(chunk.blob, content_type=chunk.content_type)
        else:
            from parsers.mixed import read_text_with_tables     # as a text file is read
            inner = read_text_with_tables(chunk.blob)
        self.doc.problems.extend(inner.problems)
        return inner.blocks


def _blocks(container, chunks: _ChunkReader, shown: "_Shown"):
    """Paragraphs and tables in document order.

    A table cut in two (by hand, to fit a page) is joined back: Word keeps at least an empty
    paragraph between two tables, so a table followed, after nothing but empty paragraphs, by
    one with the same column grid is read as one table — a merged cell continued across the
    cut stays merged.
    """
    blocks: list = []
    pending: list = []          # the <w:tr> of the table being collected
    width = 0                   # its grid's columns
    for element in _body_elements(container):
        if element.tag == _W + "altChunk":
            _flush(blocks, pending, shown)
            pending = []
            blocks.extend(chunks.blocks(element))
            continue
        if element.tag == _W + "tbl":
            rows = list(_rows(element))
            if pending and width == _grid_width(element):
                pending.extend(rows)
            else:
                _flush(blocks, pending, shown)
                pending, width = rows, _grid_width(element)
            continue
        text = shown.text(element)
        if text.text:
            _flush(blocks, pending, shown)
            pending = []
            blocks.append(Paragraph(text.text))
        if text.boxes:          # a text box floats beside its anchor: its paragraphs and tables are their own
            _flush(blocks, pending, shown)
            pending = []
            for box in text.boxes:
                blocks.extend(_blocks(box, chunks, shown))
    _flush(blocks, pending, shown)
    return blocks


def _body_elements(container):
    """The w:p and w:tbl children, wrappers (content controls w:sdt, custom XML w:customXml)
    and one-cell frame tables unwrapped (some offices put the whole report in a single
    bordered cell)."""
    for child in container.iterchildren():
        if child.tag == _W + "tbl" and _is_frame(child):
            yield from _body_elements(next(_cells(next(_rows(child)))))
        elif child.tag in (_W + "p", _W + "tbl", _W + "altChunk"):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _body_elements(_wrapped(child))


def _is_frame(tbl) -> bool:
    rows = list(_rows(tbl))
    return len(rows) == 1 and len(list(_cells(rows[0]))) == 1


def _flush(blocks: list, rows: list, shown: "_Shown") -> None:
    if rows:
        blocks.append(_table(rows, shown))


def _grid_width(tbl) -> int:
    return len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))


# Elements that only wrap content (rows, cells, runs or blocks) and what of them is the content.
_WRAPPERS = {_W + "sdt": _W + "sdtContent", _W + "customXml": None}
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
# Not shown: tracked deletions and moves away, a content control's or run's properties
# (placeholders, revision marks of the paragraph mark), a run of only a field's instruction.
_UNSHOWN = frozenset(_W + tag for tag in (
    "del", "moveFrom", "delText", "delInstrText", "instrText", "pPr", "rPr", "sdtPr", "sdtEndPr",
    "customXmlPr", "smartTagPr", "tcPr", "trPr", "tblPr", "footnoteReference", "endnoteReference"))
_BREAKS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
# Fields that show nothing (index and table-of-contents entries, bookmarks set, add-in data):
# without a stored result they hide nothing either.
_SILENT_FIELDS = frozenset({"XE", "TC", "TA", "RD", "SET", "PRIVATE", "ADDIN", "BIDIOUTLINE"})


def _wrapped(element):
    """The content of a wrapper element (itself for w:customXml)."""
    inner = _WRAPPERS.get(element.tag)
    content = element.find(inner) if inner else element
    return content if content is not None else element.makeelement(_W + "sdtContent", {})


def _children(container, tag: str):
    """The `tag` children of an element, those wrapped in content controls or custom XML
    included."""
    for child in container.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(_wrapped(child), tag)


def _rows(tbl):
    """The w:tr of a table, without the rows deleted with tracked changes (w:trPr/w:del)."""
    return (tr for tr in _children(tbl, _W + "tr") if tr.find(f"{_W}trPr/{_W}del") is None)


def _cells(tr):
    """The w:tc of a row."""
    return _children(tr, _W + "tc")


class _Text:
    """What one paragraph (or cell) shows: its own text, the text boxes (w:txbxContent) anchored
    in it, and why its text cannot be told (`doubt`), if it cannot."""

    def __init__(self):
        self.parts: list[tuple[str, bool]] = []     # (text, raised: superscript/subscript, a note mark)
        self.boxes: list = []
        self.doubt: str | None = None        # why the text cannot be told
        self.drawn: str | None = None        # what it holds besides text that may draw a figure
        self.fields: list[list] = []         # open complex fields: [instruction, result started]

    @property
    def text(self) -> str:
        """The text without the raised marks after it (a line all raised is not a mark on anything)."""
        return "".join(text for text, _ in self.parts[:self._end()]).strip()

    def _end(self) -> int | None:
        """Where the raised marks after the text start."""
        end = max((i for i, (text, raised) in enumerate(self.parts) if text.strip() and not raised), default=None)
        return None if end is None else end + 1

    def settle(self) -> None:
        if any(not started for _, started in self.fields):
            self.doubt = self.doubt or "a field was left open"
        end = self._end()
        if end is not None and any(raised and any(ch.isdigit() for ch in text) for text, raised in self.parts[:end]):
            self.doubt = self.doubt or "raised digits inside the text"     # 1²3: no figure to tell


class _Shown:
    """The text Word shows, by WordprocessingML's semantics: tracked insertions and moves in,
    deletions and moves away out; hidden runs (w:vanish, w:specVanish, directly or by a
    character style) out; a field's stored result in, its instruction out; one branch of
    mc:AlternateContent; a content control's placeholder prompt out; ruby (phonetic guide) text
    out; text boxes apart from the text they are anchored in; raised note marks (superscript,
    subscript, footnote and endnote references) apart from the figure they follow.

    A cell whose shown text cannot be told is doubtful: text printed but hidden on the web
    (w:webHidden), a field Word shows a result of but whose result was never stored, an
    equation (OMML: a fraction's digits are not a figure), or no text but an inline picture or
    a text box holding digits (the figure may be drawn there; a box of words is the cell's label)."""

    def __init__(self, styles_element):
        self.hidden_styles, self.raised_styles = _character_styles(styles_element)
        self.doubtful: list[str] = []       # why each cell left out could not be read

    def text(self, element) -> _Text:
        out = _Text()
        self._walk(element, out)
        out.settle()
        return out

    def cell(self, tc) -> str:
        lines, boxes, doubt, drawn = [], [], None, None
        for paragraph in _paragraphs(tc):
            text = self.text(paragraph)
            doubt = doubt or text.doubt
            drawn = drawn or text.drawn
            boxes += [line for box in text.boxes for line in (self.text(p).text for p in _paragraphs(box)) if line]
            if text.text:
                lines.append(text.text)
        if not lines and boxes and not any(ch.isdigit() for line in boxes for ch in line):
            lines = boxes         # a label drawn in a text box (a diagonal header's words)
        elif not lines and drawn:
            doubt = doubt or drawn
        if doubt:
            self.doubtful.append(doubt)
            return UNREAD
        return "\n".join(lines)

    def _walk(self, element, out: _Text) -> None:
        for node in element.iterchildren():
            self._node(node, out)

    def _node(self, node, out: _Text) -> None:
        tag = node.tag
        if tag in _UNSHOWN or not isinstance(tag, str):
            return
        if tag == _W + "r":
            self._run(node, out)
        elif tag == _W + "fldSimple":
            before = len(out.parts)
            self._walk(node, out)
            if len(out.parts) == before and _displays(node.get(_W + "instr", "")):
                out.doubt = out.doubt or "a field's result was never stored"
        elif tag == _MC + "AlternateContent":
            branch = node.find(_MC + "Choice")
            if branch is None:
                branch = node.find(_MC + "Fallback")
            if branch is not None:
                self._walk(branch, out)
        elif tag == _W + "sdt" and node.find(f"{_W}sdtPr/{_W}showingPlcHdr") is not None:
            return                # the control shows its prompt (单击此处输入文字): nothing was entered
        elif tag == _W + "txbxContent":
            out.boxes.append(node)
            out.drawn = out.drawn or "its only figures are in a text box"
        elif tag == _W + "p":
            if out.parts:
                out.parts.append(("\n", False))
            self._walk(node, out)
        elif tag in (_MATH + "oMath", _MATH + "oMathPara"):
            out.doubt = out.doubt or "an equation (OMML)"
        elif tag == _WP + "inline":
            out.drawn = out.drawn or "its only content is a picture"
        elif tag != _W + "rt":    # ins, moveTo, hyperlink, smartTag, sdt content, drawings, ruby base …
            self._walk(node, out)

    def _run(self, run, out: _Text) -> None:
        props = run.find(_W + "rPr")
        hidden = _on(props, "vanish") or _on(props, "specVanish") or self._styled(props, self.hidden_styles)
        raised = (run.find(_W + "footnoteReference") is not None or run.find(_W + "endnoteReference") is not None
                  or _raised(props) or self._styled(props, self.raised_styles))
        for node in run.iterchildren():
            tag = node.tag
            if tag == _W + "fldChar":
                self._field_char(node, out)
            elif tag == _W + "instrText":
                if out.fields and not out.fields[-1][1]:
                    out.fields[-1][0] += node.text or ""
            elif tag in (_W + "t", *_BREAKS):
                if hidden or not all(started for _, started in out.fields):
                    continue
                text = node.text or "" if tag == _W + "t" else _BREAKS[tag]
                if text and _on(props, "webHidden"):
                    out.doubt = out.doubt or "text hidden on the web is printed"
                out.parts.append((text, raised and tag == _W + "t"))
            else:
                self._node(node, out)

    def _field_char(self, node, out: _Text) -> None:
        kind = node.get(_W + "fldCharType")
        if kind == "begin":
            out.fields.append(["", False])
        elif kind == "separate" and out.fields:
            out.fields[-1][1] = True
        elif kind == "end" and out.fields:
            instruction, started = out.fields.pop()
            if not started and _displays(instruction) and all(s for _, s in out.fields):
                out.doubt = out.doubt or "a field's result was never stored"

    def _styled(self, props, styles: frozenset) -> bool:
        style = props.find(_W + "rStyle") if props is not None else None
        return style is not None and style.get(_W + "val") in styles


def _paragraphs(container):
    """The w:p of a cell or text box, in nested tables and wrappers too, not in text boxes."""
    for child in container.iterchildren():
        if child.tag == _W + "p":
            yield child
        elif child.tag in (_W + "tbl", _W + "tr", _W + "tc", *_WRAPPERS):
            yield from _paragraphs(_wrapped(child) if child.tag in _WRAPPERS else child)


def _on(props, name: str) -> bool:
    """A toggle run property (w:vanish, w:webHidden …) set, by its presence or w:val."""
    node = props.find(_W + name) if props is not None else None
    return node is not None and node.get(_W + "val", "true") not in ("false", "0", "off")


def _raised(props) -> bool:
    node = props.find(_W + "vertAlign") if props is not None else None
    return node is not None and node.get(_W + "val") in ("superscript", "subscript")


def _displays(instruction: str) -> bool:
    """Whether a field with this instruction shows a result (= formulas, PAGE, REF …)."""
    words = instruction.split()
    return bool(words) and words[0].upper() not in _SILENT_FIELDS


def _character_styles(styles) -> tuple[frozenset, frozenset]:
    """(hidden, raised): the character styles whose runs Word hides (w:vanish) or raises
    (superscript/subscript, as a footnote reference style does), through w:basedOn."""
    if styles is None:
        return frozenset(), frozenset()
    props, based = {}, {}
    for style in styles.iterchildren(_W + "style"):
        name = style.get(_W + "styleId")
        props[name] = style.find(_W + "rPr")
        parent = style.find(_W + "basedOn")
        based[name] = parent.get(_W + "val") if parent is not None else None

    def inherited(name, test) -> bool:
        seen = set()
        while name in props and name not in seen:
            seen.add(name)
            if test(props[name]):
                return True
            name = based[name]
        return False
    return (frozenset(n for n in props if inherited(n, lambda p: _on(p, "vanish"))),
            frozenset(n for n in props if inherited(n, _raised)))


def _table(trs: list, shown: _Shown) -> Table:
    """The rows as a full grid: spans (gridSpan, vMerge, legacy hMerge) copied into every
    covered position."""
    rows: list[list[str]] = []
    origin: list[list[bool]] = []
    for tr in trs:
        texts: list[str] = []
        origins: list[bool] = []
        _pad(texts, origins, _int_attr(tr, "trPr/gridBefore"))
        for tc in _cells(tr):
            span = max(_int_attr(tc, "tcPr/gridSpan") or 1, 1)
            column = len(texts)
            if _continues_merge(tc) and rows and column < len(rows[-1]):
                text = rows[-1][column]
                texts.extend([text] * span)
                origins.extend([False] * span)
            elif _continues_merge(tc, "hMerge") and texts:
                texts.extend([texts[-1]] * span)
                origins.extend([False] * span)
            else:
                text = shown.cell(tc)
                texts.extend([text] * span)
                origins.extend([True] + [False] * (span - 1))
        _pad(texts, origins, _int_attr(tr, "trPr/gridAfter"))
        rows.append(texts)
        origin.append(origins)
    width = max((len(r) for r in rows), default=0)
    for texts, origins in zip(rows, origin):
        _pad(texts, origins, width - len(texts))
    return Table(rows=rows, origin=origin)


def _continues_merge(tc, kind: str = "vMerge") -> bool:
    merge = tc.find(f"{_W}tcPr/{_W}{kind}")
    return merge is not None and merge.get(_W + "val", "continue") == "continue"


def _int_attr(element, path: str) -> int:
    node = element.find("/".join(_W + step for step in path.split("/")))
    try:
        return int(node.get(_W + "val")) if node is not None else 0
    except (TypeError, ValueError):
        return 0


def _pad(texts: list[str], origins: list[bool], count: int) -> None:
    texts.extend([""] * max(count, 0))
    origins.extend([True] * max(count, 0))
