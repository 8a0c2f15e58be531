"""The database schema as ordered migrations, plus the derived objects (views) rebuilt on open.

`PRAGMA user_version` holds the number of migrations applied. A newer nianjian opens an older
database by applying the missing migrations in order, inside one transaction each; migrations
never drop data. A database made by a newer nianjian than this one is refused (UserError), not
guessed at.
"""
from __future__ import annotations

import os
import sqlite3

import sqlite_utils

from nianjian.errors import UserError
from nianjian.store import copies, fulltext, identity
from nianjian.store.views import VIEWS

# The tables of docs/design.md. Types are SQLite affinities; `cells.value` is NUMERIC so counts
# come back as int and 万元 amounts as float.
_TABLES = """
CREATE TABLE agencies (
    name        TEXT PRIMARY KEY,
    level       TEXT,                 -- department | government | township (NULL: not in a sources file)
    region      TEXT,
    parent      TEXT,
    first_year  INTEGER,
    deadline    TEXT,                 -- MM-DD of year N+1 overriding the legal deadline
    aliases     TEXT,                 -- JSON list
    source_id   TEXT,
    portal_urls TEXT,                 -- JSON list of the source URLs that list this agency
    updated_at  TEXT
);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,        -- crawl | ingest | monitor | ...
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,        -- running | ok | failed | ...
    counts      TEXT,                 -- JSON object
    errors      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE documents (
    url           TEXT PRIMARY KEY,
    final_url     TEXT,
    status        INTEGER,
    content_type  TEXT,
    encoding      TEXT,
    size          INTEGER,
    content_hash  TEXT,
    etag          TEXT,
    last_modified TEXT,
    outcome       TEXT,
    error         TEXT,
    first_fetched TEXT NOT NULL,
    last_fetched  TEXT NOT NULL
);
CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER REFERENCES runs(id),
    source_id     TEXT,
    url           TEXT NOT NULL,
    final_url     TEXT,
    status        INTEGER,
    content_type  TEXT,
    encoding      TEXT,
    size          INTEGER,
    content_hash  TEXT,
    etag          TEXT,
    last_modified TEXT,
    outcome       TEXT,
    error         TEXT,
    fetched_at    TEXT NOT NULL
);
CREATE TABLE source_runs (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER REFERENCES runs(id),
    source_id   TEXT NOT NULL,
    status      TEXT NOT NULL,        -- ok | failed | blocked
    lists       INTEGER,
    reports     INTEGER,
    errors      INTEGER,
    message     TEXT,
    recorded_at TEXT NOT NULL
);
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    agency          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    title           TEXT,
    url             TEXT,
    template        TEXT,
    published       TEXT,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    parse_status    TEXT NOT NULL,    -- ok | problems | empty
    current_version INTEGER,
    versions        INTEGER NOT NULL DEFAULT 1,
    errors          INTEGER NOT NULL DEFAULT 0,   -- error findings of the current version
    warnings        INTEGER NOT NULL DEFAULT 0,
    error_rules     TEXT,             -- the rules behind those errors, comma separated
    carried_in      TEXT,             -- JSON [7 values] of t3.carried_in, for the carry-over query
    carried_out     TEXT,             -- JSON [7 values] of t3.carried_out
    UNIQUE (agency, year)
);
CREATE TABLE report_versions (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    version      INTEGER NOT NULL,
    agency       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title        TEXT,
    url          TEXT,
    template     TEXT,
    published    TEXT,
    sections     TEXT,                -- JSON list
    problems     TEXT,                -- JSON list of {code, detail}
    narrative    TEXT,
    cell_count   INTEGER NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    run_id       INTEGER REFERENCES runs(id),
    UNIQUE (report_id, content_hash)
);
CREATE TABLE cells (
    version_id INTEGER NOT NULL REFERENCES report_versions(id),
    key        TEXT NOT NULL,         -- t3.new.natural
    tbl        TEXT NOT NULL,         -- t2 | t3 | t4
    row        TEXT NOT NULL,
    col        TEXT NOT NULL,
    value      NUMERIC,               -- NULL: the cell exists but holds no number
    raw        TEXT,                  -- the text as printed
    PRIMARY KEY (version_id, key)
) WITHOUT ROWID;
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    version_id  INTEGER NOT NULL REFERENCES report_versions(id),
    rule        TEXT NOT NULL,
    severity    TEXT NOT NULL,        -- error | warning | info
    cells       TEXT,                 -- JSON list of cell keys
    expected    TEXT,                 -- JSON
    actual      TEXT,                 -- JSON
    message_zh  TEXT,
    message_en  TEXT,
    assessable  INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE, -- missing|涧西区人民政府|2024
    kind        TEXT NOT NULL,        -- missing | late | inconsistent | changed | source_failing
    agency      TEXT,
    year        INTEGER,
    state       TEXT NOT NULL,        -- open | resolved
    opened_at   TEXT NOT NULL,
    resolved_at TEXT,
    details     TEXT,                 -- JSON
    updated_at  TEXT NOT NULL
);
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    alert_id     INTEGER NOT NULL REFERENCES alerts(id),
    event        TEXT NOT NULL,       -- open | resolve
    channel      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    delivered_at TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    UNIQUE (alert_id, event, channel)
);
CREATE TABLE expectations (
    agency          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    deadline        TEXT NOT NULL,
    status          TEXT NOT NULL,    -- on_time | late | missing | pending (| unsure: see _UNPLACED)
    report_id       INTEGER REFERENCES reports(id),
    published       TEXT,
    days_late       INTEGER,
    first_seen_used INTEGER NOT NULL DEFAULT 0,   -- 1: no publication date, first-seen used
    errors          INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (agency, year)
);
"""

