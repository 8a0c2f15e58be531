"""The HTML and text front-ends: what Document they build from each markup."""
from __future__ import annotations

import pytest

from parsers.document import Paragraph, Table
from parsers.html import read_html
from parsers.text import read_text


def tables(doc):
    return [b.rows for b in doc.blocks if isinstance(b, Table)]


def test_rowspan_colspan_expand_to_full_grid():
    doc = read_html("""<table>
      <tr><td rowspan="2" colspan="2">A</td><td>B</td></tr>
      <tr><td>C</td></tr>
      <tr><td>D</td><td colspan="2">E</td></tr></table>""".encode())
    assert tables(doc) == [[["A", "A", "B"], ["A", "A", "C"], ["D", "E", "E"]]]
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.origin == [[True, False, True], [False, False, True], [True, True, False]]


def test_rowspan_past_the_row_end_and_hostile_spans():
    doc = read_html(b'<table><tr><td>a</td><td rowspan="3">b</td></tr><tr><td>c</td></tr>'
                    b'<tr></tr><tr><td colspan="100000">x</td></tr></table>')
    rows = tables(doc)[0]
    assert rows[0] == ["a", "b"] + [""] * (len(rows[0]) - 2)
    assert rows[1][:2] == ["c", "b"]
    assert len(rows[-1]) <= 60


def test_word_export_cells_and_layout_tables():
    html = """<html><body><table><tr><td>nav</td><td>
      <table class=MsoNormalTable><tr>
        <td><p class=MsoNormal><span>结果</span></p><p class=MsoNormal><span>维持<o:p></o:p></span></p></td>
        <td><p class=MsoNormal><span lang=EN-US>1,234<o:p></o:p></span></p></td>
        <td><p class=MsoNormal><span lang=EN-US>&nbsp;<o:p></o:p></span></p></td>
      </tr></table></td></tr></table></body></html>"""
    doc = read_html(html.encode())
    assert tables(doc) == [[["结果维持", "1,234", ""]]]
    assert Paragraph("nav") in doc.blocks


def test_scripts_styles_comments_and_hidden_text_are_skipped():
    doc = read_html("""<html><head><title>T</title><style>p{}</style></head><body>
      <script>document.write('<table><tr><td>规章</td></tr></table>')</script>
      <!-- <p>注释</p> --><p style="display:none">隐藏</p><p>正文<br>第二行</p></body></html>""".encode())
    assert doc.paragraphs == ["正文", "第二行"]
    assert tables(doc) == []


@pytest.mark.parametrize("hiding", ["display:none", "DISPLAY : NONE", "Visibility: Hidden", "font-size:0",
                                   "FONT-SIZE: 0px; COLOR: #ffffff", "color:red;display :\tnone"])
def test_hidden_figures_inside_cells_are_dropped_however_the_style_is_spelt(hiding):
    doc = read_html(f"""<html><body><table><tr><td>规章</td>
      <td>1<span style="{hiding}">7</span>2</td><td><p style="{hiding}">9</p>5</td>
      <td style="{hiding}">8</td><td style="font-size:10.5pt;display:block">3</td></tr></table></body></html>""".encode())
    assert tables(doc) == [[["规章", "12", "5", "3"]]]


def test_content_container_preferred_over_chrome():
    doc = read_html("""<html><body><div class="nav"><p>网站首页 政务公开</p></div>
      <div class="TRS_Editor"><p>某县人民政府2021年政府信息公开工作年度报告正文第一段，足够长的文字内容。</p></div>
      <div class="footer"><p>主办单位</p></div></body></html>""".encode())
    texts = doc.paragraphs
    assert texts == ["某县人民政府2021年政府信息公开工作年度报告正文第一段，足够长的文字内容。"]


def test_text_markups():
    text = ("标题\n"
            "a\tb\tc\n\n1\t2\t3\n"            # a blank line inside a tab table does not end it
            "段落\n"
            "| x | y |\n|---|---|\n| 1 | 2 |\n"
            "说明\n"
            "第二十条第(一)项 |\n|||\n信息内容 |\n本年制发件数 |\n本年废止件数 |\n现行有效件数 |\n规章 |\n0 |\n0 |\n0\n"
            "结束\n")
    doc = read_text(text.encode("utf-8"))
    assert tables(doc) == [
        [["a", "b", "c"], ["1", "2", "3"]],
        [["x", "y"], ["1", "2"]],
        [["第二十条第(一)项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
         ["规章", "0", "0", "0"]],
    ]
    assert doc.paragraphs == ["标题", "段落", "说明", "结束"]
    assert doc.title == "标题"


def test_text_in_gb18030_is_decoded():
    doc = read_text("某镇人民政府2022年政府信息公开工作年度报告\n王堃\t1\n".encode("gb18030") * 10)
    assert doc.blocks[0].text == "某镇人民政府2022年政府信息公开工作年度报告"


def test_article_inside_a_one_row_layout_table():
    prose = "本机关认真贯彻落实条例要求，" * 30
    doc = read_html(f"""<html><body><table><tr><td>
      <p>一、总体情况</p><p>{prose}</p><p>二、主动公开政府信息情况</p></td></tr></table></body></html>""".encode())
    assert doc.paragraphs == ["一、总体情况", prose, "二、主动公开政府信息情况"]
    assert tables(doc) == []


def test_utf8_page_whose_meta_names_another_charset_reads_as_utf8():
    # UTF-8 bytes go to libxml2 as they are: the page's own <meta> must not switch its decoding.
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            "<body><p>鸣皋镇 王堃</p><table><tr><td>总计</td><td>12</td></tr></table></body></html>").encode()
    doc = read_html(html, content_type="text/html; charset=utf-8")
    assert "鸣皋镇 王堃" in [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert tables(doc) == [[["总计", "12"]]]
