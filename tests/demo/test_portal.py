"""The demo portal, served for real on 127.0.0.1: every pattern of docs/spec/portals.md it promises."""
from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import pytest

from nianjian.demo_portal.content import portal_data
from crawler import pages
from nianjian.demo_portal.site import CHALLENGE_COOKIE, build_site, challenge_answer

ROOT = Path(__file__).resolve().parents[2]
CHROME = portal_data()["chrome"]


def _links(html: bytes, base: str) -> list[tuple[str, str]]:
    """(absolute href, link text) of the <a> elements outside scripts. Pages declaring gbk are read
    as gb18030, its superset, as a crawler must (they hold GB18030-only characters)."""
    codec = "gb18030" if b"charset=gbk" in html[:400] else "utf-8"
    root = lxml.html.document_fromstring(html.decode(codec))
    return [(urljoin(base, a.get("href")), a.text_content().strip()) for a in root.iter("a") if a.get("href")]


def test_home_page_leads_to_every_column_as_a_region_portal_does(portal, facts, http):
    """/ is the region's portal home: its 政府信息公开 platform, department lists and the county
    and district portals lead to every source's column (or entry page) within three links; the
    财政局's column is on another host name of the region."""
    columns = {column["url"] for column in facts.columns.values()}
    other_host = portal.base_url.replace("127.0.0.1", "localhost")
    seen, frontier = set(), [portal.base_url + "/"]
    for _ in range(3):
        following = []
        for url in frontier:
            answer = http(url.replace(other_host, portal.base_url))
            assert answer.status == 200, url
            for href, _ in _links(answer.body, url):
                if href not in seen and href.startswith((portal.base_url, other_host)):
                    seen.add(href)
                    if href.replace(other_host, portal.base_url) not in columns:
                        following.append(href)
        frontier = following
    reached = {href.replace(other_host, portal.base_url) for href in seen}
    assert columns <= reached
    assert any(href.startswith(other_host) for href in seen)


def test_trs_column_has_three_list_pages_with_the_declared_count(portal, facts, http):
    column = facts.columns["shili-city"]
    assert [p.rsplit("/", 1)[1] for p in column["list_pages"]] == ["index.html", "index_1.html", "index_2.html"]
    seen = []
    for page, url in enumerate(column["list_pages"]):
        answer = http(url)
        assert answer.status == 200
        text = answer.body.decode("utf-8")
        assert f'createPageHTML(3, {page}, "index", "html");' in text
        assert "var countPage = 3" in text
        # an older, commented-out call promising more pages: never to be believed
        assert f'//createPageHTML(5, {page}, "index", "html");' in text
        items = [(href, title) for href, title in _links(answer.body, url) if "/t20" in href]
        assert len(items) == [5, 5, 2][page]
        for href, _ in items:
            assert re.search(r"/\d{6}/t\d{8}_\d+\.html$", href)
        assert all(f'href="./{href.rsplit("/", 2)[1]}/' in text for href, _ in items)   # ./YYYYMM/ links
        seen += items
    listed = {href for href, _ in seen}
    assert {r.url for r in facts.reports if r.source_id == "shili-city"} <= listed
    mixed = {i["title"] for i in facts.ignored if i["source_id"] == "shili-city"}
    assert mixed <= {title for _, title in seen}
    assert any(i["kind"] == "website_report" for i in facts.ignored if i["source_id"] == "shili-city")


def test_trs_second_pager_form_numbers_pages_from_two(facts, http):
    column = facts.columns["shili-district"]
    assert [p.rsplit("/", 1)[1] for p in column["list_pages"]] == ["xlist.shtml", "xlist_2.shtml"]
    listed = []
    for page, url in enumerate(column["list_pages"], start=1):
        text = http(url).body.decode("gb18030")
        assert f"createPageHTML('page_div', 2, {page}, 'xlist', 'shtml', 6);" in text
        assert "countPage" not in text
        listed += [href for href, _ in _links(http(url).body, url) if "/t20" in href]
    assert len(listed) == 6
    assert {r.url for r in facts.reports if r.source_id == "shili-district"} <= set(listed)


def test_trs_detail_page_meta_and_attachment_only_in_a_script(facts, http):
    entry = facts.report("示例市人民政府", 2023)
    assert entry.style == "pdf"
    answer = http(entry.url)
    root = lxml.html.document_fromstring(answer.body)
    assert root.xpath("//meta[@name='ArticleTitle']/@content") == [entry.title]
    assert root.xpath("//meta[@name='PubDate']/@content") == ["2024-01-25 09:30"]
    assert root.xpath("//div[@class='TRS_Editor']")
    # no <a> to the PDF in the static HTML: only the script writes it
    assert not [a for a in root.iter("a") if (a.get("href") or "").endswith(".pdf")]
    script = " ".join(s.text or "" for s in root.iter("script"))
    relative = "./" + entry.attachment_url.rsplit("/", 1)[1]
    assert f"var att='<a href=\"{relative}\">" in script and "document.write" in script
    pdf = http(entry.attachment_url)
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body == (ROOT / "tests/fixtures/corpus/hongze_2023.pdf").read_bytes()


