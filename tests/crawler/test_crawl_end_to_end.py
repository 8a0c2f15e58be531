"""A real crawl (a subprocess, as the monitor runs it) of the loopback portals in conftest.py:
a county's TRS column behind its 政府信息公开 page, a Hanweb column, a walled portal, and a
host no source allows."""
from __future__ import annotations

import sqlite_utils


def test_first_and_second_crawl(portals, crawl, tmp_path, expected_reports):
    db = tmp_path / "nianjian.db"
    first = crawl(portals.sources, db)
    assert first.returncode == 0, first.stderr[-3000:]
    print(first.stderr[-3000:])
    store = sqlite_utils.Database(db)
    reports = {(r["agency"], r["year"]): r["published"] for r in store.query("select * from reports")}
    assert reports == expected_reports
