"""Titles → issuing organ and year; documents that are not annual reports."""
from __future__ import annotations

import pytest

from parsers import parse
from parsers.metadata import glued_title, same_organ, section_of, signature, title_match


@pytest.mark.parametrize("title, agency, year", [
    ("涧西区人民政府2021年政府信息公开工作年度报告", "涧西区人民政府", 2021),
    ("2021年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告", "白碱滩区(克拉玛依高新区)政府办公室", 2021),
    ("洛阳市伊滨经开区人民政府 2020 年政府信息公开工作 年度报告", "洛阳市伊滨经开区人民政府", 2020),
    ("宜阳县教育局2020年度政府信息公开工作年度报告", "宜阳县教育局", 2020),
    ("洛阳市财政局关于2022年政府信息公开工作年度报告", "洛阳市财政局", 2022),
    ("《郑州市人民政府2023年政府信息公开工作年度报告》", "郑州市人民政府", 2023),
    ("鸣皋镇2019年政府信息公开年报", "鸣皋镇", 2019),
    ("２０２２年某县统计局政府信息公开工作年度报告", "某县统计局", 2022),
    ("某市交通运输局政府信息公开工作年度报告（2021年度）", "某市交通运输局", 2021),
    ("某市人民政府2021年度政府信息公开工作报告", "某市人民政府", 2021),
    ("关于某县人民政府2021年政府信息公开工作年度报告的说明", "某县人民政府", 2021),
    ("某区人民政府办公室2021年政府信息公开工作年度报告_某区人民政府门户网站", "某区人民政府办公室", 2021),
    # the year in Chinese numerals; the year first after 关于; a report issued by another organ
    ("青山县人民政府二〇二二年政府信息公开工作年度报告", "青山县人民政府", 2022),
    ("青山县水利局二零二一年度政府信息公开工作年度报告", "青山县水利局", 2021),
    ("关于2022年青山县人民政府政府信息公开工作年度报告的通知", "青山县人民政府", 2022),
    ("青山县人民政府办公室关于印发青山县人民政府2022年政府信息公开工作年度报告的通知", "青山县人民政府", 2022),
    ("【青山县人民政府】2022年政府信息公开工作年度报告", "青山县人民政府", 2022),
])
def test_titles(title, agency, year):
    found = title_match(title)
    assert found is not None
    assert found[1:] == (agency, year)


@pytest.mark.parametrize("title", ["关于印发工作方案的通知", "涧西区人民政府网站2021年工作年度报表", "2021年统计公报"])
def test_other_titles(title):
    assert title_match(title) is None


@pytest.mark.parametrize("text, number", [
    ("一、总体情况", 1), ("二、主动公开政府信息情况", 2), ("三、收到和处理政府信息公开申请情况", 3),
    ("四、政府信息公开行政复议、行政诉讼情况", 4), ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", 4),
    ("五、存在的主要问题及改进情况", 5), ("五、政府信息公开工作存在的主要问题及改进情况：", 5),
    ("六、其他需要报告的事项", 6), ("（一）主动公开情况", None), ("总体情况良好，全年共公开信息一千条。", None),
])
def test_section_headings(text, number):
    assert section_of(text) == number


def test_website_yearly_statement_is_not_a_report():
    html = """<html><head><meta name="ArticleTitle" content="涧西区人民政府网站2021年工作年度报表"></head>
      <body><div id="zoom"><table><tr><td>网站名称</td><td>涧西区人民政府</td></tr>
      <tr><td>独立用户访问总量（单位：个）</td><td>41368</td></tr></table></div></body></html>"""
    report = parse(html.encode(), filename="a.html")
    assert [p.code for p in report.problems] == ["NOT_A_REPORT"]
    assert report.cells == {}


def test_news_page_is_not_a_report(fixtures):
    report = parse((fixtures / "portals" / "03_handan_hdzfxxgk_detail_meta_trs.html").read_bytes(),
                   filename="detail.html")
    assert [p.code for p in report.problems] == ["NOT_A_REPORT"]
    assert report.published == "2020-08-02"