def test_hanweb_inline_datastore_and_dataproxy(facts, http):
    column = facts.columns["shili-jyj"]
    proxy = facts.dataproxy
    text = http(column["url"]).body.decode("utf-8")
    datastore = re.search(r'<script type="text/xml">(.*?)</script>', text, re.S).group(1)
    inline = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", datastore)
    assert len(inline) == proxy["per_page"] == 3
    assert f"totalRecord:{proxy['total']}" in text and "perPage:3" in text and proxy["total"] == 7
    assert "columnid:1001" in text

    def ask(query: str, method: str) -> lxml.etree._Element:
        form = f"{query}&columnid=1001&unitid=2001&webid=31".encode()
        answer = (http(proxy["url"], data=form, method="POST") if method == "POST"
                  else http(proxy["url"] + "?" + form.decode()))
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/xml")
        return lxml.etree.fromstring(answer.body)

    for method in ("GET", "POST"):
        pages = [ask(f"startrecord={s}&endrecord={s + 2}&perpage=3", method) for s in (1, 4, 7)]
        assert [len(p.findall("recordset/record")) for p in pages] == [3, 3, 1]
        assert {p.findtext("totalrecord") for p in pages} == {"7"}
        assert {p.findtext("totalpage") for p in pages} == {"3"}
        first = [r.text for r in pages[0].findall("recordset/record")]
        assert first == inline
    records = "".join(r.text for p in pages for r in p.findall("recordset/record"))
    links = {urljoin(column["url"], h) for h in re.findall(r'href="([^"]+)"', records)}
    assert {r.url for r in facts.reports if r.source_id == "shili-jyj"} <= links
    for url in links:
        assert re.search(r"/jyj/art/\d{4}/\d{1,2}/\d{1,2}/art_1001_\d+\.html$", url)
    assert '<!--ZJEG_RSS.content.begin-->' in http(facts.report("示例市教育局", 2024).url).body.decode()
    assert http(proxy["url"] + "?startrecord=x&endrecord=3").status == 400
    assert http(proxy["url"] + "?startrecord=5&endrecord=2").status == 400
    wrong = ask("startrecord=1&endrecord=3&perpage=3&columnid=9999", "GET")
    assert wrong.findtext("totalrecord") == "0" and not wrong.findall("recordset/record")


def test_plain_list_is_ul_li_a_span(facts, http):
    url = facts.columns["shili-czj"]["url"]
    root = lxml.html.document_fromstring(http(url).body)
    entries = [(li.find("a").text_content(), li.find("span").text) for li in root.iter("li")]
    assert len(entries) == 6
    report = facts.report("示例市财政局", 2024)
    assert (report.title, "2025-01-24") in entries


def test_county_entry_page_link_split_by_br_leads_to_a_column_of_many_agencies(facts, http):
    column = facts.columns["shili-county"]
    assert column["find_column"]
    entry = http(column["url"])
    root = lxml.html.document_fromstring(entry.body)
    anchors = [a for a in root.iter("a") if a.find("br") is not None]
    assert len(anchors) == 1
    assert anchors[0].text_content() == "".join(CHROME["entry_link"])
    listing_url = urljoin(column["url"], anchors[0].get("href"))
    assert listing_url == column["list_pages"][0]
    listed = {href for href, _ in _links(http(listing_url).body, listing_url)}
    reports = [r for r in facts.reports if r.source_id == "shili-county"]
    assert {r.url for r in reports} <= listed
    assert {r.level for r in reports} == {"government", "department", "township"}
    assert len({r.agency for r in reports}) == 4


def test_gbk_site_declares_gbk_and_holds_gb18030_only_characters(facts, http):
    url = facts.columns["shili-district"]["url"]
    answer = http(url)
    assert answer.headers["Content-Type"] == "text/html; charset=gbk"
    assert b"charset=gbk" in answer.body
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("gbk")
    text = answer.body.decode("gb18030")
    assert "䶮" in text
    report = facts.report("示例区人民政府", 2024)
    assert report.encoding == "gb18030"
    assert "㙟" in http(report.url).body.decode("gb18030")


