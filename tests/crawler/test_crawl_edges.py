"""Crawl edge cases on one loopback host: plain 下一页 chains (with a loop back to page 1), a
list-page cap against an endless chain, an entry page without a report column, a download over
DOWNLOAD_MAXSIZE, a redirected column, and a column whose reports are in its sub-columns."""
from __future__ import annotations

import sqlite_utils


def test_edges(serve, kit, crawl, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    text = kit.seed("000")
    title = kit.seed_title(text)                   # 涧西区人民政府2021年政府信息公开工作年度报告
    nxt = "<a href='{}'>下一页</a>"

    # plain: list → list_2 → list_3 → (下一页 back to list)
    site.add("/p/list.html", kit.list_page([], extra=nxt.format("list_2.html")))
    site.add("/p/list_2.html", kit.list_page([], extra=nxt.format("list_3.html")))
    site.add("/p/list_3.html", kit.list_page([("t20220120_1.html", title, "2022-01-20")], extra=nxt.format("list.html")))
    site.add("/p/t20220120_1.html", kit.detail_page(title, kit.seed_body_html(text), date_line="发布日期：2022-01-20"))
    # an endless chain: /e/1.html → /e/2.html → …
    for n in range(1, 40):
        site.add(f"/e/{n}.html", kit.list_page([], extra=nxt.format(f"{n + 1}.html")))
    # an entry page that has no report column
    site.add("/x/index.html", "<html><body><a href='/x/zn/'>政府信息公开指南</a></body></html>")
    # a report page too large to download
    big = "老城区西关街道办事处2021年政府信息公开工作年度报告"
    site.add("/b/index.html", kit.list_page([("t20220125_2.html", big, "2022-01-25")]))
    site.add("/b/t20220125_2.html", kit.detail_page(big, "<p>" + "很长" * 200_000 + "</p>"))
    # a column that moved
    site.add("/old/index.html", b"", status=301, headers={"Location": "/q/list.html"}, conditional=False)
    site.add("/q/list.html", kit.list_page([]))
    # a column whose reports are in its sub-columns (部门年报, 乡镇年报), each linking the other
    xiguan = kit.seed("001")
    tabs = ("<div class='tabs'><a href='/c/nb/bmnb/'>部门年报</a><a href='/c/nb/xznb/index.html'>乡镇年报</a>"
            "<a href='/c/xxgkzn/'>政府信息公开指南</a></div>")
    site.add("/c/nb/index.html", kit.list_page([], extra=tabs))
    site.add("/c/nb/bmnb/", kit.list_page([], extra=tabs))
    site.add("/c/nb/xznb/index.html", kit.list_page([("t20220125_3.html", kit.seed_title(xiguan), "2022-01-25")],
                                                    extra=tabs))
    site.add("/c/nb/xznb/t20220125_3.html", kit.detail_page(kit.seed_title(xiguan), kit.seed_body_html(xiguan),
                                                            date_line="发布日期：2022-01-25"))

    agency = lambda name: [{"name": name, "level": "government"}]  # noqa: E731
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([
        {"id": "plain", "url": site.url("/p/list.html"), "agencies": agency("涧西区人民政府")},
        {"id": "endless", "url": site.url("/e/1.html"), "agencies": agency("某局")},
        {"id": "no-column", "url": site.url("/x/index.html"), "find_column": True, "agencies": agency("某县")},
        {"id": "big", "url": site.url("/b/index.html"), "agencies": agency("老城区西关街道办事处")},
        {"id": "moved", "url": site.url("/old/index.html"), "agencies": agency("涧西区人民政府")},
        {"id": "sub-columns", "url": site.url("/c/nb/index.html"), "agencies": agency("老城区西关街道办事处")},
    ]))
    db = tmp_path / "nianjian.db"
    done = crawl(sources, db, "NIANJIAN_MAX_LIST_PAGES=5", "DOWNLOAD_MAXSIZE=200000")
    assert done.returncode == 0, done.stderr[-3000:]

    store = sqlite_utils.Database(db)
    assert sorted((r["agency"], r["year"], r["published"]) for r in store.query("select * from reports")) == [
        ("涧西区人民政府", 2021, "2022-01-20"), ("老城区西关街道办事处", 2021, "2022-01-25")]
    # the sub-columns, each once, never the page beside the column (指南)
    assert sorted(p for p in site.paths() if p.startswith("/c/")) == [
        "/c/nb/bmnb/", "/c/nb/index.html", "/c/nb/xznb/index.html", "/c/nb/xznb/t20220125_3.html"]
    # each plain page once, although page 3 links back to page 1 and "moved" leads there too
    assert sorted(p for p in site.paths() if p.startswith("/p/list")) == ["/p/list.html", "/p/list_2.html", "/p/list_3.html"]
    assert len(site.fetched("/p/t20220120_1.html")) == 1
    # the endless chain stops after the first page and 5 more
    assert sorted(p for p in site.paths() if p.startswith("/e/")) == sorted(f"/e/{n}.html" for n in range(1, 7))

    runs = {r["source_id"]: r for r in store.query("select * from source_runs")}
    assert runs["plain"]["status"] == "ok" and runs["plain"]["reports"] == 1
    assert runs["endless"]["status"] == "ok"
    assert "stopped at 5 list pages (NIANJIAN_MAX_LIST_PAGES)" in runs["endless"]["message"]
    assert runs["no-column"]["status"] == "failed"
    assert f"no annual-report column link found on {site.url('/x/index.html')}" in runs["no-column"]["message"]
    assert runs["no-column"]["errors"] == 1

    fetches = {r["url"]: r for r in store.query("select * from fetches")}
    large = fetches[site.url("/b/t20220125_2.html")]
    assert large["outcome"] == "error" and "200000" in large["error"]
    moved = fetches[site.url("/old/index.html")]
    assert (moved["outcome"], moved["status"], moved["final_url"]) == ("list", 200, site.url("/q/list.html"))
    assert fetches[site.url("/x/index.html")]["outcome"] == "entry"
