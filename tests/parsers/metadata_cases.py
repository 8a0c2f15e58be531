"""A red team for the report year and the issuing organ: report pages and texts worded the ways
real offices word them, each with its year and agency checked by hand.

A wrong year or organ becomes a false 'missing' or 'late' verdict against a real agency, so
where a page does not say surely (two years, a date only, title and signature naming different
organs, a list of organs, a name cut short), the expected value is None: absent, never a guess.

A case is the page's parts; `page(case)` puts them together with the report's six sections and
tables (tests/parsers/renderings.py) around them. `CASES` is grouped in families (the first
word of each case's name), which benchmarks/metadata_accuracy.py tallies.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from renderings import SECTIONS, _html_table, consistent_cells, tables

SITE = "青山区人民政府门户网站"


@dataclass(frozen=True)
class Case:
    name: str                       # "family/what it shows"
    year: int | None                # checked by hand; None: the page does not say surely
    agency: str | None
    h1: str | None = None           # the article heading (the first line of a text)
    head: str | None = None         # <title>; None: the heading, then the site's name
    meta: str | None = None         # <meta name="ArticleTitle">
    lead: tuple[str, ...] = ()      # paragraphs between the heading and 一、总体情况
    first: str | None = None        # section 一's own first paragraph
    later: str | None = None        # a paragraph of section 五 (problems and their mending)
    signature: tuple[str, ...] = ()  # the 落款 lines at the end
    edition: str = "2021"
    text: bool = False              # a plain-text file rather than a web page

    @property
    def family(self) -> str:
        return self.name.split("/")[0]


def page(case: Case) -> tuple[bytes, str]:
    """(bytes, file name) of the case's page."""
    by_section = tables(case.edition, consistent_cells(case.edition, len(case.name)))
    paragraphs = [*case.lead]
    blocks = []
    for number, heading in SECTIONS.items():
        blocks.append(heading)
        if number == 1 and case.first:
            blocks.append(case.first)
        if number == 5 and case.later:
            blocks.append(case.later)
        if number == 6:
            blocks.append("无。")
        blocks += by_section.get(number, [])
    blocks += case.signature
    if case.text:
        lines = ([case.h1] if case.h1 else []) + paragraphs
        for block in blocks:
            lines += ["| " + " | ".join(row) + " |" for row in block] if isinstance(block, list) else [block]
        return "\n".join(lines).encode("utf-8"), "r.txt"
    head = case.head if case.head is not None else f"{case.h1 or ''}_{SITE}"
    meta = f'<meta name="ArticleTitle" content="{escape(case.meta)}">' if case.meta else ""
    body = [f"<h1>{escape(case.h1)}</h1>"] if case.h1 else []
    body += [f"<p>{escape(p)}</p>" for p in paragraphs]
    body += [_html_table(b) if isinstance(b, list) else f"<p>{escape(b)}</p>" for b in blocks]
    html = (f'<html><head><meta charset="utf-8">{meta}<title>{escape(head)}</title></head>'
            f'<body><div id="zoom">{"".join(body)}</div></body></html>')
    return html.encode("utf-8"), "r.html"


EDU = "青山县教育局"
GOV = "青山县人民政府"
REPORT = "政府信息公开工作年度报告"
SIGNED = "2023年1月20日"

# Organs named as offices name them: 人民政府 and its 办公室, 局, 委员会, 街道办事处, 乡/镇人民政府,
# 管委会, with their place in front or without; people's organisations, schools, hospitals (public
# bodies publish reports too), an organ with two names (一套班子两块牌子).
NAMED = (GOV, "青山县人民政府办公室", "青山县公安局", "青山县发展和改革委员会", "青山区城关街道办事处",
         "青山县石门乡人民政府", "白沙镇人民政府", "青山经济技术开发区管委会", "河南省洛阳市涧西区人民政府",
         "国家税务总局青山县税务局", "青山县妇女联合会", "青山县妇联", "青山县科协", "青山县第一中学",
         "中共青山县委宣传部（青山县新闻出版局）", "青山县人民医院")

