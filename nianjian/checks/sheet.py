"""A report's cells as the rules read them: which cells the report's edition and layout
expect, what is present, blank or absent, and how precise each value was written."""
from __future__ import annotations

import re
from functools import cached_property

from parsers.record import Report
from parsers.template import EDITIONS, TEMPLATE

from nianjian.checks.catalogue import CATALOGUE

_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_YUAN = re.compile(r"(?<!万)元")
ABSENT = object()           # a key the parser did not find (distinct from None: a blank cell)


def edition_for_year(year: int | None) -> str | None:
    """Spec §1: 2019 and 2020 → "2019"; 2021 onward → "2021"."""
    if year is None:
        return None
    return "2021" if year >= 2021 else "2019"


def table_of(key: str) -> str:
    return key.split(".", 1)[0]


def in_layout(dropped_rows: dict[str, set[str] | frozenset[str]], key: str) -> bool:
    """Whether a layout that leaves out `dropped_rows` (per table) has the cell `key`."""
    table, row = key.split(".")[:2]
    return row not in dropped_rows.get(table, ())


class Sheet:
    def __init__(self, report: Report):
        self.report = report
        self.cells = report.cells

    @cached_property
    def edition(self) -> str:
        """The template edition the report is written in; when the parser could not tell, the
        one its year prescribes, else the one whose t2 keys it has most of."""
        if self.report.template in EDITIONS:
            return self.report.template
        by_year = edition_for_year(self.report.year)
        if by_year:
            return by_year
        return max(reversed(EDITIONS),
                   key=lambda e: sum(k in self.cells for k in TEMPLATE.t2_keys(e)))

    def get(self, key: str):
        """The value, None for a blank cell, ABSENT for a cell not found or not a number (a
        hand-made record may hold text: VALUE_RANGE reports it, arithmetic cannot use it)."""
        value = self.cells.get(key, ABSENT)
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return value
        return ABSENT

    @cached_property
    def dropped_rows(self) -> dict[str, set[str]]:
        """Per table, rows of the alternative forms (rules.yaml `alternatives`) this report
        does not use: e.g. the three 2021 其他处理 sub-rows when it kept （六）其他处理 as one row."""
        dropped: dict[str, set[str]] = {}
        for table, alternatives in CATALOGUE.rules_data.get("alternatives", {}).items():
            for alternative in alternatives:
                forms = alternative["forms"]
                present = [sum(1 for k in self.cells if table_of(k) == table
                               and k.split(".")[1] in form) for form in forms]
                chosen = (present.index(max(present)) if max(present)
                          else alternative["default"][self.edition])
                dropped.setdefault(table, set()).update(
                    row for i, form in enumerate(forms) if i != chosen for row in form)
        return dropped

    @cached_property
    def layout(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """`dropped_rows`, hashable: reports of one layout expand every identity to the same
        cells, so the arithmetic expands each identity once per layout, not once per report."""
        return tuple(sorted((table, frozenset(rows)) for table, rows in self.dropped_rows.items()))

    def uses(self, key: str) -> bool:
        return in_layout(self.dropped_rows, key)

    def expected_keys(self, table: str) -> list[str]:
        """Every cell the report's edition and layout have in `table`, in printed order."""
        keys = {"t2": lambda: TEMPLATE.t2_keys(self.edition),
                "t3": TEMPLATE.t3_keys, "t4": TEMPLATE.t4_keys}[table]()
        return [k for k in keys if self.uses(k)]

    def tolerance(self, key: str) -> float:
        """Half a unit of the last written digit for 万元 amounts (638.8016 → ±0.00005;
        "251000元" converted to 万元 → ±0.00005); counts are exact."""
        if key not in TEMPLATE.amount_keys:
            return 0.0
        text = self.report.raw_cells.get(key) or str(self.cells.get(key) or "")
        match = _NUMBER.search(text)
        decimals = len(match.group(1) or "") if match else 0
        if _YUAN.search(text):
            decimals += 4
        return 0.5 * 10 ** -decimals
