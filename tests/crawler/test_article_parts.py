"""Articles split over several pages (parts): read from saved-page-like detail pages (TRS
`createPageHTML` with the article's own base, Hanweb-style numbered links), then crawled on a
loopback portal: a 3-part TRS report whose t3 table is cut between parts 2 and 3 is stored as one
report; with part 3 failing it is stored partly read, never accused of what part 3 held."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlite_utils

from crawler import pages
from parsers import parse

PARTS = Path(__file__).resolve().parents[1] / "fixtures" / "parts"
PORTALS = Path(__file__).resolve().parents[1] / "fixtures" / "portals"
STEM = "t20220120_12345"
NB = "http://www.jianxi.gov.cn/xxgk/nb/202201/"
HANWEB = "http://www.bjt.gov.cn/art/2022/1/18/"


def part(n: int) -> bytes:
    return (PARTS / f"{STEM}{'' if n == 1 else f'_{n - 1}'}.html").read_bytes()


def text(n: int) -> str:
    return part(n).decode("gb18030")      # served as gb2312, as TRS county sites do


def hanweb() -> str:
    return (PARTS / "hanweb_art_2022_1_18_art_123_777.html").read_text("utf-8")


# ------------------------------------------------------------------ reading a page's parts
def test_trs_article_declares_its_own_parts():
    # createPageHTML(3, 0, "t20220120_12345", "html") on part 1: parts _1 and _2 (a commented-out
    # older call declaring one page is no pager)
    assert pages.article_parts(text(1), NB + f"{STEM}.html") == [NB + f"{STEM}_1.html", NB + f"{STEM}_2.html"]
    # the same pager on parts 2 and 3 names part 1 again: a later part begins no article
    assert pages.article_parts(text(2), NB + f"{STEM}_1.html") == []
    assert pages.article_parts(text(3), NB + f"{STEM}_2.html") == []


def test_hanweb_pager_links_the_other_parts_not_the_column_or_the_next_article():
    # 共3页 [1] [2] [3] 下一页 尾页 → art_123_777_2, _3; 上一篇/下一篇 and the column's own pager
    # (index.html?uid=…&pageNum=2, "2") are no parts
    assert pages.article_parts(hanweb(), HANWEB + "art_123_777.html") == [
        HANWEB + "art_123_777_2.html", HANWEB + "art_123_777_3.html"]
    # on part 2, 首页/上一页 point back at part 1 and [3] at another part's name: nothing
    assert pages.article_parts(hanweb(), HANWEB + "art_123_777_2.html") == []


def test_a_pager_linking_only_the_next_part_is_completed_to_its_declared_count():
    only_next = hanweb().replace('<a href="art_123_777_3.html">[3]</a>', "").replace(
        '<a href="art_123_777_3.html">尾页</a>', "").replace("共3页", "共4页")
    assert pages.article_parts(only_next, HANWEB + "art_123_777.html") == [
        HANWEB + f"art_123_777_{n}.html" for n in (2, 3, 4)]
    # a page numbered by its query (?page=2): its other parts keep the rest of the query
    page = "<div class='page'>共3页 <a href='show.jsp?id=77&amp;page=2'>下一页</a></div>"
    assert pages.article_parts(page, "http://a.gov.cn/art/show.jsp?id=77") == [
        "http://a.gov.cn/art/show.jsp?id=77&page=2", "http://a.gov.cn/art/show.jsp?id=77&page=3"]
    assert pages.article_parts(page, "http://a.gov.cn/art/show.jsp?id=77&page=2") == []


@pytest.mark.parametrize("name, url", [
    # a news article: its sidebar list's pager createPageHTML(6, 0, "index", "html") with links
    # index_1.html "2", and 上一篇/下一篇 to other articles
    ("parts/trs_news_t20220115_12290.html", "http://www.jianxi.gov.cn/xxgk/gzdt/202201/t20220115_12290.html"),
    # a column's own list page: its pager (countPage = 56, index_1 …) pages the list
    ("portals/02_handan_hdzfxxgk_list_trs_pagination.html", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"),
    # a real TRS detail page with its site's pagers
    ("portals/03_handan_hdzfxxgk_detail_meta_trs.html",
     "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html"),
])
def test_pagers_that_are_no_article_parts(name, url):
    page = (PARTS.parent / name).read_text("utf-8")
    assert pages.article_parts(page, url) == []


def test_a_huge_declared_count_and_other_sites_are_capped_and_refused():
    huge = f'<script>createPageHTML(10000000, 0, "{STEM}", "html");</script>'
    parts = pages.article_parts(huge, NB + f"{STEM}.html")
    assert len(parts) == 29 and parts[-1] == NB + f"{STEM}_29.html"      # 30 parts at most
    elsewhere = f"<a href='http://www.other.gov.cn/xxgk/nb/202201/{STEM}_1.html'>2</a>"
    assert pages.article_parts(elsewhere, NB + f"{STEM}.html") == []


def test_merged_parts_read_as_the_one_report():
    merged = pages.merge_parts(text(1), [text(2), text(3)])
    # every part's article body in the first part's container, in order; the chrome once
    assert merged.count('class="TRS_Editor"') == 1 and merged.count("主办：洛阳市涧西区人民政府办公室") == 1
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' in merged   # its charset kept
    assert merged.index("一、总体情况") < merged.index("三、收到和处理政府信息公开申请情况") < merged.index("4.保护第三方合法权益")
    report = parse(merged.encode("gb18030"), url=NB + f"{STEM}.html", content_type="text/html; charset=gb2312")
    assert report.sections == [1, 2, 3, 4, 5, 6] and report.cells == parse(
        text(1).replace("</div>\n</div>\n<div class=\"page\"", _bodies(2, 3) + "</div>\n</div>\n<div class=\"page\"")
        .encode("gb18030"), url=NB + f"{STEM}.html", content_type="text/html; charset=gb2312").cells


def _bodies(*numbers: int) -> str:
    """The article bodies of these parts as one run of markup (the article before it was split)."""
    return "".join(text(n).split('<div class="TRS_Editor">', 1)[1].split("</div>\n</div>", 1)[0] for n in numbers)


# ------------------------------------------------------------------ crawling a portal
# t3 as printed in the report (tests/fixtures/seeds/000, rows 52–76), hand-checked: natural,
# commercial, research, social, legal, other_org, total. Rows up to 3.危及“三安全一稳定” are in
# part 2, the rest in part 3 (no repeated header).
COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
T3_PART_2 = {"new": 54, "carried_in": 2, "granted": 33, "partial": 9, "withheld_secret": 0,
             "withheld_law": 0, "withheld_safety": 0}
T3_PART_3 = {"withheld_third_party": 0, "withheld_internal": 0, "withheld_process": 6,
             "withheld_enforcement": 0, "withheld_inquiry": 0, "unavailable_not_held": 4,
             "unavailable_to_make": 0, "unavailable_unclear": 0, "rejected_complaint": 0,
             "rejected_repeat": 0, "rejected_publication": 0, "rejected_excessive": 2,
             "rejected_confirm": 0, "other_no_correction": 0, "other_unpaid_fee": 0, "other_other": 0,
             "closed_total": 54, "carried_out": 2}


def t3_cells(rows: dict[str, int]) -> dict[str, int]:
    """Every applicant column 0 but 自然人's, which is the row's 总计 (true of every row here)."""
    return {f"t3.{row}.{column}": (natural if column in ("natural", "total") else 0)
            for row, natural in rows.items() for column in COLUMNS}


def rows(db, sql, *args):
    return list(sqlite_utils.Database(db).query(sql, args))


def test_parts_crawled_merged_and_a_failed_part_read_as_partly_read(serve, kit, crawl, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    gbk = {"content_type": "text/html; charset=gb2312"}
    other = ("涧西区人民政府", "瀍河区人民政府")
    for column, agency in (("/a/nb/", other[0]), ("/b/nb/", other[1])):
        title = f"{agency}2021年政府信息公开工作年度报告"
        site.add(column, kit.list_page([(f"./202201/{STEM}.html", title, "2022-01-20"),
                                        ("./202201/t20220115_12290.html", "涧西区召开2022年政务公开工作会议", "2022-01-15")]))
        for n in (1, 2, 3):
            name = f"{STEM}{'' if n == 1 else f'_{n - 1}'}.html"
            site.add(f"{column}202201/{name}", part(n).replace(*(a.encode("gb18030") for a in other))
                     if agency == other[1] else part(n), **gbk)
    site.add(f"/b/nb/202201/{STEM}_2.html", "<html><body>Internal Server Error</body></html>", status=500)
    # (c) a one-page report carrying its column's pager and links to the articles before and after
    xiguan = kit.seed("001")
    chrome = ("<div class='prevnext'><a href='./t20220124_12370.html'>上一篇</a> <a href='./t20220126_12390.html'>下一篇</a></div>"
              "<div class='page' id='page_div'><script>createPageHTML(4, 0, \"index\", \"html\");</script>"
              "共4页 <a href='index_1.html'>2</a> <a href='index_1.html'>下一页</a></div>")
    single = kit.detail_page(kit.seed_title(xiguan), kit.seed_body_html(xiguan), date_line="发布日期：2022-01-25") \
        .replace("</body>", chrome + "</body>")
    site.add("/c/nb/", kit.list_page([("./202201/t20220125_12380.html", kit.seed_title(xiguan), "2022-01-25")]))
    site.add("/c/nb/202201/t20220125_12380.html", single)

    # (d) a pager linking only the part before and after (上一页 下一页): each part names the next
    yanjin = kit.seed("003")
    blocks = kit.seed_body_html(yanjin).split("\n")
    thirds = [blocks[:len(blocks) // 3], blocks[len(blocks) // 3:2 * len(blocks) // 3], blocks[2 * len(blocks) // 3:]]
    names = ["art_88_901.html", "art_88_901_2.html", "art_88_901_3.html"]
    for n, (name, chunk) in enumerate(zip(names, thirds)):
        pager = "".join(f"<a href='{names[m]}'>{word}</a>" for m, word in ((n - 1, "上一页"), (n + 1, "下一页"))
                        if 0 <= m < 3)
        site.add(f"/d/nb/{name}", kit.detail_page(kit.seed_title(yanjin), "\n".join(chunk), date_line="发布日期：2024-01-30")
                 .replace("</body>", f"<div class='pages'>{pager}</div></body>"))
    site.add("/d/nb/", kit.list_page([("art_88_901.html", kit.seed_title(yanjin), "2024-01-30")]))
    whole_page = kit.detail_page(kit.seed_title(yanjin), "\n".join(blocks), date_line="发布日期：2024-01-30").encode()

    agencies = lambda *names: [{"name": n, "level": "government"} for n in names]  # noqa: E731
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([
        {"id": "whole", "url": site.url("/a/nb/"), "agencies": agencies(other[0])},
        {"id": "part-failing", "url": site.url("/b/nb/"), "agencies": agencies(other[1])},
        {"id": "pagers", "url": site.url("/c/nb/"), "agencies": agencies("老城区西关街道办事处")},
        {"id": "chained", "url": site.url("/d/nb/"), "agencies": agencies("延津县人民政府办公室")},
    ]))
    db = tmp_path / "nianjian.db"
    done = crawl(sources, db)
    assert done.returncode == 0, done.stderr[-3000:]

    reports = {r["agency"]: r for r in rows(db, "select * from reports")}
    assert set(reports) == {other[0], other[1], "老城区西关街道办事处", "延津县人民政府办公室"}

    # (a) three parts, fetched in order after the first, stored as one report at part 1's URL
    whole = reports[other[0]]
    assert whole["url"] == site.url(f"/a/nb/202201/{STEM}.html") and whole["published"] == "2022-01-20"
    asked = [p for p in site.paths() if p.startswith(f"/a/nb/202201/{STEM}")]
    assert asked == [f"/a/nb/202201/{STEM}.html", f"/a/nb/202201/{STEM}_1.html", f"/a/nb/202201/{STEM}_2.html"]
    version = rows(db, "select * from report_versions where id = ?", whole["current_version"])[0]
    assert json.loads(version["sections"]) == [1, 2, 3, 4, 5, 6]
    assert {p["code"] for p in json.loads(version["problems"])} == {"ROW_REPAIRED"}    # as on one page
    cells = {r["key"]: r["value"] for r in rows(db, "select key, value from cells where version_id = ?", version["id"])}
    assert {k: v for k, v in cells.items() if k.startswith("t3.")} == t3_cells({**T3_PART_2, **T3_PART_3})
    # t4 (part 3): 复议 9 5 0 2 16; 未经复议直接起诉 6 4 1 0 11; 复议后起诉 2 3 0 1 6
    assert [cells[f"t4.{group}.{column}"] for group in ("review", "suit_direct", "suit_after_review")
            for column in ("upheld", "corrected", "other", "pending", "total")] == [
        9, 5, 0, 2, 16, 6, 4, 1, 0, 11, 2, 3, 0, 1, 6]
    assert whole["errors"] == 0
    assert not rows(db, "select * from findings where report_id = ? and rule in ('SECTION_MISSING', 'TABLE_INCOMPLETE')",
                    whole["id"])
    fetched = {r["url"]: r["outcome"] for r in rows(db, "select url, outcome from fetches where source_id = 'whole'")}
    assert fetched[site.url(f"/a/nb/202201/{STEM}.html")] == "stored"
    assert fetched[site.url(f"/a/nb/202201/{STEM}_1.html")] == fetched[site.url(f"/a/nb/202201/{STEM}_2.html")] == "part"

    # (b) part 3 answers 500: stored with parts 1–2, partly read, the failure in the ledger,
    # nothing of part 3 held against the agency
    partial = reports[other[1]]
    version = rows(db, "select * from report_versions where id = ?", partial["current_version"])[0]
    problems = {p["code"]: p["detail"] for p in json.loads(version["problems"])}
    assert problems["PARTS_MISSING"] == ("the page is split over pages; 1 part(s) could not be fetched: "
                                         + site.url(f"/b/nb/202201/{STEM}_2.html"))
    assert json.loads(version["sections"]) == [1, 2, 3]
    cells = {r["key"]: r["value"] for r in rows(db, "select key, value from cells where version_id = ?", version["id"])}
    assert {k: v for k, v in cells.items() if k.startswith("t3.")} == t3_cells(T3_PART_2)
    assert not any(k.startswith("t4.") for k in cells)
    failed = rows(db, "select outcome, error, status from fetches where url = ?", site.url(f"/b/nb/202201/{STEM}_2.html"))
    assert [(r["outcome"], r["status"]) for r in failed] == [("http_error", 500)]
    # the page is stored, but recorded as lacking parts: the next crawl fetches it afresh
    detail = rows(db, "select outcome, error from fetches where url = ?", site.url(f"/b/nb/202201/{STEM}.html"))
    assert [r["outcome"] for r in detail] == ["parts_missing"] and "PARTS_MISSING" in detail[0]["error"]
    assert partial["errors"] == 0
    findings = rows(db, "select rule, severity, assessable, message_zh from findings where report_id = ?", partial["id"])
    assert not [f for f in findings if f["severity"] == "error"]
    missing = [f for f in findings if f["rule"] in ("SECTION_MISSING", "TABLE_INCOMPLETE")]
    assert {f["rule"] for f in missing} == {"SECTION_MISSING", "TABLE_INCOMPLETE"}
    assert all(not f["assessable"] and "部分未能读取（PARTS_MISSING" in f["message_zh"] for f in missing)
    run = {r["source_id"]: r for r in rows(db, "select * from source_runs")}
    assert run["part-failing"]["status"] == "partial" and run["whole"]["status"] == "ok"

    # (c) the column's pager and the neighbouring articles are no parts: nothing but the page asked
    assert [p for p in site.paths() if p.startswith("/c/nb/")] == ["/c/nb/", "/c/nb/202201/t20220125_12380.html"]
    assert rows(db, "select outcome from fetches where url = ?", site.url("/c/nb/202201/t20220125_12380.html")) == [
        {"outcome": "stored"}]
    assert run["pagers"]["status"] == "ok"

    # (d) the parts named one by one, asked for once each, read as the page never split
    assert [p for p in site.paths() if p.startswith("/d/nb/")] == ["/d/nb/"] + [f"/d/nb/{name}" for name in names]
    chained = reports["延津县人民政府办公室"]
    version = rows(db, "select * from report_versions where id = ?", chained["current_version"])[0]
    cells = {r["key"]: r["value"] for r in rows(db, "select key, value from cells where version_id = ?", version["id"])}
    unsplit = parse(whole_page, url=site.url("/d/nb/art_88_901.html"), content_type="text/html; charset=utf-8")
    assert json.loads(version["sections"]) == unsplit.sections == [1, 2, 3, 4, 5, 6]
    assert len(cells) == 200 and cells == unsplit.cells and "PARTS_MISSING" not in version["problems"]

    # the next crawl: part 3 answers again. The page lacking a part is fetched afresh (not taken
    # as unchanged) and its whole report replaces the partly read one; the whole report's
    # unchanged page (304) is not read again, nor are its parts asked for.
    before = len(site.hits)
    site.add(f"/b/nb/202201/{STEM}_2.html", part(3).replace(*(a.encode("gb18030") for a in other)), **gbk)
    done = crawl(sources, db)
    assert done.returncode == 0, done.stderr[-3000:]
    again = [(h.path, h.status) for h in site.hits[before:] if "/202201/" in h.path]
    assert sorted(again) == sorted([
        (f"/a/nb/202201/{STEM}.html", 304), ("/c/nb/202201/t20220125_12380.html", 304),
        (f"/b/nb/202201/{STEM}.html", 200), (f"/b/nb/202201/{STEM}_1.html", 200), (f"/b/nb/202201/{STEM}_2.html", 200)])
    partial = rows(db, "select * from reports where agency = ?", other[1])[0]
    version = rows(db, "select * from report_versions where id = ?", partial["current_version"])[0]
    assert partial["versions"] == 2 and json.loads(version["sections"]) == [1, 2, 3, 4, 5, 6]
    assert "PARTS_MISSING" not in version["problems"]
    cells = {r["key"]: r["value"] for r in rows(db, "select key, value from cells where version_id = ?", version["id"])}
    assert {k: v for k, v in cells.items() if k.startswith("t3.")} == t3_cells({**T3_PART_2, **T3_PART_3})


# ------------------------------------------------------------------ what a missing part costs
def test_a_report_lacking_parts_is_never_accused_of_what_they_held():
    from nianjian.ingest import read_document

    url, gbk = NB + f"{STEM}.html", "text/html; charset=gb2312"
    # part 1 alone (sections 一 and 二, t2): read as such, it lacks sections 3–6 and t3/t4
    alone = read_document(body=part(1), url=url, content_type=gbk)
    assert {(f.rule, f.severity) for f in alone.own_findings if f.rule == "SECTION_MISSING"} == {("SECTION_MISSING", "error")}
    # with parts 2 and 3 missing, the same lacks are not assessable, and nothing is an error
    lacking = read_document(body=part(1), url=url, content_type=gbk, missing_parts=(NB + f"{STEM}_1.html", NB + f"{STEM}_2.html"))
    assert lacking.report.readability == "partly_read" and lacking.report.partly_read.code == "PARTS_MISSING"
    assert not [f for f in lacking.own_findings if f.severity == "error"]
    missing = [f for f in lacking.own_findings if f.rule in ("SECTION_MISSING", "TABLE_INCOMPLETE")]
    assert len(missing) == 6 and not any(f.assessable for f in missing)     # sections 3–6, t3, t4
    # a part holding only prose, its tables' parts missing: unreadable, one UNREADABLE warning
    head, body = text(1).split('<div class="TRS_Editor">', 1)
    prose = (head + '<div class="TRS_Editor">' + re.sub(r"<table.*?</table>", "", body, flags=re.S)).encode("gb18030")
    unread = read_document(body=prose, url=url, content_type=gbk, missing_parts=(NB + f"{STEM}_1.html",))
    assert unread.report.readability == "unreadable"
    assert [(f.rule, f.severity, f.message_zh.split("）")[0]) for f in unread.own_findings] == [
        ("UNREADABLE", "warning", "无法读取该文件（报告分页发布，部分分页未能获取")]
