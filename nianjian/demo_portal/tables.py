"""The three tables of a report as abstract grids (cells with rowspan/colspan), laid out as the
official template prints them. The renderers (markup.py) only decide how a grid is written."""
from __future__ import annotations

from dataclasses import dataclass

from parsers.template import TEMPLATE

from nianjian.demo_portal.content import OUTCOME_ROWS, ReportContent, portal_data

T2_WIDTH = 4            # label column + at most three value columns


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a figure (right-aligned, numeric style in Word exports)


Grid = list[list[Cell]]


def figure(value) -> str:
    """A cell value as an office prints it: blank for None, no trailing .0 on amounts."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _label(labels: list[str]) -> str:
    return labels[0]


def t2_grid(report: ReportContent) -> Grid:
    grid: Grid = []
    for block in TEMPLATE.t2[report.edition]:
        columns = list(block.columns)
        grid.append([Cell(block.caption, colspan=T2_WIDTH)])
        spare = T2_WIDTH - 1 - len(columns)     # the last column stretches over the unused ones
        header = [Cell(portal_data()["layout"]["t2_row_header"])]
        header += [Cell(_label(block.columns[c]), colspan=1 + (spare if i == len(columns) - 1 else 0))
                   for i, c in enumerate(columns)]
        grid.append(header)
        for row, labels in block.rows.items():
            line = [Cell(_label(labels))]
            line += [Cell(figure(report.cells[f"t2.{row}.{c}"]), value=True,
                          colspan=1 + (spare if i == len(columns) - 1 else 0))
                     for i, c in enumerate(columns)]
            grid.append(line)
    return grid


def t3_grid(report: ReportContent) -> Grid:
    layout = portal_data()["layout"]
    columns = list(TEMPLATE.t3_columns)
    org_columns = columns[1:-1]
    grid: Grid = [
        [Cell(layout["t3_note"], rowspan=3, colspan=3), Cell(layout["t3_applicants"], colspan=len(columns))],
        [Cell(_label(TEMPLATE.t3_columns["natural"]), rowspan=2),
         Cell(layout["t3_organisations"], colspan=len(org_columns)),
         Cell(_label(TEMPLATE.t3_columns["total"]), rowspan=2)],
        [Cell(_label(TEMPLATE.t3_columns[c])) for c in org_columns],
    ]
    rows = list(report.t3_rows)
    outcome_rows = [r for r in rows if r in OUTCOME_ROWS or r == "closed_total"]
    group_of = {r: g for g, members in TEMPLATE.t3_groups.items() if g in layout["t3_subgroups"]
                for r in members if r in rows}
    for row in rows:
        values = [Cell(figure(report.cells[f"t3.{row}.{c}"]), value=True) for c in columns]
        label = _label(TEMPLATE.t3_rows[row])
        line: list[Cell] = []
        if row not in outcome_rows:
            line.append(Cell(label, colspan=3))
        else:
            if row == outcome_rows[0]:
                line.append(Cell(layout["t3_outcomes"], rowspan=len(outcome_rows)))
            group = group_of.get(row)
            members = [r for r in rows if group_of.get(r) == group] if group else []
            if group and len(members) > 1:
                if row == members[0]:
                    line.append(Cell(layout["t3_subgroups"][group], rowspan=len(members)))
                line.append(Cell(label))
            else:
                line.append(Cell(label, colspan=2))
        grid.append(line + values)
    return grid


def t4_grid(report: ReportContent) -> Grid:
    layout = portal_data()["layout"]
    parts = list(TEMPLATE.t4_columns)
    width = len(parts)
    review, *suits = TEMPLATE.t4_order
    labels = [Cell(_label(TEMPLATE.t4_columns[c])) for c in parts]
    return [
        [Cell(layout["t4_review"], colspan=width), Cell(layout["t4_suit"], colspan=width * len(suits))],
        [Cell(_label(TEMPLATE.t4_columns[c]), rowspan=2) for c in parts]
        + [Cell(_label(TEMPLATE.t4_rows[s]), colspan=width) for s in suits],
        labels * len(suits),
        [Cell(figure(report.cells[f"t4.{r}.{c}"]), value=True) for r in TEMPLATE.t4_order for c in parts],
    ]


def section_grids(report: ReportContent) -> dict[int, Grid]:
    return {2: t2_grid(report), 3: t3_grid(report), 4: t4_grid(report)}
