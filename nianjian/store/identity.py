"""A version's identity: what the report says, never the bytes it came in (docs/store.md,
"Versions and idempotence").

Two documents are the same version when they give the same agency, year, title, cells and
narrative. Title and narrative are compared by their letters and digits only (NFKC first), so a
re-served page — counters and nonces outside the article, a new template, whitespace and
`&nbsp;` reflow, full- or half-width punctuation, another encoding, a re-saved PDF — is the
version already stored, while any figure, word or year changed is a new one.

Of the narrative only its prose counts: lines holding a sentence's end (。！？；), and lines of a
sentence wrapped over lines (a PDF's) — holding a clause mark (，、) and followed by prose.
Where a page has no article container the parser's narrative also holds the page's chrome (a
view counter, today's date, 相关文章 links, a footer), which is no sentence of the report.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from typing import Iterable


def plain_text(text: str | None) -> str:
    """The letters and digits of a text (NFKC: full-width forms as their half-width ones)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "")
                   if unicodedata.category(c)[0] in "LN")


_SENTENCE_ENDS = frozenset("。!?;")       # after NFKC: ！？；， are !?;,
_CLAUSE_MARKS = frozenset(",、")


def sentences(narrative: str | None) -> str:
    """The narrative's prose lines (see above), letters and digits only."""
    prose, follows = [], False
    for line in reversed(unicodedata.normalize("NFKC", narrative or "").splitlines()):
        follows = bool(_SENTENCE_ENDS.intersection(line)) or (follows and bool(_CLAUSE_MARKS.intersection(line)))
        if follows:
            prose.append(line)
    return plain_text("\n".join(reversed(prose)))


def content_key(agency: str, year: int, title: str | None, cells: Iterable[tuple[str, object]],
                narrative: str | None) -> str:
    """`cells`: (key, value) of every cell stored (value None for a blank)."""
    said = [agency, year, plain_text(title), sorted(cells), sentences(narrative)]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode("utf-8")).hexdigest()


def stored_key(conn: sqlite3.Connection, version_id: int) -> str:
    """The identity of a stored version, from its row and its cells."""
    agency, year, title, narrative = conn.execute(
        "SELECT agency, year, title, narrative FROM report_versions WHERE id = ?", [version_id]).fetchone()
    cells = conn.execute("SELECT key, value FROM cells WHERE version_id = ?", [version_id]).fetchall()
    return content_key(agency, year, title, [tuple(c) for c in cells], narrative)


def backfill(conn: sqlite3.Connection) -> None:
    """The identities of versions stored before they were kept (schema 13)."""
    ids = [row[0] for row in conn.execute("SELECT id FROM report_versions WHERE content_key IS NULL")]
    conn.executemany("UPDATE report_versions SET content_key = ? WHERE id = ?",
                     [(stored_key(conn, version_id), version_id) for version_id in ids])
