"""A hostile portal on 127.0.0.1 and a canary on another port of the same host: links,
redirects, attachments, a column link and robots.txt all point at the canary, which must receive
nothing; every refused or dropped link is a fetch with its outcome. Pagers declaring ten million
pages cost what the page cap lets through."""
from __future__ import annotations

import sqlite_utils

from crawler.origins import SourcePolicy
from nianjian.sources import parse_sources


def rows(db, sql):
    return list(sqlite_utils.Database(db).query(sql))


def test_another_port_is_another_site_and_every_refusal_is_recorded(serve, kit, crawl, tmp_path):
    site, canary = serve(kit.Site("127.0.0.1")), serve(kit.Site("127.0.0.1"))
    for path in ("/robots.txt", "/nb/secret.html", "/nb/t1.html", "/files/report.pdf", "/xxgk/nb/", "/moved/"):
        canary.add(path, "<html><body>intranet admin</body></html>")
    text = kit.seed("000")
    title = kit.seed_title(text)                        # 涧西区人民政府2021年政府信息公开工作年度报告
    report = lambda year: title.replace("2021", str(year))  # noqa: E731

    site.add("/robots.txt", b"", status=302, headers={"Location": canary.url("/robots.txt")}, conditional=False)
    site.add("/nb/index.html", kit.list_page([
        (canary.url("/nb/t1.html"), report(2015), "2016-01-01"),          # another port of this host
        ("file:///etc/passwd", report(2016), "2017-01-01"),
        ("javascript:openDoc(3)", report(2017), "2018-01-01"),
        ("mailto:gk@example.gov.cn", report(2018), "2019-01-01"),
        ("t20200120_4.html", report(2019), "2020-01-20"),                  # requested before t3 redirects to it
        ("t20200120_2.html", report(2019), "2020-01-20"),                  # redirects to the canary
        ("t20200120_3.html", report(2019), "2020-01-20"),                  # redirects to t4
        ("t20220120_5.html", title, "2022-01-20"),                         # its PDF is on the canary
    ]))
    site.add("/nb/t20200120_2.html", b"", status=302, headers={"Location": canary.url("/nb/secret.html")},
             conditional=False)
    site.add("/nb/t20200120_3.html", b"", status=301, headers={"Location": "t20200120_4.html"}, conditional=False)
    site.add("/nb/t20200120_4.html", kit.detail_page(report(2019), "<p>正文</p>"))
    site.add("/nb/t20220120_5.html", kit.detail_page(
        title, f"<p>全文见附件</p><a href='{canary.url('/files/report.pdf')}'>附件</a>"))
    site.add("/xxgk/index.html", f"<html><body><a href='{canary.url('/xxgk/nb/')}'>政府信息公开工作年报</a></body></html>")
    site.add("/moved/index.html", b"", status=302, headers={"Location": canary.url("/moved/")}, conditional=False)
    site.add("/twin/index.html", kit.list_page([("/nb/t20200120_4.html", report(2019), "2020-01-20")]))

    agencies = [{"name": "涧西区人民政府", "level": "government"}]
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([
        {"id": "hostile", "url": site.url("/nb/index.html"), "agencies": agencies},
        {"id": "elsewhere", "url": site.url("/xxgk/index.html"), "find_column": True, "agencies": agencies},
        {"id": "moved", "url": site.url("/moved/index.html"), "agencies": agencies},
        {"id": "twin", "url": site.url("/twin/index.html"), "agencies": agencies},
    ]))
    db = tmp_path / "nianjian.db"
    done = crawl(sources, db)
    assert done.returncode == 0, done.stderr[-3000:]

    assert canary.hits == []                            # nothing reached the other port, robots.txt included
    assert any(hit.path == "/robots.txt" for hit in site.hits)
    fetches = {(r["source_id"], r["url"]): r for r in rows(db, "select * from fetches")}
    outcome = lambda source, url: fetches[(source, url)]["outcome"]  # noqa: E731
    assert outcome("hostile", canary.url("/nb/t1.html")) == "offsite"
    assert f"{canary.root} is another site" in fetches[("hostile", canary.url("/nb/t1.html"))]["error"]
    assert outcome("hostile", "file:///etc/passwd") == "bad_link"
    assert outcome("hostile", "javascript:openDoc(3)") == "bad_link"
    assert outcome("hostile", "mailto:gk@example.gov.cn") == "bad_link"
    redirected = fetches[("hostile", site.url("/nb/t20200120_2.html"))]
    assert (redirected["outcome"], redirected["final_url"]) == ("offsite", canary.url("/nb/secret.html"))
    duplicate = fetches[("hostile", site.url("/nb/t20200120_3.html"))]
    assert (duplicate["outcome"], duplicate["final_url"]) == ("duplicate", site.url("/nb/t20200120_4.html"))
    assert outcome("hostile", canary.url("/files/report.pdf")) == "offsite"
    assert outcome("elsewhere", canary.url("/xxgk/nb/")) == "offsite"
    moved = fetches[("moved", site.url("/moved/index.html"))]
    assert (moved["outcome"], moved["final_url"]) == ("offsite", canary.url("/moved/"))
    # a page two sources list is fetched once; the other source's link is a recorded duplicate
    twice = [fetches.get((source, site.url("/nb/t20200120_4.html")), {}).get("outcome") for source in ("hostile", "twin")]
    assert twice.count("duplicate") == 1 and None not in twice

    runs = {r["source_id"]: r for r in rows(db, "select * from source_runs")}
    assert runs["elsewhere"]["status"] == "failed"
    assert (f"annual-report column link found on {site.url('/xxgk/index.html')}, but on a site this source "
            f"does not allow: {canary.root} — add it to allowed_hosts") in runs["elsewhere"]["message"]
    assert runs["moved"]["status"] == "failed"
    assert runs["hostile"]["status"] == "ok"


