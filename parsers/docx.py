"""DOCX front-end: the bytes of a Word report in, a `Document` out (python-docx).

The body is walked in document order, so paragraphs and tables keep their places. Merged cells
are expanded to a full grid: a cell spanning columns (gridSpan) or continued down rows
(vMerge) is copied into every grid position it covers, and `origin` marks the real one.

A DOCX is a zip: its declared sizes are checked before python-docx inflates anything, so a
zip bomb is refused rather than read.
"""
from __future__ import annotations

import io
import zipfile

import docx

from parsers.document import Document, Paragraph, Table
from parsers.formats import OLE2_MAGIC

MAX_ENTRIES = 2000                        # parts in the package
MAX_TOTAL_BYTES = 200 * 1024 * 1024       # declared uncompressed size of all parts
MAX_PART_BYTES = 50 * 1024 * 1024         # declared uncompressed size of any one part
MAX_RATIO = 200                           # uncompressed / compressed, per part (bombs: >1000)
MAX_RATIO_FLOOR = 1024 * 1024             # parts smaller than this may compress as they like

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_docx(data: bytes) -> Document:
    """Read a DOCX report. Never raises: what cannot be read is a problem on the Document."""
    doc = Document()
    refusal = _package_refusal(data)
    if refusal:
        doc.problems.append(("UNREADABLE_FILE", refusal))
        return doc
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many types on malformed packages
        doc.problems.append(("UNREADABLE_FILE", f"DOCX could not be read: {type(exc).__name__}: {exc}"))
        return doc
    # No title from the package properties: offices reuse the template file, so it is stale.
    body = word.element.body
    chunks = _ChunkReader(word.part, doc)
    doc.blocks = _blocks(body, chunks)
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


def _package_refusal(data: bytes) -> str | None:
    """Why the zip package must not be opened, or None if it looks sane."""
    if data.startswith(OLE2_MAGIC):
        return "DOCX is password-protected (an encrypted package) and cannot be read"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return f"not a DOCX (damaged or not a zip package): {exc}"
    if len(infos) > MAX_ENTRIES:
        return f"DOCX package has {len(infos)} parts (limit {MAX_ENTRIES}); refused as hostile"
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        return (f"DOCX would inflate to {total} bytes (limit {MAX_TOTAL_BYTES}); "
                "refused as a possible zip bomb")
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            return (f"{info.filename} would inflate to {info.file_size} bytes "
                    f"(limit {MAX_PART_BYTES}); refused as a possible zip bomb")
        if info.file_size > MAX_RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return (f"{info.filename} compresses {info.file_size // max(info.compress_size, 1)}:1; "
                    "refused as a possible zip bomb")
    return None


class _ChunkReader:
    """Content embedded whole by "export to Word" tools (`w:altChunk`): an HTML page or plain
    text stored as its own part, read by the HTML or text front-end."""

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
            from parsers.text import read_text
            inner = read_text(chunk.blob)
        self.doc.problems.extend(inner.problems)
        return inner.blocks


def _blocks(container, chunks: _ChunkReader):
    """Paragraphs and tables in document order.

    A table cut in two (by hand, to fit a page) is joined back: Word keeps at least an empty
    paragraph between two tables, so a table followed, after nothing but empty paragraphs, by
    one with the same column grid is read as one table — a merged cell continued across the
    cut stays merged.
    """
    blocks: list = []
    pending: list = []          # the <w:tr> of the table being collected
    for element in _body_elements(container):
        if element.tag == _W + "altChunk":
            _flush(blocks, pending)
            pending = []
            blocks.extend(chunks.blocks(element))
            continue
        if element.tag == _W + "tbl":
            rows = list(element.iterchildren(_W + "tr"))
            if pending and _grid_width(pending[0].getparent()) == _grid_width(element):
                pending.extend(rows)
            else:
                _flush(blocks, pending)
                pending = rows
            continue
        text = _text(element)
        if text:
            _flush(blocks, pending)
            pending = []
            blocks.append(Paragraph(text))
    _flush(blocks, pending)
    return blocks


def _body_elements(container):
    """The w:p and w:tbl children, content controls (w:sdt) and one-cell frame tables unwrapped
    (some offices put the whole report in a single bordered cell)."""
    for child in container.iterchildren():
        if child.tag == _W + "tbl" and _is_frame(child):
            yield from _body_elements(child.find(f"{_W}tr/{_W}tc"))
        elif child.tag in (_W + "p", _W + "tbl", _W + "altChunk"):
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _body_elements(content)


def _is_frame(tbl) -> bool:
    rows = tbl.findall(_W + "tr")
    return len(rows) == 1 and len(list(_cells(rows[0]))) == 1


def _flush(blocks: list, rows: list) -> None:
    if rows:
        blocks.append(_table(rows))


def _grid_width(tbl) -> int:
    return len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))


def _text(element) -> str:
    """The visible text of a paragraph (or cell): runs, tabs and breaks; no deleted text."""
    parts = []
    for node in element.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "p"):
        if node.tag == _W + "t":
            parts.append(node.text or "")
        elif node.tag == _W + "tab":
            parts.append("\t")
        elif node.tag == _W + "p" and node is not element and parts:
            parts.append("\n")
        elif node.tag in (_W + "br", _W + "cr"):
            parts.append("\n")
    return "".join(parts).strip()


def _table(trs: list) -> Table:
    """The rows as a full grid: spans copied into every covered position."""
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
            else:
                text = _cell_text(tc)
                texts.extend([text] * span)
                origins.extend([True] + [False] * (span - 1))
        _pad(texts, origins, _int_attr(tr, "trPr/gridAfter"))
        rows.append(texts)
        origin.append(origins)
    width = max((len(r) for r in rows), default=0)
    for texts, origins in zip(rows, origin):
        _pad(texts, origins, width - len(texts))
    return Table(rows=rows, origin=origin)


def _cells(tr):
    """The w:tc of a row, including those wrapped in content controls."""
    for child in tr.iterchildren():
        if child.tag == _W + "tc":
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from content.iterchildren(_W + "tc")


def _cell_text(tc) -> str:
    paragraphs = [_text(p) for p in tc.iter(_W + "p")]
    return "\n".join(p for p in paragraphs if p)


def _continues_merge(tc) -> bool:
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
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
