"""Rows that do not fit their columns, read from small text tables written here."""
from __future__ import annotations

from parsers import parse

HEADER = (
    "三、收到和处理政府信息公开申请情况\n"
    "\t申请人情况\n"
    "\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n"
)


def t3(rows: str):
    text = "某某县人民政府2022年政府信息公开工作年度报告\n" + HEADER + rows
    return parse(text.encode("utf-8"), filename="r.txt")


def codes(report):
    return [p.code for p in report.problems if p.code.startswith("ROW")]


def test_extra_cell_dropped_when_only_one_reading_adds_up():
    report = t3("一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t\t0\t0\t6\n")
    assert [report.cells[f"t3.new.{c}"] for c in
            ("natural", "commercial", "research", "social", "legal", "other_org", "total")] == [5, 1, 0, 0, 0, 0, 6]
    assert codes(report) == ["ROW_REPAIRED"]


def test_missing_inner_cell_takes_the_value_the_row_needs():
    report = t3("一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t5\n")
    # natural 5 and total 5 anchor the ends; whichever inner cell was lost, it must be 0.
    assert [report.cells[f"t3.new.{c}"] for c in
            ("natural", "commercial", "research", "social", "legal", "other_org", "total")] == [5, 0, 0, 0, 0, 0, 5]
    assert codes(report) == ["ROW_REPAIRED"]


def test_missing_cell_that_could_be_one_of_two_columns_is_ambiguous():
    # 5 1 0 0 0 6: the 1 is commercial or research depending on which cell was lost.
    report = t3("一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t0\t6\n")
    assert codes(report) == ["ROW_AMBIGUOUS"]
    assert report.cells["t3.new.natural"] == 5 and report.cells["t3.new.total"] == 6
    assert "t3.new.commercial" not in report.cells


def test_ambiguous_row_keeps_only_what_all_readings_agree_on():
    # 3 1 2 0 0 6: the lost cell may be any inner one, with different values each time
    # (3,1,2,0,0,?,6 needs 0; 3,?,1,2,0,0,6 needs 0 but shifts 1 and 2): not resolvable.
    report = t3("一、本年新收政府信息公开申请数量\t3\t1\t2\t0\t0\t6\n")
    assert codes(report) == ["ROW_AMBIGUOUS"]
    assert report.cells["t3.new.natural"] == 3
    assert report.cells["t3.new.total"] == 6
    assert "t3.new.commercial" not in report.cells
    assert "t3.new.research" not in report.cells


def test_extra_nonzero_cell_that_never_adds_up_is_not_guessed():
    report = t3("一、本年新收政府信息公开申请数量\t5\t1\t1\t1\t1\t1\t1\t9\n")
    assert codes(report) == ["ROW_MISALIGNED"]          # no reading of them adds up
    assert not any(k.startswith("t3.new.") for k in report.cells)


def test_far_too_many_values_is_misaligned():
    report = t3("一、本年新收政府信息公开申请数量\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\n")
    assert codes(report) == ["ROW_MISALIGNED"]
    assert not any(k.startswith("t3.new.") for k in report.cells)


def test_text_among_numbers_is_a_bad_value_kept_as_null():
    report = t3("一、本年新收政府信息公开申请数量\t5\t见附件\t0\t0\t0\t0\t5\n")
    assert report.cells["t3.new.commercial"] is None
    assert report.raw_cells["t3.new.commercial"] == "见附件"
    assert "BAD_VALUE" in [p.code for p in report.problems]


def test_unknown_row_is_reported_not_guessed():
    report = t3("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
                "其中：网上申请\t1\t0\t0\t0\t0\t0\t1\n")
    unknown = [p.detail for p in report.problems if p.code == "UNKNOWN_ROW"]
    assert len(unknown) == 1 and "其中：网上申请" in unknown[0]
    assert len([k for k in report.cells if k.startswith("t3.")]) == 7


def test_other_sub_row_3_qita_is_read_in_its_group_only():
    report = t3(
        "（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t1\t0\t0\t0\t0\t0\t1\n"
        "\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
        "\t3.其他\t2\t0\t0\t0\t0\t0\t2\n")
    assert report.cells["t3.other_no_correction.natural"] == 1
    assert report.cells["t3.other_other.natural"] == 2
    assert report.cells["t3.other_other.total"] == 2
    # The header's 其他 (法人或其他组织) was not taken for the row.
    assert "t3.other_other.commercial" in report.cells and report.cells["t3.other_other.commercial"] == 0


