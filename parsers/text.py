"""Plain text and markdown front-end: text → `Document`.

Table rows are recognised line by line:
- tab-separated rows (one row per line, cells split on tabs);
- pipe rows (`| a | b |`, also with the outer pipes missing, as PDF-to-markdown converters
  write them: `a | b | c`); separator lines (`|---|`) are skipped wherever they stand;
- a label on a line of its own with its values on the next line(s) (`54 0 0 0 0 0 54`, one value
  per line, or a pipe row of values), or a label followed on its line by two values or more;
- one cell per line ending in `|`, with runs of empty cells as `||…` (a table flattened by a
  copy from a web page): the cells are re-cut into rows of the table's width, which is where
  the first row's padding (its empty cells) ends.
Rows keep the cells they were printed with: an empty cell between two separators is a cell.
Every other non-blank line is a paragraph.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from parsers.document import Document, Paragraph, Table
from parsers.page import decode
from parsers.values import is_blank, looks_like_value

_MD_SEPARATOR = re.compile(r"^\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
_MD_MARKUP = re.compile(r"^(#{1,6}\s+|>\s+|[*-]\s+(?=\S))|\*\*|__")
_STREAM_LINE = re.compile(r"^(?:[^|]*\S\s*)?\|+$")
_INLINE_MARKUP = re.compile(r"<br\s*/?>|\*\*|__", re.IGNORECASE)
_PAGE_FOOTER = re.compile(r"^[-—–－]+\s*\d+\s*[-—–－]+$")
# A line of text followed by values: the label, then the values separated by white space.
_LABEL_AND_VALUES = re.compile(r"^(?P<label>.*?[^\s\d.,+-])\s+(?P<values>[\d.,+-]+(?:\s+[\d.,+-]+)*)$")
# A flattened table wider than this is not a table.
MAX_STREAM_WIDTH = 40
# A label on a line of its own is short and is not a sentence.
MAX_LABEL = 60
_SENTENCE_END = tuple("。；;：:，,！？")


def read_text(data: bytes) -> Document:
    return read_decoded(data, read_text_str)


def read_decoded(data: bytes, read_str: Callable[[str], Document]) -> Document:
    """`read_str` of the text of a plain-text file (BOM, UTF-8, else sniffed: GB18030 for most
    non-UTF-8), a decoding that needed replacements its first problem."""
    text, codec, trusted = decode(data, None)
    doc = read_str(text)
    if "\ufffd" in text and not trusted:
        doc.problems.insert(0, ("DECODE_ERROR", f"the text is not valid in any known encoding; "
                                                f"read as {codec} with replacements"))
    return doc


def read_text_str(text: str) -> Document:
    doc = Document(text=text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")
    rows: list[list[str]] = []            # the table being collected
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped:
            # Blank lines inside a table do not end it when the table goes on after them.
            i = _next_filled(lines, i)
            if rows and not (i < len(lines) and _continues_table(lines, i)):
                _close(doc, rows)
            continue
        if _MD_SEPARATOR.match(stripped):
            i += 1
            continue
        if _STREAM_LINE.match(stripped) and _is_stream_start(lines, i):
            _close(doc, rows)
            i = _read_stream(doc, lines, i)
            continue
        found = _row_at(lines, i, in_table=bool(rows))
        if found:
            row, i = found
            rows.append(row)
            continue
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


def _row_at(lines: list[str], i: int, in_table: bool) -> tuple[list[str], int] | None:
    """(the table row starting at line i, the index of the line after it), or None. A label
    with one value (on its line or the next) is a row only inside a table ("…年度报告 2021" is
    a title, a lone "5" under a line a page number)."""
    stripped = lines[i].strip()
    cells = _delimited_cells(lines[i])
    if cells is not None:
        return cells, i + 1
    values = _values(stripped)
    if values:
        # Values alone, under a label row of the table: they go with it.
        return (values, i + 1) if in_table and len(values) > 1 else None
    after = i + 1
    if _unclosed(stripped) and after < len(lines) and lines[after].strip() and "|" not in lines[after]:
        # A label cut over two lines: its bracket opens on this one and closes on the next.
        stripped, after = stripped + lines[after].strip(), after + 1
    if len(stripped) <= MAX_LABEL * 2:
        match = _LABEL_AND_VALUES.match(stripped)
        if match and _is_label(match["label"]) and _values(match["values"]) \
                and (in_table or " " in match["values"].strip()):
            return [match["label"].strip()] + match["values"].split(), after
    if not _is_label(stripped):
        return None
    values, after = _values_below(lines, after)
    # Outside a table one value under a line is more likely a page number than a cell.
    if len(values) > 1 or values and in_table:
        return [stripped] + values, after
    return None


def _unclosed(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _delimited_cells(line: str) -> list[str] | None:
    """The cells of a tab-separated or pipe row (outer pipes optional), or None when the line
    is not one."""
    if "\t" in line:
        return _cells(line.split("\t"))
    stripped = line.strip()
    if stripped.count("|") < 2 or not stripped.strip("|").strip():
        return None
    cells = stripped.split("|")
    if stripped.startswith("|"):
        cells = cells[1:]
    if stripped.endswith("|"):
        cells = cells[:-1]
    return _cells(cells)


def _cells(parts: list[str]) -> list[str]:
    """Cell texts without inline markup (`<br>` line breaks, bold); a cell holding several
    numbers apart (`0 0 0`, adjacent cells a converter merged) is those cells."""
    cells = []
    for part in parts:
        text = _INLINE_MARKUP.sub(" ", part).strip()
        values = _values(text)
        cells += values if values and len(values) > 1 else [text]
    return cells


def _is_label(text: str) -> bool:
    text = text.strip()
    return (0 < len(text) <= MAX_LABEL and not text.endswith(_SENTENCE_END) and "|" not in text
            and not looks_like_value(text) and not text.startswith("#"))


def _values(text: str) -> list[str] | None:
    """The values of a line made of values only (at least one a number), else None."""
    if _PAGE_FOOTER.match(text):
        return None
    tokens = text.split()
    if tokens and all(looks_like_value(t) for t in tokens) and not all(is_blank(t) for t in tokens):
        return tokens
    return None


def _values_below(lines: list[str], i: int) -> tuple[list[str], int]:
    """The values printed under a label: value lines (blank lines between allowed), or one
    tab or pipe row of values only (its empty cells kept in place)."""
    values: list[str] = []
    while (i := _next_filled(lines, i)) < len(lines):
        stripped = lines[i].strip()
        cells = None if values else _delimited_cells(lines[i])
        if cells is not None:
            filled = all(looks_like_value(c) for c in cells) and not all(is_blank(c) for c in cells)
            return (cells, i + 1) if filled else ([], i)
        found = _values(stripped)
        if not found:
            break
        values += found
        i += 1
    return values, i


def _close(doc: Document, rows: list[list[str]]) -> None:
    # Rows keep the cells they were printed with: a row's separators are its cells' positions.
    if rows:
        doc.blocks.append(Table([list(r) for r in rows]))
        rows.clear()


def _next_filled(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _continues_table(lines: list[str], i: int) -> bool:
    """Line i (not blank) goes on with a table."""
    return bool(_MD_SEPARATOR.match(lines[i].strip())) or _row_at(lines, i, in_table=True) is not None


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
