"""Render a report's cells the ways people really print them, for the reader's tests.

A report here is `(title, edition, cells)` with cells keyed like `Report.cells` (None = a blank
cell). Each style writes the same values in another markup; parsing the rendering must give
back exactly those cells. Styles:

- `pipe`, `tab`: delimited text, one label cell per row, blanks as empty cells between
  separators (`| 258 | 12 |  |  | 1 |`);
- `prefixed_html`, `prefixed_pipe`: row labels carrying their group and subgroup in front
  (`三、本年度办理结果（三）不予公开1.属于国家秘密`), no rowspan;
- `generic_html`, `generic_pipe`: headers replaced by `数据1 … 数据N`, section 四 as one flat
  row of 15 numbers under those mangled headers;
- `grouped_tab`, `grouped_pipe`: the official three-level label area copied as text with its
  spans lost: group labels on their first row only, a stray empty cell before the values, so
  the values start at a different column on each level;
- `hybrid_md`: a PDF-to-markdown conversion: broken pipe rows (outer pipes missing, separator
  lines in odd places), some labels on a line of their own with the values on the next line.
"""
from __future__ import annotations

from html import escape

from nianjian.demo_portal.tables import figure      # a value as an office prints it
from parsers.template import TEMPLATE

STYLES = ("pipe", "tab", "prefixed_html", "prefixed_pipe", "generic_html", "generic_pipe", "grouped_tab",
          "grouped_pipe", "hybrid_md")

