"""What an earlier `nianjian demo` left in a database: how many monitoring cycles it ran and on
which port the portal served (so the next run serves round 2, on the same URLs). Read-only."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from nianjian.demo_portal.content import portal_data
from nianjian.errors import UserError


@dataclass(frozen=True)
class DemoState:
    """What an earlier `nianjian demo` left in the database."""
    cycles: int                      # monitoring cycles already run
    port: int | None                 # where the portal served then (reused, so URLs stay the same)


def previous_state(db: Path, *, strict: bool = True) -> DemoState:
    """Read the database (if any) without changing it. One that holds other agencies, or is not a
    database, is refused (UserError) when `strict`, else taken as new to the demo."""
    if not db.exists():
        return DemoState(0, None)
    try:
        return _read(db)
    except UserError:
        if strict:
            raise
        return DemoState(0, None)


def _read(db: Path) -> DemoState:
    demo_agencies = set(portal_data()["agencies"])
    try:
        conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "agencies" not in tables:
                return DemoState(0, None)
            foreign = [row[0] for row in conn.execute("SELECT name FROM agencies")
                       if row[0] not in demo_agencies]
            if foreign:
                raise UserError.said("not_the_demos", db=db, agency=foreign[0])
            cycles = conn.execute("SELECT count(*) FROM runs WHERE kind = 'monitor'").fetchone()[0] \
                if "runs" in tables else 0
            url = conn.execute("SELECT url FROM documents ORDER BY first_fetched LIMIT 1").fetchone() \
                if "documents" in tables else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise UserError.said("not_a_nianjian_db", db=db, error=error) from None
    return DemoState(cycles, urlsplit(url[0]).port if url else None)
