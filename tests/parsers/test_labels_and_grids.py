"""Labels as people print them and delimited text read as a grid, on small tables written here:
each value is checked cell by cell, blanks stay blank, and what cannot be told is left out
with a problem — never a wrong cell."""
from __future__ import annotations

from parsers import parse
from parsers.labels import LabelIndex, labels
from parsers.placement import place
from parsers.template import normalise_label

TITLE = "青山县人民政府2022年政府信息公开工作年度报告\n"
T3 = "三、收到和处理政府信息公开申请情况\n"
PIPE_HEADER = "| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")


def read(text: str, filename: str = "r.md"):
    return parse((TITLE + text).encode("utf-8"), filename=filename)


def row(report, key: str) -> list:
    """The seven cells of a t3 row; 'absent' where the key is missing."""
    return [report.cells.get(f"t3.{key}.{c}", "absent") for c in COLUMNS]


def codes(report) -> list[str]:
    return [p.code for p in report.problems if p.code.startswith(("ROW", "UNKNOWN", "LABEL"))]


# ---------------------------------------------------------------- separators are positions
def test_empty_cells_between_pipes_are_blanks_in_their_columns():
    report = read(T3 + PIPE_HEADER + "| （一）予以公开 | 258 | 12 |  |  | 1 | 1 |  |\n")
    assert row(report, "granted") == [258, 12, None, None, 1, 1, None]
    assert [report.raw_cells[f"t3.granted.{c}"] for c in COLUMNS] == ["258", "12", "", "", "1", "1", ""]
    assert codes(report) == []


def test_empty_cells_between_tabs_are_blanks_in_their_columns():
    report = read(T3 + "项目\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
                  "（一）予以公开\t258\t12\t\t\t1\t1\t\n"
                  "1.属于国家秘密\t\t\t\t\t\t\t\n"
                  "2.其他法律行政法规禁止公开\t\t3\t\t\t\t\t3\n", filename="r.txt")
    assert row(report, "granted") == [258, 12, None, None, 1, 1, None]
    assert row(report, "withheld_secret") == [None] * 7          # a row of blanks
    assert row(report, "withheld_law") == [None, 3, None, None, None, None, 3]
    assert codes(report) == []


def test_stray_empty_cells_are_told_by_the_rows_around():
    # Every row carries two stray empty cells before its values (spans lost in a copy). The
    # first two rows can be placed one way only; they tell where the third one's values start.
    report = read(T3 + PIPE_HEADER
                  + "| 一、本年新收政府信息公开申请数量 |  |  | 7 | 1 | 0 | 0 | 0 | 0 | 8 |  |\n"
                  + "| 二、上年结转政府信息公开申请数量 |  |  | 1 | 0 | 0 | 0 | 0 | 0 | 1 |  |\n"
                  + "| （一）予以公开 |  |  |  | 5 |  |  |  |  | 5 |  |\n")
    assert row(report, "new") == [7, 1, 0, 0, 0, 0, 8]
    assert row(report, "granted") == [None, 5, None, None, None, None, 5]
    assert codes(report) == []


def test_stray_empty_cells_nothing_tells_apart_keep_only_what_all_placements_agree_on():
    # Alone in its table, "| | 5 | | | | | 5 | |" could start one cell earlier or later: the
    # blank first and last cells leave 5 under commercial or natural. Nothing is guessed.
    report = read(T3 + "| （一）予以公开 |  | 5 |  |  |  |  | 5 |  |\n")
    assert codes(report) == ["ROW_AMBIGUOUS"]
    assert not any(key.startswith("t3.granted.") and report.cells[key] is not None for key in report.cells)


def test_a_row_with_a_value_too_many_is_still_repaired_by_its_arithmetic():
    report = read(T3 + "（七）总计\t\t54\t0\t0\t0\t0\t0\t0\t54\n", filename="r.txt")
    assert row(report, "closed_total") == [54, 0, 0, 0, 0, 0, 54]
    assert codes(report) == ["ROW_REPAIRED"]


