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
  lines in odd places), some labels on a line of their own with the values on the next line;
- `GRID_STYLES` (`official_html`, `word_html`, `wps_html`, `serial_html`, `split_columns_html`,
  `transposed_t4_html`, `hidden_html`, …; each described where it is listed): the official
  spanned grid as portals' editors, Word, WPS and Excel save it, with the quirks of real pages.
"""
from __future__ import annotations

from html import escape

from nianjian.demo_portal.tables import figure      # a value as an office prints it
from parsers.template import TEMPLATE

TEXT_STYLES = ("pipe", "tab", "prefixed_html", "prefixed_pipe", "generic_html", "generic_pipe", "grouped_tab",
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
    if style in GRID_STYLES:
        return render_grid_style(title, edition, cells, style)
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


# ---------------------------------------------------------------- the official grid as CMSs save it
# Styles of the official spanned grid (the layout of nianjian.demo_portal.tables) as real
# portals' editors, Word, WPS and Excel write it: each style is a set of changes, below, to the
# values, to the grid or to the markup. `official_html` is the plain grid they all start from.
GRID_STYLES = {
    "official_html": (),
    "word_html": ("word",),                  # Word's save as web page: MsoNormal <p><span>, &nbsp;
    "wps_html": ("wps",),                    # WPS: figures cut into one <span> per digit, &nbsp; padding
    "excel_html": ("excel",),                # Excel's save as web page: x:num cells, empty columns
    "fullwidth_html": ("fullwidth",),        # ０１２ (figures and enumerators), the title's year too
    "thousands_html": ("thousands",),        # 14,053 and 1,234.5
    "dash_html": ("dashes",),                # blanks printed as —, -, /, 无, －
    "units_html": ("units",),                # 12件, 638.8万元
    "serial_html": ("serial",),              # a leading 序号 column numbering the rows
    "section_row_html": ("section_row",),    # the section heading as the table's first, full-width row
    "caption_html": ("caption",),            # the section heading as the table's <caption>
    "th_html": ("th",),                      # header rows in <thead><th>, row labels as <th>
    "nested_html": ("nested",),              # every table inside a one-cell layout table
    "br_labels_html": ("br",),               # labels broken by <br> (商业<br>企业)
    "repeated_header_html": ("repeat_header",),  # t3's header rows repeated mid-table
    "split_rows_html": ("split_rows",),      # t3 cut in two tables inside a group, Word-split (merged label left blank)
    "split_columns_html": ("split_columns",),  # t3 as two tables: 自然人…社会公益组织, then 法律服务机构…总计
    "transposed_t4_html": ("transposed_t4",),  # section 四 printed downwards: one row per result
    "spacer_html": ("spacer",),              # an empty last column and empty rows between the rows
    "title_site_html": ("site_title",),      # no <h1>; <title> carries the site's name after the title
    "hidden_html": ("hidden",),              # hidden characters between figures and in labels (anti-copy), a hidden column
    "yuan_html": ("yuan",),                  # amounts in 元, the unit named in the column header
    "variants_html": ("variants",),          # wording offices use: 合计, 其它, 法人或者其他组织, 社会组织
    "group_rows_html": ("group_rows",),      # t3's group labels as rows of their own, no rowspan
    "subtotal_rows_html": ("group_rows", "subtotals"),  # …with each group's subtotals printed on its row
    "wps_combined_html": ("wps", "serial", "br", "thousands", "dashes", "hidden"),
    "title_forms_html": ("retitle",),        # the title as offices word it (TITLE_FORMS), one per report
    # PDF-to-markdown as MinerU writes it: markdown prose, each table one line of HTML with its spans
    "html_tables_md": ("markdown",),
    "html_tables_subtotal_md": ("markdown", "group_rows", "subtotals", "word"),
    # The grid as delimited text: spans left empty (a converter's markdown), or filled with the
    # spanned cell's text in every cell it covers (a grid read by pandas.read_html, then saved).
    "spanless_pipe": ("text",),
    "filled_pipe": ("text", "filled"),
    "filled_tab": ("text", "filled", "tabs"),
    "filled_serial_tab": ("text", "filled", "tabs", "serial", "group_rows", "subtotals"),
    "subtotal_rows_pipe": ("text", "group_rows", "subtotals"),
    "html_tables_serial_md": ("markdown", "serial", "split_rows", "thousands", "dashes", "transposed_t4"),
}
# Wording variants real reports print (variants_html): printed → instead of the template's.
VARIANTS = {"（七）总计": "（七）合计", "总计": "合计", "其他": "其它", "法人或其他组织": "法人或者其他组织",
            "社会公益组织": "社会组织", "2.其他法律行政法规禁止公开": "2.其他法律法规禁止公开",
            "规章": "规章：", "行政许可": "行政许可："}
HIDDEN = ('<span style="display:none">{}</span>', "<font style='FONT-SIZE: 0px; COLOR: #ffffff'>{}</font>")
# Titles as offices word them (title_forms_html): {agency}, {year} (digits), {numerals} (二〇二二).
TITLE_FORMS = ("{agency}{numerals}年政府信息公开工作年度报告", "关于{year}年{agency}政府信息公开工作年度报告的通知",
               "{agency}办公室关于印发{agency}{year}年政府信息公开工作年度报告的通知",
               "【{agency}】{year}年度政府信息公开工作年度报告", "{agency}政府信息公开工作年度报告（{year}年度）")


def retitled(title: str, cells: dict) -> str:
    """The report's title in one of TITLE_FORMS, chosen by its figures."""
    import re
    year = re.search(r"(?:19|20)\d{2}", title)
    agency = title[:year.start()] or title[year.end() + 1:].split("政府信息公开")[0]
    form = TITLE_FORMS[sum(v for v in cells.values() if isinstance(v, int)) % len(TITLE_FORMS)]
    numerals = year.group().translate(str.maketrans("0123456789", "〇一二三四五六七八九"))
    return form.format(agency=agency, year=year.group(), numerals=numerals)