def test_allowed_hosts_name_origins_and_private_addresses_are_refused():
    def policy(url, *allowed):
        raw = {"id": "s", "url": url, "allowed_hosts": list(allowed), "agencies": [{"name": "某局", "level": "department"}]}
        return SourcePolicy.of(parse_sources({"sources": [raw]})[0])

    public = policy("http://www.a.gov.cn/nb/", "files.a.gov.cn", "http://data.a.gov.cn:8080")
    allowed = ["http://www.a.gov.cn/x", "https://www.a.gov.cn/x", "https://files.a.gov.cn/x.pdf",
               "http://data.a.gov.cn:8080/x"]
    assert [public.refusal(url) for url in allowed] == [None] * 4
    refused = {url: public.refusal(url).outcome for url in (
        "http://www.a.gov.cn:8080/admin", "http://data.a.gov.cn/x", "https://data.a.gov.cn:8080/x",
        "http://www.b.gov.cn/x", "file:///etc/passwd", "ftp://www.a.gov.cn/x")}
    assert refused == {"http://www.a.gov.cn:8080/admin": "offsite", "http://data.a.gov.cn/x": "offsite",
                       "https://data.a.gov.cn:8080/x": "offsite", "http://www.b.gov.cn/x": "offsite",
                       "file:///etc/passwd": "bad_link", "ftp://www.a.gov.cn/x": "bad_link"}
    # a private, loopback or link-local address, even when allowed, only for a source on one itself
    intranet = policy("http://www.a.gov.cn/nb/", "10.0.0.5", "localhost", "169.254.169.254", "[::1]")
    for url in ("http://10.0.0.5/x", "http://localhost/x", "http://169.254.169.254/latest/", "http://[::1]/x"):
        assert intranet.refusal(url).outcome == "private_address", url
    assert intranet.needs_resolving("http://www.a.gov.cn/x")
    assert intranet.address_refusal("www.a.gov.cn", "192.168.1.10", "58.1.2.3").outcome == "private_address"
    assert intranet.address_refusal("www.a.gov.cn", "192.168.1.10", "192.168.1.9") is None  # portal on an intranet
    assert intranet.address_refusal("www.a.gov.cn", "58.1.2.4", "58.1.2.3") is None
    local = policy("http://127.0.0.1:8080/nb/", "http://127.0.0.1:8081")
    assert local.refusal("http://127.0.0.1:8081/x") is None and not local.needs_resolving("http://127.0.0.1:8081/x")
    assert local.refusal("http://127.0.0.1:9999/x").outcome == "offsite"


def test_pagers_declaring_ten_million_pages_stop_at_the_cap(serve, kit, crawl, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    site.add("/trs/index.html", kit.list_page([], script='createPageHTML(10000000, 0, "index", "html");'))
    site.add("/hw/col/col1/index.html", (
        "<html><body><script type='text/xml'><datastore><recordset>"
        "<record><![CDATA[<li><a href='/art/1.html'>新闻</a></li>]]></record></recordset></datastore></script>"
        "<script>$('#1').jpage({perPage: 1, totalRecord: 10000000, groupSize: 1, columnid: 1});</script></body></html>"))
    site.add("/gd/gkmlpt/index", "<html><script>window._CONFIG = {SID: '7'};</script></html>")
    for page in range(1, 10):
        site.add(f"/gd/gkmlpt/api/all/5?page={page}&sid=7",
                 '{"total": 10000000, "articles": [{"title": "新闻", "url": "/gd/1.html"}]}',
                 content_type="application/json")
    agencies = [{"name": "某局", "level": "department"}]
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([
        {"id": "trs", "url": site.url("/trs/index.html"), "agencies": agencies},
        {"id": "hanweb", "url": site.url("/hw/col/col1/index.html"), "agencies": agencies},
        {"id": "gkmlpt", "url": site.url("/gd/gkmlpt/index#5"), "agencies": agencies},
    ]))
    db = tmp_path / "nianjian.db"
    done = crawl(sources, db, "NIANJIAN_MAX_LIST_PAGES=3", timeout=90)
    assert done.returncode == 0, done.stderr[-3000:]

    gets, posts = site.paths(), site.paths("POST")
    assert sorted(p for p in gets if p.startswith("/trs/")) == [
        "/trs/index.html", "/trs/index_1.html", "/trs/index_2.html", "/trs/index_3.html"]
    assert [p.split("?")[1] for p in sorted(posts)] == [
        f"startrecord={n}&endrecord={n}&perpage=1" for n in (2, 3, 4)]
    assert sorted(p for p in gets if p.startswith("/gd/")) == [
        "/gd/gkmlpt/api/all/5?page=1&sid=7", "/gd/gkmlpt/api/all/5?page=2&sid=7",
        "/gd/gkmlpt/api/all/5?page=3&sid=7", "/gd/gkmlpt/index"]
    runs = {r["source_id"]: r for r in rows(db, "select * from source_runs")}
    for source in ("trs", "hanweb", "gkmlpt"):
        assert "stopped at 3 list pages (NIANJIAN_MAX_LIST_PAGES)" in runs[source]["message"], source