CASES = tuple(Case(f"agency_forms/{organ}", 2022, organ, h1=f"{organ}2022年{REPORT}") for organ in NAMED) + (
    # ---- years as offices write them
    Case("year_forms/numerals_〇", 2022, GOV, h1=f"{GOV}二〇二二年{REPORT}"),
    Case("year_forms/numerals_零_年度", 2022, "青山县水利局", h1=f"青山县水利局二零二二年度{REPORT}"),
    Case("year_forms/numerals_first", 2022, "青山县民政局", h1=f"二〇二二年度青山县民政局{REPORT}"),
    Case("year_forms/full_width", 2022, "青山县统计局", h1=f"青山县统计局２０２２年{REPORT}"),
    Case("year_forms/年度", 2022, "青山县财政局", h1=f"青山县财政局2022年度{REPORT}"),
    Case("year_forms/spaced", 2022, "青山县审计局", h1=f"青山县审计局 2022 年{REPORT}"),
    Case("year_forms/after_the_name", 2022, "青山县卫生健康委员会", h1=f"青山县卫生健康委员会{REPORT}（2022年度）"),
    Case("year_forms/text_file", 2022, "青山县司法局", h1=f"青山县司法局2022年{REPORT}", text=True),
    Case("year_forms/text_numerals", 2021, "青山县公安局", h1=f"青山县公安局二〇二一年{REPORT}", text=True,
         edition="2021"),
    Case("year_forms/numerals_with_zero", 2022, "青山县科学技术局", h1=f"青山县科学技术局二0二二年{REPORT}"),
    Case("year_forms/numerals_with_letter_o", 2022, "青山县科学技术局", h1=f"青山县科学技术局二O二二年度{REPORT}"),

    # ---- the publication date beside the report year
    Case("published/date_line", 2022, EDU, h1=f"{EDU}2022年{REPORT}", lead=(f"（{SIGNED}）",)),
    Case("published/source_line", 2022, "青山县交通运输局", h1=f"青山县交通运输局2022年{REPORT}",
         lead=(f"发布时间：{SIGNED}", "来源：青山县交通运输局")),
    Case("published/date_in_title", None, "青山县人民政府", h1=f"{GOV}{REPORT}（{SIGNED}）"),
    Case("published/date_after_title", None, "青山县应急管理局", h1=f"青山县应急管理局{REPORT} {SIGNED}"),
    Case("published/month_after_title", None, "青山县农业农村局", h1=f"青山县农业农村局{REPORT}（2023年1月）"),
    Case("published/date_first", None, "青山县农业农村局", h1=f"2023年1月青山县农业农村局{REPORT}"),
    Case("published/发布_line", None, "青山县农业农村局", h1=f"青山县农业农村局{REPORT}", lead=("2023年1月发布",)),
    Case("published/text_date_line", 2022, "青山县商务局", h1=f"青山县商务局2022年{REPORT}", lead=(SIGNED,),
         text=True),

    # ---- two years, or a range
    Case("two_years/range_hyphen", None, GOV, h1=f"{GOV}2021-2022年{REPORT}"),
    Case("two_years/range_dash", None, GOV, h1=f"{GOV}2021—2022年度{REPORT}"),
    Case("two_years/range_至", None, GOV, h1=f"{GOV}2020年至2022年{REPORT}"),
    Case("two_years/published_in_brackets", 2022, GOV, h1=f"关于{GOV}2022年度{REPORT}（2023年）"),
    Case("two_years/published_month", 2022, "青山县林业局", h1=f"青山县林业局2022年{REPORT}（2023年1月）"),
    Case("two_years/revised", 2022, "青山县文化和旅游局", h1=f"青山县文化和旅游局2022年{REPORT}（2023年修订）"),

    # ---- no year in the title: the first paragraph, the 第一部分 heading, the period
    Case("body_year/first_paragraph", 2022, "青山县住房和城乡建设局", h1=f"青山县住房和城乡建设局{REPORT}",
         first="2022年，本机关严格落实《中华人民共和国政府信息公开条例》，全面推进政务公开。"),
    Case("body_year/年度_first", 2022, "青山县市场监督管理局", h1=f"青山县市场监督管理局{REPORT}",
         first="2022年度，我局认真贯彻落实政务公开各项部署。"),
    Case("body_year/part_heading", 2022, "青山县退役军人事务局", h1=f"青山县退役军人事务局{REPORT}",
         lead=("第一部分 2022年政府信息公开工作总体情况",)),
    Case("body_year/second_line", 2022, "青山县城市管理局", h1=f"青山县城市管理局{REPORT}", lead=("（2022年度）",)),
    Case("body_year/period", 2022, "青山县人民政府办公室", h1=f"青山县人民政府办公室{REPORT}",
         first="本报告中所列数据的统计期限为2022年1月1日至2022年12月31日。"),
    Case("body_year/revised_条例", None, "青山县医疗保障局", h1=f"青山县医疗保障局{REPORT}",
         first="根据2019年修订的《中华人民共和国政府信息公开条例》要求，现公布本机关政府信息公开工作年度报告。"),
    Case("body_year/since", None, "青山县司法局", h1=f"青山县司法局{REPORT}",
         first="2021年以来，我局持续推进政务公开标准化规范化建设。"),
    Case("body_year/我局", 2022, "青山县司法局", h1=f"青山县司法局{REPORT}",
         first="2022年我局坚持以公开为常态、不公开为例外。"),
    Case("body_year/last_years_report_cited", None, EDU, h1=f"{EDU}{REPORT}",
         later=f"针对《{EDU}2021年{REPORT}》中指出的问题，我局已整改到位。"),
    Case("body_year/last_years_report_cited_no_organ", None, EDU, h1=f"本机关{REPORT}",
         later=f"针对{EDU}2021年{REPORT}中指出的问题，已整改到位。", signature=(EDU, SIGNED)),
    Case("body_year/date_only", None, "青山县粮食和物资储备局", h1=f"青山县粮食和物资储备局{REPORT}",
         lead=(SIGNED,)),
    Case("body_year/two_openings", None, "青山县体育局", h1=f"青山县体育局{REPORT}",
         lead=("2022年，本机关全面推进政务公开。",), first="2021年，我局公开政府信息1200条。"),
    Case("body_year/title_wins", 2022, "青山县水务局", h1=f"青山县水务局2022年{REPORT}",
         first="2022年，本机关全面推进政务公开。"),
    # the title wins over the body: the checks' YEAR_MISMATCH tells the office of its period
    Case("body_year/period_disagrees", 2022, "青山县人防办", h1=f"青山县人防办2022年{REPORT}",
         first="本报告中所列数据的统计期限为2021年1月1日至2021年12月31日。"),

    # ---- titles in the page: cut short, the site's name after them, places disagreeing
    Case("page_title/site_name_no_h1", 2022, EDU, head=f"{EDU}2022年{REPORT}_{SITE}"),
    Case("page_title/site_name_dash", 2022, EDU, head=f"{EDU}2022年{REPORT}-青山县人民政府"),
    Case("page_title/truncated_h1", 2022, EDU, h1=f"{EDU}2022年政府信息公开工作年度...",
         head=f"{EDU}2022年{REPORT}_{SITE}"),
    Case("page_title/truncated_front", 2022, None, h1=f"…教育局2022年{REPORT}", head=SITE),
    Case("page_title/truncated_front_dots", 2022, None, h1=f"...县教育局2022年{REPORT}", head=SITE),
    Case("page_title/stale_head_year", None, EDU, h1=f"{EDU}2022年{REPORT}", head=f"{EDU}2021年{REPORT}_{SITE}"),
    Case("page_title/stale_head_agency", 2022, None, h1=f"{EDU}2022年{REPORT}",
         head=f"青山县卫生健康委员会2022年{REPORT}_{SITE}"),
    Case("page_title/meta_and_h1_disagree", None, EDU, meta=f"{EDU}2021年{REPORT}", h1=f"{EDU}2022年{REPORT}"),
    Case("page_title/head_names_nothing", 2022, GOV, head=f"{REPORT}_{SITE}", lead=(f"{GOV}2022年{REPORT}",)),
    Case("page_title/meta", 2022, EDU, meta=f"{EDU}2022年{REPORT}", head=SITE),
    Case("page_title/organ_on_a_line_of_its_own", 2022, EDU, head=SITE, lead=(EDU, f"2022年{REPORT}")),
    Case("page_title/organ_line_in_text", 2022, EDU, h1=EDU, lead=(f"2022年{REPORT}",), text=True),
    Case("page_title/breadcrumb_line", 2022, EDU, head=SITE, lead=("首页 | 政务公开", f"{EDU}2022年{REPORT}")),
    Case("page_title/column_name_h1", 2022, EDU, h1="政府信息公开年报", head=f"{EDU}2022年{REPORT}_{SITE}"),
    Case("page_title/site_name_first", 2022, EDU, head=f"{SITE}-{EDU}2022年{REPORT}"),
    Case("page_title/breadcrumb", 2022, EDU, head=f"首页>信息公开>{EDU}2022年{REPORT}"),
    Case("page_title/site_name_first_underscore", 2022, EDU, head=f"{SITE}_{EDU}2022年{REPORT}"),

    # ---- how organs are named
    Case("agency_forms/bare_乡", 2022, "石门乡", h1=f"石门乡2022年政府信息公开年报"),
    Case("agency_forms/year_first", 2022, "青山县自然资源局", h1=f"2022年青山县自然资源局{REPORT}"),
    Case("agency_forms/关于_notice", 2022, GOV, h1=f"青山县人民政府办公室关于印发{GOV}2022年{REPORT}的通知"),

    Case("page_title/全文", 2022, EDU, h1=f"{EDU}2022年度{REPORT}（全文）"),
    Case("page_title/公告", 2022, EDU, h1=f"{EDU}关于2022年度{REPORT}的公告"),
    Case("page_title/file_name", 2022, EDU, head=f"{EDU}2022年{REPORT}.pdf"),
    Case("page_title/numerals_both", 2022, EDU, h1=f"{EDU}二〇二二年度{REPORT}（二〇二三年一月）"),
    Case("page_title/labelled", 2022, EDU, head=SITE, lead=(f"标题：{EDU}2022年{REPORT}", "发布机构：青山县人民政府办公室")),

    # ---- the organ from the signature (落款)
    Case("signature/title_without_organ", 2022, "青山县统计局", h1=f"2022年{REPORT}",
         signature=("青山县统计局", SIGNED)),
    Case("signature/one_line", 2022, "青山县城关镇人民政府", h1=f"2022年度{REPORT}",
         signature=(f"青山县城关镇人民政府 {SIGNED}",)),
    Case("signature/date_in_numerals", 2022, "青山县统计局", h1=f"2022年{REPORT}",
         signature=("青山县统计局", "二〇二三年一月二十日")),
    Case("signature/我局", 2022, "青山县自然资源局", h1=f"我局2022年{REPORT}",
         signature=("青山县自然资源局", SIGNED)),
    Case("signature/no_title", 2022, "青山县林业局", head=SITE,
         first="本报告中所列数据的统计期限为2022年1月1日至2022年12月31日。",
         signature=("青山县林业局", "2023年1月18日")),
    Case("signature/office_signs_for_government", 2022, GOV, h1=f"{GOV}2022年{REPORT}",
         signature=(f"青山县人民政府办公室 {SIGNED}",)),
    Case("signature/prefix_in_signature", 2022, EDU, h1=f"教育局2022年{REPORT}", signature=(EDU, SIGNED)),
    Case("signature/prefix_in_title", 2022, "洛阳市青山县教育局", h1=f"洛阳市青山县教育局2022年{REPORT}",
         signature=(EDU, SIGNED)),
    Case("signature/bureau_office", 2022, EDU, h1=f"{EDU}2022年{REPORT}", signature=(f"{EDU}办公室", SIGNED)),
    Case("signature/政务公开办公室", 2022, GOV, h1=f"{GOV}2022年{REPORT}",
         signature=("青山县人民政府政务公开办公室", SIGNED)),
    Case("signature/another_organs_office", 2022, None, h1=f"{GOV}2022年{REPORT}",
         signature=("青山县财政局办公室", SIGNED)),
    Case("signature/sealed", 2022, EDU, h1=f"2022年{REPORT}", signature=(f"{EDU}（盖章）", SIGNED)),
    Case("signature/dashed_date", 2022, EDU, h1=f"2022年{REPORT}", signature=(EDU, "2023-01-20")),
    Case("signature/dotted_date", 2022, EDU, h1=f"2022年{REPORT}", signature=(f"{EDU} 2023.1.20",)),
    Case("signature/政府办", 2022, GOV, h1=f"{GOV}2022年{REPORT}", signature=("青山县政府办", SIGNED)),
    Case("signature/县政府办公室", 2022, GOV, h1=f"{GOV}2022年{REPORT}", signature=("县政府办公室", SIGNED)),
    Case("signature/two_names", 2022, "中共青山县委宣传部（青山县新闻出版局）", h1=f"2022年{REPORT}",
         signature=("中共青山县委宣传部（青山县新闻出版局）", SIGNED)),
    Case("signature/another_organ", 2022, None, h1=f"{EDU}2022年{REPORT}", signature=("青山县财政局", SIGNED)),
    Case("signature/none", 2022, None, h1=f"2022年{REPORT}"),
    Case("signature/text_file", 2022, "青山县统计局", h1=f"2022年{REPORT}", signature=("青山县统计局", SIGNED),
         text=True),

    # ---- traps
    Case("traps/republished_转载", 2022, "洛阳市人民政府", h1=f"洛阳市人民政府2022年{REPORT}",
         lead=("来源：洛阳市人民政府 转载自洛阳市人民政府网",), signature=("洛阳市人民政府", SIGNED)),
    Case("traps/republished_no_organ", 2022, "洛阳市人民政府", h1=f"2022年{REPORT}",
         head=f"2022年{REPORT}_青山区人民政府", lead=("转载自：洛阳市人民政府网站",),
         signature=(f"洛阳市人民政府 {SIGNED}",)),
    Case("traps/【转载】", 2022, "洛阳市人民政府", h1=f"【转载】洛阳市人民政府2022年{REPORT}"),
    Case("traps/转载_suffix", 2022, "洛阳市人民政府", h1=f"洛阳市人民政府2022年{REPORT}（转载）"),
    Case("traps/转发", 2022, "洛阳市人民政府", h1=f"青山区人民政府办公室转发洛阳市人民政府2022年{REPORT}的通知"),
    Case("traps/superior_in_title", 2022, None, h1=f"关于洛阳市2022年{REPORT}",
         signature=(f"洛阳市青山区人民政府 {SIGNED}",)),
    Case("traps/superior_body_signs", 2022, None, h1=f"青山区教育局2022年{REPORT}",
         signature=(f"洛阳市教育局 {SIGNED}",)),
    Case("traps/several_organs", 2022, None, h1=f"青山县发展和改革委员会、青山县统计局2022年{REPORT}"),
    Case("traps/organ_and_its_departments", 2022, None, h1=f"青山县人民政府及所属部门2022年{REPORT}"),
    Case("traps/各乡镇", 2022, None, h1=f"青山县各乡镇2022年{REPORT}"),
    # a half-year or quarterly report is not the annual one
    Case("traps/half_year", None, None, h1="青山县教育局2022年上半年政府信息公开工作报告"),
    Case("traps/half_year_first", None, None, h1="2022年上半年青山县教育局政府信息公开工作报告"),
    Case("traps/quarter", None, None, h1="2022年第一季度青山县教育局政府信息公开工作报告"),
    Case("traps/edition_2019_tables", 2020, "青山县气象局", h1=f"青山县气象局2020年{REPORT}", edition="2019"),
    Case("traps/edition_2021_for_2019", None, "青山县气象局", h1=f"青山县气象局2019年{REPORT}", edition="2021"),
    Case("traps/edition_2019_for_2018", None, "青山县气象局", h1=f"青山县气象局2018年{REPORT}", edition="2019"),
    Case("traps/edition_2019_for_2022", 2022, "青山县气象局", h1=f"青山县气象局2022年{REPORT}", edition="2019"),
    Case("traps/edition_2019_no_year", None, "青山县气象局", h1=f"青山县气象局{REPORT}", edition="2019",
         first="根据2019年修订的《中华人民共和国政府信息公开条例》编制本报告。"),
    Case("traps/edition_2021_format", None, "青山县档案馆", h1=f"青山县档案馆{REPORT}",
         first="本报告按照2021年新修订的格式编制。"),
    Case("traps/future_signed", None, EDU, h1=f"{EDU}2032年{REPORT}", signature=(EDU, SIGNED)),
    Case("traps/future", None, EDU, h1=f"{EDU}2099年{REPORT}"),
    Case("traps/same_year_as_signed", None, EDU, h1=f"{EDU}2023年{REPORT}", signature=(EDU, SIGNED)),
    Case("traps/before_2008", None, EDU, h1=f"{EDU}2007年{REPORT}"),
    Case("traps/nineties", None, EDU, h1=f"{EDU}1998年{REPORT}"),
)

