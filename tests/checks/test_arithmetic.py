"""The arithmetic identities (T3_BALANCE, T3_OUTCOMES, T3_ROW_TOTAL, T4_TOTAL): consistent
reports pass, every single-cell change is caught and named, blanks and absent cells."""
from __future__ import annotations

import pytest

from nianjian.checks import check
from nianjian.checks.arithmetic import evaluate
from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.sheet import Sheet
from parsers.template import TEMPLATE


T3_T4_KEYS = [k for k in TEMPLATE.t3_keys() if k.split(".")[1] != "other_handling"] + TEMPLATE.t4_keys()


def errors(findings):
    return [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize("build", ["seed_000", "spread_report"])
def test_consistent_reports_have_no_error(kit, build):
    findings = check(getattr(kit, build)())
    assert errors(findings) == []
    assert all(f.assessable for f in findings)


def test_spread_report_has_no_finding_at_all(kit):
    assert check(kit.spread_report()) == []


@pytest.mark.parametrize("key", T3_T4_KEYS)
@pytest.mark.parametrize("build", ["seed_000", "spread_report"])
def test_changing_any_t3_t4_cell_is_an_error_naming_it(kit, build, key):
    report = getattr(kit, build)()
    for delta in (1, 7):
        mutated = kit.variant(report, cells={key: report.cells[key] + delta})
        named = [f for f in errors(check(mutated)) if key in f.cells]
        assert named, f"{key} + {delta} went unnoticed"
        assert all(f.rule in ("T3_BALANCE", "T3_OUTCOMES", "T3_ROW_TOTAL", "T4_TOTAL") for f in named)


def test_balance_finding_reads_like_the_issue(kit):
    report = kit.variant(kit.seed_000(), cells={"t3.carried_out.natural": 3})
    balance = [f for f in check(report) if f.rule == "T3_BALANCE"]
    assert len(balance) == 1
    f = balance[0]
    assert f.severity == "error"
    assert f.cells == ["t3.new.natural", "t3.carried_in.natural", "t3.closed_total.natural",
                       "t3.carried_out.natural"]
    assert (f.expected, f.actual) == (56, 57)
    assert f.message_zh == "t3 自然人列: 本年新收54 + 上年结转2 ≠ 办理结果总计54 + 结转下年度3"
    assert f.message_en == ("t3 column natural persons: new requests 54 + carried in 2 ≠ "
                            "closed total 54 + carried out 3")
    assert f.to_dict() == {"rule": "T3_BALANCE", "severity": "error", "cells": f.cells,
                           "expected": 56, "actual": 57, "message_zh": f.message_zh,
                           "message_en": f.message_en}


def test_outcomes_message_shows_group_subtotals(kit):
    report = kit.variant(kit.seed_000(), cells={"t3.withheld_internal.natural": 1,
                                        "t3.withheld_internal.total": 1})
    outcomes = [f for f in check(report) if f.rule == "T3_OUTCOMES"]
    assert [(f.expected, f.actual) for f in outcomes] == [(55, 54), (55, 54)]
    assert outcomes[0].message_zh == (
        "t3 自然人列: 各项办理结果之和55（予以公开33 + 部分公开9 + 不予公开7 + 无法提供4 + "
        "不予处理2 + 其他处理0）≠ 办理结果总计54")
    # the cells are every leaf of the groups, the three 2021 其他处理 sub-rows included
    assert "t3.other_unpaid_fee.natural" in outcomes[0].cells
    assert "t3.other_handling.natural" not in outcomes[0].cells


def test_t4_total_catches_totals_printed_as_zero(kit):
    """The real 洪泽区 2023 report prints section 四 totals as 0 while the parts add up to 11."""
    report = kit.variant(kit.seed_000(), cells={"t4.review.total": 0})
    t4 = [f for f in check(report) if f.rule == "T4_TOTAL"]
    assert len(t4) == 1 and t4[0].severity == "error"
    assert (t4[0].expected, t4[0].actual) == (16, 0)
    assert t4[0].message_zh == "t4 行政复议: 各项结果之和16（结果维持9 + 结果纠正5 + 其他结果0 + 尚未审结2）≠ 总计0"


def test_blank_total_column_is_a_warning_naming_the_blanks(kit):
    blanks = {f"t3.{row}.total": None for row in TEMPLATE.t3_rows if row != "other_handling"}
    report = kit.variant(kit.seed_000(), cells=blanks)
    findings = check(report)
    assert errors(findings) == []
    row_totals = [f for f in findings if f.rule == "T3_ROW_TOTAL"]
    # only the rows with requests fail once the blank 总计 is read as 0
    assert sorted(f.cells[-1] for f in row_totals) == sorted(
        f"t3.{r}.total" for r in ("new", "carried_in", "granted", "partial", "withheld_process",
                                  "unavailable_not_held", "rejected_excessive", "closed_total",
                                  "carried_out"))
    new = next(f for f in row_totals if "t3.new.total" in f.cells)
    assert new.severity == "warning" and (new.expected, new.actual) == (54, 0)
    assert new.message_zh.endswith("≠ 总计(空白)；其中空白按0计: t3.new.total")
    assert "blank cells read as 0: t3.new.total" in new.message_en
    blank_info = [f for f in findings if f.rule == "BLANK_CELLS"]
    assert blank_info[0].severity == "info" and blank_info[0].actual == len(blanks)


def test_blank_that_cannot_explain_the_gap_stays_an_error_and_says_so(kit):
    # parts 9 + 5 + blank + 4 = 18 already exceed the total 16: no blank can mend that
    report = kit.variant(kit.seed_000(), cells={"t4.review.other": None, "t4.review.pending": 4})
    t4 = [f for f in check(report) if f.rule == "T4_TOTAL"]
    assert len(t4) == 1
    assert t4[0].severity == "error" and (t4[0].expected, t4[0].actual) == (18, 16)
    assert "空白按0计: t4.review.other" in t4[0].message_zh


def test_absent_cells_make_a_rule_not_assessable_never_passed(kit):
    report = kit.variant(kit.seed_000())
    for key in TEMPLATE.t4_keys():
        del report.cells[key]
    findings = check(report)
    t4 = [f for f in findings if f.rule == "T4_TOTAL"]
    assert len(t4) == 1
    assert t4[0].assessable is False and t4[0].severity == "info"
    assert t4[0].cells == TEMPLATE.t4_keys()
    assert t4[0].to_dict()["assessable"] is False
    assert "3 check(s) not assessable" in t4[0].message_en
    # one absent cell: only the identities that need it are not assessable
    report = kit.variant(kit.seed_000())
    del report.cells["t3.partial.legal"]
    unassessable = {f.rule: f for f in check(report) if not f.assessable}
    assert set(unassessable) == {"T3_OUTCOMES", "T3_ROW_TOTAL"}
    assert unassessable["T3_OUTCOMES"].cells == ["t3.partial.legal"]
    assert "1 项无法核对" in unassessable["T3_OUTCOMES"].message_zh


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_single_other_handling_row_is_summed_in_place_of_the_three(kit, template):
    """2019 edition, and 2021 reports that kept （六）其他处理 as one row."""
    report = kit.seed_000()
    report.template, report.year = template, 2020 if template == "2019" else 2021
    report.cells = {k: v for k, v in report.cells.items() if not k.startswith("t3.")}
    report.cells.update(kit.t3_cells({"new": 54, "carried_in": 2, "granted": 33, "partial": 9,
                                  "withheld_process": 6, "unavailable_not_held": 3,
                                  "other_handling": 1, "rejected_excessive": 2,
                                  "closed_total": 54, "carried_out": 2}, rows=kit.T3_2019_ROWS))
    if template == "2019":
        report.cells = {k: v for k, v in report.cells.items() if not k.startswith("t2.")}
        report.cells.update({k: 0 for k in TEMPLATE.t2_keys("2019")})
    findings = check(report)
    assert [f for f in findings if f.severity != "warning" or f.rule != "TEXT_TABLE"] == []
    wrong = kit.variant(report, cells={"t3.other_handling.natural": 2})
    named = [f for f in errors(check(wrong)) if "t3.other_handling.natural" in f.cells]
    assert {f.rule for f in named} == {"T3_OUTCOMES", "T3_ROW_TOTAL"}


def test_a_new_identity_of_the_same_shape_needs_no_code(kit, monkeypatch):
    """Rules are data: an identity added to the catalogue is evaluated by the one mechanism."""
    monkeypatch.setitem(CATALOGUE.rules, "T3_NEW_EQUALS_GRANTED", {
        "severity": "error", "message_zh": "{scope_zh}: {expected_terms_zh} ≠ {actual_terms_zh}",
        "message_en": "{scope_en}: {expected_terms_en} ≠ {actual_terms_en}"})
    identity = {"rule": "T3_NEW_EQUALS_GRANTED", "each": {"column": ["natural", "total"]},
                "expected": ["t3.new.{column}"], "actual": ["t3.granted.{column}", "t3.partial.{column}"]}
    findings = evaluate([identity], Sheet(kit.seed_000()))
    assert [(f.rule, f.expected, f.actual) for f in findings] == [
        ("T3_NEW_EQUALS_GRANTED", 54, 42), ("T3_NEW_EQUALS_GRANTED", 54, 42)]
    assert findings[0].message_zh == "自然人: 本年新收54 ≠ 予以公开33 + 部分公开9"


def test_amounts_compare_within_their_written_precision(kit, monkeypatch):
    monkeypatch.setitem(CATALOGUE.rules, "FEES_MATCH", {
        "severity": "error", "message_zh": "{expected} ≠ {actual}", "message_en": "{expected} ≠ {actual}"})
    identity = {"rule": "FEES_MATCH", "each": {"row": ["fees"]},
                "expected": ["t2.{row}.amount"], "actual": ["t2.procurement.amount"]}

    def findings(fees, fees_text, procurement, procurement_text):
        report = kit.variant(kit.seed_000(), cells={"t2.fees.amount": fees, "t2.procurement.amount": procurement})
        report.raw_cells.update({"t2.fees.amount": fees_text, "t2.procurement.amount": procurement_text})
        return evaluate([identity], Sheet(report))

    assert findings(638.8016, "638.8016", 638.80163, "638.80163") == []       # within ±0.000055
    assert len(findings(638.8016, "638.8016", 638.8018, "638.8018")) == 1      # 0.0002 apart
    assert findings(25.1, "251000元", 25.10004, "25.10004") == []              # 元: ±0.00005 万元
    assert findings(25.1, "25.1", 25.2, "25.2") == []                        # both could be 25.15
    assert len(findings(25.1, "25.1", 25.3, "25.3")) == 1


def test_tolerance_comes_from_the_printed_text(kit):
    report = kit.variant(kit.seed_000(), cells={"t2.procurement.amount": 2157.936})
    report.raw_cells.update({"t2.fees.amount": "638.8016", "t2.procurement.amount": "2,157.936"})
    sheet = Sheet(report)
    assert sheet.tolerance("t2.fees.amount") == pytest.approx(0.00005)
    assert sheet.tolerance("t2.procurement.amount") == pytest.approx(0.0005)
    assert sheet.tolerance("t3.new.natural") == 0.0
