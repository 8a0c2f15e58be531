"""Portals that need a browser (crawler/browser.py), crawled for real with the system Chromium
on the demo portal's two such sites: 示例市生态环境局, whose column a script builds from a JSON
endpoint (no report link in its HTML), and 示例市交通运输局, behind a JavaScript challenge that
computes a cookie and reloads. `render: auto` (the default) finds both; without a browser both
are recorded as needing one, never as a source that is ok with 0 reports."""
from __future__ import annotations

import re
import shutil

import pytest
import sqlite_utils
import yaml
from scrapy.settings import Settings

from crawler import browser, pages
from nianjian.demo_portal.manifest import manifest, sources_for
from nianjian.demo_portal.server import DemoPortal
from nianjian.demo_portal.site import build_site, challenge_page

SCRIPT, CHALLENGE = "shili-sthjj", "shili-jtysj"
needs_chromium = pytest.mark.skipif(
    browser.unavailable(Settings({"NIANJIAN_BROWSER_ENABLED": True})) is not None,
    reason="needs scrapy-playwright and Debian's chromium (scripts/test.sh installs both)")


def _sources(tmp_path, base_url: str, ids: tuple[str, ...], **extra) -> str:
    data = yaml.safe_load(sources_for(base_url))
    data["sources"] = [{**s, **extra} for s in data["sources"] if s["id"] in ids]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def _stored(db) -> dict:
    return {(r["agency"], r["year"]): r["published"]
            for r in sqlite_utils.Database(db).query("select agency, year, published from reports")}


def _fetches(db, source_id: str) -> list[dict]:
    return list(sqlite_utils.Database(db).query(
        "select url, outcome, rendered, error from fetches where source_id = ? order by id", [source_id]))


def _source_run(db, source_id: str) -> dict:
    return next(sqlite_utils.Database(db).query(
        "select status, message from source_runs where source_id = ? order by id desc", [source_id]))


def _expected(base_url: str, source_id: str) -> dict:
    return {(r.agency, r.year): r.published.isoformat() for r in manifest(base_url).reports
            if r.source_id == source_id}


@needs_chromium
def test_script_built_column_and_challenge_are_crawled_with_one_browser(crawl, tmp_path):
    with DemoPortal(port=0) as portal:
        sources = _sources(tmp_path, portal.base_url, (SCRIPT, CHALLENGE))
        assert "render" not in sources.read_text("utf-8")                 # auto: no configuration
        db = tmp_path / "nianjian.db"
        result = crawl(sources, db, "NIANJIAN_BROWSER_SETTLE=5")
        assert result.returncode == 0, result.stderr[-3000:]
        hits, base_url = dict(portal.hits), portal.base_url

    stored = _stored(db)
    for source_id in (SCRIPT, CHALLENGE):
        expected = _expected(base_url, source_id)
        assert len(expected) == 2 and {k: stored.get(k) for k in expected} == expected   # with their dates
        assert _source_run(db, source_id)["status"] == "ok"

    # The JS-built column: its first page plainly (no report link), then once in the browser.
    column = base_url + "/sthjj/xxgk/ndbg/index.html"
    script = _fetches(db, SCRIPT)
    assert [(f["url"], f["rendered"]) for f in script if f["outcome"] == "list"] == \
        [(column, None), (column, "scripts build the list")]
    assert all(f["rendered"] is None for f in script if f["outcome"] == "stored")    # reports: plain HTTP
    assert hits[("GET", "/sthjj/xxgk/ndbg/list.json", 200)] == 1                    # fetched by the page's script

    # The challenge: passed once in the browser; its cookie then opens the report pages to plain requests.
    challenge = _fetches(db, CHALLENGE)
    assert [f["rendered"] for f in challenge if f["rendered"]] == ["challenge: wzws"]
    reports = [f for f in challenge if f["outcome"] == "stored"]
    assert len(reports) == 2 and all(f["rendered"] is None for f in reports)
    for item in build_site(1).columns[CHALLENGE].items:
        assert hits.get(("GET", item.path, 200)) == 1, item.path                   # each fetched once, cookie accepted

    # One browser, two pages (the two columns): the log's stats.
    assert re.search(r"'playwright/browser_count': 1,", result.stderr)
    assert re.search(r"'playwright/page_count': 2,", result.stderr)


