"""A real crawl (a subprocess, as the monitor runs it) of the loopback portals in conftest.py:
a county's TRS column behind its 政府信息公开 page, a Hanweb column, a walled portal, and a
host no source allows."""
from __future__ import annotations

import pytest
import sqlite_utils

NB = "/xxgk/nb"


def rows(db, sql, *params):
    return list(sqlite_utils.Database(db).query(sql, params))


def test_crawl_finds_every_report_records_every_fetch_and_refetches_nothing_unchanged(
        portals, crawl, tmp_path, expected_reports):
    db = tmp_path / "nianjian.db"
    first = crawl(portals.sources, db)
    assert first.returncode == 0, first.stderr[-3000:]

    # The exact reports, per agency and year, with their publication dates.
    found = {(r["agency"], r["year"]): r["published"] for r in rows(db, "select * from reports")}
    assert found == expected_reports

    # No request left the allowed hosts.
    assert portals.foreign.hits == []
    # robots.txt honoured: the disallowed report page was never asked for.
    assert not [h for h in portals.county.hits if h.path.startswith("/private/")]

    # Pagination complete and never past the declared count (index_3 exists but is not declared;
    # the commented-out createPageHTML(9, …) is ignored).
    county_pages = sorted(p for p in portals.county.paths() if p.startswith(f"{NB}/index") or p == f"{NB}/")
    assert county_pages == [f"{NB}/", f"{NB}/index_1.html", f"{NB}/index_2.html"]
    proxy = sorted(portals.hanweb.paths("POST"))
    assert proxy == ["/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=2",
                     "/module/web/jpage/dataproxy.jsp?startrecord=5&endrecord=5&perpage=2"]
    posted = next(h for h in portals.hanweb.hits if h.method == "POST").body.decode()
    assert "columnid=123" in posted and "unitid=6789" in posted and "webid=1" in posted

    # Duplicates fetched once: "./…", the absolute link with #fragment, ";jsessionid=…?from=list".
    assert len(portals.county.fetched(f"{NB}/202201/t20220120_1.html")) == 1
    # News and the 政府网站工作年度报表 are not report pages.
    assert not portals.county.fetched(f"{NB}/202201/t20220115_2.html")
    assert not portals.county.fetched(f"{NB}/202201/t20220110_3.html")

    # Failures recorded without stopping the run.
    fetches = {r["url"].split(":", 2)[2].split("/", 1)[1]: r for r in rows(db, "select * from fetches")}
    assert fetches["xxgk/nb/202202/t20220210_4.html"]["outcome"] == "http_error"
    assert fetches["xxgk/nb/202202/t20220210_4.html"]["status"] == 500
    assert "took longer than 1.0 seconds" in fetches["xxgk/nb/202202/t20220211_5.html"]["error"]
    assert fetches["xxgk/nb/202202/t20220212_6.html"]["outcome"] == "blocked"
    assert fetches["xxgk/nb/202202/t20220212_6.html"]["error"] == "bot wall: wzws"
    assert fetches["xxgk/nb/202101/P020210120_report.wps"]["outcome"] == "unsupported"
    assert fetches["private/t20220101_9.html"]["outcome"] == "robots"
    assert fetches["xxgk/nb/202201/t20220120_1.html"]["outcome"] == "stored"
    assert fetches["xxgk/nb/202101/t20210120_8.html"]["outcome"] == "detail"   # its DOCX is the report
    assert fetches["files/P020210120.docx"]["outcome"] == "stored"
    assert all(r["elapsed_ms"] is not None for r in fetches.values() if r["status"])
    assert {r["run_id"] for r in fetches.values()} == {1}

    runs = {r["source_id"]: r for r in rows(db, "select * from source_runs where run_id = 1")}
    # its report pages that failed (500, timeout, bot wall) make it partial, not ok
    assert (runs["luoyang-county"]["status"], runs["luoyang-county"]["reports"]) == ("partial", 5)
    assert runs["luoyang-county"]["errors"] == 4          # 500, timeout, bot wall, robots.txt
    assert (runs["baijiantan"]["status"], runs["baijiantan"]["reports"], runs["baijiantan"]["lists"]) == ("ok", 1, 3)
    assert runs["walled"]["status"] == "blocked"
    assert rows(db, "select status from runs where id = 1")[0]["status"] == "ok"

    # Second run: list pages again, no unchanged report page fetched again (conditional requests).
    for site in portals.sites:
        site.hits.clear()
    second = crawl(portals.sources, db)
    assert second.returncode == 0, second.stderr[-3000:]
    report_pages = [f"{NB}/202201/t20220120_1.html", f"{NB}/202201/t20220125_7.html",
                    f"{NB}/202101/t20210120_8.html", f"{NB}/202401/t20240130_10.html",
                    f"{NB}/202401/P020240125.pdf"]
    for path in report_pages:
        assert portals.county.fetched(path) == [], path
        assert [h.status for h in portals.county.hits if h.path == path] == [304]
    assert portals.hanweb.fetched("/art/2022/1/18/art_123_777.html") == []
    assert sorted(p for p in portals.county.paths() if p.startswith(f"{NB}/index") or p == f"{NB}/") == county_pages
    second_outcomes = {r["url"].rsplit("/", 1)[1]: r["outcome"] for r in rows(db, "select * from fetches where run_id = 2")}
    assert second_outcomes["t20220120_1.html"] == "not_modified"
    assert second_outcomes["P020240125.pdf"] == "not_modified"
    assert rows(db, "select count(*) n from report_versions")[0]["n"] == 6


LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT"        # what the loopback server sends


@pytest.mark.parametrize("validators, statuses, if_modified_since, second", [
    # Last-Modified and no ETag: asked again with If-Modified-Since alone, answered 304
    ({"etag": False}, [200, 304], [None, LAST_MODIFIED], "not_modified"),
    # neither, and no conditional support: downloaded again, the content hash says unchanged
    ({"conditional": False}, [200, 200], [None, None], "unchanged"),
])
def test_report_pages_of_servers_without_etags_are_not_stored_again(
        serve, crawl, kit, tmp_path, validators, statuses, if_modified_since, second):
    site = serve(kit.Site("127.0.0.1"))
    text = kit.seed("000")
    title = kit.seed_title(text)
    site.add("/nb/index.html", kit.list_page([("t20220120_1.html", title, "2022-01-20")]), **validators)
    site.add("/nb/t20220120_1.html", kit.detail_page(title, kit.seed_body_html(text)), **validators)
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([{"id": "jianxi", "url": site.url("/nb/index.html"),
                                          "agencies": [{"name": "涧西区人民政府", "level": "government"}]}]))
    db = tmp_path / "nianjian.db"
    assert crawl(sources, db).returncode == 0
    assert crawl(sources, db).returncode == 0
    asked = [h for h in site.hits if h.path == "/nb/t20220120_1.html"]
    assert [h.status for h in asked] == statuses
    assert [h.headers.get("If-Modified-Since") for h in asked] == if_modified_since
    assert not [h for h in asked if "If-None-Match" in h.headers]
    outcomes = [(r["run_id"], r["outcome"]) for r in rows(db, "select * from fetches where url like '%t2022%' order by id")]
    assert outcomes == [(1, "stored"), (2, second)]
    assert rows(db, "select count(*) n from report_versions")[0]["n"] == 1
