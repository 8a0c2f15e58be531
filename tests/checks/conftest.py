"""Reports built by hand from the real seeds (tests/fixtures/seeds), cell by cell, so the
checks can be tested without the parser, plus helpers to derive variants of them."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from parsers.record import Report
from parsers.template import TEMPLATE

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
T3_COLUMNS = list(TEMPLATE.t3_columns)
T3_2021_ROWS = [r for r in TEMPLATE.t3_rows if r != "other_handling"]
T3_2019_ROWS = [r for r in TEMPLATE.t3_rows
                if r not in ("other_no_correction", "other_unpaid_fee", "other_other")]


def seed_path(number: str) -> Path:
    return next(SEEDS.glob(f"{number}_*.txt"))


def seed_narrative(number: str) -> str:
    """The prose of a seed: its lines that are not table rows (tabs or pipes)."""
    lines = seed_path(number).read_text("utf-8").splitlines()
    return "\n".join(l for l in lines if l.strip() and "\t" not in l and "|" not in l)


def t3_cells(natural: dict[str, int], rows=T3_2021_ROWS) -> dict[str, int]:
    """t3 where only 自然人 has requests: every other applicant column 0, 总计 = 自然人."""
    cells = {}
    for row in rows:
        for column in T3_COLUMNS:
            value = natural.get(row, 0) if column in ("natural", "total") else 0
            cells[f"t3.{row}.{column}"] = value
    return cells


def t4_cells(review, suit_direct, suit_after_review) -> dict[str, int]:
    cells = {}
    for row, values in (("review", review), ("suit_direct", suit_direct),
                        ("suit_after_review", suit_after_review)):
        for column, value in zip(TEMPLATE.t4_columns, values):
            cells[f"t4.{row}.{column}"] = value
    return cells


def seed_000() -> Report:
    """涧西区人民政府2021年 (seed 000), every value typed from the seed text."""
    cells = {
        "t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
        "t2.normative.issued": 2, "t2.normative.repealed": 0, "t2.normative.in_force": 36,
        "t2.licensing.decisions": 14053,
        "t2.penalty.decisions": 1818, "t2.coercion.decisions": 236,
        "t2.fees.amount": 638.8016,
    }
    cells.update(t3_cells({"new": 54, "carried_in": 2, "granted": 33, "partial": 9,
                           "withheld_process": 6, "unavailable_not_held": 4,
                           "rejected_excessive": 2, "closed_total": 54, "carried_out": 2}))
    cells.update(t4_cells((9, 5, 0, 2, 16), (6, 4, 1, 0, 11), (2, 3, 0, 1, 6)))
    return Report(agency="涧西区人民政府", year=2021,
                  title="涧西区人民政府2021年政府信息公开工作年度报告", template="2021",
                  sections=[1, 2, 3, 4, 5, 6], cells=cells,
                  raw_cells={"t2.fees.amount": "638.8016"}, narrative=seed_narrative("000"))


def spread_report() -> Report:
    """A consistent 2021 report with requests in every column and every outcome group, and
    no cell equal to its neighbours by accident (built from seed 000's shape)."""
    report = seed_000()
    # per column: outcome values; totals are derived below and checked by the rules
    outcomes = {
        "natural":    {"granted": 20, "partial": 7, "withheld_law": 1, "unavailable_to_make": 3,
                       "rejected_repeat": 2, "other_unpaid_fee": 1},
        "commercial": {"granted": 5, "partial": 2, "withheld_third_party": 1, "other_other": 1},
        "research":   {"granted": 2, "unavailable_unclear": 1},
        "social":     {"granted": 1, "rejected_complaint": 1},
        "legal":      {"granted": 3, "partial": 1, "other_no_correction": 1},
        "other_org":  {"granted": 1, "withheld_secret": 1},
    }
    carried = {"natural": (3, 4), "commercial": (1, 0), "research": (0, 1), "social": (2, 1),
               "legal": (0, 2), "other_org": (1, 1)}        # (carried_in, carried_out)
    cells = {}
    for column, values in outcomes.items():
        closed = sum(values.values())
        carried_in, carried_out = carried[column]
        column_cells = {row: values.get(row, 0) for row in T3_2021_ROWS}
        column_cells.update(closed_total=closed, carried_in=carried_in, carried_out=carried_out,
                            new=closed + carried_out - carried_in)
        cells.update({f"t3.{row}.{column}": v for row, v in column_cells.items()})
    for row in T3_2021_ROWS:
        cells[f"t3.{row}.total"] = sum(cells[f"t3.{row}.{c}"] for c in outcomes)
    report.cells.update(cells)
    report.narrative = ""
    return report


@pytest.fixture
def consistent():
    return seed_000()


@pytest.fixture
def spread():
    return spread_report()


def variant(report: Report, **changes) -> Report:
    """A deep copy of `report` with attributes replaced; `cells=` entries are merged."""
    out = copy.deepcopy(report)
    for name, value in changes.items():
        if name == "cells":
            out.cells.update(value)
        else:
            setattr(out, name, value)
    return out


@pytest.fixture(scope="session")
def kit():
    """The builders above, for test modules (with --import-mode=importlib they cannot import
    conftest)."""
    from types import SimpleNamespace
    return SimpleNamespace(seed_000=seed_000, spread_report=spread_report, variant=variant,
                           t3_cells=t3_cells, t4_cells=t4_cells, seed_narrative=seed_narrative,
                           seed_path=seed_path, T3_2019_ROWS=T3_2019_ROWS, T3_2021_ROWS=T3_2021_ROWS)
