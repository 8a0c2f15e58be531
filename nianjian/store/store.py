"""`Store`: the one object that reads and writes the nianjian database (docs/design.md)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import sqlite_utils

from nianjian import clock
from nianjian.errors import UserError
from nianjian.store import copies, fulltext, identity, leases
from nianjian.store.schema import DatabaseLocked, connect, migrate
from nianjian.urls import canonical_url
from parsers.record import READABILITY, Problem, Report, reading
from parsers.template import TEMPLATE

# The documents columns a fetch may update; a None in a later fetch (e.g. a 304) keeps the old value.
# A source's outcome in a crawl (`source_runs.status`); anything but ok counts for source_failing.
SOURCE_STATUSES = ("ok", "partial", "failed", "blocked", "needs_browser")
_DOCUMENT_FIELDS = ("final_url", "status", "content_type", "encoding", "size", "content_hash",
                    "etag", "last_modified", "outcome", "error")


@dataclass(frozen=True)
class SaveResult:
    report_id: int
    version_id: int
    created: bool        # first time this (agency, year) is stored
    new_version: bool    # an existing report's current content changed
    errors: int = 0      # error findings of the version now current
    kept: bool = False   # not stored: the current version was read better (unreadable / partly read)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


_FINDING_FIELDS = ("rule", "severity", "cells", "expected", "actual", "message_zh", "message_en",
                   "assessable")
_INSERT_FETCH = (f"INSERT INTO fetches (run_id, source_id, url, {', '.join(_DOCUMENT_FIELDS)}, elapsed_ms, "
                 f"rendered, fetched_at) VALUES ({', '.join('?' for _ in range(len(_DOCUMENT_FIELDS) + 6))})")


def _finding_dict(finding: Any) -> dict:
    """Accept `Finding` objects or their `to_dict()` form."""
    data = finding.to_dict() if hasattr(finding, "to_dict") else dict(finding)
    return {
        "rule": data["rule"],
        "severity": data["severity"],
        "cells": _json(list(data.get("cells") or [])),
        "expected": _json(data.get("expected")),
        "actual": _json(data.get("actual")),
        "message_zh": data.get("message_zh"),
        "message_en": data.get("message_en"),
        "assessable": 0 if data.get("assessable") is False else 1,
    }


def _t3_row(report: Report, row: str) -> str | None:
    """The 7 values of one t3 row as a JSON array, blanks read as 0 (spec §3); None if absent."""
    keys = [f"t3.{row}.{col}" for col in TEMPLATE.t3_columns]
    if not any(key in report.cells for key in keys):
        return None
    return json.dumps([report.cells.get(key) or 0 for key in keys])


def _parse_status(report: Report) -> str:
    if report.unreadable:
        return "unreadable"
    if not report.cells:
        return "empty"
    return "problems" if report.problems else "ok"


def _cell_rows(report: Report) -> list[tuple]:
    """(key, tbl, row, col, value, raw) of every cell read, a blank's value None."""
    rows = []
    for key in sorted(set(report.cells) | set(report.raw_cells)):
        tbl, _, rest = key.partition(".")
        row, _, col = rest.partition(".")
        rows.append((key, tbl, row, col, report.cells.get(key), report.raw_cells.get(key)))
    return rows


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._unindexed: list[int] = []       # versions added in this transaction, not yet searchable
        if self.path.is_dir():
            raise UserError.said("db_is_a_directory", path=self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db: sqlite_utils.Database = connect(str(self.path))
            migrate(self.db)
        except DatabaseLocked:
            raise
        except (OSError, sqlite_utils.db.sqlite3.DatabaseError) as error:
            raise UserError.said("cannot_open_db", path=self.path, error=error) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions
    def _transaction(self):
        return _Transaction(self)

    def batch(self):
        """One transaction around many writes (`with store.batch(): …`): a writer storing
        many reports commits once. Each write inside is a savepoint, so one that fails rolls
        back alone and the others still commit."""
        return _Transaction(self)

    def _index_new_versions(self) -> None:
        """The full-text indexes of the versions added in this transaction, one statement each
        just before it commits: off each report's own path, current at every commit."""
        if self._unindexed:
            fulltext.index_versions(self.db.conn, min(self._unindexed))
            self._unindexed.clear()

    # ------------------------------------------------------------------ runs
    def start_run(self, kind: str) -> int:
        """A `running` run owned by this process; runs left `running` by dead processes are
        marked `interrupted` first."""
        with self._transaction():
            self.recover_runs()
            return self.db["runs"].insert({"kind": kind, "started_at": clock.isoformat(),
                                           "status": "running", "errors": 0,
                                           "owner": leases.owner_token()}).last_pk

    def recover_runs(self) -> list[int]:
        """Mark `interrupted` the running runs whose process is gone (killed by kill -9, a power
        cut); return their ids. Takes the write lock, so it also proves the database writable."""
        with self._transaction():
            dead = [run_id for run_id, owner in self.db.execute(
                "SELECT id, owner FROM runs WHERE status = 'running'").fetchall()
                if leases.alive(owner) is False]
            for run_id in dead:
                self.db.execute("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE id = ?",
                                [clock.isoformat(), run_id])
        return dead

    def finish_run(self, run_id: int, status: str, counts: dict, errors: int) -> None:
        with self._transaction():
            self.db["runs"].update(run_id, {"finished_at": clock.isoformat(), "status": status,
                                            "counts": _json(counts), "errors": errors})

    # ------------------------------------------------------------------ leases
    def take_lease(self, name: str, seconds: float) -> str:
        """Take the named lease for this process; returns its token. LeaseHeld (with the
        holder's row) while a live holder, or one on another host before `expires_at`, has it."""
        with self._transaction():
            row = self.db.execute("SELECT owner, token, acquired_at, expires_at FROM leases "
                                  "WHERE name = ?", [name]).fetchone()
            if row:
                holder = dict(zip(("owner", "token", "acquired_at", "expires_at"), row))
                if leases.held_elsewhere(holder, leases.wall_stamp()):
                    raise LeaseHeld(holder)
            token = uuid.uuid4().hex
            self.db.execute("INSERT OR REPLACE INTO leases (name, owner, token, acquired_at, expires_at) "
                            "VALUES (?, ?, ?, ?, ?)", [name, leases.owner_token(), token,
                                                       leases.wall_stamp(), leases.wall_stamp(seconds)])
        leases.hold(token)
        return token

    def release_lease(self, name: str, token: str) -> None:
        leases.let_go(token)          # first: a failed delete still leaves it free for others here
        with self._transaction():
            self.db.execute("DELETE FROM leases WHERE name = ? AND token = ?", [name, token])

    # ------------------------------------------------------------------ spools
    def spool_applied(self, spool: str) -> int:
        """The id of the last message of spool file `spool` (its identity) applied here."""
        row = self.db.execute("SELECT applied_through FROM spool_progress WHERE spool = ?", [spool]).fetchone()
        return row[0] if row else 0

    def set_spool_applied(self, spool: str, through: int) -> None:
        """Called inside the batch that applied the messages, so both commit or neither."""
        with self._transaction():
            self.db.conn.execute("INSERT INTO spool_progress (spool, applied_through) VALUES (?, ?) "
                                 "ON CONFLICT (spool) DO UPDATE SET applied_through = excluded.applied_through",
                                 [spool, through])

    # ------------------------------------------------------------------ agencies
    def sync_agencies(self, sources: Iterable) -> None:
        """Upsert the agencies of a sources file; an agency listed by several sources keeps
        every portal URL."""
        now = clock.isoformat()
        with self._transaction():
            for source in sources:
                for agency in source.agencies:
                    existing = self.db.execute(
                        "SELECT portal_urls FROM agencies WHERE name = ?", [agency.name]).fetchone()
                    urls = json.loads(existing[0]) if existing and existing[0] else []
                    if source.url not in urls:
                        urls.append(source.url)
                    self.db["agencies"].upsert({
                        "name": agency.name, "level": agency.level, "region": agency.region,
                        "parent": agency.parent, "first_year": agency.first_year,
                        "deadline": agency.deadline, "aliases": _json(list(agency.aliases)),
                        "source_id": source.id, "portal_urls": _json(urls), "updated_at": now,
                    }, pk="name")

    def ensure_agency(self, name: str) -> None:
        """An agency met outside any sources file (e.g. `nianjian ingest --agency`)."""
        self.db.execute("INSERT OR IGNORE INTO agencies (name, updated_at) VALUES (?, ?)",
                        [name, clock.isoformat()])

    def agencies(self) -> list[dict]:
        return list(self.db.query("SELECT * FROM agencies ORDER BY name"))

    # ------------------------------------------------------------------ fetches
    def record_fetch(self, run_id: int | None, source_id: str | None, url: str, *,
                     final_url: str | None = None, status: int | None = None,
                     content_type: str | None = None, encoding: str | None = None,
                     size: int | None = None, content_hash: str | None = None,
                     etag: str | None = None, last_modified: str | None = None,
                     outcome: str | None = None, error: str | None = None,
                     elapsed_ms: int | None = None, rendered: str | None = None) -> None:
        """`fetches` keeps the URL as asked; `documents` is keyed by the document's canonical URL,
        so every spelling of one page shares its validators and its rotation night."""
        values = {"final_url": final_url, "status": status, "content_type": content_type,
                  "encoding": encoding, "size": size, "content_hash": content_hash, "etag": etag,
                  "last_modified": last_modified, "outcome": outcome, "error": error}
        now = clock.isoformat()
        with self._transaction():
            self.db.conn.execute(_INSERT_FETCH, [run_id, source_id, url, *(values[f] for f in _DOCUMENT_FIELDS),
                                                 elapsed_ms, rendered, now])
            assignments = ", ".join(f"{f} = COALESCE(excluded.{f}, {f})" for f in _DOCUMENT_FIELDS
                                    if f not in ("outcome", "error", "status"))
            # status, outcome and error describe the latest fetch, so they are always replaced.
            # A redirect's target is known too: a link straight to it next time asks conditionally.
            # (Only a web address: a browser's failed navigation ends at chrome-error://….)
            served = final_url if status is not None and (200 <= status < 300 or status == 304) \
                and (final_url or "").startswith(("http://", "https://")) else None
            for key in dict.fromkeys(canonical_url(u) for u in (url, served) if u):
                self.db.execute(
                    f"""INSERT INTO documents (url, {', '.join(_DOCUMENT_FIELDS)}, first_fetched, last_fetched)
                        VALUES (?, {', '.join('?' for _ in _DOCUMENT_FIELDS)}, ?, ?)
                        ON CONFLICT (url) DO UPDATE SET {assignments}, status = excluded.status,
                          outcome = excluded.outcome, error = excluded.error,
                          last_fetched = excluded.last_fetched""",
                    [key, *(values[f] for f in _DOCUMENT_FIELDS), now, now])

    def known_document(self, url: str) -> dict | None:
        row = self.db.execute(
            "SELECT etag, last_modified, content_hash, final_url, last_fetched, outcome FROM documents "
            "WHERE url = ?", [canonical_url(url)]).fetchone()
        if row is None:
            return None
        return dict(zip(("etag", "last_modified", "content_hash", "final_url", "last_fetched",
                         "outcome"), row))

    def record_source_run(self, run_id: int | None, source_id: str, *, status: str,
                          lists: int = 0, reports: int = 0, errors: int = 0,
                          message: str | None = None) -> None:
        if status not in SOURCE_STATUSES:
            raise ValueError(f"source run status {status!r} is not one of {', '.join(SOURCE_STATUSES)}")
        with self._transaction():
            self.db["source_runs"].insert({
                "run_id": run_id, "source_id": source_id, "status": status, "lists": lists,
                "reports": reports, "errors": errors, "message": message,
                "recorded_at": clock.isoformat()})

    # ------------------------------------------------------------------ documents not placed
    def record_unplaced(self, url: str, *, title: str | None, agency: str | None, year: int | None,
                        agencies: Sequence[str],
                        years: Sequence[int] | None, why: str, published: str | None = None,
                        seen_at: datetime | None = None, run_id: int | None = None) -> None:
        """A report read but not placed (agency or year unsure or unnamed), with the agencies
        and years it may be of; seen again, its reading replaces the old one."""
        seen = clock.isoformat(seen_at)
        with self._transaction():
            self.db.execute(
                """INSERT INTO unplaced (url, title, agency, year, agencies, years, why, published,
                                         first_seen, last_seen, run_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET title = excluded.title, agency = excluded.agency,
                     year = excluded.year, agencies = excluded.agencies,
                     years = excluded.years, why = excluded.why, published = excluded.published,
                     last_seen = excluded.last_seen, run_id = excluded.run_id""",
                [url, title, agency, year, _json(list(agencies)), None if years is None else _json(list(years)), why,
                 published, seen, seen, run_id])

    def forget_unplaced(self, url: str) -> None:
        """The document at `url` is placed now (or no report): it no longer stands unplaced."""
        with self._transaction():
            self.db.execute("DELETE FROM unplaced WHERE url = ?", [url])

    def unplaced(self) -> list[dict]:
        """Reports read but not placed, their agencies and years decoded (years None: any)."""
        return [{**row, "agencies": json.loads(row["agencies"]),
                 "years": None if row["years"] is None else json.loads(row["years"])}
                for row in self.db.query("SELECT * FROM unplaced ORDER BY first_seen, url")]

    # ------------------------------------------------------------------ reports
    def save_report(self, *, agency: str, year: int, url: str | None, report: Report,
                    findings: Sequence, content_hash: str, seen_at: datetime | None = None,
                    run_id: int | None = None) -> SaveResult:
        """Store one report for (agency, year). The same content again changes nothing but the
        times it was last seen; different content adds a version and makes it current, except
        that a document nianjian read less of (unreadable, partly read) never replaces one it read
        better (`kept`)."""
        seen = clock.isoformat(seen_at)
        rows = [_finding_dict(f) for f in findings]
        with self._transaction():
            existing = self.db.execute(
                "SELECT id, current_version FROM reports WHERE agency = ? AND year = ?",
                [agency, year]).fetchone()
            created = existing is None
            if created:
                self.ensure_agency(agency)
                report_id = self.db.conn.execute(
                    "INSERT INTO reports (agency, year, first_seen, last_seen, parse_status) "
                    "VALUES (?, ?, ?, ?, ?)", [agency, year, seen, seen, _parse_status(report)]).lastrowid
                previous_current = None
            else:
                report_id, previous_current = existing
                if READABILITY.index(report.readability) < self._readability(previous_current):
                    errors = self.db.execute("SELECT errors FROM reports WHERE id = ?",
                                             [report_id]).fetchone()[0]
                    return SaveResult(report_id, previous_current, False, False, errors, kept=True)
            version_id = self._version(report_id, agency, year, url, report, content_hash, seen,
                                       run_id)
            if version_id != previous_current:
                copies.make_current(self.db.conn, report_id, year, previous_current, version_id)
            self._replace_findings(report_id, version_id, rows)
            errors = [r["rule"] for r in rows if r["severity"] == "error"]
            self.db.conn.execute(
                """UPDATE reports SET title = ?, url = ?, template = ?, published = ?, last_seen = ?,
                     parse_status = ?, current_version = ?,
                     versions = (SELECT COUNT(*) FROM report_versions WHERE report_id = reports.id),
                     errors = ?, warnings = ?, error_rules = ?, carried_in = ?, carried_out = ?
                   WHERE id = ?""",
                [report.title, url, report.template, report.published, seen, _parse_status(report),
                 version_id, len(errors), sum(r["severity"] == "warning" for r in rows),
                 ",".join(sorted(set(errors))) or None, _t3_row(report, "carried_in"),
                 _t3_row(report, "carried_out"), report_id])
        return SaveResult(report_id, version_id, created,
                          new_version=not created and previous_current != version_id,
                          errors=len(errors))

    def _readability(self, version_id: int | None) -> int:
        """The current version's rank in READABILITY (-1 without one)."""
        row = self.db.execute("SELECT cell_count, problems FROM report_versions WHERE id = ?",
                              [version_id]).fetchone()
        return -1 if row is None else READABILITY.index(version_readability(*row))

    def _version(self, report_id: int, agency: str, year: int, url: str | None, report: Report,
                 content_hash: str, seen: str, run_id: int | None) -> int:
        cells = _cell_rows(report)
        key = identity.content_key(agency, year, report.title, [(row[0], row[4]) for row in cells],
                                   report.narrative)
        # The same bytes, or the same report in other bytes (a re-served page): the same version,
        # unless this reading of it is the better one (a part missing before is here now).
        found = self.db.execute(
            "SELECT id, content_hash = ?, cell_count, problems FROM report_versions "
            "WHERE report_id = ? AND (content_hash = ? OR content_key = ?) "
            "ORDER BY content_hash = ? DESC, version DESC LIMIT 1",
            [content_hash, report_id, content_hash, key, content_hash]).fetchone()
        if found and not found[1] and (READABILITY.index(version_readability(*found[2:]))
                                       < READABILITY.index(report.readability)):
            found = None
        if found:
            self.db.execute("UPDATE report_versions SET last_seen = ? WHERE id = ?", [seen, found[0]])
            return found[0]
        number = self.db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM report_versions "
                                 "WHERE report_id = ?", [report_id]).fetchone()[0]
        version_id = self.db.conn.execute(
            """INSERT INTO report_versions (report_id, version, agency, year, content_hash, content_key,
                 title, url, template, published, sections, problems, narrative, cell_count, first_seen,
                 last_seen, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [report_id, number, agency, year, content_hash, key, report.title, url, report.template,
             report.published, _json(list(report.sections)),
             _json([p.to_dict() for p in report.problems]), report.narrative, len(report.cells),
             seen, seen, run_id]).lastrowid
        self._unindexed.append(version_id)
        # A report has ~200 cells: one prepared statement, not sqlite-utils' per-row type handling
        # (which made this the bulk of the time of storing a report; see the store benchmark).
        self.db.conn.executemany("INSERT INTO cells (version_id, key, tbl, row, col, value, raw) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)", [(version_id, *row) for row in cells])
        copies.index_version(self.db.conn, version_id, report.narrative)
        return version_id

    def _replace_findings(self, report_id: int, version_id: int, rows: list[dict]) -> None:
        """Findings belong to a version; re-checking it (e.g. once last year's report arrives)
        replaces them, and identical findings leave the table untouched."""
        stored = [dict(zip(_FINDING_FIELDS, row)) for row in self.db.execute(
            f"SELECT {', '.join(_FINDING_FIELDS)} FROM findings WHERE version_id = ? ORDER BY id",
            [version_id])]
        if stored == rows:
            return
        self.db.execute("DELETE FROM findings WHERE version_id = ?", [version_id])
        self.db.conn.executemany(
            f"INSERT INTO findings (report_id, version_id, {', '.join(_FINDING_FIELDS)}) "
            f"VALUES (?, ?, {', '.join('?' for _ in _FINDING_FIELDS)})",
            [(report_id, version_id, *(row[f] for f in _FINDING_FIELDS)) for row in rows])

    def report_id(self, agency: str, year: int) -> int | None:
        row = self.db.execute("SELECT id FROM reports WHERE agency = ? AND year = ?",
                              [agency, year]).fetchone()
        return row[0] if row else None

    def report(self, agency: str, year: int) -> Report | None:
        """The current version of (agency, year) rebuilt as a `Report`, or None."""
        row = self.db.execute(
            """SELECT v.id, v.agency, v.year, v.title, v.template, v.published, v.sections,
                      v.problems, v.narrative
               FROM reports r JOIN report_versions v ON v.id = r.current_version
               WHERE r.agency = ? AND r.year = ?""", [agency, year]).fetchone()
        if row is None:
            return None
        version_id, agency, year, title, template, published, sections, problems, narrative = row
        cells, raw = {}, {}
        for key, value, text in self.db.execute(
                "SELECT key, value, raw FROM cells WHERE version_id = ?", [version_id]):
            cells[key] = value
            if text is not None:
                raw[key] = text
        return Report(agency=agency, year=year, title=title, template=template,
                      published=published, sections=json.loads(sections or "[]"), cells=cells,
                      problems=[Problem(p["code"], p["detail"]) for p in json.loads(problems or "[]")],
                      raw_cells=raw, narrative=narrative or "")

    def previous_report(self, agency: str, year: int) -> Report | None:
        """Last year's report (year - 1) of the same agency: what the cross-year rules compare."""
        return self.report(agency, year - 1)

    def likely_copies(self, agency: str, year: int, narrative: str) -> list[Report]:
        """Other agencies' current reports of the same year whose narratives may be copies of
        this one (the band index, nianjian/store/copies.py), for the copied-text rule. They
        carry title and narrative only: that rule reads nothing else."""
        return copies.likely_copies(self.db.conn, agency, year, narrative)

    def reports(self, *, agency: str | None = None, year: int | None = None) -> list[dict]:
        where, params = _filters(agency=agency, year=year)
        return list(self.db.query(f"SELECT * FROM reports {where} ORDER BY agency, year", params))

    def findings(self, *, report_id: int | None = None, agency: str | None = None,
                 year: int | None = None, severity: str | None = None) -> list[dict]:
        """Findings of current versions (the `current_findings` view)."""
        where, params = _filters(report_id=report_id, agency=agency, year=year, severity=severity)
        return list(self.db.query(f"SELECT * FROM current_findings {where} ORDER BY id", params))

    def versions(self, report_id: int) -> list[dict]:
        return list(self.db.query("SELECT * FROM report_versions WHERE report_id = ? ORDER BY version",
                                  [report_id]))


def version_readability(cell_count: int, problems: str | None) -> str:
    """How much of a stored version (its `cell_count` and `problems` JSON) was read, by the
    parser's own definition (parsers.record.reading)."""
    stored = [Problem(p["code"], p["detail"]) for p in json.loads(problems or "[]")]
    return reading(stored, cell_count > 0)[0]


def _filters(**equal) -> tuple[str, list]:
    pairs = [(k, v) for k, v in equal.items() if v is not None]
    if not pairs:
        return "", []
    return "WHERE " + " AND ".join(f"{k} = ?" for k, _ in pairs), [v for _, v in pairs]


class LeaseHeld(Exception):
    def __init__(self, holder: dict):
        super().__init__(f"held by {holder['owner']} since {holder['acquired_at']}")
        self.holder = holder


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT. IMMEDIATE takes the write lock up front, so a read-then-write
    waits for a concurrent writer (busy timeout) instead of failing. Inside another transaction
    (a batch) it is a savepoint: a failed write rolls back alone. The full-text index of the
    transaction's new versions is written just before COMMIT."""

    def __init__(self, store: "Store"):
        self.store = store
        self.conn = store.db.conn
        self.savepoint: str | None = None

    def __enter__(self):
        if self.conn.in_transaction:
            self.savepoint = f"write_{id(self)}"
            self.conn.execute(f"SAVEPOINT {self.savepoint}")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.savepoint is not None:
            if exc_type:
                self.conn.execute(f"ROLLBACK TO {self.savepoint}")
            self.conn.execute(f"RELEASE {self.savepoint}")
            return
        if exc_type is None:
            try:
                self.store._index_new_versions()
                self.conn.execute("COMMIT")
                return
            except BaseException:
                self.store._unindexed.clear()
                self.conn.execute("ROLLBACK")
                raise
        self.store._unindexed.clear()
        self.conn.execute("ROLLBACK")
