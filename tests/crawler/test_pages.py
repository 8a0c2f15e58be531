"""Page reading against real saved portal pages (tests/fixtures/portals) and small pages that
show one pattern each."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler import pages
from crawler.families import detect, gkmlpt, hanweb, trs

PORTALS = Path(__file__).resolve().parents[1] / "fixtures" / "portals"


def portal(prefix: str) -> str:
    return next(PORTALS.glob(f"{prefix}_*.html")).read_text("utf-8")


ORDOS = "http://www.ordos.gov.cn/egb/xxgk/xxgknb/"
HANDAN = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"


def test_ordos_column_lists_its_four_reports_and_not_its_news():
    # 01: the 信息公开年报 column of 恩格贝 mixes 2018/2019 reports with news items.
    entries = pages.report_entries(portal("01"), ORDOS)
    assert [(e.title, e.year, e.listed_date, e.url.rsplit("/", 2)[-2:]) for e in entries] == [
        ("鄂尔多斯市2019年政府信息公开工作年度报告", 2019, "2020-09-03", ["202009", "t20200903_2748784.html"]),
        ("鄂尔多斯市人民政府办公室2019年政府信息公开工作年度报告", 2019, "2020-03-11", ["202003", "t20200311_2593126.html"]),
        ("鄂尔多斯市2018年政府信息公开年度报告", 2018, "2019-05-30", ["201905", "t20190530_2380968.html"]),
        ("内蒙古自治区2018年政府信息公开工作年度报告", 2018, "2019-05-30", ["201905", "t20190530_2380967.html"]),
    ]
    assert all(e.url.startswith(ORDOS) for e in entries)


def test_ordos_pager_declares_two_pages():
    # var countPage = 2//共多少页  → index.html, index_1.html
    assert list(trs.page_urls(portal("01"), ORDOS)) == [ORDOS + "index.html", ORDOS + "index_1.html"]
    assert [p.url for p in trs.more_pages(portal("01"), ORDOS)] == [ORDOS + "index_1.html"]


def test_handan_pager_declares_56_pages_and_no_more():
    # 02: var countPage=56, links index.html, index_1 … index_55.html
    urls = list(trs.page_urls(portal("02"), HANDAN))
    base = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
    assert urls == [base + "index.html"] + [f"{base}index_{n}.html" for n in range(1, 56)]
    assert detect(portal("02"), HANDAN) == "trs"
    # its one listed row is a 通知, not a report
    assert pages.report_entries(portal("02"), HANDAN) == []


@pytest.mark.parametrize("script, expected", [
    ('createPageHTML(3, 0, "index", "html");', ["index.html", "index_1.html", "index_2.html"]),
    ("createPageHTML('page_div', 3, 1, 'xlist', 'shtml', 45);", ["xlist.shtml", "xlist_2.shtml", "xlist_3.shtml"]),
    ('//createPageHTML(40, 0, "index", "html");\ncreatePageHTML(2, 0, "index", "html");', ["index.html", "index_1.html"]),
    ('/* createPageHTML(40, 0, "index", "html"); */', []),
])
def test_trs_page_count_signatures(script, expected):
    page = f"<html><body><script>{script}</script></body></html>"
    assert list(trs.page_urls(page, "http://a.gov.cn/col/")) == [f"http://a.gov.cn/col/{n}" for n in expected]


def test_handan_entry_page_finds_the_column_whose_link_text_is_split_by_br():
    # 04: <h3><a href=".../zfxxgknb/"><em></em>政府信息<br>公开年报</a></h3>
    assert pages.column_links(portal("04"), "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/") == [
        "http://hdzfxxgk.hd.gov.cn/zfxxgknb/"]


def test_handan_detail_title_from_article_title_meta():
    # 03: <meta name="ArticleTitle" content="邯郸市教育局关于印发…的通知">
    detail = pages.read_detail(portal("03"), "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html")
    assert detail.title == "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
    assert not pages.is_report_title(detail.title)


def test_wanzai_detail_body_is_zoomcon_and_has_no_report_tables():
    # 05: <h1 class="article-title"><ucaptitle>…</ucaptitle>, body div#zoomcon.article-content
    detail = pages.read_detail(portal("05"), "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/x.shtml")
    assert detail.title == "万载县2022年国民经济和社会发展统计公报"
    assert 'id="zoomcon"' in detail.body_html
    assert detail.has_report_tables is False
    assert detail.attachments == ()


@pytest.mark.parametrize("title, year", [
    ("涧西区人民政府2021年政府信息公开工作年度报告", 2021),
    ("洛阳市伊滨经开区人民政府 2020 年政府信息公开工作 年度报告", 2020),
    ("2021年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告", 2021),
    ("某县二〇二三年政府信息公开工作年度报告", 2023),
    ("政府信息公开工作年度报告（2023年度）", 2023),
    ("市教育局2022年度政府信息公开年报", 2022),
])
def test_report_titles_and_years(title, year):
    assert pages.is_report_title(title)
    assert pages.report_year(title) == year


@pytest.mark.parametrize("title", [
    "某县政府信息公开工作年度报告（2023年1月20日）",     # a publication date, not the report's year
    "某县2021-2022年政府信息公开工作年度报告",            # a range: which year is not known
])
def test_a_title_whose_year_is_not_surely_the_reports_is_listed_without_one(title):
    """Read as the parser reads a title (parsers.metadata.title_match): listed, its page tells."""
    assert pages.is_report_title(title)
    assert pages.report_year(title) is None


@pytest.mark.parametrize("title", [
    "涧西区人民政府2021年政府网站工作年度报表",
    "关于报送2023年政府信息公开工作年度报告的通知",
    "涧西区召开2022年政务公开工作会议",
    "政府信息公开工作年度报告",            # no year: cannot be matched to a report year
])
def test_not_report_titles(title):
    assert not pages.is_report_title(title)


def test_links_are_resolved_without_fragment_or_tracking():
    base = "http://a.gov.cn/nb/index.html"
    same = {pages.fetch_url(u, base) for u in (
        "./202201/t20220120_1.html", "http://A.gov.cn/nb/202201/t20220120_1.html#top",
        "202201/t20220120_1.html?from=list&utm_source=wx")}
    assert same == {"http://a.gov.cn/nb/202201/t20220120_1.html"}
    # Parameters that may select a page stay: a Hanweb column's page 2 is not its page 1.
    assert pages.fetch_url("index.html?uid=3&pageNum=2", base) == "http://a.gov.cn/nb/index.html?uid=3&pageNum=2"


def test_attachments_written_by_a_script_unsupported_formats_and_on_other_sites():
    page = ("<html><body><div class=TRS_Editor><p>详见附件</p></div>"
            "<a href='./P020240101_1.wps'>附件</a><a href='http://other.cn/x.pdf'>外站</a>"
            "<script>var att='<a href=\"./P020240101_2.pdf\">附件</a>'; document.write(att);</script></body></html>")
    detail = pages.read_detail(page, "http://a.gov.cn/nb/202401/t20240101_1.html")
    assert detail.body_html.startswith("<div class=\"TRS_Editor\">")
    assert [(a.url, a.extension, a.supported) for a in detail.attachments] == [
        ("http://a.gov.cn/nb/202401/P020240101_1.wps", "wps", False),
        ("http://other.cn/x.pdf", "pdf", True),             # refused when fetched, and recorded
        ("http://a.gov.cn/nb/202401/P020240101_2.pdf", "pdf", True)]


def test_body_with_report_tables():
    page = ("<html><body><div id=zoom><table><tr><td>信息内容</td><td>本年制发件数</td></tr>"
            "<tr><td>规章</td><td>0</td></tr><tr><td colspan=2>三、收到和处理政府信息公开申请情况</td></tr>"
            "</table></div></body></html>")
    assert pages.read_detail(page, "http://a.gov.cn/t.html").has_report_tables
    assert pages.read_detail(page, "http://a.gov.cn/t.html").pictures == ()   # tables read: no OCR


def test_body_pictures_that_may_be_tables_not_icons_nor_the_page_frame():
    page = ("<html><body><img src='/logo.png'><div class=TRS_Editor><p>年度报告如下：</p>"
            "<img src='./t1.png'><img src='icon.gif' width=16 height='16px'><p><img src='./t2.jpg' width=800>"
            "<img src='./t1.png'></p></div></body></html>")
    assert pages.read_detail(page, "http://a.gov.cn/nb/t.html").pictures == (
        "http://a.gov.cn/nb/t1.png", "http://a.gov.cn/nb/t2.jpg")


def test_hanweb_inline_records_and_dataproxy_requests():
    page = ("<html><body><div id='1'><script type='text/xml'><datastore><recordset>"
            "<record><![CDATA[<li><a href='/art/2024/1/20/art_55_1.html' title='某局2023年政府信息公开工作年度报告'>"
            "某局2023年…</a><span>2024-01-20</span></li>]]></record>"
            "<record><![CDATA[<li><a href='/art/2024/1/2/art_55_2.html'>某局新闻</a></li>]]></record>"
            "</recordset></datastore></script></div><script>totalRecord:50, perPage:10, groupSize:3,"
            " proxyUrl:'/module/web/jpage/dataproxy.jsp', ajaxParam:{webid:2, columnid:55, unitid:'77'}</script>"
            "</body></html>")
    url = "http://h.gov.cn/col/col55/index.html"
    assert [(e.title, e.year, e.listed_date) for e in hanweb.entries(page, url)] == [
        ("某局2023年政府信息公开工作年度报告", 2023, "2024-01-20")]
    more = list(hanweb.more_pages(page, url))
    assert [p.url.split("?")[1] for p in more] == [
        "startrecord=3&endrecord=32&perpage=10", "startrecord=33&endrecord=50&perpage=10"]
    assert more[0].formdata == (("webid", "2"), ("columnid", "55"), ("unitid", "77"))
    assert detect(page, url) == "hanweb"


def test_gkmlpt_api_pages_and_articles():
    url = "http://www.sz.gov.cn/gkmlpt/index#2525"
    assert gkmlpt.api_url(url) == "http://www.sz.gov.cn/gkmlpt/api/all/2525?page=1"
    answer = ('{"total": 250, "articles": ['
              '{"title": "某区2023年政府信息公开工作年度报告", "url": "http://www.sz.gov.cn/x/post_1.html",'
              ' "first_publish_time": 1706500000},'
              '{"title": "某区2023年工作总结", "url": "http://www.sz.gov.cn/x/post_2.html"}]}')
    api = gkmlpt.api_url(url)
    assert [(e.url, e.year, e.listed_date) for e in gkmlpt.entries(answer, api)] == [
        ("http://www.sz.gov.cn/x/post_1.html", 2023, "2024-01-29")]
    # each page names the next one while the column has more (250 articles, 2 a page)
    assert [p.url for p in gkmlpt.more_pages(answer, api)] == ["http://www.sz.gov.cn/gkmlpt/api/all/2525?page=2"]
    assert gkmlpt.more_pages(answer, api.replace("page=1", "page=125")) == []
    assert gkmlpt.more_pages('{"total": 250, "articles": []}', api.replace("page=1", "page=7")) == []


def test_gkmlpt_department_sub_site_keeps_its_prefix_and_site_id():
    column = "http://www.zhaoqing.gov.cn/zqhjj/gkmlpt/index#21023"
    index = "<html><head><script>window._CONFIG = {SID: '757024', TITLE: '肇庆市生态环境局'};</script></head></html>"
    api = "http://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=1&sid=757024"
    assert gkmlpt.entries(index, column) == []
    assert [(p.url, p.reader) for p in gkmlpt.more_pages(index, column)] == [(api, "gkmlpt")]
    # the column size may be given only as classify.post_count
    answer = ('{"classify": {"id": 21023, "post_count": 3}, "articles": ['
              '{"title": "肇庆市生态环境局2023年政府信息公开工作年度报告", "url": "/zqhjj/gkmlpt/content/1/1_1.html"},'
              '{"title": "通知", "url": "/zqhjj/gkmlpt/content/1/1_2.html"}]}')
    assert [e.url for e in gkmlpt.entries(answer, api)] == ["http://www.zhaoqing.gov.cn/zqhjj/gkmlpt/content/1/1_1.html"]
    assert [p.url for p in gkmlpt.more_pages(answer, api)] == [api.replace("page=1", "page=2")]
    assert gkmlpt.more_pages(answer, api.replace("page=1", "page=2")) == []
    # an HTML page where the API's JSON was due is unreadable, not an empty column
    with pytest.raises(pages.UnreadablePage):
        gkmlpt.entries("<html><body>404 页面不存在</body></html>", api)
    with pytest.raises(pages.UnreadablePage):           # which column: the URL does not say
        gkmlpt.entries(index, "http://www.zhaoqing.gov.cn/zqhjj/gkmlpt/index")


def test_pagers_declaring_ten_million_pages_are_made_lazily():
    from itertools import islice
    page = '<html><body><script>createPageHTML(10000000, 0, "index", "html");</script></body></html>'
    assert [p.url for p in islice(trs.more_pages(page, "http://a.gov.cn/col/"), 2)] == [
        "http://a.gov.cn/col/index_1.html", "http://a.gov.cn/col/index_2.html"]
    hanweb_page = ("<html><body><script type='text/xml'><datastore><recordset></recordset></datastore></script>"
                   "<script>totalRecord:1000000000, perPage:1, groupSize:1</script></body></html>")
    more = hanweb.more_pages(hanweb_page, "http://h.gov.cn/col/col1/index.html")
    assert next(iter(more)).url.endswith("?startrecord=1&endrecord=1&perpage=1")


def test_plain_next_page_link():
    page = ("<html><body><a href='list_2.html'>下一页</a><a href='javascript:goPage(2)'>下一页</a>"
            "<a href='list.html'>下一页</a></body></html>")
    assert pages.next_pages(page, "http://a.gov.cn/nb/list.html") == [pages.ListPage("http://a.gov.cn/nb/list_2.html")]


def test_aspnet_postback_next_page_posts_the_form_back():
    page = ("<html><body><form method='post' action='./List.aspx?id=7' id='form1'>"
            "<input type='hidden' name='__EVENTTARGET' value=''><input type='hidden' name='__EVENTARGUMENT' value=''>"
            "<input type='hidden' name='__VIEWSTATE' value='/wEPDwUKMTY1'><input type='text' name='q' value='x'>"
            "<a href=\"javascript:__doPostBack('ctl00$Pager','Page$2')\">下一页</a></form></body></html>")
    assert pages.next_pages(page, "http://a.gov.cn/nb/List.aspx?id=7") == [pages.ListPage(
        "http://a.gov.cn/nb/List.aspx?id=7",
        formdata=(("__EVENTTARGET", "ctl00$Pager"), ("__EVENTARGUMENT", "Page$2"), ("__VIEWSTATE", "/wEPDwUKMTY1")))]


@pytest.mark.parametrize("text", ["政府信息公开工作年报", "政务公开年度报告", "信息公开年报", "政府信息公开年度报告专栏",
                                  "市政府信息公开年报", "政务公开工作年报", "公开年报", "年度报告"])
def test_column_link_wordings(text):
    page = f"<html><body><a href='/zn/'>政府信息公开指南</a><a href='/nb/'>{text}</a></body></html>"
    assert pages.column_links(page, "http://a.gov.cn/xxgk/") == ["http://a.gov.cn/nb/"]


def test_a_report_link_is_not_the_column():
    page = "<html><body><a href='/nb/t1.html'>2021年政府信息公开工作年度报告</a></body></html>"
    assert pages.column_links(page, "http://a.gov.cn/xxgk/") == []


@pytest.mark.parametrize("status, body, wall", [
    (200, "<html><body><p>请开启JavaScript并刷新该页.</p></body></html>".encode("gb18030"), "wzws"),
    (521, b"<script>document.cookie='__jsl_clearance=1'</script>", "jiasule"),
    (412, b"<html></html>", "ruishu"),
    (200, "<html><body>涧西区人民政府2021年政府信息公开工作年度报告</body></html>".encode(), None),
])
def test_bot_walls(status, body, wall):
    assert pages.botwall(status, body) == wall


def test_gb2312_declared_page_with_gb18030_only_characters_reads_right():
    # Portals declare gb2312 and use GBK/GB18030 characters (镕 is GBK, 䶮 only GB18030): the
    # crawler reads list pages through Scrapy's TextResponse, which decodes such pages as GB18030.
    from scrapy.http import HtmlResponse

    title = "镕䶮县人民政府2023年政府信息公开工作年度报告"
    html = f"<html><head><meta charset='gb2312'></head><body><a href='t1.html'>{title}</a></body></html>"
    response = HtmlResponse("http://a.gov.cn/nb/", body=html.encode("gb18030"),
                            headers={"Content-Type": "text/html; charset=gb2312"})
    entries = pages.report_entries(response.text, response.url)
    assert [(e.title, e.year) for e in entries] == [(title, 2023)]
