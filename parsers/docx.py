"""DOCX front-end: the bytes of a Word report in, a `Document` out (python-docx).

The body is walked in document order, so paragraphs and tables keep their places. Merged cells
are expanded to a full grid: a cell spanning columns (gridSpan) or continued down rows
(vMerge) is copied into every grid position it covers, and `origin` marks the real one.

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

from parsers.document import Document, Paragraph, Table
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