STYLES = TEXT_STYLES + tuple(GRID_STYLES)
DASHES = ("—", "-", "/", "无", "－", "——")
SITE = "青山县人民政府门户网站"


SECTION_TABLE_PREFIX = {2: "t2.", 3: "t3.", 4: "t4."}


def official_grids(edition: str, cells: dict) -> dict:
    """section number → the official spanned grid of its table (demo portal's layout)."""
    from collections import defaultdict
    from types import SimpleNamespace

    from nianjian.demo_portal.tables import section_grids

    report = SimpleNamespace(edition=edition, cells=defaultdict(lambda: None, cells),
                             t3_rows=tuple(t3_rows(cells)))
    grids = section_grids(report)
    return {n: g for n, g in grids.items()
            if any(k.startswith(SECTION_TABLE_PREFIX[n]) for k in cells)}


def _origins(grid) -> list[tuple[int, int, object]]:
    """(row, column, cell) of every printed cell: where its top-left corner sits in the full grid."""
    from nianjian.demo_portal.markup import expand_cells
    return [(r, c, cell) for r, line in enumerate(expand_cells(grid)) for c, cell in enumerate(line) if cell]


def subgrid(grid, rows, columns, *, blank_cut: bool = False):
    """The grid cut to some rows and columns (each a range or list, in order), spans clipped.
    A merged cell cut at its top keeps its text below only if not `blank_cut` (Word leaves it
    blank when a table is split)."""
    from dataclasses import replace
    rows, columns = list(rows), list(columns)
    lines: list[list] = [[] for _ in rows]
    for r, c, cell in _origins(grid):
        kept_rows = [i for i, row in enumerate(rows) if r <= row < r + cell.rowspan]
        kept_columns = [i for i, col in enumerate(columns) if c <= col < c + cell.colspan]
        if not kept_rows or not kept_columns:
            continue
        text = "" if blank_cut and rows[kept_rows[0]] != r else cell.text
        lines[kept_rows[0]].append((kept_columns[0], replace(cell, text=text, rowspan=len(kept_rows),
                                                             colspan=len(kept_columns))))
    return [[cell for _, cell in sorted(line, key=lambda item: item[0])] for line in lines]


