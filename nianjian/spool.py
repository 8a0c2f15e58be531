"""The spool: a crawl's messages for its writer, in a SQLite file beside the database.

The crawl appends (each message committed on its own, so a crawl that dies keeps what it handed
over); the writer reads them in order, in batches, after the last one it applied — which it
records in the store in the same transaction as the batch (`Store.spool_applied`), so a writer
killed anywhere neither loses a message nor applies one twice. Applied messages are deleted
afterwards, which is only housekeeping. See docs/crawling.md, "Ingest beside the crawl".
"""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ending (reason TEXT NOT NULL);          -- the crawl has ended
CREATE TABLE IF NOT EXISTS rejected (id INTEGER PRIMARY KEY, body BLOB NOT NULL, reason TEXT);
CREATE TABLE IF NOT EXISTS identity (value TEXT NOT NULL);
"""


class Spool:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(_SCHEMA)
        self.conn.execute("BEGIN IMMEDIATE")
        if self.conn.execute("SELECT count(*) FROM identity").fetchone()[0] == 0:
            # AUTOINCREMENT ids never repeat within this file; the identity tells files apart.
            self.conn.execute("INSERT INTO identity VALUES (?)", [uuid.uuid4().hex])
        self.conn.execute("COMMIT")
        self.identity: str = self.conn.execute("SELECT value FROM identity").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------ the crawl's side
    def put(self, body: bytes) -> None:
        self.conn.execute("INSERT INTO messages (body) VALUES (?)", [body])

    def begin(self) -> None:
        """A new crawl: forget a previous crawl's end (its unapplied messages stay, first in line)."""
        self.conn.execute("DELETE FROM ending")

    def end(self, reason: str) -> None:
        """Written after the crawl's last message: the writer stops once it has applied them."""
        self.conn.execute("INSERT INTO ending VALUES (?)", [reason])

    # ------------------------------------------------------------------ the writer's side
    def ended(self) -> str | None:
        row = self.conn.execute("SELECT reason FROM ending").fetchone()
        return row[0] if row else None

    def take(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        return self.conn.execute("SELECT id, body FROM messages WHERE id > ? ORDER BY id LIMIT ?",
                                 [after, limit]).fetchall()

    def drop_through(self, last: int) -> None:
        self.conn.execute("DELETE FROM messages WHERE id <= ?", [last])

    def reject(self, body: bytes, reason: str) -> None:
        self.conn.execute("INSERT INTO rejected (body, reason) VALUES (?, ?)", [body, reason])

    def waiting(self) -> int:
        return self.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