@pytest.mark.parametrize("data, filename", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "report.doc"),
    (b"PK\x03\x04garbage", "report.ofd"),
    (b"\x00\x01\x02binary", "report.wps"),
])
def test_unsupported_formats_are_a_problem_not_a_crash(data, filename):
    report = parse(data, filename=filename)
    assert [p.code for p in report.problems] in (["UNSUPPORTED_FORMAT"], ["UNREADABLE_FILE"])
    assert report.cells == {}


def test_year_from_the_statistical_period_when_the_title_has_none():
    text = ("某县农业农村局政府信息公开工作年度报告\n"
            "本报告数据统计期限为2022年1月1日至2022年12月31日。\n"
            "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n")
    report = parse(text.encode(), filename="r.txt")
    assert report.year == 2022


@pytest.mark.parametrize("title, year", [
    ("2021年度政府信息公开工作年度报告", 2021),
    ("我局2022年政府信息公开工作年度报告", 2022),
])
def test_titles_without_an_organ(title, year):
    found = title_match(title)
    assert found is not None and found[1:] == (None, year)


def test_notice_publishing_the_report():
    found = title_match("某市人民政府办公室关于公布2021年政府信息公开工作年度报告的通知")
    assert found is not None and found[1:] == ("某市人民政府办公室", 2021)


@pytest.mark.parametrize("text, agency", [
    ("某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n我县按时发布了政府网站工作年度报表。\n"
     "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n", "某县人民政府"),
    # prose longer than a title, before any title is read; the organ from the signature
    ("按照要求，本单位在编制政府信息公开工作年度报告的同时，也按时报送了政府网站工作年度报表，"
     "并对照上级要求逐项核对了各项数据和内容，确保数据准确完整、前后一致、口径统一。\n"
     "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n某县统计局\n2023年1月20日\n",
     "某县统计局"),
])
def test_prose_mentioning_the_website_statement_is_still_a_report(text, agency):
    report = parse(text.encode(), filename="r.txt")
    assert report.agency == agency
    assert "NOT_A_REPORT" not in [p.code for p in report.problems]


@pytest.mark.parametrize("text, found", [
    ("涧西区人民政府2021年政府信息公开工作年度报告根据《中华人民共和国政府信息公开条例》编制本报告。" * 2,
     ("涧西区人民政府2021年政府信息公开工作年度报告", "涧西区人民政府", 2021)),
    ("2021年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告一、总体情况2021年白碱滩区……" * 2,
     ("2021年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告", "白碱滩区(克拉玛依高新区)政府办公室", 2021)),
    # prose that mentions a title is not a title: the "organ" would be a clause
    ("根据《条例》要求，现公布涧西区人民政府2021年政府信息公开工作年度报告，请查阅。" * 3, None),
])
def test_title_glued_to_the_first_paragraph(text, found):
    assert glued_title(text) == found


@pytest.mark.parametrize("paragraphs, agency", [
    (["六、其他需要报告的事项", "无。", "某某市人民政府办公厅", "2022年1月20日"], "某某市人民政府办公厅"),
    (["六、其他需要报告的事项", "无。", "某某市人民政府办公厅 2022年1月20日"], "某某市人民政府办公厅"),
    (["六、其他需要报告的事项本年度未收取信息处理费。某县人民政府2022年1月25日"], "某县人民政府"),
    # glued to words that do not end a sentence: where the organ's name starts is unknown
    (["六、其他需要报告的事项无某县人民政府2022年1月25日"], None),
    (["本报告由张三整理。", "张三", "2022年1月20日"], None),
    (["六、其他需要报告的事项", "无。"], None),
])
def test_agency_from_the_signature_line(paragraphs, agency):
    assert signature(paragraphs)[0] == agency


def test_body_without_a_title_takes_the_organ_from_the_signature(fixtures):
    """body_only_split_title.html with its two title lines taken out: the organ is the signature's,
    the year the statistical period's, and the tables are read as before."""
    page = (fixtures / "html" / "body_only_split_title.html").read_text("utf-8")
    for line in ("2021 年洛阳市涧西区财政局政府信息公开", "工作年度报告"):
        page = page.replace(f'<p style="text-align:center"><strong>{line}</strong></p>', "")
    report = parse(page.encode(), filename="body.html")
    assert (report.title, report.agency, report.year) == (None, "洛阳市涧西区财政局", 2021)
    assert [p.code for p in report.problems] == ["TITLE_MISSING"]
    assert "洛阳市涧西区财政局" in report.problems[0].detail
    assert report.cells["t3.new.total"] == 60 and report.cells["t2.normative.in_force"] == 1234