def test_placement_mechanism():
    assert place(["3", "", "", "4"], 3) is None                 # three cells cannot hold 3 … 4
    assert place(["1", "", "2"], 3).cells == ("1", "", "2")
    assert place(["", "", ""], 3).cells == ("", "", "")          # a row of blanks
    assert place(["", ""], 3) is None                            # too short to be one
    # "1" starts the run or is its second cell: only the last cell, blank either way, is kept.
    both = place(["", "1", "", ""], 3)
    assert both.ambiguous and both.cells == (None, None, "")
    assert place(["", "1", "", ""], 3, layout=[1]).cells == ("1", "", "")


# ---------------------------------------------------------------- labels as people print them
def test_group_prefixed_labels_both_editions():
    rows = {
        "三、本年度办理结果（三）不予公开1.属于国家秘密": "withheld_secret",
        "（四）无法提供 1.本机关不掌握相关政府信息": "unavailable_not_held",
        "三、本年度办理结果（五）不予处理（2）重复申请": "rejected_repeat",
        "三、本年度办理结果（六）其他处理3.其他": "other_other",
        "三、本年度办理结果（六）其他处理": "other_handling",          # the 2019 row
        "三、本年度办理结果（七）总计": "closed_total",
        "（三）不予公开2.其他法律法规禁止公开": "withheld_law",
        "一、本年新收政府信息公开申请数量（件）": "new",
        "三、本年度办理结果/（三）不予公开/1.属于国家秘密": "withheld_secret",
        "（五）不予处理：2.重复申请": "rejected_repeat",
    }
    index = labels().t3_rows
    assert {text: index.match(normalise_label(text)) for text in rows} == rows


def test_group_labels_that_do_not_lead_the_row_are_not_guessed():
    report = read(T3 + PIPE_HEADER + "| （四）无法提供1.属于国家秘密 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n")
    assert not any(k.startswith("t3.") for k in report.cells)
    assert codes(report) == ["UNKNOWN_ROW"]


def test_a_label_two_rows_fit_equally_is_absent_with_a_problem():
    # "今年新转…" is two characters off both 本年新收… and 上年结转…
    report = read(T3 + PIPE_HEADER + "| 今年新转政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n")
    assert not any(k.startswith("t3.") for k in report.cells)
    assert codes(report) == ["LABEL_AMBIGUOUS"]
    index = LabelIndex({"属于三类内部事务信息": "a", "属于四类内部事务信息": "b"})
    assert sorted(index.candidates("属于五类内部事务信息")) == ["a", "b"]
    assert index.match("属于五类内部事务信息") is None


def test_label_cut_over_two_lines_is_not_a_row_of_blanks():
    report = read(T3 + PIPE_HEADER
                  + "| 三、本年度办理结果（二）部分公开（区分处理的， |  |  |  |  |  |  |  |\n"
                  + "| 只计这一情形，不计其他情形） | 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n")
    assert row(report, "partial") == [9, 0, 0, 0, 0, 0, 9]
    assert codes(report) == []


def test_label_cut_over_two_cells():
    report = read(T3 + "| （二）部分公开（区分处理的， | 只计这一情形，不计其他情形） | 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n")
    assert row(report, "partial") == [9, 0, 0, 0, 0, 0, 9]


def test_t2_rows_with_their_caption_in_front():
    report = read("二、主动公开政府信息情况\n"
                  "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
                  "| 第二十条第（一）项规章 | 1 |  | 12 |\n"
                  "| 第二十条第（五）项行政许可 | 5321 |  |  |\n")
    assert report.cells["t2.rules.issued"] == 1
    assert report.cells["t2.rules.repealed"] is None
    assert report.cells["t2.rules.in_force"] == 12
    assert report.cells["t2.licensing.decisions"] == 5321
    assert report.template == "2021"


# ---------------------------------------------------------------- tables without usable headers
def test_headerless_t2_row_of_either_edition_is_not_guessed():
    # 规章 has three columns in both editions, and nothing in the document tells which.
    report = read("二、主动公开政府信息情况\n| 第二十条第（一）项 | | | |\n| 信息内容 | 数据1 | 数据2 | 数据3 |\n"
                  "| 规章 | 1 | 0 | 12 |\n")
    assert not any(k.startswith("t2.") for k in report.cells)
    assert codes(report) == ["ROW_AMBIGUOUS"]


