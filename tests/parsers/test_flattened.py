"""Flattened text (cells run together, parsers/flattened.py): never a wrong cell.

Consistent reports of both editions rendered flattened (tests/parsers/flat_reports.py) are read
without a single wrong cell, even when blank cells leave no trace; the five seeds flattened
(tests/fixtures/flat, made by make_fixtures.py there) are checked cell by cell against their
hand-written expectations (tests/parsers/expected/seed_*.yaml).
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse
from parsers.flattened import Run, cuts, read_flattened
from parsers.values import AMOUNT, COUNT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
ROW_TOTAL = [[(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, -1)]]


def _wrong(report, cells: dict) -> list:
    return [(key, value, cells.get(key, "absent")) for key, value in report.cells.items()
            if key not in cells or cells[key] != value]


@SETTINGS
@given(st.randoms(use_true_random=False), st.sampled_from(["2019", "2021"]), st.sampled_from([0.0, 0.5]))
def test_flattened_consistent_reports_never_give_a_wrong_cell(flat_reports, rng, edition, unprinted):
    """Both editions; blank cells printed as a placeholder, or (unprinted=0.5) half of them as
    nothing at all, which no cut can see."""
    cells = flat_reports.consistent_report(rng, edition, blanks=0.1)
    report = parse(flat_reports.render_flat(cells, edition, rng, unprinted=unprinted).encode(), filename="report.txt")
    assert _wrong(report, cells) == []
    assert "PARSE_ERROR" not in {p.code for p in report.problems}
    assert report.agency == "某县人民政府"


def test_flattened_consistent_reports_are_mostly_read(flat_reports):
    """Recovery on 24 reports whose every cell is printed: only t2 rows without an identity whose
    cut is uncertain ("2036": 2/0/36 or 20/3/6) and the odd ambiguous t4 are left out."""
    right = total = 0
    for seed in range(24):
        rng = random.Random(seed)
        edition = ("2019", "2021")[seed % 2]
        cells = flat_reports.consistent_report(rng, edition)
        report = parse(flat_reports.render_flat(cells, edition, rng).encode(), filename="report.txt")
        assert _wrong(report, cells) == []
        t3 = [k for k in cells if k.startswith("t3.")]
        assert all(report.cells.get(k, "absent") == cells[k] for k in t3), seed
        right += sum(1 for k in cells if report.cells.get(k, "absent") == cells[k])
        total += len(cells)
    assert right / total >= 0.93


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004", "official_grid_trs"])
def test_flattened_seeds_cell_by_cell(expected_record, number):
    name = f"seed_{number}" if number.isdigit() else number
    expected, cells = expected_record(f"{name}.yaml")
    report = parse((FIXTURES / "flat" / f"{name}_flat.txt").read_bytes(), filename="flat.txt")
    assert _wrong(report, cells) == []
    assert (report.agency, report.year, report.template) == (expected["agency"], expected["year"], expected["template"])
    assert report.title == expected["title"]
    assert report.sections == expected["sections"]
    absent = {k for k in cells if k not in report.cells}
    assert absent == SEEDS_ABSENT[number]
    assert "FLAT_TEXT" in {p.code for p in report.problems}


def _row(row: str) -> set[str]:
    return {f"t3.{row}.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")}


# What the flattened seeds cannot give, and why (read by hand from the fixtures):
T4 = {f"t4.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
      for c in ("upheld", "corrected", "other", "pending", "total")}
SEEDS_ABSENT = {
    # （七）总计 and 四、结转 print 8 values for 7 columns ('5400000054', '20000002'): no cut fits. That
    # is a sign of cells printed unlike the template, and a blank leaves no trace: '9000009' could
    # be 90/0/0/0/0/9 and a blank total, so only rows whose count of values is certain stay ('0000000':
    # no two zeros make a number), and t4 ('95021664101123016') falls with them. '2036' is 2/0/36 or
    # 20/3/6.
    "000": _row("closed_total") | _row("carried_out") | _row("new") | _row("carried_in") | _row("granted")
           | _row("partial") | _row("withheld_process") | _row("unavailable_not_held") | _row("rejected_excessive")
           | T4 | {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"},
    # （七）总计 and 四、结转 print 8 zeros for 7 columns; every other row is zeros only.
    "001": _row("closed_total") | _row("carried_out"),
    # The seed ends inside t3: (一)予以公开 and (二)部分公开 print 6 values for 7 columns ('13000013',
    # '000000'), so '120000012' and '1000001' are doubted, and t2's rows without an identity too:
    # '11238', '266' (2/6/6, or 26/6 and a blank), '52,157.936' (5 and 2,157.936, or a blank and
    # 52,157.936).
    "002": _row("new") | _row("carried_in") | _row("granted") | _row("partial")
           | {f"t2.{r}.{c}" for r in ("licensing", "penalty") for c in ("prev_items", "change", "decisions")}
           | {"t2.procurement.items", "t2.procurement.amount"},
    # '110119': 11/0/119, 1/10/119, 110/1/19, …
    "003": {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"},
    "004": set(),
    # The textContent of an official grid: '311,234' is 3/1/1,234 or 31/1,234 and a blank; t4's
    # empty cell (复议后起诉 尚未审结) leaves 14 values for 15 cells ('10012010010000'). withheld_secret,
    # a row of empty cells, is a row of blanks (its label runs straight into the next one).
    "official_grid_trs": {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"} | T4,
}


def test_cuts_keep_only_what_the_identities_allow():
    # 54 | 0 | 0 | 0 | 0 | 0 | 54 is the only cut of nine digits where the six add up to the total
    assert cuts(Run("540000054", frozenset(), 0), [COUNT] * 7, ROW_TOTAL) == [
        ("54", "0", "0", "0", "0", "0", "54")]
    # no identity: every cut of valid pieces (no leading zeros) stands
    assert sorted(cuts(Run("2036", frozenset(), 0), [COUNT] * 3, [])) == [("2", "0", "36"), ("20", "3", "6")]
    # white space between digits is a cut every reading makes ("203 6")
    assert cuts(Run("2036", frozenset({3}), 0), [COUNT] * 3, []) == [("20", "3", "6")]
    # an amount may carry decimals and 元; a count may not
    assert sorted(cuts(Run("5638.8016元", frozenset(), 0), [COUNT, AMOUNT], [])) == [
        ("5", "638.8016元"), ("56", "38.8016元"), ("563", "8.8016元")]
    assert cuts(Run("12.5", frozenset(), 0), [COUNT, COUNT], []) == []


def test_group_labels_and_enumerators_glued_to_the_digits():
    """'…00000002.其他法律…': the 2 is the next label's enumerator, not a digit of the run;
    a label the template does not know ('2.其他法律、行政法规…') still gives its enumerator back."""
    text = ("三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量120000012二、上年结转政府信息公开申请数量0000000"
            "三、本年度办理结果（一）予以公开100000010（二）部分公开0000000（三）不予公开1.属于国家秘密0000000"
            "2.其他法律、行政法规禁止公开20000023.危及“三安全一稳定”0000000")
    flat = read_flattened(text)
    assert [flat.cells[f"t3.new.{c}"][0] for c in ("natural", "total")] == [12, 12]
    assert flat.cells["t3.granted.natural"] == (10, "10")
    assert flat.cells["t3.withheld_secret.total"] == (0, "0")
    assert flat.cells["t3.withheld_safety.total"] == (0, "0")
    assert "t3.withheld_law.natural" not in flat.cells


def test_prose_figures_are_not_rows():
    """'上年结转政府信息公开申请数量2件' in the narrative is prose: the number goes on as '件'."""
    text = "共受理申请54件，上年结转政府信息公开申请数量2件，本机关不掌握相关政府信息无法提供4件。"
    assert read_flattened(text) is None


def test_narrative_leaves_the_tables_out():
    report = parse((FIXTURES / "flat" / "seed_004_flat.txt").read_bytes(), filename="flat.txt")
    assert "本年新收政府信息公开申请数量" not in report.narrative
    assert "0000000" not in report.narrative
    assert report.narrative.startswith("2021年白碱滩区(克拉玛依高新区)政府办公室政府信息公开工作年度报告一、总体情况")
    assert "六、其他需要报告的事项" in report.narrative


def test_hostile_runs_are_refused_with_a_problem():
    """A 100 KB digit run and a thousand rows of long runs: read through, refused, no crash."""
    long_run = "规章" + "1" * 100_000 + "一、本年新收政府信息公开申请数量" + "7" * 100_000
    report = parse(("某县人民政府2021年政府信息公开工作年度报告" + long_run).encode(), filename="a.txt")
    assert not any(k.startswith(("t2.", "t3.")) for k in report.cells)
    assert "PARSE_ERROR" not in {p.code for p in report.problems}
    rows = "".join(f"{label}{'1' * 30}" for label in ["（一）予以公开", "（二）部分公开", "1.属于国家秘密"] * 400)
    report = parse(("某县人民政府2021年政府信息公开工作年度报告三、本年度办理结果" + rows).encode(), filename="a.txt")
    codes = {p.code for p in report.problems}
    assert "PARSE_ERROR" not in codes and "FLAT_RUN_UNREADABLE" in codes
    assert not any(k.startswith("t3.") for k in report.cells)


TOKENS = ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（九）项", "本年制发件数", "本年新制作数量", "规章", "行政规范性文件",
          "行政许可", "政府集中采购", "行政事业性收费", "一、本年新收政府信息公开申请数量", "（七）总计", "3.其他", "其他", "总计",
          "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "四、结转下年度继续办理",
          "结果维持", "尚未审结", "行政复议", "复议后起诉", "（区分处理的，", "）", "0", "7", "12", "000000", "1,234", "638.8016",
          "251000元", "—", "/", "-", "+", ".", "、", "件", "年", " ", "\n", "三、收到和处理政府信息公开申请情况"]


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=300))
def test_label_and_digit_soup_never_crashes(pieces):
    report = parse("".join(pieces).encode(), filename="soup.txt")
    assert "PARSE_ERROR" not in {p.code for p in report.problems}
    for key, value in report.cells.items():
        assert value is None or isinstance(value, (int, float)), key