# ---- crossed: each organ in each way of writing the year, title wording and place on the page
# (each part checked by hand; the case takes the organ's and the year's expected values).
ORGANS = (GOV, "青山县人民政府办公室", "青山县发展和改革委员会", "青山县住房和城乡建设局", "青山区城关街道办事处",
          "青山县石门乡人民政府", "白沙镇人民政府", "青山经济技术开发区管委会", "洛阳市青山区教育局", "青山县档案馆")
YEARS = (("2021年", 2021), ("二〇二二年", 2022), ("２０２３年", 2023), ("2020 年", 2020), ("二零一九年", 2019),
         ("2024年", 2024))
WORDINGS = ("{organ}{year}政府信息公开工作年度报告", "关于{year}{organ}政府信息公开工作年度报告的通知",
            "{year}度{organ}政府信息公开工作年度报告", "【{organ}】{year}度政府信息公开工作年度报告",
            "{organ}政府信息公开工作年度报告（{year}度）", "《{organ}{year}政府信息公开工作年度报告》",
            "{organ}关于{year}政府信息公开工作年度报告")


def _placed(name: str, title: str, year: int, organ: str, at: int) -> Case:
    """The title in one of the places a page shows it, with a signature dated the next year and
    the tables of the edition of its year."""
    signature = (organ, f"{year + 1}年1月{at % 28 + 1}日")
    edition = "2021" if year >= 2021 else "2019"
    return (Case(name, year, organ, h1=title, signature=signature, edition=edition),
            Case(name, year, organ, head=f"{title}_{SITE}", signature=signature[1:], edition=edition),
            Case(name, year, organ, h1=title, text=True, edition=edition),
            Case(name, year, organ, meta=title, h1=title, head=SITE, edition=edition,
                 lead=(f"发布日期：{year + 1}-02-0{at % 9 + 1}",)),
            )[at % 4]


CROSSED = tuple(
    _placed(f"crossed/{at}", wording.format(organ=organ, year=printed), year, organ, at)
    for at, (organ, (printed, year), wording) in enumerate(
        (ORGANS[i % len(ORGANS)], YEARS[i % len(YEARS)], WORDINGS[i % len(WORDINGS)]) for i in range(70)))
CASES += CROSSED