def test_duplicate_cell_with_another_value_keeps_the_first():
    report = t3("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
                "一、本年新收政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2\n")
    assert report.cells["t3.new.natural"] == 1
    assert [p.code for p in report.problems].count("DUPLICATE_CELL") == 2


def test_headings_in_table_rows_and_a_spanning_t2_header():
    html = """<html><body><p>某县人民政府2021年政府信息公开工作年度报告</p><table border=1>
      <tr><td colspan=4>一、总体情况</td></tr>
      <tr><td colspan=4>二、主动公开政府信息情况</td></tr>
      <tr><td colspan=4>第二十条第（五）项</td></tr>
      <tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr>
      <tr><td>行政许可</td><td>5</td><td></td><td></td></tr></table></body></html>"""
    report = parse(html.encode(), filename="a.html")
    assert report.sections == [1, 2]
    # The header spans three columns, the value sits in the first: read once, no duplicate.
    assert report.cells == {"t2.licensing.decisions": 5}
    assert "DUPLICATE_CELL" not in [p.code for p in report.problems]


def test_t4_numbers_row_led_by_its_own_label():
    text = ("某县人民政府2021年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
            "\t行政复议\t\t\t\t\t行政诉讼\n"
            "\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
            "件数\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t2\t2\n")
    report = parse(text.encode(), filename="r.txt")
    assert report.cells["t4.review.upheld"] == 1
    assert report.cells["t4.review.total"] == 1
    assert report.cells["t4.suit_after_review.pending"] == 2
    assert len([k for k in report.cells if k.startswith("t4.")]) == 15


def test_wrapped_label_with_values_on_its_second_line():
    report = t3("（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理\n"
                "其政府信息公开申请\t1\t0\t0\t0\t0\t0\t1\n"
                "\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n")
    assert report.cells["t3.other_no_correction.natural"] == 1
    assert report.cells["t3.other_no_correction.total"] == 1
    assert report.cells["t3.other_unpaid_fee.total"] == 0
    assert "UNKNOWN_ROW" not in [p.code for p in report.problems]


def test_an_unread_cell_after_a_row_label_stays_in_its_column():
    # A front-end (OCR, a DOCX field Word never stored) could not read 自然人: the cell is a
    # figure's place left absent, not the rest of the row's label, so the others keep their columns.
    from parsers.document import UNREAD, Document, Paragraph, Table
    from parsers.reader import read_document

    header = [["", "申请人情况", "", "", "", "", "", ""],
              ["", "自然人", "法人或其他组织", "", "", "", "", "总计"],
              ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    rows = [["一、本年新收政府信息公开申请数量", UNREAD, "1", "0", "2", "0", "0", "9"],
            ["二、上年结转政府信息公开申请数量", "4", "0", UNREAD, "0", "0", "1", "5"]]
    grid = header + rows
    doc = Document(blocks=[Paragraph("三、收到和处理政府信息公开申请情况"),
                           Table(grid, [[True] * len(r) for r in grid])])
    report = read_document(doc)
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    assert {c: report.cells.get(f"t3.new.{c}") for c in columns} == {
        "natural": None, "commercial": 1, "research": 0, "social": 2, "legal": 0, "other_org": 0, "total": 9}
    assert "t3.new.natural" not in report.cells
    assert {c: report.cells.get(f"t3.carried_in.{c}") for c in columns} == {
        "natural": 4, "commercial": 0, "research": None, "social": 0, "legal": 0, "other_org": 1, "total": 5}
    assert "t3.carried_in.research" not in report.cells


def test_a_reading_with_a_blank_cell_cannot_be_checked_and_is_not_kept():
    # 2 3 2 0 _ 0 7 9: a figure too many (a 备注 9). Dropping the 0s left a blank in the row, so
    # nothing could check those readings; they had kept 7 as 其他 and 9 as 总计.
    report = t3("二、上年结转政府信息公开申请数量\t2\t3\t2\t0\t\t0\t7\t9\n")
    assert codes(report) == ["ROW_MISALIGNED"]
    assert not any(k.startswith("t3.carried_in.") for k in report.cells)
