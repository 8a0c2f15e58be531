"""Cross-year rules with two consecutive reports of one agency: CARRY_OVER, IN_FORCE, COPIED_TEXT."""
from __future__ import annotations

import re

import pytest

from nianjian.checks import check
from nianjian.checks.copied import shingles, similarity

BOILERPLATE = ("依据《中华人民共和国政府信息公开条例》（以下简称《条例》），坚持以公开为常态、不公开为例外，"
               "本报告中所列数据的统计期限为2021年1月1日至2021年12月31日。依据《国务院办公厅关于印发"
               "〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号），本年度未收取信息处理费。\n")


def of(findings, *rules):
    return [f for f in findings if f.rule in rules]


def year_2022(kit, **cells):
    """涧西区 2022, following seed 000 (2021): carried in 2 (= 2021's carried out), 行政规范性文件
    3 issued, 1 repealed, 38 in force (36 + 3 - 1); narrative rewritten (seed 003's prose)."""
    report = kit.variant(kit.seed_000(), year=2022,
                         title="涧西区人民政府2022年政府信息公开工作年度报告",
                         narrative=kit.seed_narrative("003").replace("2023", "2022"),
                         cells={"t2.normative.issued": 3, "t2.normative.repealed": 1,
                                "t2.normative.in_force": 38})
    report.cells.update(cells)
    return report


def test_consecutive_reports_that_match(kit):
    findings = check(year_2022(kit), previous=kit.seed_000())
    assert of(findings, "CARRY_OVER", "IN_FORCE", "COPIED_TEXT") == []


def test_carry_over_mismatch(kit):
    current = year_2022(kit, **{"t3.carried_in.natural": 5, "t3.carried_in.total": 5,
                                "t3.new.natural": 51, "t3.new.total": 51})
    assert [f for f in check(current) if f.severity == "error"] == []     # consistent on its own
    found = of(check(current, previous=kit.seed_000()), "CARRY_OVER")
    assert [(f.cells, f.expected, f.actual, f.severity) for f in found] == [
        (["previous:t3.carried_out.natural", "t3.carried_in.natural"], 2, 5, "warning"),
        (["previous:t3.carried_out.total", "t3.carried_in.total"], 2, 5, "warning"),
    ]
    assert found[0].message_zh == "t3 自然人列: 上年报告结转下年度2 ≠ 本年上年结转5"
    assert found[0].message_en == ("t3 column natural persons: previous report's carried out 2 ≠ "
                                   "this year's carried in 5")


def test_in_force_mismatch(kit):
    current = year_2022(kit, **{"t2.normative.in_force": 40})
    found = of(check(current, previous=kit.seed_000()), "IN_FORCE")
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].cells == ["previous:t2.normative.in_force", "t2.normative.issued",
                              "t2.normative.repealed", "t2.normative.in_force"]
    assert (found[0].expected, found[0].actual) == (38, 40)
    assert found[0].message_zh == "t2 行政规范性文件: 上年报告现行有效36 + 本年制发3 - 本年废止1 = 38 ≠ 本年现行有效40"


def test_in_force_needs_the_2021_edition_both_years(kit):
    """2020's report (2019 edition) has no 现行有效件数: IN_FORCE does not apply, CARRY_OVER does."""
    previous = kit.variant(kit.seed_000(), year=2020, template="2019",
                           title="涧西区人民政府2020年政府信息公开工作年度报告",
                           narrative=kit.seed_narrative("002"),
                           cells={"t3.carried_out.natural": 1, "t3.carried_out.total": 1})
    for key in [k for k in previous.cells if k.startswith("t2.")]:
        del previous.cells[key]
    found = check(kit.seed_000(), previous=previous)
    assert of(found, "IN_FORCE") == []
    assert [(f.expected, f.actual) for f in of(found, "CARRY_OVER")] == [(1, 2), (1, 2)]