def test_headerless_t2_rows_take_the_edition_the_labels_point_to():
    report = read("二、主动公开政府信息情况\n| 第二十条第（一）项 | | | |\n| 信息内容 | 数据1 | 数据2 | 数据3 |\n"
                  "| 规章 | 1 | 0 | 12 |\n"
                  "| 第二十条第（九）项 | | | |\n| 信息内容 | 数据1 | 数据2 | |\n| 政府集中采购 | 3 | 25.5 | |\n")
    assert report.template == "2019"
    assert [report.cells[f"t2.rules.{c}"] for c in ("made", "published", "total")] == [1, 0, 12]
    assert report.cells["t2.procurement.items"] == 3 and report.cells["t2.procurement.amount"] == 25.5


def test_flat_t4_row_with_blanks_under_a_mangled_header():
    report = read("四、政府信息公开行政复议、行政诉讼情况\n"
                  + "\t".join(f"数据{i}" for i in range(1, 16)) + "\n"
                  + "2\t0\t1\t0\t3\t1\t\t\t1\t2\t\t\t\t\t\n", filename="r.txt")
    expected = [2, 0, 1, 0, 3, 1, None, None, 1, 2, None, None, None, None, None]
    keys = [f"t4.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    assert [report.cells[k] for k in keys] == expected


def test_generic_headers_in_html():
    cells = "".join(f"<td>数据{i}</td>" for i in range(1, 8))
    html = (f"<html><body><h1>{TITLE}</h1><p>三、收到和处理政府信息公开申请情况</p><table>"
            f"<tr><td>项目</td>{cells}</tr>"
            "<tr><td>（一）予以公开</td><td>258</td><td>12</td><td></td><td></td><td>1</td><td>1</td><td></td></tr>"
            "</table></body></html>")
    report = parse(html.encode("utf-8"), filename="r.html")
    assert row(report, "granted") == [258, 12, None, None, 1, 1, None]


def test_a_wrong_header_row_in_a_grid_is_not_used_for_positions():
    # The header puts 自然人 one column right of where every row has it; the rows win.
    html = ("<html><body><h1>" + TITLE + "</h1><p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td>项目</td><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td>"
            "<td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
            "<tr><td>一、本年新收政府信息公开申请数量</td><td>7</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>8</td><td></td></tr>"
            "<tr><td>（一）予以公开</td><td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td><td></td></tr>"
            "</table></body></html>")
    report = parse(html.encode("utf-8"), filename="r.html")
    assert row(report, "new") == [7, 1, 0, 0, 0, 0, 8]
    assert row(report, "granted") == [5, 1, 0, 0, 0, 0, 6]


# ---------------------------------------------------------------- PDF-to-markdown hybrids
def test_labels_and_values_on_separate_lines():
    report = read(T3 + PIPE_HEADER
                  + "一、本年新收政府信息公开申请数量\n5 1 0 0 0 0 6\n"
                  + "二、上年结转政府信息公开申请数量\n1\n0\n0\n0\n0\n0\n1\n"
                  + "（一）予以公开\n| 3 | 1 | 0 | 0 | 0 | 0 | 4 |\n"
                  + "（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）\n2 0 0 0 0 0 2\n"
                  + "（三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n")
    assert row(report, "new") == [5, 1, 0, 0, 0, 0, 6]
    assert row(report, "carried_in") == [1, 0, 0, 0, 0, 0, 1]
    assert row(report, "granted") == [3, 1, 0, 0, 0, 0, 4]
    assert row(report, "partial") == [2, 0, 0, 0, 0, 0, 2]
    assert row(report, "withheld_secret") == [0] * 7
    assert codes(report) == []
    assert "本年新收" not in report.narrative


def test_prose_and_titles_ending_in_numbers_stay_paragraphs():
    report = parse("涧西区人民政府政府信息公开工作年度报告 2021\n\n一、总体情况\n\n全年共公开信息 1640\n".encode("utf-8"),
                   filename="r.md")
    assert report.title == "涧西区人民政府政府信息公开工作年度报告2021"
    assert report.year == 2021
    assert "全年共公开信息 1640" in report.narrative


def test_a_page_number_under_a_heading_is_not_a_cell():
    report = parse("青山县人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n3\n\n本年度共受理申请5件。\n".encode("utf-8"),
                   filename="r.md")
    assert 1 in report.sections
    assert report.cells == {}


def test_values_under_their_label_as_a_tab_row_keep_their_blanks():
    report = read(T3 + PIPE_HEADER + "（一）予以公开\n258\t12\t\t\t1\t1\t\n")
    assert row(report, "granted") == [258, 12, None, None, 1, 1, None]


def test_converter_markup_inside_pipe_cells():
    # Line breaks as <br>, bold, and adjacent cells merged into one ("0 0 0 0").
    report = read(T3 + PIPE_HEADER
                  + "|（二）部分公开（区分处理的，<br>只计这一情形，不计其他情形）|9|0 0 0 0|0|9|\n"
                  + "| **（七）总计** | 54<br>| 0 | 0 | 0 | 0 | 0 | 54 |\n")
    assert row(report, "partial") == [9, 0, 0, 0, 0, 0, 9]
    assert row(report, "closed_total") == [54, 0, 0, 0, 0, 0, 54]
    assert codes(report) == []


def grid(rows: list[list[str]]) -> bytes:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<html><body><h1>{TITLE}</h1><p>三、收到和处理政府信息公开申请情况</p><table>"
            f"<tr><td>项目</td>{''.join(f'<td>{c}</td>' for c in ('自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', '总计'))}</tr>"
            f"{body}</table></body></html>").encode("utf-8")


