"""Decoding and the publication date, on the real saved portal pages and on bytes we encode."""
from __future__ import annotations

import lxml.html
import pytest

from parsers.page import decode_html, detect_encoding, meta_tags, published_date, url_date

PAGE = "<html><head>{meta}<title>t</title></head><body><p>鸣皋镇 王堃 李喆 2022年报告</p></body></html>"


def test_gb2312_declared_gbk_characters_decode_as_gb18030():
    body = PAGE.format(meta='<meta charset="gb2312">').encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    assert "王堃 李喆" in decode_html(body, None)
    assert "王堃 李喆" in decode_html(body, "GB2312")        # the HTTP header says the same


def test_wrong_http_charset_falls_back_to_meta():
    body = PAGE.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=gbk">').encode("gbk")
    assert detect_encoding(body, "utf-8") == ("gb18030", True)
    assert "鸣皋镇" in decode_html(body, "utf-8")


def test_missing_declaration_is_sniffed():
    body = (PAGE.format(meta="") * 20).encode("gb18030")
    codec, trusted = detect_encoding(body, None)
    assert not trusted
    assert "鸣皋镇 王堃" in decode_html(body, None)


def test_utf8_and_bom():
    assert decode_html("<p>年报</p>".encode("utf-8"), None) == "<p>年报</p>"
    assert decode_html(b"\xef\xbb\xbf" + "<p>年报</p>".encode("utf-8"), "gbk") == "<p>年报</p>"


def test_undecodable_bytes_never_raise():
    text = decode_html(b"\x80\xc3\x28\xfe" * 50 + b"<p>x</p>", "no-such-charset")
    assert "<p>x</p>" in text


@pytest.mark.parametrize("name, url, expected", [
    # Visible 发布日期 (Chinese format), same as the meta PubDate.
    ("03_handan_hdzfxxgk_detail_meta_trs.html",
     "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html", "2020-08-02"),
    # Visible 生成日期 2023-05-11 wins over PubDate 2023-08-16 10:33:59.
    ("05_wanzai_county_xxgk_detail_ucap.html",
     "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml", "2023-05-11"),
    # Visible 发布日期 2017-05-15; PubDate 2022-04-24 is the page rebuild time.
    ("06_wanzai_county_detail_pubdate_meta_mismatch.html", None, "2017-05-15"),
])
def test_published_date_on_real_pages(fixtures, name, url, expected):
    html = (fixtures / "portals" / name).read_text("utf-8")
    assert published_date(html, url, metas_of(html)) == expected


def test_url_date_before_meta():
    html = '<html><head><meta name="PubDate" content="2024-03-01 08:00"></head><body>正文</body></html>'
    metas = metas_of(html)
    assert published_date(html, "http://x.gov.cn/xxgk/202201/t20220120_55.html", metas) == "2022-01-20"
    assert published_date(html, "http://x.gov.cn/art/2022/1/9/art_12_34.html", metas) == "2022-01-09"
    assert published_date(html, None, metas) == "2024-03-01"
    assert published_date(html, None) is None          # no tree, no meta tags: no guess


def metas_of(html: str) -> dict[str, str]:
    return meta_tags(lxml.html.document_fromstring(html))


def test_meta_tags_are_read_from_the_tree():
    html = ('<html><head><!-- <meta name="PubDate" content="2001-01-01"> -->'
            '<meta name="ArticleTitle" content="A&amp;B 2022年报告"><meta property="PubDate" content=" 2024-03-01 ">'
            '<meta name="ArticleTitle" content="second"><script>var m = \'<meta name="Author" content="x">\';</script>'
            '</head><body><meta itemprop="Source" content="县政府办公室"></body></html>')
    assert metas_of(html) == {"ArticleTitle": "A&B 2022年报告", "PubDate": "2024-03-01", "Source": "县政府办公室"}


@pytest.mark.parametrize("text, expected", [
    ("发布日期：2022-01-20", "2022-01-20"),
    ("发布时间: 2022/01/20 09:30", "2022-01-20"),
    ("发布日期：2020年08月02日", "2020-08-02"),
    ("发布日期：2020年8月2日 来源：本站", "2020-08-02"),
    ("发布日期：2021-02-30", None),            # not a date
])
def test_visible_date_formats(text, expected):
    assert published_date(f"<div><span>{text}</span></div>") == expected


def test_url_date_rejects_impossible_dates():
    assert url_date("http://x/202213/t20221340_1.html") is None


@pytest.mark.parametrize("before, expected", [
    ("<SCRIPT type='text/javascript'>var s='{filler}发布日期：2021-05-06';</Script>", "2022-01-20"),
    ("<Style>.a{{}}</STYLE><script>var s='{filler}发布日期：2021-05-06';", None),   # never closed
    ("<!-- {filler}发布日期：2021-05-06 -->", "2022-01-20"),
    ("<STYLE>{filler}</style>发布日期：2021-05-06", "2021-05-06"),
])
def test_dates_in_scripts_styles_and_comments_are_not_read(before, expected):
    # the filler puts the last <script>/<style> tag far before the label (tens of KB)
    html = before.format(filler="栏目 " * 20_000) + "<div>发布日期：2022-01-20</div>"
    assert published_date(html) == expected