# What the stored queries and views filter and join on (see benchmarks/store_bench.py).
_INDEXES = """
CREATE INDEX reports_year ON reports(year, agency);
CREATE INDEX reports_errors ON reports(errors) WHERE errors > 0;
CREATE INDEX report_versions_report ON report_versions(report_id, version);
CREATE INDEX findings_version ON findings(version_id, severity);
CREATE INDEX findings_report ON findings(report_id);
CREATE INDEX findings_rule ON findings(rule, severity);
CREATE INDEX fetches_run ON fetches(run_id);
CREATE INDEX fetches_url ON fetches(url);
CREATE INDEX source_runs_source ON source_runs(source_id, id);
CREATE INDEX alerts_state ON alerts(state, kind);
CREATE INDEX notifications_pending ON notifications(delivered_at);
CREATE INDEX expectations_status ON expectations(year, status);
CREATE INDEX expectations_late ON expectations(status, days_late);
"""


# Measured with benchmarks/store_bench.py at 100,000 reports: the stored queries read these indexes
# in their ORDER BY order and stop after Datasette's first 1,001 rows; status_by_year reads only
# covering indexes.
_QUERY_ORDER_INDEXES = """
DROP INDEX reports_errors;
CREATE INDEX reports_errors ON reports(year DESC, errors DESC, agency) WHERE errors > 0;
DROP INDEX reports_year;
CREATE INDEX reports_year ON reports(year DESC, agency, errors);
DROP INDEX expectations_status;
CREATE INDEX expectations_status ON expectations(year, status, report_id);
"""


