"""TEXT_TABLE: the narrative's figures against the tables, flagging only what is certain."""
from __future__ import annotations

import pytest

from nianjian.checks import check
from nianjian.checks.narrative import statements


def text_table(report):
    return [f for f in check(report) if f.rule == "TEXT_TABLE"]


def test_seed_000_says_no_review_or_suit_while_t4_has_them(kit):
    found = text_table(kit.seed_000())
    assert [(f.cells, f.expected, f.actual, f.severity) for f in found] == [
        (["t4.review.total"], 0, 16, "warning"),
        (["t4.suit_direct.total", "t4.suit_after_review.total"], 0, 17, "warning"),
    ]
    assert found[0].message_zh == "正文「上述答复未引发诉讼及复议」称行政复议数为0，表格为16（t4.review.total）"


def test_seed_000_figures_that_agree_raise_nothing(kit):
    stated = {(s.figure, s.value) for s in statements(kit.seed_000().narrative)}
    assert {("received", 54), ("carried_in", 2), ("granted", 33)} <= stated
    zero_t4 = kit.variant(kit.seed_000(), cells=kit.t4_cells((0,) * 5, (0,) * 5, (0,) * 5))
    assert text_table(zero_t4) == []


@pytest.mark.parametrize("sentence, figure, stated, table", [
    ("今年共受理依申请公开50件。", "received", 50, 54),
    ("全年收到政府信息公开申请60件，均按时答复。", "received", 60, 54),
    ("上年结转政府信息公开申请3件。", "carried_in", 3, 2),
    ("结转下年度继续办理5件。", "carried_out", 5, 2),
    ("4件申请结转下年度办理。", "carried_out", 4, 2),
    ("依申请公开答复中，予以公开30件。", "granted", 30, 33),
    ("因政府信息公开被申请行政复议3件，被提起行政诉讼17件。", "review", 3, 16),
    ("因政府信息公开被申请行政复议16件，被提起行政诉讼2起。", "suits", 2, 17),
    ("依申请公开工作中未发生行政复议。", "review", 0, 16),
    ("全年收到政府信息公开申请1,054件。", "received", 1054, 54),
])
def test_a_contradicting_figure_is_flagged(kit, sentence, figure, stated, table):
    report = kit.variant(kit.seed_000(), narrative=sentence)
    found = text_table(report)
    assert len(found) == 1
    assert (found[0].expected, found[0].actual) == (stated, table)
    assert found[0].message_en.startswith("the narrative says")


@pytest.mark.parametrize("sentence", [
    # the figure includes the carried-in requests: 54 + 2
    "共受理政府信息公开申请56件（含上年结转2件）。",
    # last year's figure beside this year's
    "2020年收到政府信息公开申请30件，2021年收到政府信息公开申请54件。",
    "同比去年收到政府信息公开申请40件有所增加。",
    # "未经复议直接起诉" is not a statement of none
    "因政府信息公开被申请行政复议16件、提起行政诉讼17件，其中未经复议直接起诉11件。",
    # a 司法局 handles reviews as its work: no 政府信息公开 in the sentence
    "全年共办理行政复议案件120件，行政诉讼应诉30件。",
    "未发生因政府信息公开被行政复议纠错的情况。",
    "没有出现行政诉讼败诉。",
    "主动予以公开30件。",
    "依申请公开工作无需复议。",
    "申请人对未予答复的可依法申请行政复议或提起行政诉讼。",
])
def test_uncertain_or_agreeing_statements_are_not_flagged(kit, sentence):
    assert text_table(kit.variant(kit.seed_000(), narrative=sentence)) == []


def test_nothing_is_compared_against_a_blank_or_absent_table_cell(kit):
    blank = kit.variant(kit.seed_000(), cells={"t4.review.total": None})
    assert [f.cells for f in text_table(blank)] == [["t4.suit_direct.total", "t4.suit_after_review.total"]]
    absent = kit.variant(kit.seed_000())
    for key in [k for k in absent.cells if k.startswith("t4.")]:
        del absent.cells[key]
    assert text_table(absent) == []


def test_statements_of_none_in_the_seeds(kit):
    """The wordings real reports use (seeds 001, 002, 004)."""
    assert [(s.figure, s.value) for s in statements(kit.seed_narrative("004"))] == [
        ("received", 0), ("review", 0), ("suits", 0)]
    assert [(s.figure, s.value) for s in statements(kit.seed_narrative("002"))] == [
        ("review", 0), ("suits", 0)]
    assert [(s.figure, s.value) for s in statements(kit.seed_narrative("001"))] == [("received", 0)]
    none = kit.variant(kit.seed_000(), narrative=kit.seed_narrative("004"))
    assert {f.cells[0] for f in text_table(none)} == {"t3.new.total", "t4.review.total",
                                                     "t4.suit_direct.total"}
