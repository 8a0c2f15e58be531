"""Datasette's table search (`?_search=`), taught short Chinese words.

The full-text index uses FTS5's trigram tokenizer (a run of Chinese characters has no spaces to
split on), so a MATCH finds any substring of three or more characters and nothing shorter: 公开,
复议, 诉讼 — most Chinese words — would silently find nothing. A query with a term shorter than
three characters is answered by substring matching (instr) on the indexed columns instead; longer
queries keep the index. At 100,000 reports the substring scan is measured in
benchmarks/search_bench.py (docs/store.md, "Search").

This module stands in for `datasette.filters` in the app `nianjian serve` builds: Datasette's
`?_where=` and `?_through=` filters are its own, unchanged; only the search filter is wrapped.
"""
from __future__ import annotations

import sqlite3

from datasette import filters as datasette_filters
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_fts, escape_sqlite

from nianjian.browse.grid import query_rows

TRIGRAM = 3          # the shortest term a trigram index can find
_REPORT_TEXT = ("agency", "title", "narrative")     # what report_versions_fts indexes

where_filters = datasette_filters.where_filters
through_filters = datasette_filters.through_filters


def terms(query: str) -> list[str]:
    return [term.strip('"') for term in query.split() if term.strip('"')]


def needs_substring_search(query: str) -> bool:
    found = terms(query)
    return bool(found) and min(len(term) for term in found) < TRIGRAM


def fts_condition(fts_table: str, fts_pk: str, query: str) -> tuple[str, dict]:
    """Rows of the indexed table (`fts_pk`: its key, as an SQL expression) holding every term
    of a query the trigram index can answer."""
    return (f"{fts_pk} IN (SELECT rowid FROM {escape_sqlite(fts_table)} WHERE "
            f"{escape_sqlite(fts_table)} MATCH :match)", {"match": escape_fts(query)})


def substring_condition(columns: list[str], query: str) -> tuple[str, dict]:
    """Rows whose `columns` (SQL column expressions) hold every term of `query`, read from the
    table itself (reading them through an external-content index costs a lookup per row)."""
    found = terms(query)
    each = [" OR ".join(f"instr({column}, :term_{i}) > 0" for column in columns)
            for i in range(len(found))]
    return " AND ".join(f"({clause})" for clause in each), {f"term_{i}": t for i, t in enumerate(found)}


def find_reports(conn: sqlite3.Connection, query: str, limit: int = 100) -> list[dict]:
    """The reports whose current version's agency, title or narrative holds `query`, newest
    year first, each with a snippet of the text around the first hit."""
    if not terms(query):
        return []
    if needs_substring_search(query):
        condition, params = substring_condition([f"v.{c}" for c in _REPORT_TEXT], query)
    else:
        condition, params = fts_condition("report_versions_fts", "v.id", query)
    hits = [dict(row) for row in query_rows(
        conn, f"""SELECT r.id, r.agency, r.year, r.title, v.narrative FROM report_versions v
                  JOIN reports r ON r.current_version = v.id
                  WHERE {condition} ORDER BY r.year DESC, r.agency LIMIT :limit""",
        {**params, "limit": limit})]
    for hit in hits:
        hit["snippet"] = snippet(hit.pop("narrative") or "", terms(query)[0])
    return hits


def snippet(text: str, term: str, around: int = 30) -> str:
    at = text.find(term)
    if at < 0:
        return ""
    start, end = max(0, at - around), at + len(term) + around
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


@hookimpl(specname="filters_from_request")
def search_filters(request, database, table, datasette):
    query = request.args.get("_search", "")
    if not needs_substring_search(query):
        return datasette_filters.search_filters(request, database, table, datasette)

    async def inner():
        metadata = datasette.table_metadata(database, table)
        db = datasette.get_database(database)
        fts_table = metadata.get("fts_table") or await db.fts_table(table)
        if not fts_table:
            return FilterArguments([], extra_context={"supports_search": False})
        columns = set(await db.table_columns(table))
        indexed = [escape_sqlite(c) for c in await db.table_columns(fts_table) if c in columns]
        condition, params = substring_condition(indexed, query)
        return FilterArguments([condition], params,
                               [f'包含 contains "{query}"'], {"supports_search": True, "search": query})

    return inner