def transpose(grid):
    from dataclasses import replace
    width = max(c + cell.colspan for _, c, cell in _origins(grid))
    lines: list[list] = [[] for _ in range(width)]
    for r, c, cell in sorted(_origins(grid), key=lambda item: item[0]):
        lines[c].append(replace(cell, rowspan=cell.colspan, colspan=cell.rowspan))
    return lines


def _width(grid) -> int:
    return sum(c.colspan for c in grid[0])


def _header_rows(grid) -> int:
    """How many rows above the first row holding a figure."""
    return next(i for i, line in enumerate(grid) if any(c.value for c in line))


def _value_text(text: str, changes: tuple, at: int) -> str:
    if not text:
        return DASHES[at % len(DASHES)] if "dashes" in changes else text
    if "thousands" in changes:
        whole, dot, decimals = text.partition(".")
        text = f"{int(whole):,}{dot}{decimals}" if whole.lstrip("-").isdigit() else text
    if "units" in changes:
        text += "万元" if "." in text else "件"
    if "fullwidth" in changes:
        text = text.translate(FULLWIDTH)
    return text


FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _label_text(text: str, changes: tuple) -> str:
    if "variants" in changes:
        text = VARIANTS.get(text, text)
    if "yuan" in changes:
        text = text.replace("（单位：万元）", "（单位：元）").replace("采购总金额", "采购总金额（元）")
    if "fullwidth" in changes:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return text


def _changed_grids(edition: str, cells: dict, changes: tuple) -> dict:
    """section number → the tables (grids) of that section after the style's changes."""
    from dataclasses import replace
    from nianjian.demo_portal.tables import Cell

    if "yuan" in changes:
        cells = {k: round(v * 10000, 2) if k in TEMPLATE.amount_keys and v is not None else v
                 for k, v in cells.items()}
    grids = official_grids(edition, cells)
    if "group_rows" in changes and 3 in grids:
        grids[3] = group_rows_t3(grids[3], cells, "subtotals" in changes)
    at = 0
    for number, grid in grids.items():
        for line in grid:
            for i, cell in enumerate(line):
                at += 1
                line[i] = replace(cell, text=_value_text(cell.text, changes, at) if cell.value
                                  else _label_text(cell.text, changes))
    if "transposed_t4" in changes and 4 in grids:
        grids[4] = transpose(grids[4])
    if "serial" in changes:
        for number in (2, 3):
            if number not in grids:
                continue
            grid, head, width = grids[number], _header_rows(grids[number]), _width(grids[number])
            serial = 0
            for r, line in enumerate(grid):
                if number == 2 and line[0].colspan == width:      # a block's caption row
                    line[0] = replace(line[0], colspan=line[0].colspan + 1)
                elif number == 2 and not any(c.value for c in line):    # a block's header row
                    line.insert(0, Cell("序号"))
                elif r == 0 and number == 3:
                    line.insert(0, Cell("序号", rowspan=head))
                elif r >= head:
                    serial += 1
                    line.insert(0, Cell(str(serial)))
    tables = {n: [g] for n, g in grids.items()}
    if 3 in grids:
        t3, head = grids[3], _header_rows(grids[3])
        every = range(len(t3))
        if "repeat_header" in changes and len(t3) - head > 4:
            cut = head + (len(t3) - head) // 2
            whole = range(_width(t3))
            tables[3] = [subgrid(t3, range(cut), whole) + subgrid(t3, range(head), whole)
                         + subgrid(t3, range(cut, len(t3)), whole)]
        if "split_rows" in changes and len(t3) - head > 4:
            cut = head + (len(t3) - head) // 2
            tables[3] = [subgrid(t3, range(cut), range(_width(t3))),
                         subgrid(t3, range(cut, len(t3)), range(_width(t3)), blank_cut=True)]
        if "split_columns" in changes:
            labels = _width(t3) - len(T3_COLUMNS)
            tables[3] = [subgrid(t3, every, list(range(labels)) + list(range(labels, labels + 4))),
                         subgrid(t3, every, list(range(labels)) + list(range(labels + 4, _width(t3))))]
    return tables