# FTS5's default tokenizer treats a run of Chinese characters as one token; trigram makes any
# substring of three or more characters searchable (two: the pair index, `_BIGRAM_INDEX`). The layout is
# sqlite-utils' own (external content table `<table>_fts`, triggers `_ai`/`_ad`/`_au`), so
# `Table.search()`, `sqlite-utils search` and Datasette's search box all find it; the update
# trigger fires only when indexed text changes, not when a version is merely seen again.
_FULL_TEXT_SEARCH = """
CREATE VIRTUAL TABLE report_versions_fts USING FTS5 (
    agency, title, narrative, tokenize='trigram', content=[report_versions]
);
INSERT INTO report_versions_fts (rowid, agency, title, narrative)
    SELECT rowid, agency, title, narrative FROM report_versions;
CREATE TRIGGER report_versions_ai AFTER INSERT ON report_versions BEGIN
  INSERT INTO report_versions_fts (rowid, agency, title, narrative)
    VALUES (new.rowid, new.agency, new.title, new.narrative);
END;
CREATE TRIGGER report_versions_ad AFTER DELETE ON report_versions BEGIN
  INSERT INTO report_versions_fts (report_versions_fts, rowid, agency, title, narrative)
    VALUES ('delete', old.rowid, old.agency, old.title, old.narrative);
END;
CREATE TRIGGER report_versions_au AFTER UPDATE OF agency, title, narrative ON report_versions BEGIN
  INSERT INTO report_versions_fts (report_versions_fts, rowid, agency, title, narrative)
    VALUES ('delete', old.rowid, old.agency, old.title, old.narrative);
  INSERT INTO report_versions_fts (rowid, agency, title, narrative)
    VALUES (new.rowid, new.agency, new.title, new.narrative);
END;
"""

# Who is doing what, so a process killed by kill -9 can be told from one still working: `owner`
# is "host:pid:start" (nianjian.store.leases); `leases` holds named leases (one monitor cycle per
# database), each taken under a fresh token; a notification is claimed by its sender until `claimed_until` (wall clock) and keeps
# the idempotency key (`delivery`) of the message that carried it.
_OWNERS_AND_LEASES = """
ALTER TABLE runs ADD COLUMN owner TEXT;
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,     -- monitor-cycle
    owner       TEXT NOT NULL,        -- host:pid:start of the holder
    token       TEXT NOT NULL,        -- this taking of it (one process may take it twice)
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL         -- wall clock; a holder on another host is trusted until then
);
ALTER TABLE notifications ADD COLUMN delivery TEXT;
ALTER TABLE notifications ADD COLUMN claimed_until TEXT;
"""

# The copied-text rule's candidates (nianjian/store/copies.py): each version's MinHash signature,
# and the LSH band keys of each report's current version, looked up by (year, band).
_NARRATIVE_INDEX = """
CREATE TABLE narrative_signatures (
    version_id INTEGER PRIMARY KEY REFERENCES report_versions(id),
    shingles   INTEGER NOT NULL,      -- shingles in the narrative
    signature  BLOB NOT NULL          -- 128 little-endian uint32 MinHash values
);
CREATE TABLE narrative_bands (
    year       INTEGER NOT NULL,
    band       INTEGER NOT NULL,      -- a band key of the current version's signature
    report_id  INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (year, band, report_id)
) WITHOUT ROWID;
"""


def _narrative_index(db: sqlite_utils.Database) -> None:
    _run_script(db, _NARRATIVE_INDEX)
    copies.backfill(db.conn)       # signatures are computed in Python, not SQL


# Two-character words (nianjian/store/fulltext.py): the pair index, kept current under edits by
# these triggers (which need `nianjian_bigrams`, registered on nianjian's connections: a tool
# without it is refused the edit rather than left with a stale index), filled for every version
# stored before it.
_BIGRAM_INDEX = f"""
CREATE VIRTUAL TABLE {fulltext.BIGRAMS} USING FTS5 (
    pairs, tokenize='unicode61', content='', columnsize=0, detail=none
);
CREATE TRIGGER report_versions_bigrams_ad AFTER DELETE ON report_versions BEGIN
  INSERT INTO {fulltext.BIGRAMS} ({fulltext.BIGRAMS}, rowid, pairs)
    VALUES ('delete', old.rowid, nianjian_bigrams(old.agency, old.title, old.narrative));
END;
CREATE TRIGGER report_versions_bigrams_au AFTER UPDATE OF agency, title, narrative ON report_versions BEGIN
  INSERT INTO {fulltext.BIGRAMS} ({fulltext.BIGRAMS}, rowid, pairs)
    VALUES ('delete', old.rowid, nianjian_bigrams(old.agency, old.title, old.narrative));
  INSERT INTO {fulltext.BIGRAMS} (rowid, pairs)
    VALUES (new.rowid, nianjian_bigrams(new.agency, new.title, new.narrative));
END;
"""


