"""Consistent reports of either edition, rendered as flattened text (cells run together).

`consistent_report(rng, edition)` draws values that satisfy every identity of
parsers/spec/identities.yaml (row totals, t3 balance and outcomes, t4 totals); `render_flat`
prints the report as a page copied as plain text would read: the title, prose, section headings,
the tables' captions, headers, group and row labels and values, all run together with random glue
(mostly nothing, sometimes a space or a line break). Labels are drawn from the template's variants.
"""
from __future__ import annotations

import random

from parsers.template import TEMPLATE

T3_PARTS = ["natural", "commercial", "research", "social", "legal", "other_org"]
OUTCOME_ROWS = {
    "2021": ["granted", "partial", *TEMPLATE.t3_groups["withheld"], *TEMPLATE.t3_groups["unavailable"],
             *TEMPLATE.t3_groups["rejected"], "other_no_correction", "other_unpaid_fee", "other_other"],
    "2019": ["granted", "partial", *TEMPLATE.t3_groups["withheld"], *TEMPLATE.t3_groups["unavailable"],
             *TEMPLATE.t3_groups["rejected"], "other_handling"],
}
# Group labels printed before the first row of their group (not rows of the template).
GROUP_BEFORE = {"granted": "三、本年度办理结果", "withheld_secret": "（三）不予公开", "unavailable_not_held": "（四）无法提供",
                "rejected_complaint": "（五）不予处理", "other_no_correction": "（六）其他处理"}
T3_HEADER = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "自然人", "法人或其他组织", "总计",
             "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
T4_HEADER = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉",
             "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
PROSE = ["本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息1200余条。",
         "本报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。", "无。"]


def _count(rng: random.Random) -> int:
    roll = rng.random()
    return 0 if roll < 0.6 else rng.randint(1, 9) if roll < 0.85 else rng.randint(10, 300)


def consistent_report(rng: random.Random, edition: str, blanks: float = 0.05) -> dict[str, object]:
    """Cell key → value, every identity holding. A value is an int/float, or None for a cell
    printed as a placeholder (a blank zero)."""
    cells: dict[str, object] = {}
    outcomes = OUTCOME_ROWS[edition]
    for column in T3_PARTS:
        for row in outcomes:
            cells[f"t3.{row}.{column}"] = _count(rng)
        closed = sum(cells[f"t3.{row}.{column}"] for row in outcomes)
        carried_out = _count(rng)
        carried_in = rng.randint(0, closed + carried_out) if rng.random() < 0.4 else 0
        cells.update({f"t3.closed_total.{column}": closed, f"t3.carried_out.{column}": carried_out,
                      f"t3.carried_in.{column}": carried_in,
                      f"t3.new.{column}": closed + carried_out - carried_in})
    for row in ["new", "carried_in", *outcomes, "closed_total", "carried_out"]:
        cells[f"t3.{row}.total"] = sum(cells[f"t3.{row}.{c}"] for c in T3_PARTS)
    for row in TEMPLATE.t4_order:
        results = [_count(rng) for _ in range(4)]
        cells.update({f"t4.{row}.{c}": v for c, v in zip(TEMPLATE.t4_columns, [*results, sum(results)])})
    for block in TEMPLATE.t2[edition]:
        for key in block.keys():
            if key in TEMPLATE.amount_keys:
                cells[key] = rng.choice([0, round(rng.uniform(0, 5000), rng.randint(0, 4))])
            elif key.endswith(".change"):
                cells[key] = rng.randint(-9, 9)
            else:
                cells[key] = _count(rng)
    # Some zeros printed as a placeholder: blank cells, which the identities read as 0.
    for key, value in cells.items():
        if value == 0 and rng.random() < blanks:
            cells[key] = None
    return cells


def _printed(value, rng: random.Random, signed: bool = False, *, unprinted: float = 0.0) -> str:
    """A value as printed; a blank as a placeholder, or (with probability `unprinted`) as
    nothing at all: an empty cell leaves no trace in flattened text."""
    if value is None:
        return "" if rng.random() < unprinted else rng.choice(["—", "/"])
    if signed and value > 0 and rng.random() < 0.3:
        return f"+{value}"
    return str(value)


def render_flat(cells: dict[str, object], edition: str, rng: random.Random, *, agency: str = "某县人民政府",
                year: int | None = None, unprinted: float = 0.0, stray: float = 0.0) -> str:
    """The report as flattened text. `unprinted`: the share of blank cells printed as nothing;
    `stray`: the share of t3 rows printing a spurious 0 cell between two of their cells (a grid
    with one cell too many, copied as text)."""
    year = year or (2021 if edition == "2021" else 2020)

    def printed(key: str) -> str:
        return _printed(cells[key], rng, key.endswith(".change"), unprinted=unprinted)

    tokens: list[str] = [f"{agency}{year}年政府信息公开工作年度报告"]
    tokens += ["一、总体情况", PROSE[0], PROSE[1].format(year=year), "二、主动公开政府信息情况"]
    for block in TEMPLATE.t2[edition]:
        tokens += [block.caption, "信息内容"] + [rng.choice(names) for names in block.columns.values()]
        for row, names in block.rows.items():
            tokens.append(rng.choice(names))
            tokens += [printed(f"t2.{row}.{column}") for column in block.columns]
    tokens += ["三、收到和处理政府信息公开申请情况", *T3_HEADER]
    for row in ["new", "carried_in", *OUTCOME_ROWS[edition], "closed_total", "carried_out"]:
        if row in GROUP_BEFORE:
            tokens.append(GROUP_BEFORE[row])
        tokens.append(rng.choice(TEMPLATE.t3_rows[row]))
        values = [printed(f"t3.{row}.{column}") for column in TEMPLATE.t3_columns]
        if stray and rng.random() < stray:
            values.insert(rng.randint(1, len(values) - 1), "0")
        tokens += values
    tokens += ["四、政府信息公开行政复议、行政诉讼情况", *T4_HEADER]
    tokens += [printed(key) for key in TEMPLATE.t4_keys()]
    tokens += ["五、存在的主要问题及改进情况", PROSE[0], "六、其他需要报告的事项", PROSE[2]]
    glue = ["", "", "", "", " ", "\n"]
    return "".join(token + rng.choice(glue) for token in tokens)