SECTIONS = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}
T3_COLUMNS = list(TEMPLATE.t3_columns)
T3_HEADER = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# Row labels as the template prints them, enumerator included, and the group labels that a
# row printed without rowspan carries in front.
RESULT = "三、本年度办理结果"
T3_PRINTED = {
    "new": ("", "一、本年新收政府信息公开申请数量"),
    "carried_in": ("", "二、上年结转政府信息公开申请数量"),
    "granted": (RESULT, "（一）予以公开"),
    "partial": (RESULT, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "withheld_secret": (RESULT + "（三）不予公开", "1.属于国家秘密"),
    "withheld_law": (RESULT + "（三）不予公开", "2.其他法律行政法规禁止公开"),
    "withheld_safety": (RESULT + "（三）不予公开", "3.危及“三安全一稳定”"),
    "withheld_third_party": (RESULT + "（三）不予公开", "4.保护第三方合法权益"),
    "withheld_internal": (RESULT + "（三）不予公开", "5.属于三类内部事务信息"),
    "withheld_process": (RESULT + "（三）不予公开", "6.属于四类过程性信息"),
    "withheld_enforcement": (RESULT + "（三）不予公开", "7.属于行政执法案卷"),
    "withheld_inquiry": (RESULT + "（三）不予公开", "8.属于行政查询事项"),
    "unavailable_not_held": (RESULT + "（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unavailable_to_make": (RESULT + "（四）无法提供", "2.没有现成信息需要另行制作"),
    "unavailable_unclear": (RESULT + "（四）无法提供", "3.补正后申请内容仍不明确"),
    "rejected_complaint": (RESULT + "（五）不予处理", "1.信访举报投诉类申请"),
    "rejected_repeat": (RESULT + "（五）不予处理", "2.重复申请"),
    "rejected_publication": (RESULT + "（五）不予处理", "3.要求提供公开出版物"),
    "rejected_excessive": (RESULT + "（五）不予处理", "4.无正当理由大量反复申请"),
    "rejected_confirm": (RESULT + "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    "other_no_correction": (RESULT + "（六）其他处理",
                            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_unpaid_fee": (RESULT + "（六）其他处理",
                         "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_other": (RESULT + "（六）其他处理", "3.其他"),
    "other_handling": (RESULT, "（六）其他处理"),
    "closed_total": (RESULT, "（七）总计"),
    "carried_out": ("", "四、结转下年度继续办理"),
}
T4_GROUPS = {"review": "行政复议", "suit_direct": "未经复议直接起诉", "suit_after_review": "复议后起诉"}
T4_HEADER = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


# ---------------------------------------------------------------- the tables as rows of text
def t2_tables(edition: str, cells: dict, generic: bool) -> list[list[list[str]]]:
    """One small table per 第二十条 block that has cells: caption, header, data rows."""
    tables = []
    for block in TEMPLATE.t2[edition]:
        rows = [r for r in block.rows if any(f"t2.{r}.{c}" in cells for c in block.columns)]
        if not rows:
            continue
        columns = list(block.columns)
        header = [f"数据{i + 1}" for i in range(len(columns))] if generic else \
            [block.columns[c][0] for c in columns]
        table = [[block.caption] + [""] * len(columns), ["信息内容"] + header]
        table += [[block.rows[r][0]] + [figure(cells.get(f"t2.{r}.{c}")) for c in columns] for r in rows]
        tables.append(table)
    return tables


def t3_rows(cells: dict) -> list[str]:
    return [r for r in TEMPLATE.t3_rows if any(f"t3.{r}.{c}" in cells for c in T3_COLUMNS)]


def t3_table(cells: dict, prefixed: bool, generic: bool, stray: int = 0) -> list[list[str]]:
    """t3 with one label cell per row; `stray` empty cells after each label and at each row's
    end (spans lost in a copy), so a row with blank first or last cells fits several places."""
    header = [f"数据{i + 1}" for i in range(len(T3_COLUMNS))] if generic else T3_HEADER
    table = [["项目"] + header]
    for row in t3_rows(cells):
        group, label = T3_PRINTED[row]
        table.append([(group + label) if prefixed else label] + [""] * stray
                     + [figure(cells.get(f"t3.{row}.{c}")) for c in T3_COLUMNS] + [""] * stray)
    return table


def grouped_t3_table(cells: dict) -> list[list[str]]:
    """t3 as a three-column label area whose spans were lost (the official grid copied as text):
    a group label only on its first row, each row label at its own level, one stray empty cell
    before the values and the rows padded to the table's width, so the values start at
    another column on each level."""
    width = 3 + 1 + len(T3_COLUMNS)
    table = [["(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", "", "申请人情况", "", "", "", "", "", "总计"],
             ["", "", "自然人", "法人或其他组织"],
             ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    seen_groups: set[str] = set()
    for row in t3_rows(cells):
        group, label = T3_PRINTED[row]
        levels = [part for part in (RESULT if group.startswith(RESULT) else "", group[len(RESULT):]) if part]
        area = []
        for level in levels:
            area.append("" if level in seen_groups else level)
            seen_groups.add(level)
        area.append(label)
        line = area + [""] + [figure(cells.get(f"t3.{row}.{c}")) for c in T3_COLUMNS]
        table.append(line + [""] * (width - len(line)))
    return table


def t4_numbers(cells: dict) -> list[str] | None:
    keys = TEMPLATE.t4_keys()
    if not any(k in cells for k in keys):
        return None
    return [figure(cells.get(k)) for k in keys]


def t4_table(cells: dict, generic: bool) -> list[list[str]] | None:
    numbers = t4_numbers(cells)
    if numbers is None:
        return None
    if generic:     # one flat row under a header that names nothing
        return [[f"数据{i + 1}" for i in range(15)], numbers]
    table = [["项目"] + T4_HEADER]
    for at, row in enumerate(TEMPLATE.t4_order):
        table.append([T4_GROUPS[row]] + numbers[at * 5:at * 5 + 5])
    return table


def tables(edition: str, cells: dict, *, prefixed=False, generic=False, grouped=False,
           stray: int = 0) -> dict[int, list[list[list[str]]]]:
    """section number → its tables (each a list of rows of cell texts)."""
    out = {2: t2_tables(edition, cells, generic)}
    if t3_rows(cells):
        out[3] = [grouped_t3_table(cells) if grouped else t3_table(cells, prefixed, generic, stray)]
    t4 = t4_table(cells, generic)
    if t4 is not None:
        out[4] = [t4]
    return out


# ---------------------------------------------------------------- markups
def _prose(number: int) -> str:
    return {1: "本报告中所列数据的统计期限为本年1月1日至12月31日。",
            5: "存在的主要问题是公开的主动性还不够。", 6: "无。"}.get(number, "")


def _pipe(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    return lines[:1] + ["|" + "---|" * len(rows[0])] + lines[1:]


def _tab(rows: list[list[str]]) -> list[str]:
    return ["\t".join(row) for row in rows]


def _hybrid(rows: list[list[str]]) -> list[str]:
    """A PDF-to-markdown table: outer pipes dropped on some rows, the separator after the second
    row, and some rows whose values are all numbers printed as a label line and a line of
    values."""
    lines = []
    for at, row in enumerate(rows):
        if at == 2:
            lines.append("|" + "---|" * len(row))
        values = row[1:]
        if at > 0 and len(values) > 1 and all(v[:1].isdigit() for v in values) and at % 2:
            lines += [row[0], " ".join(values)]
        elif at % 3 == 1 and row[-1]:       # a last cell left blank needs its outer pipe
            lines.append(" | ".join(row))
        else:
            lines.append("| " + " | ".join(row) + " |")
    return lines


def _html_table(rows: list[list[str]]) -> str:
    return "<table>" + "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows) + "</table>"


def render(title: str, edition: str, cells: dict, style: str, stray: int = 0) -> tuple[bytes, str]:
    """(bytes, file name) of the report in one style (`stray`: see t3_table)."""
    by_section = tables(edition, cells, prefixed=style.startswith("prefixed"), stray=stray,
                        generic=style.startswith("generic"), grouped=style.startswith("grouped"))
    if style.endswith("html"):
        body = [f"<h1>{escape(title)}</h1>"]
        for number, heading in SECTIONS.items():
            body.append(f"<p>{heading}</p>")
            if _prose(number):
                body.append(f"<p>{_prose(number)}</p>")
            body += [_html_table(t) for t in by_section.get(number, [])]
        page = f"<html><head><title>{escape(title)}</title></head><body>{''.join(body)}</body></html>"
        return page.encode("utf-8"), "r.html"
    write = _tab if style.endswith("tab") else _hybrid if style == "hybrid_md" else _pipe
    lines = [title, ""]
    for number, heading in SECTIONS.items():
        lines += [("## " if style == "hybrid_md" else "") + heading, ""]
        if _prose(number):
            lines += [_prose(number), ""]
        for table in by_section.get(number, []):
            lines += write(table) + [""]
    return "\n".join(lines).encode("utf-8"), "r.md" if style == "hybrid_md" else "r.txt"


# ---------------------------------------------------------------- reports of our own
def consistent_cells(edition: str, seed: int, blanks: float = 0.15) -> dict:
    """Cells of a made-up report that satisfy the template's identities: every t3 row's 总计 is
    the sum of its six applicant columns, 新收 + 结转 = （七）总计 + 结转下年度 and （七）总计 = the
    outcomes, column by column, and each t4 group's 总计 is the sum of its four results. A share
    `blanks` of the cells that are 0 are printed blank (None), as offices often do."""
    import random

    rng = random.Random(seed)
    cells: dict = {}
    for block in TEMPLATE.t2[edition]:
        for row in block.rows:
            for column in block.columns:
                key = f"t2.{row}.{column}"
                if key in TEMPLATE.amount_keys:
                    cells[key] = round(rng.uniform(0, 5000), 4)
                elif column in TEMPLATE.signed_columns:
                    cells[key] = rng.randint(-5, 5)
                else:
                    cells[key] = rng.choice([0, 0, rng.randint(1, 40), rng.randint(100, 20000)])
    other_rows = ["other_handling"] if edition == "2019" else ["other_no_correction", "other_unpaid_fee", "other_other"]
    groups = TEMPLATE.t3_groups
    outcome_rows = ["granted", "partial"] + groups["withheld"] + groups["unavailable"] + groups["rejected"] + other_rows
    parts = T3_COLUMNS[:-1]
    rows: dict[str, list[int]] = {r: [0] * 6 for r in outcome_rows + ["new", "carried_in", "closed_total", "carried_out"]}
    for at, column in enumerate(parts):
        if at and rng.random() < 0.4:
            continue                              # a column with no applications at all
        for row in outcome_rows:
            weight = 30 if row in ("granted", "partial") else 3
            rows[row][at] = rng.choice([0, 0, rng.randint(0, weight)])
        closed = sum(rows[r][at] for r in outcome_rows)
        carried_out = rng.randint(0, 3)
        carried_in = rng.randint(0, min(3, closed + carried_out))
        rows["closed_total"][at] = closed
        rows["carried_out"][at] = carried_out
        rows["carried_in"][at] = carried_in
        rows["new"][at] = closed + carried_out - carried_in
    for row, values in rows.items():
        printed = [None if v == 0 and rng.random() < blanks else v for v in values]
        total = sum(values)
        printed.append(None if total == 0 and rng.random() < blanks else total)
        cells.update({f"t3.{row}.{c}": v for c, v in zip(T3_COLUMNS, printed)})
    for row in TEMPLATE.t4_order:
        results = [rng.choice([0, 0, rng.randint(1, 9)]) for _ in range(4)]
        printed = [None if v == 0 and rng.random() < blanks else v for v in results] + [sum(results)]
        cells.update({f"t4.{row}.{c}": v for c, v in zip(TEMPLATE.t4_columns, printed)})
    return cells
