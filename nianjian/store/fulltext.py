"""The two full-text indexes of a report version's agency, title and narrative (docs/store.md,
"Full-text search").

A run of Chinese characters has no spaces, so FTS5's default tokenizer sees it as one word.
`report_versions_fts` (trigram tokenizer) finds any substring of 3 or more characters, but
nothing shorter; most Chinese words (公开, 复议, 诉讼) have two. `report_versions_bigrams` answers
those: the text is cut here, in Python, into its distinct overlapping character pairs
("行政复议" → "行政 政复 复议"), which the `unicode61` tokenizer indexes as words. It is
contentless and `detail=none` (which rows hold a pair, no positions): a two-character term is
one token, so that is all a query needs, and the index stays a fraction of the trigram one.

Both are filled by the store in one statement each per transaction (`index_versions`); the
SQL function `nianjian_bigrams` is registered on every connection nianjian opens (`register`),
which the pair index's delete/update triggers (nianjian/store/schema.py) call.
"""
from __future__ import annotations

import re
import sqlite3

TABLE = "report_versions"          # the table both index
TRIGRAMS = "report_versions_fts"
BIGRAMS = "report_versions_bigrams"
SHORTEST = 2          # a term of one character is not searched (docs/store.md)
TRIGRAM = 3           # the shortest term the trigram index finds
_RUN = re.compile(r"[^\W_]+")      # letters and digits: what unicode61 keeps as a word


def bigrams(*texts: str | None) -> str:
    """The distinct pairs of adjacent letters or digits in `texts`, space separated (a pair
    never spans punctuation or a space, as a trigram match would not either)."""
    pairs = {run[i:i + 2] for text in texts if text for run in _RUN.findall(text)
             for i in range(len(run) - 1)}
    return " ".join(sorted(pairs))


def register(conn: sqlite3.Connection) -> None:
    conn.create_function("nianjian_bigrams", -1, bigrams, deterministic=True)


_INSERTS = {
    TRIGRAMS: f"INSERT INTO {TRIGRAMS} (rowid, agency, title, narrative) "
              f"SELECT id, agency, title, narrative FROM {TABLE} WHERE id >= ?",
    BIGRAMS: f"INSERT INTO {BIGRAMS} (rowid, pairs) "
             f"SELECT id, nianjian_bigrams(agency, title, narrative) FROM {TABLE} WHERE id >= ?",
}


def index_versions(conn: sqlite3.Connection, first_id: int, indexes=(TRIGRAMS, BIGRAMS)) -> None:
    """Index the versions whose id is `first_id` or later (those added since the last commit)."""
    for index in indexes:
        conn.execute(_INSERTS[index], [first_id])
