"""VALUE_RANGE, SECTION_MISSING, TABLE_INCOMPLETE, TEMPLATE_OUTDATED, YEAR_MISMATCH, BLANK_CELLS."""
from __future__ import annotations

import pytest

from nianjian.checks import check
from parsers.template import TEMPLATE


def of(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_value_range_counts_amounts_and_signed_changes(kit):
    report = kit.variant(kit.seed_000(), cells={
        "t2.licensing.decisions": -3, "t2.penalty.decisions": 2.5, "t2.fees.amount": -1.25})
    report.raw_cells.update({"t2.licensing.decisions": "-3", "t2.penalty.decisions": "2.5",
                             "t2.fees.amount": "-1.25"})
    found = {f.cells[0]: f for f in of(check(report), "VALUE_RANGE")}
    assert set(found) == {"t2.licensing.decisions", "t2.penalty.decisions", "t2.fees.amount"}
    assert all(f.severity == "error" for f in found.values())
    assert found["t2.licensing.decisions"].actual == -3
    assert found["t2.licensing.decisions"].expected == "count"
    assert found["t2.licensing.decisions"].message_zh == "t2.licensing.decisions 的值「-3」不在允许范围内: 应为非负整数"
    assert found["t2.fees.amount"].message_en == "t2.fees.amount = '-1.25' is out of range: must be a non-negative amount"


def test_value_range_allows_negative_changes_and_catches_negative_t3(kit):
    report = kit.variant(kit.seed_000(), template="2019", year=2020)
    report.cells = {k: v for k, v in report.cells.items() if not k.startswith("t2.")}
    report.cells.update({k: 0 for k in TEMPLATE.t2_keys("2019")})
    report.cells.update({"t2.licensing.change": -2, "t2.penalty.change": 3})
    assert of(check(report), "VALUE_RANGE") == []
    report.cells["t2.licensing.change"] = -2.5
    assert [f.cells for f in of(check(report), "VALUE_RANGE")] == [["t2.licensing.change"]]
    negative = kit.variant(kit.seed_000(), cells={"t3.granted.research": -1})
    assert [f.cells for f in of(check(negative), "VALUE_RANGE")] == [["t3.granted.research"]]


def test_section_missing(kit):
    report = kit.variant(kit.seed_000(), sections=[1, 2, 3, 5, 6])
    missing = of(check(report), "SECTION_MISSING")
    assert len(missing) == 1 and missing[0].severity == "error" and missing[0].expected == 4
    assert missing[0].message_zh == "缺少第四部分「政府信息公开行政复议、行政诉讼情况」"
    assert of(check(kit.seed_000()), "SECTION_MISSING") == []


def test_a_table_whose_rows_nianjian_could_not_read_is_not_accused_of_missing_them(kit):
    """The missing cells of a table some of whose rows the parser could not read (ROW_MISALIGNED,
    ROW_AMBIGUOUS, UNKNOWN_ROW…) may be those rows': no error, only a note saying why."""
    report = kit.variant(kit.seed_000())
    gone = [k for k in report.cells if k.startswith("t3.carried_in.")]
    for key in gone:
        del report.cells[key]
    report.problem("ROW_MISALIGNED", "t3.carried_in: 8 values for 7 columns, and no reading of them adds up; not read")
    [found] = of(check(report), "TABLE_INCOMPLETE")
    assert (found.severity, found.assessable, found.cells) == ("info", False, gone)
    assert found.message_zh == ("t3 缺少 7/175 个单元格（1/25 行整行缺失），无法完整核对；但该表有行未能读取"
                                "（ROW_MISALIGNED: t3.carried_in: 8 values for 7 columns, and no reading of them "
                                "adds up; not read），缺失的可能正是这些行，不计为错误")
    # A row problem of another table says nothing of this one.
    report.problems[-1] = type(report.problems[-1])("ROW_MISALIGNED", "t4.review: 6 values for 5 columns; not read")
    assert [f.severity for f in of(check(report), "TABLE_INCOMPLETE")] == ["error"]


def test_table_incomplete_lists_the_missing_cells(kit):
    report = kit.variant(kit.seed_000())
    gone = [k for k in report.cells if k.startswith(("t3.withheld", "t3.rejected"))]
    for key in gone:
        del report.cells[key]
    del report.cells["t2.fees.amount"]
    found = {f.cells[0].split(".")[0]: f for f in of(check(report), "TABLE_INCOMPLETE")}
    assert set(found) == {"t2", "t3"}
    assert found["t3"].severity == "error"
    assert found["t3"].cells == [k for k in TEMPLATE.t3_keys() if k in gone]
    assert (found["t3"].expected, found["t3"].actual) == (175, 175 - 91)
    assert found["t3"].message_zh == "t3 缺少 91/175 个单元格（13/25 行整行缺失），无法完整核对"
    assert found["t2"].cells == ["t2.fees.amount"]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_table_incomplete_follows_the_reports_own_edition_and_other_rows(kit, template):
    report = kit.seed_000()
    report.template, report.year = template, (2020 if template == "2019" else 2021)
    report.cells = {k: v for k, v in report.cells.items() if not k.startswith(("t2.", "t3."))}
    report.cells.update({k: 0 for k in TEMPLATE.t2_keys(template)})
    report.cells.update(kit.t3_cells({"new": 1, "granted": 1, "closed_total": 1}, rows=kit.T3_2019_ROWS))
    assert of(check(report), "TABLE_INCOMPLETE") == []          # the single 其他处理 row is enough
    del report.cells["t3.other_handling.legal"]
    assert [f.cells for f in of(check(report), "TABLE_INCOMPLETE")] == [["t3.other_handling.legal"]]
    # with no 其他处理 row at all, the edition's own form is expected
    for column in TEMPLATE.t3_columns:
        report.cells.pop(f"t3.other_handling.{column}", None)
    expected_rows = ["other_handling"] if template == "2019" else ["other_no_correction", "other_unpaid_fee", "other_other"]
    missing = of(check(report), "TABLE_INCOMPLETE")[0].cells
    assert missing == [f"t3.{r}.{c}" for r in expected_rows for c in TEMPLATE.t3_columns]


def test_template_outdated(kit):
    report = kit.variant(kit.seed_000(), template="2019", year=2021)
    outdated = of(check(report), "TEMPLATE_OUTDATED")
    assert len(outdated) == 1 and outdated[0].severity == "warning"
    assert (outdated[0].expected, outdated[0].actual) == ("2021", "2019")
    assert of(check(kit.variant(kit.seed_000(), template="2019", year=2020)), "TEMPLATE_OUTDATED") == []
    assert of(check(kit.seed_000()), "TEMPLATE_OUTDATED") == []


def test_year_mismatch_against_the_statistical_period(kit):
    report = kit.seed_000()
    assert "统计期限为2021年1月1日至2021年12月31日" in report.narrative
    assert of(check(report), "YEAR_MISMATCH") == []
    stale = kit.variant(report, narrative=report.narrative.replace(
        "统计期限为2021年1月1日至2021年12月31日", "统计期限为2020年1月1日至2020年12月31日"))
    found = of(check(stale), "YEAR_MISMATCH")
    assert len(found) == 1 and found[0].severity == "warning"
    assert (found[0].expected, found[0].actual) == (2020, 2021)
    assert found[0].message_zh == "标题年份2021与正文所述统计期限2020不一致"
    # full-width digits and "自…起至…止" are read too
    wide = kit.variant(report, narrative="本报告所列数据统计期限自２０２０年１月１日起至２０２０年１２月３１日止。")
    assert [f.expected for f in of(check(wide), "YEAR_MISMATCH")] == [2020]
    short = kit.variant(report, narrative="本年度报告中所列数据统计期限为2020年1月1日至12月31日。")
    assert [f.expected for f in of(check(short), "YEAR_MISMATCH")] == [2020]
    data = kit.variant(report, narrative="本报告统计数据从2020年1月1日至2020年12月31日止。")
    assert [f.expected for f in of(check(data), "YEAR_MISMATCH")] == [2020]
    # a period across years is not a statement of the report year
    other = kit.variant(report, narrative="统计时间为2020年1月1日至2021年12月31日。")
    assert of(check(other), "YEAR_MISMATCH") == []


def test_year_mismatch_against_the_expected_year(kit):
    report = kit.seed_000()
    assert of(check(report, expected_year=2021), "YEAR_MISMATCH") == []
    found = of(check(report, expected_year=2022), "YEAR_MISMATCH")
    assert [(f.expected, f.actual) for f in found] == [(2022, 2021)]
    assert "the expected year 2022" in found[0].message_en


@pytest.mark.parametrize("title", [
    "某县人民政府政府信息公开工作年度报告（2023年1月20日）",     # the date it was published
    "某县人民政府2021-2022年政府信息公开工作年度报告",          # a range: which year is not known
    "2023年1月某县人民政府政府信息公开工作年度报告",
])
def test_year_mismatch_reads_no_year_where_the_title_names_none_surely(kit, title):
    """A year the parser would not take as the report year (a date, a range) is no 'title year'
    to hold against the period: that would accuse the agency of a mismatch it did not make."""
    report = kit.variant(kit.seed_000(), title=title)
    assert "统计期限为2021年1月1日至2021年12月31日" in report.narrative
    assert of(check(report), "YEAR_MISMATCH") == []
    assert of(check(report, expected_year=2021), "YEAR_MISMATCH") == []


def test_blank_cells_is_info_listing_them(kit):
    report = kit.variant(kit.seed_000(), cells={"t2.fees.amount": None, "t3.granted.legal": None})
    blank = of(check(report), "BLANK_CELLS")
    assert len(blank) == 1 and blank[0].severity == "info"
    assert blank[0].cells == ["t2.fees.amount", "t3.granted.legal"]
    assert blank[0].actual == 2
    assert of(check(kit.seed_000()), "BLANK_CELLS") == []


def test_findings_are_ordered_errors_first(kit):
    report = kit.variant(kit.seed_000(), sections=[1, 2, 3, 5, 6], cells={"t2.fees.amount": None})
    severities = [f.severity for f in check(report)]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert severities[0] == "error" and severities[-1] == "info"


def test_text_in_a_cell_is_out_of_range_and_not_summed(kit):
    """A hand-made record (nianjian check record.json) may hold text where a number belongs."""
    report = kit.variant(kit.seed_000(), cells={"t4.review.upheld": "九"})
    findings = check(report)
    assert [f.cells for f in of(findings, "VALUE_RANGE")] == [["t4.review.upheld"]]
    t4 = of(findings, "T4_TOTAL")
    assert [(f.assessable, f.cells) for f in t4] == [(False, ["t4.review.upheld"])]