def test_label_wrapped_onto_the_next_grid_row_is_not_a_row_of_blanks():
    values = ["9", "0", "0", "0", "0", "0", "9"]
    cut_short = parse(grid([["（二）部分公开（区分处理的，"] + [""] * 7, ["只计这一情形，不计其他情形）"] + values,
                            ["1.属于国家秘密"] + [""] * 7]), filename="r.html")
    # Wrapped right after a complete label variant: the next row's values show it was no blank row.
    after_variant = parse(grid([["（二）部分公开"] + [""] * 7, ["（区分处理的，只计这一情形，不计其他情形）"] + values,
                                ["1.属于国家秘密"] + [""] * 7]), filename="r.html")
    for report in (cut_short, after_variant):
        assert row(report, "partial") == [9, 0, 0, 0, 0, 0, 9]
        assert row(report, "withheld_secret") == [None] * 7        # a real row of blanks
        assert codes(report) == []


def test_label_wrapped_onto_the_next_pipe_row():
    report = read(T3 + PIPE_HEADER + "| （二）部分公开 |  |  |  |  |  |  |  |\n"
                  "| （区分处理的，只计这一情形，不计其他情形） | 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n")
    assert row(report, "partial") == [9, 0, 0, 0, 0, 0, 9]
    assert codes(report) == []


def test_a_row_of_blanks_before_a_sub_row_keeps_its_blanks():
    # "其中：…" is no continuation of 1.属于国家秘密: its values are not that row's.
    report = parse(grid([["1.属于国家秘密"] + [""] * 7, ["其中：涉密"] + ["1", "0", "0", "0", "0", "0", "1"]]),
                   filename="r.html")
    assert row(report, "withheld_secret") == [None] * 7
    assert codes(report) == ["UNKNOWN_ROW"]


def test_values_on_the_line_under_a_label_row():
    report = read(T3 + PIPE_HEADER + "| 一、本年新收政府信息公开申请数量 |\n5 1 0 0 0 0 6\n"
                  "| 二、上年结转政府信息公开申请数量 |\n| 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n")
    assert row(report, "new") == [5, 1, 0, 0, 0, 0, 6]
    assert row(report, "carried_in") == [1, 0, 0, 0, 0, 0, 1]


def test_t4_rows_with_their_group_in_front():
    report = read("四、政府信息公开行政复议、行政诉讼情况\n"
                  "| 项目 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|---|\n"
                  "| 行政复议 | 1 | 0 |  | 0 | 1 |\n"
                  "| 行政诉讼-未经复议直接起诉 | 2 | 1 | 0 | 0 | 3 |\n"
                  "| 行政诉讼（复议后起诉） |  |  |  |  | 0 |\n")
    keys = [f"t4.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    assert [report.cells[k] for k in keys] == [1, 0, None, 0, 1, 2, 1, 0, 0, 3, None, None, None, None, 0]