def _bigram_index(db: sqlite_utils.Database) -> None:
    _run_script(db, _BIGRAM_INDEX)
    fulltext.index_versions(db.conn, 0, indexes=(fulltext.BIGRAMS,))


def _signatures_again(db: sqlite_utils.Database) -> None:
    """Signatures of an earlier MinHash (one hash call per shingle) do not compare with those of
    the vectorised one: every version's is computed again, and the band index with them."""
    db.execute("DELETE FROM narrative_bands")
    db.execute("DELETE FROM narrative_signatures")
    copies.backfill(db.conn)


def _documents_by_canonical_url(db: sqlite_utils.Database) -> None:
    """`documents` re-keyed by the canonical URL (nianjian/urls.py): the rows of one page's
    spellings become one, holding its latest fetch's validators and its first fetch's time.
    Appended again if a change to nianjian/urls.yaml moves keys."""
    from nianjian.urls import canonical_url
    columns = [row[1] for row in db.execute("PRAGMA table_info(documents)").fetchall()]
    merged: dict[str, dict] = {}
    for values in db.execute(f"SELECT {', '.join(columns)} FROM documents ORDER BY last_fetched, rowid").fetchall():
        row = dict(zip(columns, values))
        key = canonical_url(row["url"])
        first = merged[key]["first_fetched"] if key in merged else row["first_fetched"]
        merged[key] = {**row, "url": key, "first_fetched": min(first, row["first_fetched"])}
    db.execute("DELETE FROM documents")
    db.conn.executemany(f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                        [[row[c] for c in columns] for row in merged.values()])


def _content_identity(db: sqlite_utils.Database) -> None:
    """Versions told apart by what the report says (nianjian/store/identity.py), not its bytes;
    reports by their address, for the monitor's reports whose address holds another now."""
    _run_script(db, "ALTER TABLE report_versions ADD COLUMN content_key TEXT;\n"
                    "CREATE INDEX report_versions_content ON report_versions(report_id, content_key);\n"
                    "CREATE INDEX reports_url ON reports(url);")
    identity.backfill(db.conn)


# Ordered: position + 1 is the schema version a migration brings the database to. Append only;
# a released migration is never edited. A migration is SQL, or a function of the database.
# A report nianjian read but could not place (its agency or year unsure or unnamed): evidence that
# something was published, for the (agency, year)s it may be (monitor: 待核实, never missing).
_UNPLACED = """
CREATE TABLE IF NOT EXISTS unplaced (
    url         TEXT PRIMARY KEY,
    title       TEXT,
    agency      TEXT,             -- the agency when read surely (then only its year is not)
    year        INTEGER,          -- the year when read surely (then only its agency is not)
    agencies    TEXT NOT NULL,    -- JSON list: the agencies it may be of
    years       TEXT,             -- JSON list: the years it may be for; NULL: any year before it was seen
    why         TEXT NOT NULL,    -- the problems that left it unplaced, "CODE: detail; …"
    published   TEXT,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    run_id      INTEGER REFERENCES runs(id)
);
"""


def _unplaced(db: sqlite_utils.Database) -> None:
    """The table, and the unplaced reports an expectation may be (JSON list, status unsure);
    idempotent, as a test replays the migrations before it."""
    _run_script(db, _UNPLACED)
    if "review" not in db["expectations"].columns_dict:
        db.execute("ALTER TABLE expectations ADD COLUMN review TEXT")

