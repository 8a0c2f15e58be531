"""Real CMS quirks on loopback portals: a gkmlpt column of a department sub-site (API under the
sub-site's prefix, with the site id), a gkmlpt API answering HTML, a session-paged column that
posts page 2 back (ASP.NET __doPostBack) and serves it only with the session cookie of page 1,
and column links in other wordings."""
from __future__ import annotations

import json

import sqlite_utils


def rows(db, sql):
    return list(sqlite_utils.Database(db).query(sql))


def test_gkmlpt_sub_site_session_pager_and_column_wordings(serve, kit, crawl, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    jianxi, xiguan = kit.seed("000"), kit.seed("001")
    jianxi_title, xiguan_title = kit.seed_title(jianxi), kit.seed_title(xiguan)

    # gkmlpt on a department's sub-site: /zqhjj/gkmlpt/index#21023 → /zqhjj/gkmlpt/api/all/21023?page=N&sid=…
    site.add("/zqhjj/gkmlpt/index", "<html><head><script>window._CONFIG = {SID: '757024', TITLE: '肇庆'};"
                                    "</script></head><body><div id='app'></div></body></html>")
    api = "/zqhjj/gkmlpt/api/all/21023?page={}&sid=757024"
    answer = lambda *articles: json.dumps({"classify": {"id": 21023, "post_count": 3},  # noqa: E731
                                           "articles": list(articles)}, ensure_ascii=False)
    site.add(api.format(1), answer(
        {"title": jianxi_title, "url": "/zqhjj/gkmlpt/content/2/2022/post_1.html", "first_publish_time": 1642636800},
        {"title": "肇庆市生态环境局召开会议", "url": "/zqhjj/gkmlpt/content/2/2022/post_2.html"}),
        content_type="application/json")
    site.add(api.format(2), answer({"title": "通知", "url": "/zqhjj/gkmlpt/content/2/2022/post_3.html"}),
             content_type="application/json")
    site.add(api.format(3), answer(), content_type="application/json")
    site.add("/zqhjj/gkmlpt/content/2/2022/post_1.html", kit.detail_page(
        jianxi_title, kit.seed_body_html(jianxi), date_line="发布日期：2022-01-20"))
    # a gkmlpt API that answers an HTML error page with 200
    site.add("/bad/gkmlpt/api/all/5?page=1", "<html><body>系统维护中</body></html>")

    # an ASP.NET column: page 2 is the form posted back by 下一页's __doPostBack, served only to
    # the session that read page 1; the same column paged by GET for a source without cookies
    form = ("<form method='post' action='list.aspx' id='form1'><input type='hidden' name='__EVENTTARGET' value=''>"
            "<input type='hidden' name='__EVENTARGUMENT' value=''><input type='hidden' name='__VIEWSTATE' "
            "value='dDwtMTI3'><a href=\"javascript:__doPostBack('ctl00$Pager','Page$2')\">下一页</a></form>")
    postback = "__EVENTTARGET=ctl00%24Pager&__EVENTARGUMENT=Page%242&__VIEWSTATE=dDwtMTI3"
    for prefix, session, next_page, page_two in (
            ("/s", "ASP.NET_SessionId=abc123", form, f"POST /s/list.aspx?{postback}"),
            ("/n", "ASP.NET_SessionId=n1", "<a href='list.aspx?page=2'>下一页</a>", "/n/list.aspx?page=2")):
        site.add(f"{prefix}/list.aspx", kit.list_page([], extra=next_page),
                 headers={"Set-Cookie": f"{session}; path={prefix}/; HttpOnly"})
        site.add(page_two, kit.list_page([("t1.html", xiguan_title, "2022-01-25")]), session=session)
        site.add(f"{prefix}/t1.html", kit.detail_page(xiguan_title, kit.seed_body_html(xiguan),
                                                      date_line="发布日期：2022-01-25"))

    # a column link worded 政府信息公开工作年报
    site.add("/e/index.html", "<html><body><a href='/e/zn/'>政府信息公开指南</a>"
                              "<a href='/e/nb/'>政府信息公开工作年报</a></body></html>")
    site.add("/e/nb/", kit.list_page([]))

    agency = lambda name: [{"name": name, "level": "government"}]  # noqa: E731
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([
        {"id": "zqhjj", "url": site.url("/zqhjj/gkmlpt/index#21023"), "agencies": agency("涧西区人民政府")},
        {"id": "bad-gkmlpt", "url": site.url("/bad/gkmlpt/api/all/5?page=1"), "agencies": agency("某局")},
        {"id": "session", "url": site.url("/s/list.aspx"), "agencies": agency("老城区西关街道办事处")},
        {"id": "no-cookies", "url": site.url("/n/list.aspx"), "cookies": False, "agencies": agency("某街道")},
        {"id": "worded", "url": site.url("/e/index.html"), "find_column": True, "agencies": agency("某县")},
    ]))
    db = tmp_path / "nianjian.db"
    done = crawl(sources, db)
    assert done.returncode == 0, done.stderr[-3000:]

    reports = {(r["agency"], r["year"]): r["published"] for r in rows(db, "select * from reports")}
    assert reports == {("涧西区人民政府", 2021): "2022-01-20", ("老城区西关街道办事处", 2021): "2022-01-25"}

    # gkmlpt: the API under the sub-site with its sid, pages until the column's post_count
    # (or an empty page), never the host root's API
    assert sorted(p for p in site.paths() if "/gkmlpt/" in p and not p.startswith("/bad/")) == sorted(
        ["/zqhjj/gkmlpt/index", api.format(1), api.format(2), api.format(3), "/zqhjj/gkmlpt/content/2/2022/post_1.html"])
    runs = {r["source_id"]: r for r in rows(db, "select * from source_runs")}
    assert (runs["zqhjj"]["status"], runs["zqhjj"]["reports"]) == ("ok", 1)
    bad = rows(db, "select * from fetches where source_id = 'bad-gkmlpt'")
    assert [(r["outcome"], r["error"]) for r in bad] == [
        ("parse_error", "gkmlpt list page: the gkmlpt API answered with something that is not its JSON")]
    assert (runs["bad-gkmlpt"]["status"], runs["bad-gkmlpt"]["errors"]) == ("failed", 1)

    # page 2 was posted back with the form's state and page 1's session cookie; a source with
    # `cookies: false` sends none
    page_two = [h for h in site.hits if h.method == "POST"]
    assert [(h.path, h.body.decode(), h.headers.get("Cookie")) for h in page_two] == [
        ("/s/list.aspx", postback, "ASP.NET_SessionId=abc123")]
    assert all("Cookie" not in h.headers for h in site.hits if h.path.startswith("/n/"))
    assert not site.fetched("/n/t1.html")

    # the column worded 政府信息公开工作年报 was found
    assert "/e/nb/" in site.paths() and runs["worded"]["status"] == "ok"
