"""One agency year by year (`/-/agency/<name>`): its status per year and small charts of what its
reports say — applications received, their outcomes, 复议 and 诉讼 with how many were corrected.
A year without a report, or a cell nianjian could not read, has no bar: never a guessed zero."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from nianjian.browse.grid import Cell, load_grid, query_rows
from nianjian.browse.report import WORDS
from parsers.template import TEMPLATE

# Outcome groups of t3, in printed order, and their colours in the outcomes chart.
_OUTCOME_COLOURS = ("#2e9d5b", "#8bc34a", "#c62828", "#e0a100", "#7b3fa0", "#9aa1a9")


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[float | None]           # one per year; None: no report or the cell was not read


@dataclass
class Chart:
    title: str
    years: list[int]
    series: list[Series]
    stacked: bool = True

    def total(self, i: int) -> float | None:
        values = [s.values[i] for s in self.series if s.values[i] is not None]
        if not values:
            return None
        return sum(values) if self.stacked else max(values)

    @property
    def top(self) -> float:
        return max([t for i in range(len(self.years)) if (t := self.total(i))] or [1])


@dataclass
class AgencyView:
    name: str
    years: list[int]
    cells: dict[int, Cell]                   # year → the status grid's cell
    reports: dict[int, int] = field(default_factory=dict)   # year → report id
    charts: list[Chart] = field(default_factory=list)


def _sum(cells: dict[str, float | None], keys: list[str]) -> float | None:
    """The sum of the cells read (blanks as 0); None when none of them was read."""
    found = [cells[k] for k in keys if k in cells]
    return sum(v or 0 for v in found) if found else None


def load_agency(conn: sqlite3.Connection, name: str) -> AgencyView | None:
    grid = load_grid(conn, name=name)
    if name not in grid.agencies:
        return None
    cells = {year: cell for (agency, year), cell in grid.cells.items() if agency == name}
    reports = {row["year"]: row["id"] for row in query_rows(
        conn, "SELECT id, year FROM reports WHERE agency = ? ORDER BY year", [name])}
    years = sorted(set(cells) | set(reports))
    values: dict[int, dict[str, float | None]] = {year: {} for year in years}
    for row in query_rows(conn, "SELECT r.year, c.key, c.value FROM reports r JOIN cells c "
                                "ON c.version_id = r.current_version WHERE r.agency = ? AND c.tbl IN ('t3', 't4')",
                          [name]):
        values[row["year"]][row["key"]] = row["value"]
    return AgencyView(name, years, cells, reports, _charts(years, values))


def _charts(years: list[int], values: dict[int, dict]) -> list[Chart]:
    words = WORDS["agency"]

    def series(label: str, colour: str, keys: list[str]) -> Series:
        return Series(label, colour, [_sum(values[y], keys) for y in years])

    groups = TEMPLATE.t3_groups
    outcomes = []
    for outcome, colour in zip(groups["outcomes"], _OUTCOME_COLOURS):
        rows = groups.get(outcome, [outcome])
        label = WORDS["t3"]["groups"].get(outcome) or TEMPLATE.t3_rows[outcome][0]
        outcomes.append(series(label, colour, [f"t3.{r}.total" for r in rows]))
    suits = TEMPLATE.t4_order[1:]
    return [
        Chart(words["received"], years, [series(words["new"], "#4f7fb8", ["t3.new.total"])]),
        Chart(words["outcomes"], years, outcomes),
        Chart(words["review"], years, [series(words["total"], "#4f7fb8", ["t4.review.total"]),
                                       series(words["corrected"], "#c62828", ["t4.review.corrected"])],
              stacked=False),
        Chart(words["suit"], years, [series(words["total"], "#4f7fb8", [f"t4.{r}.total" for r in suits]),
                                     series(words["corrected"], "#c62828", [f"t4.{r}.corrected" for r in suits])],
              stacked=False),
    ]
