"""Text holding HTML tables: what PDF-to-markdown converters write (the prose as markdown,
each table as an HTML `<table>` with its spans, as MinerU and marker do), and text pages
pasted with their tables' markup. The text around the tables is read by the text front-end,
each table by the HTML front-end, in order."""
from __future__ import annotations

import re

from parsers.document import Document
from parsers.html import read_html
from parsers.text import read_decoded, read_text_str

_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)


def table_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost complete `<table>…</table>` in the text."""
    spans, depth, start = [], 0, 0
    for tag in _TABLE_TAG.finditer(text):
        if not tag.group(1):
            if not depth:
                start = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                spans.append((start, tag.end()))
    return spans


def read_text_with_tables(data: bytes) -> Document:
    """A text document; its HTML tables, if any, read as tables."""
    return read_decoded(data, _text_with_tables)


def _text_with_tables(text: str) -> Document:
    spans = table_spans(text)
    if not spans:
        return read_text_str(text)
    doc, at = Document(), 0
    for start, end in spans + [(len(text), len(text))]:
        around = read_text_str(text[at:start])
        doc.title = doc.title or around.title
        doc.blocks += around.blocks
        if end > start:
            doc.blocks += read_html(text[start:end].encode("utf-8"), content_type="text/html; charset=utf-8").blocks
        at = end
    return doc
