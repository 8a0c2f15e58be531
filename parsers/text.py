"""Plain text and markdown front-end: text → `Document`.

Three table markups are recognised, line by line:
- tab-separated rows (one row per line, cells split on tabs);
- markdown pipe rows (`| a | b |`, separator lines `|---|` skipped);
- one cell per line ending in `|`, with runs of empty cells as `||…` (a table flattened by a
  copy from a web page): the cells are re-cut into rows of the table's width, which is where
  the first row's padding (its empty cells) ends.
Every other non-blank line is a paragraph.
"""
from __future__ import annotations

import re

from parsers.document import Document, Paragraph, Table
from parsers.page import decode
from parsers.values import looks_like_value

_MD_SEPARATOR = re.compile(r"^\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
_MD_MARKUP = re.compile(r"^(#{1,6}\s+|>\s+|[*-]\s+(?=\S))|\*\*|__")
_STREAM_LINE = re.compile(r"^(?:[^|]*\S\s*)?\|+$")
# A flattened table wider than this is not a table.
MAX_STREAM_WIDTH = 40


def decode_text(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """Text of a plain-text file (BOM, UTF-8, else sniffed: GB18030 for most non-UTF-8)."""
    text, codec, trusted = decode(data, None)
    problems = []
    if "\ufffd" in text and not trusted:
        problems.append(("DECODE_ERROR", f"the text is not valid in any known encoding; read as {codec} with replacements"))
    return text, problems


def read_text(data: bytes) -> Document:
    text, problems = decode_text(data)
    doc = read_text_str(text)
    doc.problems[:0] = problems
    return doc


def read_text_str(text: str) -> Document:
    doc = Document()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")
    rows: list[list[str]] = []            # the tab/pipe table being collected
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if "\t" in line and stripped:
            rows.append([c.strip() for c in line.split("\t")])
        elif stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3 \
                and not _is_stream_start(lines, i):
            if not _MD_SEPARATOR.match(stripped):
                rows.append([c.strip() for c in stripped[1:-1].split("|")])
        elif _STREAM_LINE.match(stripped) and _is_stream_start(lines, i):
            _close(doc, rows)
            i = _read_stream(doc, lines, i)
            continue
        elif not stripped:
            # A blank line inside a table does not end it when the table goes on after it.
            if rows and not _continues_table(lines, i):
                _close(doc, rows)
        else:
            _close(doc, rows)
            paragraph = _MD_MARKUP.sub("", stripped).strip()
            if paragraph:
                doc.blocks.append(Paragraph(paragraph))
        i += 1
    _close(doc, rows)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            doc.title = block.text
            break
    return doc


def _close(doc: Document, rows: list[list[str]]) -> None:
    # Rows keep the cells they were printed with: a row's separators are its cells' positions.
    if rows:
        doc.blocks.append(Table([list(r) for r in rows]))
        rows.clear()


def _continues_table(lines: list[str], i: int) -> bool:
    for line in lines[i + 1:]:
        if line.strip():
            return "\t" in line or line.strip().startswith("|")
    return False


def _is_stream_start(lines: list[str], i: int) -> bool:
    """A flattened table: several consecutive lines that each end in '|' (most with one cell)."""
    run = 0
    for line in lines[i:i + 6]:
        stripped = line.strip()
        if not _STREAM_LINE.match(stripped) or stripped.count("|") > 1 and stripped.strip("|"):
            break
        run += 1
    return run >= 4


def _read_stream(doc: Document, lines: list[str], i: int) -> int:
    """Collect a flattened table from line i; returns the index of the first line after it."""
    cells: list[str] = []
    while i < len(lines):
        stripped = lines[i].strip()
        if not _STREAM_LINE.match(stripped):
            # The last cell of a flattened table carries no '|'.
            if stripped and looks_like_value(stripped):
                cells.append(stripped)
                i += 1
            break
        text = stripped.rstrip("|").strip()
        pipes = len(stripped) - len(stripped.rstrip("|"))
        if text:
            cells.append(text)
            pipes -= 1
        cells.extend([""] * pipes)
        i += 1
    width = _stream_width(cells)
    rows = [cells[k:k + width] for k in range(0, len(cells), width)]
    _close(doc, rows)
    return i


def _stream_width(cells: list[str]) -> int:
    """Where the first row's empty padding ends: the first filled cell after an empty one."""
    seen_empty = False
    for k, cell in enumerate(cells):
        if not cell:
            seen_empty = True
        elif seen_empty:
            return k if k <= MAX_STREAM_WIDTH else len(cells)
    return len(cells) or 1