def test_conditional_requests_answer_304(portal, facts, http):
    for url in (facts.columns["shili-city"]["list_pages"][1], facts.report("示例市教育局", 2025).url,
                facts.report("示例县东湖镇人民政府", 2024).attachment_url):
        first = http(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert first.status == 200 and etag and modified
        assert http(url, headers={"If-None-Match": etag}).status == 304
        assert http(url, headers={"If-Modified-Since": modified}).status == 304
        assert http(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
        assert http(url, headers={"If-None-Match": '"other"'}).status == 200
        head = http(url, method="HEAD")
        assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) == len(first.body)
    assert portal.hits[("GET", urllib.request.urlparse(url).path, 304)] >= 2


def test_server_error_bot_wall_and_not_found(facts, http, portal):
    assert http(facts.failing["server_error"]).status == 500
    wall = http(facts.failing["bot_wall"])
    assert wall.status == 200 and CHROME["bot_wall"] in wall.body.decode("utf-8")
    assert http(facts.columns["shili-zrzyj"]["url"]).body == wall.body
    assert http(portal.base_url + "/no/such/page.html").status == 404


def test_slow_page_outlasts_a_short_timeout_and_answers_a_patient_client(facts, http):
    url = facts.failing["slow"]
    with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
        urllib.request.urlopen(url, timeout=0.2).read()
    assert http(url, timeout=10).status == 200


def test_round_two_differs_only_in_the_edited_report(portal, portal2, http):
    one, two = build_site(1), build_site(2)
    assert one.pages.keys() == two.pages.keys()
    changed = {path for path in one.pages if one.pages[path].body != two.pages[path].body}
    edited = [r for r in portal2.site.columns["shili-czj"].items if r.report and r.report.edited]
    assert len(edited) == 1 and changed == {edited[0].path}
    first = http(portal.base_url + edited[0].path)
    second = http(portal2.base_url + edited[0].path)
    assert first.headers["ETag"] != second.headers["ETag"]
    assert first.headers["Last-Modified"] == "Mon, 26 Jan 2026 01:30:00 GMT"
    assert second.headers["Last-Modified"] == "Mon, 08 Jun 2026 01:30:00 GMT"
    # a crawler revisiting with round 1's validators gets the new page
    assert http(portal2.base_url + edited[0].path, headers={"If-None-Match": first.headers["ETag"]}).status == 200


def test_every_report_is_reachable_from_the_list_pages(facts, http):
    """From the list pages as a browser sees them: the Hanweb proxy's records, the script-built
    column's JSON, and the challenge site's pages with the cookie its challenge sets."""
    clearance = {"Cookie": f"{CHALLENGE_COOKIE}={challenge_answer()}"}
    reachable = set()
    for column in facts.columns.values():
        for url in column["list_pages"]:
            answer = http(url, headers=clearance)
            reachable |= {href for href, _ in _links(answer.body, url)}
    records = http(facts.dataproxy["url"] + "?startrecord=1&endrecord=99&perpage=3").body.decode()
    reachable |= {urljoin(facts.dataproxy["url"], h) for h in re.findall(r'href="([^"]+)"', records)}
    listed = urljoin(facts.columns["shili-sthjj"]["url"], "list.json")
    reachable |= {urljoin(listed, r["url"]) for r in json.loads(http(listed).body)["records"]}
    assert {r.url for r in facts.reports} <= reachable
    for report in facts.reports:
        if not report.fails:
            answer = http(report.url, headers=clearance)
            assert answer.status == 200 and "wzws_cid" not in answer.body.decode("utf-8", "replace")


def test_challenge_site_answers_its_challenge_until_the_cookie_is_right(facts, http):
    column = facts.columns["shili-jtysj"]["url"]
    assert pages.js_challenge(200, http(column).body) == "wzws"
    wrong = http(column, headers={"Cookie": f"{CHALLENGE_COOKIE}=0"})
    assert pages.js_challenge(200, wrong.body) == "wzws"
    right = http(column, headers={"Cookie": f"{CHALLENGE_COOKIE}={challenge_answer()}"})
    assert pages.js_challenge(200, right.body) is None and "content_9225.html" in right.body.decode()


def test_round_switches_while_serving_and_refuses_other_values(portal2, http):
    from nianjian.demo_portal import DemoPortal

    with pytest.raises(ValueError, match="round must be 1 or 2"):
        DemoPortal(round=3)
    edited = next(i for i in portal2.site.columns["shili-czj"].items if i.report and i.report.edited)
    before = http(portal2.base_url + edited.path).headers["ETag"]
    portal2.round = 1
    try:
        assert http(portal2.base_url + edited.path).headers["ETag"] != before
        with pytest.raises(ValueError):
            portal2.round = 0
        assert portal2.round == 1
    finally:
        portal2.round = 2