def group_rows_t3(t3, cells: dict, subtotals: bool):
    """t3 with one label column: each group label (三、本年度办理结果, （三）不予公开 …) a row of
    its own above its members, blank or carrying the group's subtotals."""
    from nianjian.demo_portal.tables import Cell
    head = _header_rows(t3)
    labels = _width(t3) - len(T3_COLUMNS)
    grid = subgrid(t3, range(head), [0] + list(range(labels, _width(t3))))
    rows, seen = t3_rows(cells), set()
    for row in rows:
        group, label = T3_PRINTED[row]
        for level in [part for part in (RESULT if group.startswith(RESULT) else "", group[len(RESULT):]) if part]:
            if level in seen:
                continue
            seen.add(level)
            members = [r for r in rows if T3_PRINTED[r][0].startswith(level) or level in T3_PRINTED[r][0]]
            sums = [sum(cells.get(f"t3.{r}.{c}") or 0 for r in members) for c in T3_COLUMNS]
            shown = subtotals and level != RESULT      # no office sums 三、本年度办理结果 on its own row
            grid.append([Cell(level)] + [Cell(str(v) if shown else "", value=True) for v in sums])
        grid.append([Cell(label)] + [Cell(figure(cells.get(f"t3.{row}.{c}")), value=True) for c in T3_COLUMNS])
    return grid


def _broken(text: str) -> str:
    """A label broken by <br> after its enumerator, or in the middle (escaped HTML)."""
    import re
    if len(text) < 4:
        return escape(text)
    enumerator = re.match(r"[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|[0-9０-９]+[.．、]", text)
    at = enumerator.end() if enumerator and enumerator.end() < len(text) else len(text) // 2
    return escape(text[:at]) + ("<br>" if at % 2 else "<br/>\n") + escape(text[at:])


