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
@given(st.randoms(use_true_random=False), st.sampled_from(["2019", "2021"]),
       st.sampled_from([(0.0, 0.0), (0.5, 0.0), (1.0, 0.0), (0.0, 0.2), (0.0, 0.04)]))
def test_flattened_consistent_reports_never_give_a_wrong_cell(flat_reports, rng, edition, printing):
    """Both editions; blank cells printed as a placeholder, or half or all of them as nothing at
    all, which no cut can see; or t3 rows printing a stray 0 cell (a fifth of them, or one in 25:
    a table whose one odd row is the only sign)."""
    unprinted, stray = printing
    cells = flat_reports.consistent_report(rng, edition, blanks=0.1)
    page = flat_reports.render_flat(cells, edition, rng, unprinted=unprinted, stray=stray)
    report = parse(page.encode(), filename="report.txt")
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


def test_flattened_reports_with_unprinted_blanks_are_mostly_read(flat_reports):
    """Half of the blank cells printed as nothing: every run is cut allowing blanks and the t3
    rows are solved together; a cell is kept where all joint readings agree (before: 27%)."""
    right = total = 0
    for seed in range(12):
        rng = random.Random(seed)
        edition = ("2019", "2021")[seed % 2]
        cells = flat_reports.consistent_report(rng, edition, blanks=0.1)
        report = parse(flat_reports.render_flat(cells, edition, rng, unprinted=0.5).encode(), filename="report.txt")
        assert _wrong(report, cells) == []
        right += sum(1 for k in cells if report.cells.get(k, "absent") == cells[k])
        total += len(cells)
    assert right / total >= 0.85


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
SEEDS_ABSENT = {
    # （七）总计 and 四、结转 print 8 values for 7 columns ('5400000054', '20000002'), as the seed's grid
    # does: a stray 0, taken out (ROW_REPAIRED), one reading. No run needs a blank, so every row
    # fitting its identities is read, t4 ('95021664101123016') too. '2036' is 2/0/36 or 20/3/6.
    "000": {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"},
    # （七）总计 and 四、结转 print 8 zeros for 7 columns: a stray 0 each.
    "001": set(),
    # The seed ends inside t3: (一)予以公开 and (二)部分公开 print 6 values for 7 columns ('13000013',
    # '000000'): a blank printed as nothing, anywhere (13 could be 自然人 or 商业企业; only 总计 13 is
    # sure), so every run is cut allowing blanks and t2's rows without an identity are doubted:
    # '11238', '266' (2/6/6, or 26/6 and a blank), '52,157.936' (5 and 2,157.936, or a blank and
    # 52,157.936).
    "002": {f"t3.granted.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other_org")}
           | _row("partial")
           | {f"t2.{r}.{c}" for r in ("licensing", "penalty") for c in ("prev_items", "change", "decisions")}
           | {"t2.procurement.items", "t2.procurement.amount"},
    # '110119': 11/0/119, 1/10/119, 110/1/19, …
    "003": {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"},
    "004": set(),
    # The textContent of an official grid: '311,234' is 3/1/1,234 or 31/1,234 and a blank; t4's
    # empty cell (复议后起诉 尚未审结) leaves 14 values for 15 cells ('10012010010000'): 行政复议
    # 1/0/0/1/2 is the only reading, the rest is 0/1/0/0/1 and 0/0/0/·/0 with the blank anywhere in
    # it, or ·/0/10/0/10 and 0/0/0 with two blanks, …. withheld_secret, a row of empty cells, is a
    # row of blanks (its label runs straight into the next one).
    "official_grid_trs": {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"}
                         | {f"t4.{r}.{c}" for r in ("suit_direct", "suit_after_review")
                            for c in ("upheld", "corrected", "other", "pending", "total")},
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


def test_cuts_with_cells_printed_as_nothing():
    """'13000013' under a row total: 13/0/0/0/0/13 and a blank somewhere among the five middle
    cells, or a blank 自然人 and 13 under 商业企业; the total is 13 whichever."""
    readings = cuts(Run("13000013", frozenset(), 0), [COUNT] * 7, ROW_TOTAL, unprinted=True)
    assert sorted(readings) == sorted(
        [("13", *["0"] * i, "", *["0"] * (4 - i), "13") for i in range(5)] + [("", "13", "0", "0", "0", "0", "13")])
    # printing every cell, no cut fits: 7 pieces of '13000013' never add up
    assert cuts(Run("13000013", frozenset(), 0), [COUNT] * 7, ROW_TOTAL) == []
    # a run of zeros only: each 0 one cell, the blanks anywhere (7 places for one blank)
    assert len(cuts(Run("000000", frozenset(), 0), [COUNT] * 7, ROW_TOTAL, unprinted=True)) == 7


T3_HEAD = "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量"


def test_a_stray_zero_is_taken_out_where_the_identities_allow_one_reading():
    """'5400000054': eight values for seven cells, as a grid with one cell too many prints them;
    the row adds up only with an inner 0 taken out (ROW_REPAIRED), and no row needing a blank,
    the other rows are read as printed."""
    text = (T3_HEAD + "540000054二、上年结转政府信息公开申请数量2000002三、本年度办理结果（一）予以公开210000021"
            "（二）部分公开3500000035（七）总计5600000056四、结转下年度继续办理0000000")
    flat = read_flattened(text)
    values = lambda row: [flat.cells[f"t3.{row}.{c}"][0] for c in COLUMNS]  # noqa: E731
    assert values("closed_total") == [56, 0, 0, 0, 0, 0, 56]
    assert values("partial") == [35, 0, 0, 0, 0, 0, 35]
    assert values("granted") == [21, 0, 0, 0, 0, 0, 21]
    assert values("new") == [54, 0, 0, 0, 0, 0, 54]
    assert [code for code, _ in flat.problems] == ["ROW_REPAIRED", "ROW_REPAIRED"]


def test_a_stray_zero_shown_by_one_row_is_allowed_in_every_row():
    """(二)部分公开 is 0/9/2/4/0/231/246 printed with a stray 0 after the 2: '092040231246' also
    cuts as seven printed values that add up (0/9/204/0/2/31/246). (七)总计 '50000005' fits only
    with a stray 0 out, so the table prints strays: 部分公开 is read both ways and only the cells
    both readings agree on are kept."""
    text = (T3_HEAD + "5000005二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开0000000"
            "（二）部分公开092040231246（七）总计50000005四、结转下年度继续办理0000000")
    flat = read_flattened(text)
    partial = {c: flat.cells.get(f"t3.partial.{c}", ("absent",))[0] for c in COLUMNS}
    assert partial == {"natural": 0, "commercial": 9, "research": "absent", "social": "absent", "legal": "absent",
                       "other_org": "absent", "total": 246}
    assert [flat.cells[f"t3.closed_total.{c}"][0] for c in COLUMNS] == [5, 0, 0, 0, 0, 0, 5]


COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")


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


def test_labels_with_no_figure_anywhere_are_no_table_of_blanks():
    # The figures of a page were unreadable (drawn as shapes, fonts without a text map): what is
    # left is the row labels alone. No cell is claimed blank.
    from parsers.document import Document, Paragraph
    from parsers.reader import read_document

    labels = ["三、收到和处理政府信息公开申请情况", "（二）部分公开", "（三）不予公开", "1.属于国家秘密",
              "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "（四）无法提供", "1.本机关不掌握相关政府信息"]
    report = read_document(Document(blocks=[Paragraph(text) for text in labels]))
    assert not any(key.startswith("t3.") for key in report.cells), report.cells