@needs_chromium
def test_render_browser_takes_list_pages_through_the_browser_and_caps_them(crawl, tmp_path):
    with DemoPortal(port=0) as portal:
        sources = _sources(tmp_path, portal.base_url, ("shili-czj",), render="browser")
        db = tmp_path / "nianjian.db"
        assert crawl(sources, db).returncode == 0
        capped = tmp_path / "capped.db"
        assert crawl(sources, capped, "NIANJIAN_BROWSER_MAX_PAGES_PER_SOURCE=0").returncode == 0
    fetches = _fetches(db, "shili-czj")
    assert [f["rendered"] for f in fetches if f["outcome"] == "list"] == ["render: browser"]
    assert {f["rendered"] for f in fetches if f["outcome"] == "stored"} == {None}
    assert len(_stored(db)) == 3                           # the fourth report's page answers 500
    assert [(f["outcome"], f["rendered"]) for f in _fetches(capped, "shili-czj")] == [("browser_cap", "render: browser")]
    assert _stored(capped) == {}


def test_without_a_browser_the_sources_say_they_need_one(crawl, tmp_path):
    with DemoPortal(port=0) as portal:
        sources = _sources(tmp_path, portal.base_url, (SCRIPT, CHALLENGE))
        db = tmp_path / "nianjian.db"
        result = crawl(sources, db, "NIANJIAN_CHROMIUM=/nonexistent/chromium")
        assert result.returncode == 0, result.stderr[-3000:]
    assert _stored(db) == {}
    script = _source_run(db, SCRIPT)
    assert script["status"] == "needs_browser"             # not "ok" with 0 reports
    [needed] = [f for f in _fetches(db, SCRIPT) if f["outcome"] == "needs_browser"]
    assert needed["rendered"] == "scripts build the list"
    assert "no Chromium found: apt-get install chromium" in needed["error"]
    challenge = _source_run(db, CHALLENGE)
    assert challenge["status"] == "blocked"
    assert "JavaScript challenge (wzws) that a browser may pass: no Chromium found" in challenge["message"]
    assert "Traceback" not in result.stderr


def test_what_is_missing_is_named_in_one_line(monkeypatch):
    assert browser.unavailable(Settings({"NIANJIAN_BROWSER_ENABLED": False})) == \
        "the browser is switched off (NIANJIAN_BROWSER_ENABLED=False)"
    assert browser.unavailable(Settings({"NIANJIAN_CHROMIUM": "/nonexistent/chromium"})).startswith(
        "no Chromium found: apt-get install chromium")
    # No real way to uninstall a package inside one test run: find_spec stands in for it.
    monkeypatch.setattr(browser.importlib.util, "find_spec", lambda name: None)
    assert browser.unavailable(Settings()) == "scrapy-playwright is not installed: pip install 'nianjian[browser]'"


def test_pages_that_need_a_browser_are_recognised():
    site = build_site(1)
    column = site.pages["/sthjj/xxgk/ndbg/index.html"].body.decode("utf-8")
    assert pages.script_built(column) and pages.report_entries(column, "http://x/sthjj/xxgk/ndbg/") == []
    plain = site.pages["/czj/xxgk/ndbg/index.html"].body.decode("utf-8")
    assert not pages.script_built(plain)
    assert pages.js_challenge(200, challenge_page()) == "wzws"
    assert pages.js_challenge(521, b"") == "jiasule"
    assert pages.js_challenge(200, b"<html><body>ok</body></html>") is None


def test_browser_settings_use_the_system_chromium():
    settings = Settings({"NIANJIAN_CHROMIUM": shutil.which("python3")})   # any executable stands in
    browser.BrowserRendering().update_settings(settings)
    if browser.importlib.util.find_spec("scrapy_playwright") is None:
        assert settings.get("NIANJIAN_BROWSER_UNAVAILABLE")
        return
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"].endswith("ScrapyPlaywrightDownloadHandler")
    launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert launch["executable_path"] == shutil.which("python3") and "--no-sandbox" in launch["args"]
    assert settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 1
    assert settings.get("PLAYWRIGHT_ABORT_REQUEST") == "crawler.browser.heavy_resource"