def _cell_html(cell, changes: tuple, header: bool) -> str:
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
            (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    tag = "th" if "th" in changes and (header or not cell.value) else "td"
    text = _broken(cell.text) if "br" in changes and not cell.value else escape(cell.text)
    if "hidden" in changes and cell.text:      # a hidden character after the first one
        text = text[:1] + HIDDEN[len(text) % 2].format("7" if cell.value else "据") + text[1:]
    if "word" in changes:
        font = "font-family:&quot;Times New Roman&quot;" if cell.value else "font-family:宋体;mso-ascii-font-family:&quot;Times New Roman&quot;"
        text = (f"<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US "
                f"style='font-size:10.5pt;{font}'>{text or '&nbsp;'}<o:p></o:p></span></p>")
        return f"<{tag}{spans} valign=middle style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt'>{text}</{tag}>"
    if "wps" in changes:
        if cell.value:
            pieces = "".join(f"<span lang=EN-US style='font-size:10.5pt;mso-bidi-font-size:10.5pt'>{escape(ch)}</span>"
                             for ch in cell.text)
            text = f"<span style='mso-spacerun:yes'>&nbsp;</span>{pieces}<span style='mso-spacerun:yes'>&nbsp;&nbsp;</span>"
        text = (f"<p class=MsoNormal align=center style='margin:0cm;text-align:center;mso-pagination:widow-orphan'>"
                f"<span style='font-family:宋体;mso-hansi-font-family:Calibri;mso-bidi-font-family:宋体;"
                f"mso-font-kerning:0pt'>{text or '&nbsp;'}</span><span lang=EN-US><o:p></o:p></span></p>")
        return f"<{tag}{spans} width=56 style='width:42.0pt;border:solid windowtext 1.0pt;border-top:none;mso-border-alt:solid windowtext .5pt'>{text}</{tag}>"
    if "excel" in changes:
        kind = " class=xl66 x:num" if cell.value and cell.text else " class=xl65 x:str"
        return f"<{tag}{spans}{kind}>{text}</{tag}>"
    return f'<{tag}{spans} style="text-align:center">{text}</{tag}>'


def _grid_html(grid, changes: tuple, heading: str) -> str:
    head = next((i for i, line in enumerate(grid) if any(c.value for c in line)), len(grid))
    width = _width(grid) if grid else 0
    lines = [[f"<td colspan=\"{width}\">{escape(heading)}</td>"]] if "section_row" in changes and heading else []
    lines += [[_cell_html(c, changes, r < head) for c in line] for r, line in enumerate(grid)]
    if "spacer" in changes:
        lines = [line + ["<td>&nbsp;</td>" if "word" in changes else "<td></td>"] for line in lines]
        lines.append([f"<td colspan=\"{width + 1}\">&nbsp;</td>"])
    if "excel" in changes:
        lines = [line + ["<td class=xl65></td>", "<td></td>"] for line in lines]
    if "hidden" in changes:        # a hidden column of figures after the first cell
        lines = [line[:1] + ['<td style="DISPLAY: none">9</td>'] + line[1:] for line in lines]
    rows = ["<tr>" + "".join(line) + "</tr>" for line in lines]
    caption = f"<caption>{escape(heading)}</caption>" if "caption" in changes and heading else ""
    if "th" in changes:
        cut = head + (1 if "section_row" in changes and heading else 0)
        body = f"<thead>{''.join(rows[:cut])}</thead><tbody>{''.join(rows[cut:])}</tbody>"
    else:
        body = "\n".join(rows)
    table = (f"<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>"
             f"{caption}\n{body}\n</table>")
    if "excel" in changes:
        table = table.replace("\n", "\n <col width=72 style='width:54pt'>\n", 1)
    if "nested" in changes:
        table = f'<table width="100%" border="0"><tr><td align="center">{table}</td></tr></table>'
    return table


def _text_rows(grid, filled: bool) -> list[list[str]]:
    """The grid as rows of cell texts: each spanned cell's text at its top-left corner, the
    cells it covers empty or (`filled`) holding its text too."""
    rows = [[""] * _width(grid) for _ in grid]
    for r, c, cell in _origins(grid):
        for dr in range(cell.rowspan if filled else 1):
            for dc in range(cell.colspan if filled else 1):
                rows[r + dr][c + dc] = cell.text
    return rows


def render_grid_style(title: str, edition: str, cells: dict, style: str) -> tuple[bytes, str]:
    """(bytes, file name) of the report as an HTML page (or text) in one of GRID_STYLES."""
    changes = GRID_STYLES[style]
    by_section = _changed_grids(edition, cells, changes)
    if "retitle" in changes:
        title = retitled(title, cells)
    if "markdown" in changes:
        lines = [f"# {title}", ""]
        for number, heading in SECTIONS.items():
            lines += [f"## {heading}", ""] + ([_prose(number), ""] if _prose(number) else [])
            lines += [f"<html><body>{_grid_html(grid, changes, '').replace(chr(10), '')}</body></html>\n"
                      for grid in by_section.get(number, [])]
        return "\n".join(lines).encode("utf-8"), "r.md"
    if "text" in changes:
        lines = [title, ""]
        for number, heading in SECTIONS.items():
            lines += [heading, ""] + ([_prose(number), ""] if _prose(number) else [])
            for grid in by_section.get(number, []):
                rows = _text_rows(grid, "filled" in changes)
                lines += (_tab(rows) if "tabs" in changes else _pipe(rows)) + [""]
        return "\n".join(lines).encode("utf-8"), "r.txt"
    shown = title.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if "fullwidth" in changes else title
    inside = ("section_row" in changes or "caption" in changes)
    body = [] if "site_title" in changes else [f"<h1>{escape(shown)}</h1>"]
    if "site_title" in changes:
        body.append(f'<p style="text-align:center"><strong>{escape(shown)}</strong></p>')
    for number, heading in SECTIONS.items():
        grids = by_section.get(number, [])
        if not (inside and grids):
            body.append(f"<p>{heading}</p>")
        if _prose(number):
            body.append(f"<p>{_prose(number)}</p>")
        body += [_grid_html(g, changes, heading if at == 0 else "") for at, g in enumerate(grids)]
    page_title = f"{shown}_{SITE}" if "site_title" in changes else shown
    page = (f"<html><head><meta charset=\"utf-8\"><title>{escape(page_title)}</title></head>"
            f"<body>{''.join(body)}</body></html>")
    return page.encode("utf-8"), "r.html"


# ---------------------------------------------------------------- printed to PDF
CHROMIUM = "/usr/bin/chromium"
# Borders as a stylesheet gives them (the generated pages rely on border=1 alone).
PRINT_CSS = b"<style>table{border-collapse:collapse} td,th{border:1px solid #000;padding:2px;font-size:10pt}</style>"


# Tables on landscape pages of their own (turned_pdf)
LANDSCAPE_CSS = b"<style>@page wide{size:A4 landscape} table{page:wide}</style>"


def printed_pdf(page: bytes, turned: bool = False) -> bytes:
    """An HTML page as Chromium prints it to PDF (A4, no header or footer), as a browser's
    "print to PDF" or a portal's converter does: tables broken across pages, borders redrawn.
    `turned`: the tables on landscape pages, set to be shown turned a quarter (/Rotate 90), so
    their text runs sideways on the page, as wide tables turned to fit portrait paper do."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as work:
        source, target = Path(work) / "page.html", Path(work) / "page.pdf"
        css = PRINT_CSS + (LANDSCAPE_CSS if turned else b"")
        source.write_bytes(page.replace(b"<head>", b"<head>" + css, 1))
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={work}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={target}", source.as_uri()], check=True, capture_output=True, timeout=120)
        data = target.read_bytes()
    return _turn_landscape_pages(data) if turned else data


def _turn_landscape_pages(data: bytes) -> bytes:
    """/Rotate 90 on every landscape page (Chromium's page objects are plain text)."""
    import re

    def turn(page):
        box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", page.group())
        wide = box and float(box.group(1)) > float(box.group(2))
        return page.group().replace(b"/Type /Page\n", b"/Type /Page /Rotate 90\n", 1) if wide else page.group()
    return re.sub(rb"/Type /Page\n.*?endobj", turn, data, flags=re.S)


# Grid styles printed to PDF, kept as fixtures (tests/fixtures/pdf/grid_<name>.pdf, made by
# tests/fixtures/pdf/make_grid_style_pdfs.py): name → (style, report). A report is a seed's
# expectation file, or (edition, number, blanks) of consistent_cells.
PRINTED = {
    # table 四 broken across pages, the next page's borders a few points off the first's
    "wps_combined_2021": ("wps_combined_html", ("2021", 0, 0.15)),
    "transposed_t4_seed_000": ("transposed_t4_html", "seed_000.yaml"),
    "split_columns_2021": ("split_columns_html", ("2021", 0, 0.15)),
    "subtotal_rows_seed_001": ("subtotal_rows_html", "seed_001.yaml"),
    # the tables on their own landscape pages, shown turned: their text runs sideways
    "turned_seed_003": ("word_html", "seed_003.yaml", "turned"),
    "turned_2019": ("official_html", ("2019", 1, 0.7), "turned"),
    # t3's two column parts on turned pages, its header on one page and its rows on the next:
    # the rows are laid out on other columns than that header (read, where they can, without it)
    "turned_split_columns_seed_000": ("split_columns_html", "seed_000.yaml", "turned"),
}
OWN_AGENCY = "青山县人民政府"


def printed_report(report, expected_record) -> tuple[str, str, dict, str, int]:
    """(title, edition, cells, agency, year) of a PRINTED report (`expected_record`: conftest's loader)."""
    if isinstance(report, str):
        expected, cells = expected_record(report)
        return expected["title"], expected["template"], cells, expected["agency"], expected["year"]
    edition, number, blanks = report
    year = 2020 if edition == "2019" else 2022
    return (f"{OWN_AGENCY}{year}年政府信息公开工作年度报告", edition, consistent_cells(edition, number, blanks),
            OWN_AGENCY, year)
