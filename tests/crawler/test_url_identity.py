"""One report is one report however a portal spells its address (nianjian/urls.py), and two
documents are never one: the canonical URL's cases, the red team's portal crawled on two nights
(tests/crawler/url_redteam.py), and a database of the previous schema re-keyed on open."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nianjian.store import Store
from nianjian.store.schema import MIGRATIONS, SCHEMA_VERSION, connect, migrate
from nianjian.urls import canonical_url, fetch_url

sys.path.insert(0, str(Path(__file__).parent))
import url_redteam  # noqa: E402

KEY = "http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html"


@pytest.mark.parametrize("spelling", [
    "https://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html",
    "HTTP://WWW.JIANXI.GOV.CN/zfxxgk/nb/202201/t20220120_1.html",
    "http://www.jianxi.gov.cn:80/zfxxgk/nb/202201/t20220120_1.html",
    "https://www.jianxi.gov.cn:443/zfxxgk/nb/202201/t20220120_1.html",
    "http://www.jianxi.gov.cn/zfxxgk/nb/./202201/../202201/t20220120_1.html",
    "http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html?from=list",
    "http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html;jsessionid=8A7F3C2B1E",
    "http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html?_t=1700000000000&utm_source=weixin&utm_medium=share",
    "http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html#content",
    "http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html?random=0.5312",
])
def test_spellings_of_one_page_have_one_key(spelling):
    assert canonical_url(spelling) == KEY


def test_relative_links_index_files_trailing_slashes_and_parameter_order():
    base = "http://www.jianxi.gov.cn/zfxxgk/nb/index.html"
    assert canonical_url("./202201/t20220120_1.html", base) == KEY
    assert canonical_url("../nb/202201/t20220120_1.html", base) == KEY
    column = {canonical_url(u) for u in ("http://a.gov.cn/nb/", "http://a.gov.cn/nb/index.html",
                                         "http://a.gov.cn/nb", "https://a.gov.cn/nb/index.htm")}
    assert column == {"http://a.gov.cn/nb"}
    assert canonical_url("http://a.gov.cn/view.jsp?id=9&cat=2") == canonical_url("http://a.gov.cn/view.jsp?cat=2&id=9")
    assert canonical_url("http://a.gov.cn/年报.pdf") == canonical_url("http://a.gov.cn/%e5%b9%b4%e6%8a%a5.pdf") \
        == "http://a.gov.cn/%E5%B9%B4%E6%8A%A5.pdf"


@pytest.mark.parametrize("one, other", [
    ("http://a.gov.cn/info.jsp?id=123", "http://a.gov.cn/info.jsp?id=124"),
    ("http://a.gov.cn/list.jsp?page=1", "http://a.gov.cn/list.jsp?page=2"),
    ("http://a.gov.cn/col/col12/index.html?uid=34&pageNum=1", "http://a.gov.cn/col/col12/index.html?uid=34&pageNum=2"),
    ("http://a.gov.cn/nb/2022/ndbg.html", "http://a.gov.cn/nb/2023/ndbg.html"),
    ("http://a.gov.cn/show.aspx?t=2", "http://a.gov.cn/show.aspx?t=3"),          # `t` not a timestamp: kept
    ("http://a.gov.cn:8080/nb/a.html", "http://a.gov.cn/nb/a.html"),               # another port, another site
    ("http://a.gov.cn/nb/a%2Fb.html", "http://a.gov.cn/nb/a/b.html"),              # an escaped slash is no slash
    ("http://a.gov.cn/NB/a.html", "http://a.gov.cn/nb/a.html"),                    # paths are case-sensitive
])
def test_addresses_of_different_documents_stay_apart(one, other):
    assert canonical_url(one) != canonical_url(other)


def test_the_address_fetched_keeps_what_a_server_may_need():
    url = "HTTP://A.gov.cn:80/list.jsp;jsessionid=ABC?page=2&from=list#top"
    assert fetch_url(url) == "http://a.gov.cn/list.jsp;jsessionid=ABC?page=2"
    assert fetch_url("https://a.gov.cn:8443/nb/") == "https://a.gov.cn:8443/nb/"     # scheme and path as linked
    assert fetch_url("http://a.gov.cn/nb/./2022/../t1.html;jsessionid=ABC?sessionid=9", session=False) \
        == "http://a.gov.cn/nb/t1.html"                                          # a source keeping cookies


def test_a_portal_spelling_its_reports_many_ways_gives_each_report_once(tmp_path):
    portal = url_redteam.Portal().start()
    try:
        sources, db = tmp_path / "sources.yaml", tmp_path / "nianjian.db"
        sources.write_text(url_redteam.sources_yaml(portal), "utf-8")
        nights = url_redteam.nights(portal, sources, db, 2)
        figures = url_redteam.figures(portal, db, nights)
    finally:
        portal.stop()
    assert figures == {
        "reports expected": 8, "reports stored": 8, "reports missing (merged away or never reached)": 0,
        "versions beyond the first": 0, "report downloads beyond one per night": 0,
        "document rows beyond one per document": 0, "reports stored under an address that redirects": 0}
    # Each night asked for the two pageNum pages, and for nothing of the report spelled six ways twice.
    assert all(night[("list 2 (pageNum=2)", 200)] == night[("list 3 (pageNum=3)", 200)] == 1 for night in nights)


def test_a_database_of_the_previous_schema_keeps_its_rows_under_the_new_keys(tmp_path):
    """documents rows written as the previous nianjian wrote them (one per spelling) become one
    row per page, with the latest fetch's validators; a lookup by any spelling finds it."""
    path = tmp_path / "old.db"
    db = connect(str(path))
    migrate(db, target=[name for name, _ in MIGRATIONS].index("documents keyed by their canonical URL"))
    rows = [("http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html?from=list", '"old"', "2024-01-02T02:00:00+08:00"),
            ("https://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html", '"new"', "2024-01-05T02:00:00+08:00"),
            ("http://www.jianxi.gov.cn/gk/info.jsp?id=123", '"a"', "2024-01-03T02:00:00+08:00"),
            ("http://www.jianxi.gov.cn/gk/info.jsp?id=124", '"b"', "2024-01-04T02:00:00+08:00")]
    for url, etag, when in rows:
        db.execute("INSERT INTO documents (url, etag, content_hash, outcome, first_fetched, last_fetched) "
                   "VALUES (?, ?, 'h', 'stored', ?, ?)", [url, etag, when, when])
    db.conn.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        known = store.known_document("http://www.jianxi.gov.cn/zfxxgk/nb/202201/t20220120_1.html#top")
        assert (known["etag"], known["last_fetched"]) == ('"new"', "2024-01-05T02:00:00+08:00")
        first = store.db.execute("SELECT first_fetched FROM documents WHERE url = ?", [KEY]).fetchone()[0]
        assert first == "2024-01-02T02:00:00+08:00"
        assert store.known_document("http://www.jianxi.gov.cn/gk/info.jsp?id=124")["etag"] == '"b"'
