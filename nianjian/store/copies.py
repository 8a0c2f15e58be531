"""The index the copied-text rule's candidates come from (docs/store.md, "Copied text").

Every stored version keeps its narrative's MinHash signature (`narrative_signatures`); every
report's current version has its LSH band keys in `narrative_bands`. A report to check is held
only against the reports of its year that share a band key with it and whose signatures
estimate them near a threshold: a few rows read by index, however many reports are stored.
"""
from __future__ import annotations

import sqlite3

from nianjian.checks.copied import Signature, signature
from parsers.record import Report


def index_version(conn: sqlite3.Connection, version_id: int, narrative: str) -> None:
    """Keep a new version's signature (nothing for a narrative too short to compare)."""
    sig = signature(narrative)
    if sig is not None:
        conn.execute("INSERT OR REPLACE INTO narrative_signatures (version_id, shingles, signature) "
                     "VALUES (?, ?, ?)", (version_id, sig.count, sig.to_bytes()))


def _signature_of(conn: sqlite3.Connection, version_id: int | None) -> Signature | None:
    if version_id is None:
        return None
    row = conn.execute("SELECT shingles, signature FROM narrative_signatures WHERE version_id = ?",
                       (version_id,)).fetchone()
    return Signature.from_bytes(*row) if row else None


def make_current(conn: sqlite3.Connection, report_id: int, year: int, old_version: int | None,
                 new_version: int) -> None:
    """The report's band keys follow its current version."""
    old = _signature_of(conn, old_version)
    if old is not None:
        conn.executemany("DELETE FROM narrative_bands WHERE year = ? AND band = ? AND report_id = ?",
                         [(year, band, report_id) for band in old.bands()])
    new = _signature_of(conn, new_version)
    if new is not None:
        conn.executemany("INSERT OR IGNORE INTO narrative_bands (year, band, report_id) VALUES (?, ?, ?)",
                         [(year, band, report_id) for band in new.bands()])


def likely_copies(conn: sqlite3.Connection, agency: str, year: int, narrative: str,
                  limit: int = 20) -> list[Report]:
    """Other agencies' current reports of `year` that may be copies of `narrative` (or it of
    them), most similar first, with title and narrative: what the copied-text rule reads."""
    mine = signature(narrative)
    if mine is None:
        return []
    bands = mine.bands()
    rows = conn.execute(
        f"""SELECT DISTINCT r.current_version, s.shingles, s.signature
            FROM narrative_bands b JOIN reports r ON r.id = b.report_id
            JOIN narrative_signatures s ON s.version_id = r.current_version
            WHERE b.year = ? AND b.band IN ({", ".join("?" * len(bands))}) AND r.agency != ?""",
        (year, *bands, agency)).fetchall()
    scored = []
    for version_id, count, data in rows:
        theirs = Signature.from_bytes(count, data)
        if mine.likely_copy(theirs):
            scored.append((-sum(a == b for a, b in zip(mine.mins, theirs.mins)), version_id))
    chosen = [version_id for _, version_id in sorted(scored)[:limit]]
    if not chosen:
        return []
    found = {version_id: Report(agency=name, year=year, title=title, narrative=text or "")
             for version_id, name, title, text in conn.execute(
                 f"SELECT id, agency, title, narrative FROM report_versions WHERE id IN "
                 f"({', '.join('?' * len(chosen))})", chosen)}
    return [found[version_id] for version_id in chosen]


def backfill(conn: sqlite3.Connection) -> None:
    """Signatures of the versions stored before the index existed, and their reports' bands."""
    # Read row by row (the cursor, not fetchall): a large database's narratives need not fit in memory.
    for version_id, narrative in conn.execute(
            "SELECT id, narrative FROM report_versions WHERE narrative IS NOT NULL"):
        index_version(conn, version_id, narrative)
    for report_id, year, version_id in conn.execute(
            "SELECT id, year, current_version FROM reports WHERE current_version IS NOT NULL").fetchall():
        make_current(conn, report_id, year, None, version_id)