MIGRATIONS: list[tuple[str, str]] = [
    ("tables", _TABLES),
    ("full-text search", _FULL_TEXT_SEARCH),
    ("indexes", _INDEXES),
    ("fetch timing", "ALTER TABLE fetches ADD COLUMN elapsed_ms INTEGER;"),
    ("indexes in the stored queries' order", _QUERY_ORDER_INDEXES),
    ("run owners, leases, notification claims", _OWNERS_AND_LEASES),
    ("pages fetched through the browser", "ALTER TABLE fetches ADD COLUMN rendered TEXT;"),
    ("narrative signatures and their band index", _narrative_index),
    # The store indexes a transaction's new versions in one statement before it commits
    # (Store._index_new_versions), not one trigger call per insert.
    ("full-text index filled by the store", "DROP TRIGGER report_versions_ai;"),
    # The last message of each spool file (nianjian/spool.py) applied, committed with it.
    ("spool progress", "CREATE TABLE spool_progress (spool TEXT PRIMARY KEY, applied_through INTEGER NOT NULL);"),
    ("two-character search", _bigram_index),
    ("narrative signatures of the vectorised MinHash", _signatures_again),
    ("documents read but not placed", _unplaced),
    ("documents keyed by their canonical URL", _documents_by_canonical_url),
    ("versions by content", _content_identity),
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, target: int = SCHEMA_VERSION) -> list[str]:
    """Bring the database up to `target`; return the names of the migrations applied."""
    applied = []
    conn = db.conn
    if schema_version(db) == target and not _stale_views(db):
        return applied       # the usual case: no write lock, so a read-only file opens too
    # BEGIN IMMEDIATE: two processes opening a fresh database must not both migrate it.
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(db)
        if current > SCHEMA_VERSION:
            raise UserError.said("newer_schema", current=current, supported=SCHEMA_VERSION)
        for version in range(current + 1, target + 1):
            name, script = MIGRATIONS[version - 1]
            script(db) if callable(script) else _run_script(db, script)
            conn.execute(f"PRAGMA user_version = {version}")
            applied.append(name)
        _sync_views(db)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Statement by statement: `executescript` would commit the enclosing migration transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


def _stale_views(db: sqlite_utils.Database) -> dict[str, str]:
    """The views whose SQL differs from this version's (or that are missing): name -> SQL."""
    existing = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    wanted = {name: f"CREATE VIEW {name} AS {select}" for name, select in VIEWS.items()}
    return {name: sql for name, sql in wanted.items() if existing.get(name) != sql}


def _sync_views(db: sqlite_utils.Database) -> None:
    """Views are derived, not data: (re)create any whose SQL differs from this version's."""
    for name, sql in _stale_views(db).items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(sql)


DEFAULT_BUSY_SECONDS = 30.0


class DatabaseLocked(UserError, sqlite3.OperationalError):
    """Another process held the write lock longer than the busy timeout. Still an
    sqlite3.OperationalError (a per-item STORE_ERROR where an item is being stored); at the top
    a one-line error, exit 75 (EX_TEMPFAIL: try again later)."""
    exit_code = 75


def busy_seconds() -> float:
    """How long a statement waits for another process's write lock (NIANJIAN_DB_TIMEOUT)."""
    text = os.environ.get("NIANJIAN_DB_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_BUSY_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value < 86400:
        raise UserError.said("db_timeout", value=text)
    return value


class _Connection(sqlite3.Connection):
    """SQLite's busy handler retries a statement while another process holds a short lock (up
    to the busy timeout); a lock that outlasts it becomes DatabaseLocked naming the database."""
    path, busy = "", 0.0

    def execute(self, *args):
        return self._translated(super().execute, args)

    def executemany(self, *args):
        return self._translated(super().executemany, args)

    def _translated(self, call, args):
        try:
            return call(*args)
        except DatabaseLocked:
            raise
        except sqlite3.OperationalError as error:
            # by message: SQLITE_BUSY also means "statements in progress", which sqlite-utils handles
            if "database is locked" not in str(error) and "table is locked" not in str(error):
                raise
            raise DatabaseLocked.said("db_locked", path=self.path, seconds=self.busy) from None


def connect(path: str) -> sqlite_utils.Database:
    timeout = busy_seconds()
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False,
                           factory=_Connection)
    conn.path, conn.busy = path, timeout
    fulltext.register(conn)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    return db