@pytest.mark.parametrize("change, reason", [
    ({"year": 2019}, "2019"),
    ({"agency": "老城区人民政府"}, "老城区人民政府"),
])
def test_a_previous_report_that_is_not_the_year_before_is_not_assessed(kit, change, reason):
    previous = kit.variant(kit.seed_000(), **change)
    current = year_2022(kit, **{"t3.carried_in.natural": 9})
    found = of(check(current, previous=previous), "CARRY_OVER", "IN_FORCE")
    assert [(f.rule, f.assessable, f.severity) for f in found] == [
        ("CARRY_OVER", False, "info"), ("IN_FORCE", False, "info")]
    assert reason in found[0].message_zh


def test_copied_narrative_from_last_year_is_flagged(kit):
    previous = kit.seed_000()
    # the same text with this year's numbers: digits are folded, so it is still a copy
    copied = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), previous.narrative)
    found = of(check(year_2022(kit), previous=previous), "COPIED_TEXT")
    assert found == []
    found = of(check(kit.variant(year_2022(kit), narrative=copied), previous=previous), "COPIED_TEXT")
    assert len(found) == 1 and found[0].severity == "warning" and found[0].cells == []
    assert (found[0].expected, found[0].actual) == (0.6, 1.0)
    assert found[0].message_zh == "正文与涧西区人民政府2021年度报告的正文高度雷同（相似度100%，阈值60%）"


def test_copy_with_a_paragraph_rewritten_is_still_flagged_a_rewrite_is_not(kit):
    previous = kit.seed_000()
    paragraphs = previous.narrative.split("\n")
    longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
    paragraphs[longest] = kit.seed_narrative("004").split("\n")[2]
    edited = kit.variant(year_2022(kit), narrative="\n".join(paragraphs))
    assert len(of(check(edited, previous=previous), "COPIED_TEXT")) == 1
    rewritten = kit.variant(year_2022(kit), narrative=kit.seed_narrative("004"))
    assert of(check(rewritten, previous=previous), "COPIED_TEXT") == []


def test_copied_from_another_agency_of_the_same_year(kit):
    mine = kit.seed_000()
    peers = [kit.variant(kit.seed_000(), agency=name, narrative=kit.seed_narrative(seed))
             for name, seed in (("老城区西关街道办事处", "001"), ("延津县人民政府办公室", "003"),
                                ("白碱滩区政府办公室", "004"))]
    assert of(check(mine, peers=peers), "COPIED_TEXT") == []
    twin = kit.variant(kit.seed_000(), agency="老城区人民政府",
                       narrative=mine.narrative.replace("涧西", "老城"))
    found = of(check(mine, peers=peers + [twin]), "COPIED_TEXT")
    assert len(found) == 1
    assert "老城区人民政府2021年度报告" in found[0].message_zh
    # the report itself among the peers (same agency and year) is not a copy of itself
    assert of(check(mine, peers=[kit.seed_000()]), "COPIED_TEXT") == []


def test_boilerplate_shared_by_every_report_does_not_trigger(kit):
    a = BOILERPLATE + kit.seed_narrative("001")
    b = BOILERPLATE + kit.seed_narrative("004")
    jaccard, containment = similarity(shingles(a), shingles(b))
    assert jaccard < 0.05 and containment < 0.1
    report = kit.variant(kit.seed_000(), narrative=a)
    peer = kit.variant(kit.seed_000(), agency="白碱滩区政府办公室", narrative=b)
    assert of(check(report, peers=[peer]), "COPIED_TEXT") == []


def test_real_reports_of_different_agencies_are_far_below_the_threshold(kit):
    narratives = [kit.seed_narrative(n) for n in ("000", "001", "002", "003", "004")]
    worst = max(max(similarity(shingles(a), shingles(b)))
                for i, a in enumerate(narratives) for b in narratives[i + 1:])
    assert worst < 0.1


def test_short_narratives_are_not_compared(kit):
    short = kit.variant(kit.seed_000(), narrative="一、总体情况\n无。")
    assert of(check(short, previous=kit.variant(short, year=2020)), "COPIED_TEXT") == []
