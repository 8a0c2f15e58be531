"""Shared fixtures for the store tests: a real database file and hand-built reports."""
from __future__ import annotations

import pytest

from nianjian.store import Store
from parsers.record import Problem, Report
from parsers.template import TEMPLATE

T3_COLUMNS = list(TEMPLATE.t3_columns)


def t3_row(row: str, values: list) -> dict:
    return {f"t3.{row}.{col}": value for col, value in zip(T3_COLUMNS, values)}


def make_report(agency: str = "涧西区人民政府", year: int = 2023, *, new: int = 10,
                carried_in: int = 2, carried_out: int = 1, narrative: str | None = None,
                published: str | None = "2024-01-20") -> Report:
    """A small but consistent report: t3 balance holds for the natural column."""
    granted = new + carried_in - carried_out
    cells = {}
    cells.update(t3_row("new", [new, 0, 0, 0, 0, 0, new]))
    cells.update(t3_row("carried_in", [carried_in, 0, 0, 0, 0, 0, carried_in]))
    cells.update(t3_row("granted", [granted, 0, 0, 0, 0, 0, granted]))
    cells.update(t3_row("closed_total", [granted, 0, 0, 0, 0, 0, granted]))
    cells.update(t3_row("carried_out", [carried_out, 0, 0, 0, 0, 0, carried_out]))
    cells.update({key: 0 for key in TEMPLATE.t4_keys()})
    cells["t4.review.upheld"] = cells["t4.review.total"] = 1
    cells["t2.fees.amount"] = 638.8016
    cells["t3.new.research"] = None          # printed as "/" (a blank, not a zero)
    raw = {key: ("/" if value is None else str(value)) for key, value in cells.items()}
    return Report(
        agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告",
        template="2021", published=published, sections=[1, 2, 3, 4, 5, 6], cells=cells,
        problems=[Problem("BLANK_CELL", "t3.new.research printed as /")], raw_cells=raw,
        narrative=narrative or f"{year}年，{agency}深入贯彻落实《政府信息公开条例》，共受理申请{new}件。",
    )


def error_finding(rule: str = "T3_BALANCE") -> dict:
    return {"rule": rule, "severity": "error", "cells": ["t3.new.total", "t3.carried_in.total"],
            "expected": 12, "actual": 11, "message_zh": "第三部分结转不平衡",
            "message_en": "t3 does not balance"}


@pytest.fixture(name="make_report")
def make_report_fixture():
    return make_report


@pytest.fixture(name="error_finding")
def error_finding_fixture():
    return error_finding


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "nianjian.db"


@pytest.fixture
def store(db_path):
    with Store(db_path) as opened:
        yield opened
