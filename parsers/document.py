"""The neutral document every input format is turned into before the report is read.

Front-ends (HTML, text, PDF, DOCX) produce a `Document`: an ordered list of blocks, each a
paragraph of text or a table already expanded to a full grid (rowspan/colspan copied into
every cell they cover, so labels can be read row by row). The report reader only sees this.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    rows: list[list[str]]
    # For each grid cell, whether it is the origin of a merged cell (True) or a copy made by
    # span expansion (False). Empty when the front-end had no spans (text tables).
    origin: list[list[bool]] = field(default_factory=list)


Block = Union[Paragraph, Table]

# The text of a cell a front-end could not read surely (OCR): the reader leaves it absent,
# never a value and never a blank.
UNREAD = "\ufffd"


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None          # <title>/ArticleTitle/h1, when the format has one
    # The page's other title places (h1, <title>) besides `title`: they should name the same
    # report, and where they do not, its year or organ is not sure.
    other_titles: list[str] = field(default_factory=list)
    published: str | None = None      # ISO date read from page metadata, when the format has one
    # Problems met while reading the format (encoding, unsupported, truncated): (code, detail)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # The text as printed, for a plain-text document: its cells may have run together (flattened
    # text), which the line-by-line blocks cannot show.
    text: str | None = None
    # Where the page's pictures that may be tables stand (HTML): for each, in order, the index
    # of the block it comes before; their OCR'd blocks go there (parsers.parse(…, pictures=)).
    picture_places: list[int] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[str]:
        """The text of each paragraph, in order."""
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]
