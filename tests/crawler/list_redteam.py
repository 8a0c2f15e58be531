"""A red team of 年报 column list pages, in the markup of the CMS families real portals use.

Each column is a few list pages (served from a dict: no network) with, written out by hand,
what a reader must find on each page: the annual reports as (title, absolute URL, date), and
the column's further list pages. The markup varies the way portals do (date formats, titles cut
with … and whole in `title=`, `./` `../` `/` `//host` and script links, attachments listed
directly) and sets the traps they set: navigation, 相关链接 and sidebar lists holding other
reports, 上一页/尾页/跳转 pagers, a pager that leads back to page 1, duplicate links, 通知 and
工作要点 in the same column, 索引号 and 成文日期 columns beside the publication date.

An expected date of None means the page does not say it for sure (01-20 under a 2023年 heading):
a reader must leave it absent, never guess it.

Read by tests/crawler/test_list_redteam.py and benchmarks/list_pages.py.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    """A report the page lists: what a reader must find (title, url, date) and how it is shown."""
    title: str
    url: str
    date: str | None


@dataclass
class Column:
    family: str                     # the CMS family whose markup this is (not the reader's name for it)
    first: str                      # the column's first page
    pages: dict[str, str]           # URL → text (HTML, or a Hanweb dataproxy answer)
    reports: dict[str, list[Report]]   # URL of a list page → the reports it lists
    list_pages: list[str]           # every list page of the column, the first included


def _page(title: str, body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>")


# ------------------------------------------------------------------ chrome every portal has
def _top_nav(host: str) -> str:
    return (f"<div class='header'><div class='logo'><a href='//{host}/'>某某县人民政府</a></div>"
            "<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/zwgk/'>政务公开</a></li>"
            "<li><a href='/zwfw/'>政务服务</a></li><li><a href='/hdjl/'>互动交流</a></li></ul></div>")


_FOOTER = ("<div class='footer'><p>主办单位：某某县人民政府办公室</p><p>网站标识码：4103050001</p>"
           "<a href='/wzdt/'>网站地图</a><a href='/lxwm/'>联系我们</a></div>")


def _friend_links() -> str:
    """A 相关链接 block listing the province's and the city's reports (other agencies)."""
    return ("<div class='box'><div class='box-hd'><span>相关链接</span></div><ul>"
            "<li><a href='http://www.hn.gov.cn/zwgk/ndbg/202401/t20240125_90.html'>"
            "河南省2023年政府信息公开工作年度报告</a></li>"
            "<li><a href='http://www.ly.gov.cn/xxgk/nb/202401/t20240120_11.html'>"
            "洛阳市2023年政府信息公开工作年度报告</a></li>"
            "<li><a href='http://www.gov.cn/'>中国政府网</a></li></ul></div>")


# ------------------------------------------------------------------ TRS WCM
def trs() -> Column:
    """TRS: index.html, index_1.html, index_2.html declared by createPageHTML; table rows with
    relative links and a plain date cell; a left nav of the column's year sub-columns (titled
    like reports: no reports, but columns to read) and a 相关链接 block."""
    host, col = "www.jianxi.gov.cn", "http://www.jianxi.gov.cn/zfxxgk/xxgknb/"
    urls = [col + "index.html", col + "index_1.html", col + "index_2.html"]

    def row(href: str, text: str, date: str, title: str | None = None) -> str:
        attr = f" title='{title}'" if title else ""
        return (f"<tr><td width='25'><img src='../../images/ico2.jpg'></td><td width='550'>"
                f"<a href='{href}' target='_blank'{attr}>{text}</a></td><td>{date}</td></tr>")

    left = ("<div class='left'><div class='left-nav'><h3>信息公开年报</h3><ul>"
            "<li><a href='/zfxxgk/xxgknb/2023/'>2023年政府信息公开年报</a></li>"
            "<li><a href='/zfxxgk/xxgknb/2022/'>2022年政府信息公开年报</a></li>"
            "<li><a href='/zfxxgk/xxgkzn/'>政府信息公开指南</a></li></ul></div></div>")
    rows = [
        [row("./202401/t20240120_3301.html", "涧西区人民政府2023年政府信息公开工作年度报告", "2024-01-20"),
         row("./202401/t20240118_3290.html", "涧西区2024年政务公开工作要点", "2024-01-18"),
         row("./202401/t20240116_3288.html", "涧西区卫生健康委员会2023年政府信息公开工作年…", "2024-01-16",
             "涧西区卫生健康委员会2023年政府信息公开工作年度报告"),
         row("./202401/P020240115512301234567.pdf", "涧西区教育局2023年政府信息公开工作年度报告.pdf", "2024-01-15"),
         row("../xxgknb/202401/t20240112_3270.html", "涧西区发展和改革委员会2023年政府信息公开工作年度报告",
             "2024-01-12")],
        [row("/zfxxgk/xxgknb/202301/t20230130_2801.html", "涧西区人民政府2022年政府信息公开工作年度报告", "2023-01-30"),
         row("./202301/t20230110_2750.html", "关于做好2022年度政府信息公开工作年度报告编制发布工作的通知",
             "2023-01-10"),
         row("//www.jianxi.gov.cn/zfxxgk/xxgknb/202301/t20230128_2799.html",
             "涧西区卫生健康委员会2022年政府信息公开工作年度报告", "2023-01-28"),
         row("./202301/t20230130_2801.html", "涧西区人民政府2022年政府信息公开工作年度报告", "2023-01-30")],
        [row("./202201/t20220120_2101.html", "涧西区人民政府2021年政府信息公开工作年度报告", "2022-01-20"),
         row("./202201/t20220119_2100.html", "图解：涧西区人民政府2021年政府信息公开工作年度报告", "2022-01-19")],
    ]
    reports = {
        urls[0]: [Report("涧西区人民政府2023年政府信息公开工作年度报告", col + "202401/t20240120_3301.html", "2024-01-20"),
                  Report("涧西区卫生健康委员会2023年政府信息公开工作年度报告", col + "202401/t20240116_3288.html",
                         "2024-01-16"),
                  Report("涧西区教育局2023年政府信息公开工作年度报告", col + "202401/P020240115512301234567.pdf",
                         "2024-01-15"),
                  Report("涧西区发展和改革委员会2023年政府信息公开工作年度报告", col + "202401/t20240112_3270.html",
                         "2024-01-12")],
        urls[1]: [Report("涧西区人民政府2022年政府信息公开工作年度报告", col + "202301/t20230130_2801.html", "2023-01-30"),
                  Report("涧西区卫生健康委员会2022年政府信息公开工作年度报告", col + "202301/t20230128_2799.html",
                         "2023-01-28")],
        urls[2]: [Report("涧西区人民政府2021年政府信息公开工作年度报告", col + "202201/t20220120_2101.html", "2022-01-20")],
    }
    # the year sub-columns the nav links: columns of their own, listing that year's reports
    years = {col + "2023/": [row("../202401/t20240120_3301.html", "涧西区人民政府2023年政府信息公开工作年度报告",
                                 "2024-01-20"),
                             row("../202401/t20240116_3288.html", "涧西区卫生健康委员会2023年政府信息公开工作年度报告",
                                 "2024-01-16")],
             col + "2022/": [row("../202301/t20230130_2801.html", "涧西区人民政府2022年政府信息公开工作年度报告",
                                 "2023-01-30")]}
    reports[col + "2023/"] = reports[urls[0]][:2]
    reports[col + "2022/"] = reports[urls[1]][:1]
    rows += list(years.values())
    pages = {}
    for n, url in enumerate([*urls, *years]):
        body = (_top_nav(host) + "<div class='main'>" + left + "<div class='right'>"
                "<div class='position'>当前位置：<a href='/'>首页</a>&gt;<a href='../'>政府信息公开</a>&gt;"
                "<a href='./' class='CurrChnlCls'>信息公开年报</a></div>"
                "<table class='gl_list'><tbody>" + "".join(rows[n]) + "</tbody></table>"
                "<div class='page'><script>var currentPage = %d;//所在页从0开始\n"
                "createPageHTML(%d, %d, \"index\", \"html\");</script></div></div>"
                % (n % 3, 3 if n < 3 else 1, n % 3)
                + _friend_links() + "</div>" + _FOOTER)
        pages[url] = _page("信息公开年报", body)
    return Column("TRS WCM", urls[0], pages, reports, [*urls, *years])


# ------------------------------------------------------------------ Hanweb 大汉 jcms
def hanweb() -> Column:
    """Hanweb: /col/col1234/index.html with three records inline in a <datastore>, five more from
    dataproxy.jsp; links to /art/… pages, a download link, a script link; a 热点信息 sidebar and
    a `?uid=…&pageNum=2` pager the browser would build (the same page again)."""
    site = "http://www.xiguan.gov.cn"
    col = site + "/col/col1234/index.html"
    proxy = site + "/module/web/jpage/dataproxy.jsp"

    def record(inner: str) -> str:
        return f"<record><![CDATA[\n{inner}\n]]></record>"

    def li(href: str, text: str, date: str, title: str | None = None, extra: str = "") -> str:
        attr = f" title='{title}'" if title else ""
        return f"<li><a href='{href}' target='_blank'{attr}{extra}>{text}</a><span class='bt-data-time'>{date}</span></li>"

    inline = [
        li("/art/2024/1/22/art_1234_5501.html", "西关街道办事处2023年政府信息公开工作年度报告", "2024-01-22"),
        li("/art/2024/1/20/art_1234_5498.html", "西关街道办事处2023年政府信息公开工作年…", "[2024-01-20]",
           title="老城区西关街道办事处2023年政府信息公开工作年度报告"),
        li("/art/2024/1/10/art_1234_5480.html", "西关街道2024年政务公开工作要点", "2024-01-10"),
    ]
    later = [
        [li("javascript:void(0)", "老城区民政局2023年政府信息公开工作年度报告", "2024年1月8日",
            extra=" onclick=\"window.open('/art/2024/1/8/art_1234_5470.html')\""),
         li("/module/download/downfile.jsp?classid=0&filename=2401051030.pdf",
            "老城区司法局2023年政府信息公开工作年度报告", "2024/1/5"),
         li("/art/2023/1/18/art_1234_4401.html", "西关街道办事处2022年政府信息公开工作年度报告", "2023-01-18")],
        [li("/art/2022/1/25/art_1234_3301.html", "西关街道办事处2021年政府信息公开工作年度报告", "2022-01-25"),
         li("/art/2022/1/12/art_1234_3290.html", "关于征集2022年政务公开工作意见建议的通知", "2022-01-12")],
    ]
    reports_inline = [
        Report("西关街道办事处2023年政府信息公开工作年度报告", site + "/art/2024/1/22/art_1234_5501.html", "2024-01-22"),
        Report("老城区西关街道办事处2023年政府信息公开工作年度报告", site + "/art/2024/1/20/art_1234_5498.html", "2024-01-20"),
    ]
    reports_later = [
        [Report("老城区民政局2023年政府信息公开工作年度报告", site + "/art/2024/1/8/art_1234_5470.html", "2024-01-08"),
         Report("老城区司法局2023年政府信息公开工作年度报告",
                site + "/module/download/downfile.jsp?classid=0&filename=2401051030.pdf", "2024-01-05"),
         Report("西关街道办事处2022年政府信息公开工作年度报告", site + "/art/2023/1/18/art_1234_4401.html", "2023-01-18")],
        [Report("西关街道办事处2021年政府信息公开工作年度报告", site + "/art/2022/1/25/art_1234_3301.html", "2022-01-25")],
    ]
    hot = ("<div class='side'><div class='side-title'>热点信息</div><ul>"
           "<li><a href='/art/2023/1/18/art_1234_4401.html'>西关街道办事处2022年政府信息公开工作年度报告</a></li>"
           "<li><a href='/art/2021/1/20/art_1299_101.html'>老城区人民政府2020年政府信息公开工作年度报告</a></li>"
           "</ul></div>")
    datastore = ("<div id='4567'><script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/"
                 "dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1234&unitid=4567&webname=西关街道\"></a>]]>"
                 "</nextgroup><recordset>" + "".join(record(r) for r in inline) + "</recordset></datastore></script>"
                 "<script>$(document).ready(function(){$('#4567').jpage({dataStore:dataStore,perPage:3,"
                 "totalRecord:8,groupSize:1,proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:{col:1,appid:1,"
                 "webid:1,path:'/',columnid:1234,sourceContentType:1,unitid:4567,webname:'西关街道',"
                 "permissiontype:0}});});</script>"
                 "<div class='pager'><a href='?uid=4567&pageNum=2'>下一页</a><a href='?uid=4567&pageNum=3'>尾页</a>"
                 "</div></div>")
    body = (_top_nav("www.xiguan.gov.cn") + "<div class='main'><div class='bt-position'>当前位置："
            "<a href='/'>首页</a> &gt; <a href='/col/col1200/index.html'>政府信息公开</a> &gt; "
            "<a href='/col/col1234/index.html'>政府信息公开年报</a></div><div class='bt-list'>" + datastore
            + "</div>" + hot + "</div>" + _FOOTER)
    pages = {col: _page("政府信息公开年报", body)}
    proxies = [f"{proxy}?startrecord=4&endrecord=6&perpage=3", f"{proxy}?startrecord=7&endrecord=8&perpage=3"]
    for url, records in zip(proxies, later):
        pages[url] = ("<?xml version='1.0' encoding='UTF-8'?><datastore><totalrecord>8</totalrecord>"
                      "<totalpage>3</totalpage><recordset>" + "".join(record(r) for r in records)
                      + "</recordset></datastore>")
    reports = {col: reports_inline, proxies[0]: reports_later[0], proxies[1]: reports_later[1]}
    return Column("Hanweb 大汉 jcms", col, pages, reports, [col, *proxies])


# ------------------------------------------------------------------ UCAP 开普 (集约化 platforms)
def ucap() -> Column:
    """A 集约化 (UCAP) column: dates in a <span> before titles cut with "..." (whole in title=),
    32-hex .shtml pages, items grouped under year headings (one with month-day only), a pager of
    links (首页 上一页 下一页 尾页 跳转) whose 下一页 on the last page leads back to page 1."""
    site = "http://www.wanzai.gov.cn"
    col = site + "/wzxrmzf/xxgknb/"
    urls = [col + "index.shtml", col + "index_2.shtml", col + "index_3.shtml"]

    def li(href: str, text: str, date: str, title: str | None = None) -> str:
        attr = f" title='{title}'" if title else ""
        return f"<li><span class='date'>{date}</span><a href='{href}' target='_blank'{attr}>{text}</a></li>"

    def pager(n: int) -> str:
        first, last = "index.shtml", "index_3.shtml"
        prev = urls[n - 1].rsplit("/", 1)[1] if n else first
        nxt = urls[n + 1].rsplit("/", 1)[1] if n < 2 else first      # the last page's 下一页: page 1
        return ("<div class='pagination'><a href='%s'>首页</a><a href='%s'>上一页</a>"
                "<span class='current'>%d</span><a href='%s'>下一页</a><a href='%s'>尾页</a>"
                "<span>共3页</span><input id='go' value=''><a href='javascript:goPage()'>跳转</a></div>"
                % (first, prev, n + 1, nxt, last))

    hex1, hex2, hex3 = "0c9f3a7e5b2d4e6f8a1b2c3d4e5f6a7b", "1d0e4b8f6c3e5f7a9b2c3d4e5f6a7b8c", "2e1f5c9a7d4f6a8b0c3d4e5f6a7b8c9d"
    hex4, hex5 = "3f2a6d0b8e5a7b9c1d4e5f6a7b8c9d0e", "4a3b7e1c9f6b8c0d2e5f6a7b8c9d0e1f"
    lists = [
        "<ul class='list-con'>"
        + li(f"./202401/{hex1}.shtml", "万载县人民政府2023年政府信息公开工作...", "2024-01-19",
             "万载县人民政府2023年政府信息公开工作年度报告")
        + li(f"./202401/{hex2}.shtml", "万载县统计局2023年政府信息公开工作年度...", "2024/1/17",
             "万载县统计局2023年政府信息公开工作年度报告")
        + li(f"./202401/{hex2}.shtml", "万载县统计局2023年政府信息公开工作年度...", "2024/1/17",
             "万载县统计局2023年政府信息公开工作年度报告")
        + li("./202401/5b4c.shtml", "万载县2024年政务公开工作要点", "2024-01-12") + "</ul>",
        # one <li> per year, its items <div>s: each item's date is its own
        "<ul class='list-con'><li class='year'><h4>2022年度</h4>"
        f"<div class='item'><span class='date'>2023-01-29</span><a href='/wzxrmzf/xxgknb/202301/{hex3}.shtml'>"
        "万载县人民政府2022年政府信息公开工作年度报告</a></div>"
        f"<div class='item'><span class='date'>2023-01-16</span><a href='./202301/{hex4}.shtml'>"
        "万载县统计局2022年政府信息公开工作年度报告</a></div></li></ul>",
        # the year only in the heading: 01-20 is no date a reader may complete
        "<div class='year-group'><h4>2022年</h4><ul class='list-con'>"
        f"<li><a href='./202201/{hex5}.shtml'>万载县人民政府2021年政府信息公开工作年度报告</a><span>01-20</span></li>"
        "</ul></div>",
    ]
    reports = {
        urls[0]: [Report("万载县人民政府2023年政府信息公开工作年度报告", f"{col}202401/{hex1}.shtml", "2024-01-19"),
                  Report("万载县统计局2023年政府信息公开工作年度报告", f"{col}202401/{hex2}.shtml", "2024-01-17")],
        urls[1]: [Report("万载县人民政府2022年政府信息公开工作年度报告", f"{col}202301/{hex3}.shtml", "2023-01-29"),
                  Report("万载县统计局2022年政府信息公开工作年度报告", f"{col}202301/{hex4}.shtml", "2023-01-16")],
        urls[2]: [Report("万载县人民政府2021年政府信息公开工作年度报告", f"{col}202201/{hex5}.shtml", None)],
    }
    hot = ("<div class='sidebar'><div class='tit'>热门文章</div><ul>"
           f"<li><a href='./202401/{hex1}.shtml'>万载县人民政府2023年政府信息公开工作年度报告</a></li>"
           "<li><a href='/wzxrmzf/xxgknb/201901/99aa.shtml'>万载县人民政府2018年政府信息公开工作年度报告</a></li>"
           "</ul></div>")
    pages = {}
    for n, url in enumerate(urls):
        body = (_top_nav("www.wanzai.gov.cn") + "<script>var websiteId = '7';var websiteCode = 'wzxrmzf';</script>"
                "<div class='container'><div class='list-left'><div class='list-title'>"
                "<ucapcolumnname>政府信息公开年报</ucapcolumnname></div>" + lists[n] + pager(n) + "</div>"
                + hot + "</div>" + _FOOTER)
        pages[url] = _page("政府信息公开年报_万载县人民政府", body)
    return Column("UCAP 开普", urls[0], pages, reports, urls)


# ------------------------------------------------------------------ 政府信息公开平台 (xxgk tables)
def xxgk() -> Column:
    """A 政府信息公开 platform: tables with 索引号 / 名称 / 发布机构 / 成文日期 / 发布日期 (page 1) and
    索引号 / 名称 / 发布机构 / 生成日期 (page 2, an organ linked to its page); a detail opened by
    onclick on href="#"; a 主题分类
    tree on the left; pages by `?pageNo=N` with a 第1页/共2页 跳转 pager."""
    site = "http://xxgk.yanjin.gov.cn"
    base = site + "/xxgk/ndbg/list.jsp?channelId=12"
    urls = [base, base + "&pageNo=2"]

    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{h}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table class='xxgk-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    link = "<a href='{}' title='{}' target='_blank'>{}</a>"
    page1 = table(["序号", "索引号", "名称", "发布机构", "成文日期", "发布日期"], [
        ["1", "11410726MB1557342X/2024-00012",
         link.format("/xxgk/detail.jsp?id=9012", "延津县人民政府办公室2023年政府信息公开工作年度报告",
                     "延津县人民政府办公室2023年政府信息公开工作年度报告"), "延津县人民政府办公室", "2024-01-15", "2024-01-22"],
        ["2", "11410726MB1557342X/2024-00011",
         link.format("/xxgk/detail.jsp?id=9011", "延津县2024年政务公开工作要点", "延津县2024年政务公开工作要点"),
         "延津县人民政府办公室", "2024-01-10", "2024-01-12"],
        ["3", "11410726005570123K/2024-00003",
         "<a href='#' onclick=\"window.open('/xxgk/detail.jsp?id=9007')\" title='延津县财政局2023年政府信息公开工作年度报告'>"
         "延津县财政局2023年政府信息公开工作年…</a>", "延津县财政局", "2024-01-05", "2024-01-09"],
    ])
    page2 = table(["索引号", "名称", "发布机构", "生成日期"], [
        ["11410726MB1557342X/2023-00020",
         link.format("/xxgk/detail.jsp?id=7020", "延津县人民政府办公室2022年政府信息公开工作年度报告",
                     "延津县人民政府办公室2022年政府信息公开工作年度报告"),
         "<a href='/jgzn/xzfbgs/' target='_blank'>延津县人民政府办公室</a>", "2023-01-20"],
        ["11410726005570123K/2023-01-05",
         link.format("/xxgk/detail.jsp?id=7005", "延津县财政局2022年政府信息公开工作年度报告",
                     "延津县财政局2022年政府信息公开工作年度报告"), "延津县财政局", "2023年1月18日"],
    ])
    reports = {
        urls[0]: [Report("延津县人民政府办公室2023年政府信息公开工作年度报告", site + "/xxgk/detail.jsp?id=9012", "2024-01-22"),
                  Report("延津县财政局2023年政府信息公开工作年度报告", site + "/xxgk/detail.jsp?id=9007", "2024-01-09")],
        urls[1]: [Report("延津县人民政府办公室2022年政府信息公开工作年度报告", site + "/xxgk/detail.jsp?id=7020", "2023-01-20"),
                  Report("延津县财政局2022年政府信息公开工作年度报告", site + "/xxgk/detail.jsp?id=7005", "2023-01-18")],
    }
    tree = ("<div class='xxgk-left'><div class='tree-title'>主题分类</div><ul class='tree'>"
            "<li><a href='/xxgk/list.jsp?channelId=3'>机构职能</a></li>"
            "<li><a href='/xxgk/list.jsp?channelId=12'>政府信息公开年报</a></li></ul>"
            "<div class='tree-title'>公开年报</div><ul class='tree'>"
            "<li><a href='/xxgk/detail.jsp?id=5001'>延津县人民政府办公室2021年政府信息公开工作年度报告</a></li></ul></div>")

    def pager(n: int) -> str:
        return ("<div class='page'><a href='list.jsp?channelId=12'>首页</a>"
                + ("<a href='list.jsp?channelId=12&pageNo=2'>下一页</a>" if n == 0 else
                   "<a href='list.jsp?channelId=12'>上一页</a>")
                + "<a href='list.jsp?channelId=12&pageNo=2'>尾页</a>"
                f"<span>第{n + 1}页/共2页</span><input name='pageNo'><a href=\"javascript:jump()\">跳转</a></div>")

    pages = {url: _page("政府信息公开年报", _top_nav("xxgk.yanjin.gov.cn") + "<div class='xxgk-main'>" + tree
                        + "<div class='xxgk-right'><div class='lm-title'>政府信息公开年报</div>" + t + pager(n)
                        + "</div></div>" + _FOOTER)
             for n, (url, t) in enumerate(zip(urls, (page1, page2)))}
    return Column("政府信息公开平台 xxgk", urls[0], pages, reports, urls)


# ------------------------------------------------------------------ Dedecms / Jeecms
def dedecms() -> Column:
    """Dedecms: the column's index, then list_12_2.html, list_12_3.html; dates [2023-01-20],
    2023/1/20 and 2023年1月20日; a pagelist (首页 上一页 1 2 3 下一页 末页 共3页) above and below
    the list; a 最新文章 sidebar whose items are dated too; a DOCX attachment listed directly."""
    site = "http://www.hongze.gov.cn"
    col = site + "/a/zwgk/ndbg/"
    urls = [col, col + "list_12_2.html", col + "list_12_3.html"]
    names = ["", "list_12_2.html", "list_12_3.html"]

    def li(href: str, text: str, date: str) -> str:
        return f"<li><a href='{href}' class='title'>{text}</a><span class='date'>{date}</span></li>"

    def pager(n: int) -> str:
        links = ["<li><a href='/a/zwgk/ndbg/'>首页</a></li>"]
        if n:
            links.append(f"<li><a href='{names[n - 1] or '/a/zwgk/ndbg/'}'>上一页</a></li>")
        for k in range(3):
            links.append(f"<li class='thisclass'>{k + 1}</li>" if k == n else
                         f"<li><a href='{names[k] or '/a/zwgk/ndbg/'}'>{k + 1}</a></li>")
        if n < 2:
            links.append(f"<li><a href='{names[n + 1]}'>下一页</a></li>")
        links.append("<li><a href='list_12_3.html'>末页</a></li><li><span class='pageinfo'>共 <strong>3</strong>页"
                     "<strong>9</strong>条</span></li>")
        return "<div class='dede_pages'><ul class='pagelist'>" + "".join(links) + "</ul></div>"

    lists = [
        [li("/a/zwgk/ndbg/2024/0125/801.html", "淮安市洪泽区人民政府2023年政府信息公开工作年度报告", "[2024-01-25]"),
         li("/uploads/soft/240124/1-2401241A000.docx", "洪泽区水利局2023年政府信息公开工作年度报告.docx", "2024/1/24"),
         li("/a/zwgk/ndbg/2024/0110/790.html", "关于报送2023年政府信息公开工作年度报告的通知", "[2024-01-10]")],
        [li("/a/zwgk/ndbg/2023/0127/650.html", "淮安市洪泽区人民政府2022年政府信息公开工作年度报告", "2023年1月27日"),
         li("/a/zwgk/ndbg/2023/0120/640.html", "一图读懂洪泽区人民政府2022年政府信息公开工作年度报告", "2023年1月20日"),
         li("/a/zwgk/ndbg/2023/0115/633.html", "洪泽区水利局2022年政府信息公开工作年度报告", "2023年1月15日")],
        [li("/a/zwgk/ndbg/2022/0128/501.html", "淮安市洪泽区人民政府2021年政府信息公开工作年度报告", "2022-1-28")],
    ]
    reports = {
        urls[0]: [Report("淮安市洪泽区人民政府2023年政府信息公开工作年度报告", site + "/a/zwgk/ndbg/2024/0125/801.html",
                         "2024-01-25"),
                  Report("洪泽区水利局2023年政府信息公开工作年度报告", site + "/uploads/soft/240124/1-2401241A000.docx",
                         "2024-01-24")],
        urls[1]: [Report("淮安市洪泽区人民政府2022年政府信息公开工作年度报告", site + "/a/zwgk/ndbg/2023/0127/650.html",
                         "2023-01-27"),
                  Report("洪泽区水利局2022年政府信息公开工作年度报告", site + "/a/zwgk/ndbg/2023/0115/633.html", "2023-01-15")],
        urls[2]: [Report("淮安市洪泽区人民政府2021年政府信息公开工作年度报告", site + "/a/zwgk/ndbg/2022/0128/501.html",
                         "2022-01-28")],
    }
    latest = ("<div class='sidebar'><dl class='tbox'><dt><strong>最新文章</strong></dt><dd><ul class='c1'>"
              "<li><a href='/a/zwgk/ndbg/2024/0125/801.html'>淮安市洪泽区人民政府2023年政府信息公开工作年度报告</a>"
              "<span>01-25</span></li>"
              "<li><a href='/a/zwgk/gzbg/2024/0201/812.html'>淮安市洪泽区2023年政府信息公开工作年度报告解读</a>"
              "<span>02-01</span></li>"
              "<li><a href='/a/hzxw/2024/0202/815.html'>洪泽区召开全区政务公开工作会议</a><span>02-02</span></li>"
              "</ul></dd></dl></div>")
    pages = {url: _page("年度报告_洪泽区人民政府", _top_nav("www.hongze.gov.cn") + "<div class='w960'>"
                        "<div class='place'><strong>当前位置:</strong> <a href='/'>主页</a> &gt; "
                        "<a href='/a/zwgk/'>政务公开</a> &gt; <a href='/a/zwgk/ndbg/'>年度报告</a></div>"
                        "<div class='listbox'>" + pager(n) + "<ul class='e2'>" + "".join(lists[n]) + "</ul>"
                        + pager(n) + "</div>" + latest + "</div>" + _FOOTER)
             for n, url in enumerate(urls)}
    return Column("Dedecms", urls[0], pages, reports, urls)


def jeecms() -> Column:
    """Jeecms: index.jhtml, index_2.jhtml; each item a card whose link holds the title and the
    date (`<a><p class='title'>…</p><span class='time'>2024-01-23</span></a>`); a 尾页 opened
    by script; the same report listed twice (top-story box and list); a 热点推荐 block just
    before the list, which has no heading of its own."""
    site = "http://www.baijiantan.gov.cn"
    col = site + "/zwgk/ndbg/"
    urls = [col + "index.jhtml", col + "index_2.jhtml"]

    def card(href: str, title: str, date: str) -> str:
        return (f"<li><a href='{href}' target='_blank'><p class='title'>{title}</p>"
                f"<span class='time'>{date}</span></a></li>")

    lists = [
        "<div class='focus'><a href='/zwgk/ndbg/20240123/1305.jhtml'>"
        "2023年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告</a></div><ul class='news-list'>"
        + card("/zwgk/ndbg/20240123/1305.jhtml", "2023年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告",
               "2024-01-23")
        + card("/zwgk/ndbg/20240119/1290.jhtml", "白碱滩区应急管理局2023年政府信息公开工作年度报告", "2024-01-19")
        + card("/zwgk/ndbg/20240105/1201.jhtml", "白碱滩区关于开展政务公开培训的通知", "2024-01-05") + "</ul>",
        "<ul class='news-list'>"
        + card("/zwgk/ndbg/20230128/990.jhtml", "2022年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告",
               "2023.01.28") + "</ul>",
    ]
    reports = {
        urls[0]: [Report("2023年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告",
                         site + "/zwgk/ndbg/20240123/1305.jhtml", "2024-01-23"),
                  Report("白碱滩区应急管理局2023年政府信息公开工作年度报告", site + "/zwgk/ndbg/20240119/1290.jhtml",
                         "2024-01-19")],
        urls[1]: [Report("2022年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告",
                         site + "/zwgk/ndbg/20230128/990.jhtml", "2023-01-28")],
    }
    pagers = ["<div class='pages'><a href='index.jhtml'>首页</a><a href='index_2.jhtml'>下一页</a>"
              "<a href='javascript:void(0)' onclick=\"location.href='index_2.jhtml'\">尾页</a></div>",
              "<div class='pages'><a href='index.jhtml'>首页</a><a href='index.jhtml'>上一页</a>"
              "<a href='javascript:void(0)'>下一页</a><a href='index_2.jhtml'>尾页</a></div>"]
    # a 热点推荐 block before the list, in the same container: the list has no heading of its own
    hot = ("<div class='hot-title'>热点推荐</div><div class='hot'><a href='/zwgk/ndbg/20210125/402.jhtml'>"
           "2020年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告</a></div>")
    pages = {url: _page("年度报告", _top_nav("www.baijiantan.gov.cn") + "<div class='content'>" + hot + lists[n]
                        + pagers[n] + "</div>" + _friend_links() + _FOOTER)
             for n, url in enumerate(urls)}
    return Column("Jeecms", urls[0], pages, reports, urls)


def county() -> Column:
    """A small county site's hand-made column: three lists under tabs (本级 / 部门 / 乡镇), the
    first undated, the others in <dl> rows and in a table whose header is <td>s with a colspan;
    titles cut with "..." and no title=, links opened by `openWin('…')`, a <base href>, a 下载
    link beside each title, and a pager of pictures (<img alt="下一页">)."""
    site = "http://www.yibin.gov.cn"
    col = site + "/zwgk/nianbao/"
    urls = [col + "index.htm", col + "index_2.htm"]
    own = ("<div class='tab-con'><h3>本级年报</h3><ul>"
           "<li><a href='2024/0126/a1.htm'>洛阳市伊滨经开区人民政府2023年政府信息公开工作年度...</a></li>"
           "<li><a href='2023/0129/a2.htm'>洛阳市伊滨经开区人民政府2022年政府信息公开工作年度报告</a></li></ul></div>")
    departments = ("<div class='tab-con'><h3>部门年报</h3>"
                   "<dl><dt><a href=\"javascript:openWin('/zwgk/nianbao/2024/0122/b1.htm')\">"
                   "伊滨经开区财政局2023年政府信息公开工作年度报告</a></dt><dd>2024-01-22</dd></dl>"
                   "<dl><dt><a href='2024/0121/b2.htm'>伊滨经开区教育局2023年政府信息公开工作年度报告</a></dt>"
                   "<dd>2024年01月21日</dd></dl></div>")
    towns = ("<div class='tab-con'><h3>乡镇年报</h3><table>"
             "<tr class='th'><td colspan='2'>标题</td><td>成文日期</td><td>发布日期</td></tr>"
             "<tr><td><a href='2024/0119/c1.htm'>庞村镇2023年政府信息公开工作年度报告</a></td>"
             "<td><a href='/uploads/c1.pdf'>下载</a></td><td>2024-01-10</td><td>2024-01-19</td></tr>"
             "<tr><td><a href='2024/0118/c2.htm'>寇店镇2023年政府信息公开工作年度报告</a></td>"
             "<td><a href='/uploads/c2.pdf'>下载</a></td><td>2024-01-08</td><td>2024-01-18</td></tr></table></div>")
    older = ("<div class='tab-con'><h3>本级年报</h3><ul>"
             "<li><a href='2022/0125/a3.htm'>洛阳市伊滨经开区人民政府2021年政府信息公开工作年度报告</a>"
             "<span>2022-01-25</span></li></ul></div>")
    reports = {
        urls[0]: [Report("洛阳市伊滨经开区人民政府2023年政府信息公开工作年度...", col + "2024/0126/a1.htm", None),
                  Report("洛阳市伊滨经开区人民政府2022年政府信息公开工作年度报告", col + "2023/0129/a2.htm", None),
                  Report("伊滨经开区财政局2023年政府信息公开工作年度报告", col + "2024/0122/b1.htm", "2024-01-22"),
                  Report("伊滨经开区教育局2023年政府信息公开工作年度报告", col + "2024/0121/b2.htm", "2024-01-21"),
                  Report("庞村镇2023年政府信息公开工作年度报告", col + "2024/0119/c1.htm", "2024-01-19"),
                  Report("寇店镇2023年政府信息公开工作年度报告", col + "2024/0118/c2.htm", "2024-01-18")],
        urls[1]: [Report("洛阳市伊滨经开区人民政府2021年政府信息公开工作年度报告", col + "2022/0125/a3.htm", "2022-01-25")],
    }
    pagers = ["<div class='fy'><a href='index_2.htm'><img src='/images/next.gif' alt='下一页'></a>"
              "<a href='index_2.htm'><img src='/images/last.gif' alt='尾页'></a></div>",
              "<div class='fy'><a href='index.htm'><img src='/images/first.gif' alt='首页'></a>"
              "<a href='index.htm'><img src='/images/prev.gif' alt='上一页'></a></div>"]
    related = ("<div class='xglj'><div class='xglj-tit'>相关阅读</div><ul><li><a href='/zwgk/2023/0301/r1.htm'>"
               "洛阳市2022年政府信息公开工作年度报告</a><span>2023-03-01</span></li></ul></div>")
    lists = [own + departments + towns, older]
    pages = {url: _page("政府信息公开年报", _top_nav("www.yibin.gov.cn") + "<div class='con'>" + lists[n] + pagers[n]
                        + "</div>" + related + _FOOTER, head=f"<base href='{col}'>")
             for n, url in enumerate(urls)}
    return Column("county plain", urls[0], pages, reports, urls)


def walk(column: Column) -> tuple[dict[str, list], list[str]]:
    """The entries read on each list page reached, and the list pages asked for in order, the
    column walked as the spider walks it (crawler/spiders/annual_reports.py): the family by
    `detect`, further pages by `further_pages`, sub-columns from their first page. A page asked
    for again (a pager leading back to page 1) is in the list again; the spider's filter drops it."""
    from crawler import pages
    from crawler.families import FAMILIES, detect, further_pages

    queue, asked, read = [(column.first, None, True)], [], {}
    while queue:
        url, reader, first = queue.pop(0)
        asked.append(url)
        if asked.count(url) > 1 or url not in column.pages:     # not the column's: a 404
            continue
        text = column.pages[url]
        name = reader or detect(text, url)
        family = FAMILIES[name]
        read[url] = family.entries(text, url)
        queue += [(page.url, page.reader or name, False) for page in further_pages(family, text, url, first)]
        queue += [(sub, None, True) for sub in pages.sub_columns(text, url)
                  if sub not in asked and sub not in [q[0] for q in queue]]
    return read, asked


def columns() -> list[Column]:
    return [trs(), hanweb(), ucap(), xxgk(), dedecms(), jeecms(), county()]