# ---- the red team (metadata_cases.py): pages worded as offices word them, checked by hand
from metadata_cases import CASES, page  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_year_and_agency_as_checked_by_hand(case):
    data, filename = page(case)
    report = parse(data, filename=filename)
    assert (report.year, report.agency) == (case.year, case.agency)
    codes = {p.code for p in report.problems}
    # absent, never silently: the problem says why
    assert case.year is not None or codes & {"YEAR_UNSURE", "YEAR_UNKNOWN"}
    assert case.agency is not None or codes & {"AGENCY_UNSURE", "AGENCY_UNKNOWN", "TITLE_MISSING"}


@pytest.mark.parametrize("title, found", [
    ("青山县人民政府2021-2022年政府信息公开工作年度报告", ("青山县人民政府", None)),
    ("青山县人民政府2020年至2022年政府信息公开工作年度报告", ("青山县人民政府", None)),
    ("青山县教育局2007年政府信息公开工作年度报告", ("青山县教育局", None)),
    ("青山县教育局2099年政府信息公开工作年度报告", ("青山县教育局", None)),
    ("青山县教育局2008年政府信息公开工作年度报告", ("青山县教育局", 2008)),
    # a date after the name is the publication's, not the report's year
    ("青山县应急管理局政府信息公开工作年度报告（2023年1月20日）", ("青山县应急管理局", None)),
    ("青山县林业局2022年政府信息公开工作年度报告（2023年1月）", ("青山县林业局", 2022)),
    # no one organ's name where the organ stands
    ("青山县发展和改革委员会、青山县统计局2022年政府信息公开工作年度报告", (None, 2022)),
    ("青山县人民政府及所属部门2022年政府信息公开工作年度报告", (None, 2022)),
    ("…教育局2022年政府信息公开工作年度报告", (None, 2022)),
    ("关于洛阳市2022年政府信息公开工作年度报告", (None, 2022)),
    # the site's name or a breadcrumb before the title; a republished report
    ("青山区人民政府门户网站-青山县教育局2022年政府信息公开工作年度报告", ("青山县教育局", 2022)),
    ("首页>信息公开>青山县教育局2022年政府信息公开工作年度报告", ("青山县教育局", 2022)),
    ("【转载】洛阳市人民政府2022年政府信息公开工作年度报告", ("洛阳市人民政府", 2022)),
])
def test_titles_that_do_not_say_surely(title, found):
    assert title_match(title)[1:] == found


@pytest.mark.parametrize("text", ["会议要求，各单位要认真做好政府信息公开工作年度报告",
                                  "您现在的位置是：首页>>信息公开>>信息公开年报"])
def test_prose_naming_the_kind_of_report_is_no_title(text):
    assert title_match(text) is None


@pytest.mark.parametrize("a, b, same", [
    ("教育局", "青山县教育局", "青山县教育局"),
    ("洛阳市青山县教育局", "青山县教育局", "洛阳市青山县教育局"),
    ("青山县人民政府", "青山县人民政府办公室", "青山县人民政府"),
    ("青山县人民政府", "洛阳市青山县人民政府办公室", "洛阳市青山县人民政府"),
    ("青山县人民政府", "青山县政府", "青山县人民政府"),
    ("青山县人民政府", "青山县人民政府政务公开办公室", "青山县人民政府"),
    ("青山区教育局", "洛阳市教育局", None),
    ("青山县人民政府", "青山县石门乡人民政府", None),
    ("青山县人民政府", "青山县财政局办公室", None),
])
def test_same_organ(a, b, same):
    assert same_organ(a, b) == same


def test_the_signature_gives_the_year_signed_even_without_an_organ():
    assert signature(["六、其他需要报告的事项", "无。", "某县人民政府 2023年1月20日"]) == ("某县人民政府", 2023)
    assert signature(["本报告由张三整理。", "张三", "2023年1月20日"]) == (None, 2023)
