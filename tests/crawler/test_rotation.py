"""Polite re-runs (crawler/rotation.py): a second, unchanged night asks for a small share of the
first night's pages and bytes, and a report edited after the first night is still caught on its
night of the rotation. Nights are moved with NIANJIAN_NOW, the crawl is the real one."""
from __future__ import annotations

import importlib.util
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml

from crawler.rotation import due, night_of

ROOT = Path(__file__).resolve().parents[2]
NIGHTS = 7                                   # NIANJIAN_REVERIFY_NIGHTS's default
FIRST = date(2024, 3, 1)


def _synthetic_portal():
    spec = importlib.util.spec_from_file_location("synthetic_portal", ROOT / "benchmarks" / "synthetic_portal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def night(portal, crawl, sources, db, monkeypatch, day: date) -> tuple[int, int]:
    """Crawl on `day`; the requests the portal answered and the bytes of content it sent."""
    portal.counts.clear()
    portal.hits.clear()
    monkeypatch.setenv("NIANJIAN_NOW", f"{day.isoformat()}T02:00:00+08:00")
    result = crawl(sources, db, f"NIANJIAN_REVERIFY_NIGHTS={NIGHTS}")
    assert result.returncode == 0, result.stderr[-3000:]
    sent = sum(len(portal.pages[path]) * n for (path, status), n in portal.hits.items() if status == "200")
    return sum(portal.hits.values()), sent


def test_unchanged_night_asks_little_and_an_edit_is_caught_on_its_night(crawl, tmp_path, monkeypatch):
    synthetic = _synthetic_portal()
    pages, sources = synthetic.build_portal(20)              # 100 report pages, 5 list pages
    portal = synthetic.Portal(pages)
    portal.start()
    for source in sources:
        source["url"] = source["url"].replace("PORTAL", f"http://127.0.0.1:{portal.port}")
    sources_file, db = tmp_path / "sources.yaml", tmp_path / "n.db"
    sources_file.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
    reports = [path for path in pages if "/t" in path]

    first_requests, first_bytes = night(portal, crawl, sources_file, db, monkeypatch, FIRST)
    assert first_requests >= 105
    # Edited after the first night: a page whose night comes round again only on day 1 + 7.
    edited = next(p for p in reports if night_of(p, NIGHTS) == FIRST.toordinal() % NIGHTS)
    portal.pages[edited] = portal.pages[edited].replace("全方位公开".encode(), "全面公开".encode())
    portal.etags[edited] = '"edited"'

    requests, sent = night(portal, crawl, sources_file, db, monkeypatch, FIRST + timedelta(days=1))
    tonight = {p for p in reports if night_of(p, NIGHTS) == (FIRST.toordinal() + 1) % NIGHTS}
    assert {path for (path, _) in portal.hits if path in reports} == tonight       # asked: tonight's share
    assert all(status == "304" for (path, status) in portal.hits if path in reports)
    assert requests <= 0.25 * first_requests and sent <= 0.05 * first_bytes, (requests, sent)

    with sqlite3.connect(db) as conn:
        versions = lambda: conn.execute(  # noqa: E731
            "SELECT r.versions FROM reports r JOIN report_versions v ON v.id = r.current_version "
            "WHERE v.url LIKE ?", [f"%{edited}"]).fetchone()[0]
        assert versions() == 1
        night(portal, crawl, sources_file, db, monkeypatch, FIRST + timedelta(days=NIGHTS))
        assert (edited, "200") in portal.hits and versions() == 2                  # caught within the rotation


def test_a_page_that_failed_last_time_is_asked_on_any_night():
    url = "http://127.0.0.1/zfxxgk/t20240301_1.html"
    now = datetime(2024, 3, 2, 2, tzinfo=timezone(timedelta(hours=8)))
    off_night = next(now + timedelta(days=d) for d in range(NIGHTS)
                     if night_of(url, NIGHTS) != (now + timedelta(days=d)).date().toordinal() % NIGHTS)
    stored = {"etag": '"a"', "content_hash": "h", "last_fetched": off_night.isoformat(), "outcome": "stored"}
    assert not due(url, stored, off_night, NIGHTS)
    # A bot wall with no marker (not_a_report), an HTTP error: fetched in full, whatever the night.
    for outcome in ("not_a_report", "http_error", "error", "blocked"):
        assert due(url, {**stored, "outcome": outcome}, off_night, NIGHTS), outcome
