"""Search of the reports' agency, title and narrative: Datasette's table search (`?_search=`)
and the status page's search box, through one condition (`search_condition`).

A term of 3 or more characters is found through the trigram index, a term of 2 (公开, 复议,
诉讼 — most Chinese words) through the pair index (nianjian/store/fulltext.py); a query holding
a term of one character finds nothing and says that each term needs two. Timed at 100,000
reports in benchmarks/search_bench.py (docs/store.md, "Full-text search").

This module stands in for `datasette.filters` in the app `nianjian serve` builds: Datasette's
`?_where=` and `?_through=` filters are its own, unchanged; only the search filter is wrapped.
"""
from __future__ import annotations

import sqlite3

from datasette import filters as datasette_filters
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_fts

from nianjian.browse.grid import LABELS, query_rows
from nianjian.store import fulltext

where_filters = datasette_filters.where_filters
through_filters = datasette_filters.through_filters


def terms(query: str) -> list[str]:
    return [term.strip('"') for term in query.split() if term.strip('"')]


def too_short(query: str) -> list[str]:
    """The terms of `query` too short to search for."""
    return _too_short(terms(query))


def _too_short(words: list[str]) -> list[str]:
    return [word for word in words if len(word) < fulltext.SHORTEST]


def search_condition(query: str, key: str) -> tuple[str, dict]:
    """Rows whose version id (`key`, an SQL expression) has every term of `query` in its agency,
    title or narrative; none if a term is too short (`too_short`)."""
    words = terms(query)
    if _too_short(words) or not words:
        return "0", {}
    clauses, params = [], {}
    for i, term in enumerate(words):
        index = fulltext.TRIGRAMS if len(term) >= fulltext.TRIGRAM else fulltext.BIGRAMS
        clauses.append(f"{key} IN (SELECT rowid FROM {index} WHERE {index} MATCH :term_{i})")
        params[f"term_{i}"] = escape_fts(term)
    return " AND ".join(clauses), params


def find_reports(conn: sqlite3.Connection, query: str, limit: int = 100) -> list[dict]:
    """The reports whose current version's agency, title or narrative holds `query` (at most
    `limit`, the latest stored first: read in the index's own order, so a word in every report
    stops at `limit` and a rare one reads only its hits), listed newest year first, each with
    a snippet of the text around the first hit."""
    condition, params = search_condition(query, "v.id")
    hits = [dict(row) for row in query_rows(
        conn, f"""SELECT r.id, r.agency, r.year, r.title, v.narrative FROM report_versions v
                  JOIN reports r ON r.id = v.report_id AND r.current_version = v.id
                  WHERE {condition} ORDER BY v.id DESC LIMIT :limit""",
        {**params, "limit": limit})]
    for hit in hits:
        hit["snippet"] = snippet(hit.pop("narrative") or "", terms(query)[0])
    return sorted(hits, key=lambda hit: (-hit["year"], hit["agency"]))


def snippet(text: str, term: str, around: int = 30) -> str:
    at = text.find(term)
    if at < 0:
        return ""
    start, end = max(0, at - around), at + len(term) + around
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


@hookimpl(specname="filters_from_request")
def search_filters(request, database, table, datasette):
    """`?_search=` on the table the two indexes are of; anything else (other tables, a search
    of one column, `_searchmode=raw`) is Datasette's own."""
    query = request.args.get("_search", "")
    if table != fulltext.TABLE or not query.strip() or request.args.get("_searchmode") == "raw":
        return datasette_filters.search_filters(request, database, table, datasette)

    async def inner():
        condition, params = search_condition(query, "id")
        short = too_short(query)
        said = (LABELS["too_short"].format(terms="、".join(short)) if short
                else LABELS["search_matches"].format(query=query))
        return FilterArguments([condition], params, [said], {"supports_search": True, "search": query})

    return inner
