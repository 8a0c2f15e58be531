"""Shared fixtures for the store tests: a real database file and hand-built reports."""
from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request

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


@pytest.fixture(name="make_report", scope="session")
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


AGENCIES = {"sources": [
    {"id": "jianxi", "url": "http://www.jianxi.gov.cn/zfxxgk/xxgknb/index.html", "agencies": [
        {"name": "涧西区人民政府", "level": "government", "region": "河南省洛阳市涧西区",
         "parent": "洛阳市人民政府"},
        {"name": "涧西区教育局", "level": "department", "region": "河南省洛阳市涧西区",
         "parent": "涧西区人民政府"},
        {"name": "重庆路街道办事处", "level": "township", "region": "河南省洛阳市涧西区",
         "parent": "涧西区人民政府"}]}]}


def expectation(agency, year, status, *, report_id=None, published=None, days_late=None,
                errors=0, deadline=None, first_seen_used=0):
    """A row as the monitor writes it (monitor/ owns these writes; the store only reads them)."""
    return {"agency": agency, "year": year, "deadline": deadline or f"{year + 1}-03-31",
            "status": status, "report_id": report_id, "published": published,
            "days_late": days_late, "first_seen_used": first_seen_used, "errors": errors,
            "updated_at": "2025-04-10T09:00:00+08:00"}


@pytest.fixture
def populated(store):
    """涧西区人民政府 2022 on time and 2023 late with a carry-over break, 涧西区教育局 2023
    inconsistent and 2022 missing, 重庆路街道办事处 2023 missing, 2024 pending."""
    from nianjian.sources import parse_sources
    store.sync_agencies(parse_sources(AGENCIES))
    gov, edu, street = "涧西区人民政府", "涧西区教育局", "重庆路街道办事处"
    gov22 = store.save_report(agency=gov, year=2022, url="http://www.jianxi.gov.cn/2023/t1.html",
                              report=make_report(gov, 2022, carried_out=1, published="2023-03-20"),
                              findings=[], content_hash="g22")
    gov23 = store.save_report(agency=gov, year=2023, url="http://www.jianxi.gov.cn/2024/t2.html",
                              report=make_report(gov, 2023, carried_in=2, published="2024-04-12"),
                              findings=[], content_hash="g23")
    edu23 = store.save_report(agency=edu, year=2023, url="http://www.jianxi.gov.cn/2024/t3.html",
                              report=make_report(edu, 2023, published="2024-01-15"),
                              findings=[error_finding(), error_finding("T4_TOTAL"),
                                        {**error_finding("BLANK_CELLS"), "severity": "info"}],
                              content_hash="e23")
    store.db["expectations"].insert_all([
        expectation(gov, 2022, "on_time", report_id=gov22.report_id, published="2023-03-20"),
        expectation(gov, 2023, "late", report_id=gov23.report_id, published="2024-04-12", days_late=12),
        expectation(gov, 2024, "pending"),
        expectation(edu, 2022, "missing", deadline="2023-01-31"),
        expectation(edu, 2023, "on_time", report_id=edu23.report_id, published="2024-01-15",
                    errors=2, deadline="2024-01-31"),
        expectation(street, 2023, "missing", deadline="2024-01-31"),
    ])
    return {"gov22": gov22.report_id, "gov23": gov23.report_id, "edu23": edu23.report_id}


@contextlib.contextmanager
def _serving(db, port: int, console: list | None = None):
    """`nianjian serve` on 127.0.0.1:port, as a user starts it; yields its base URL once it answers.
    `console`: a list that gets what the server printed on stderr, once it has stopped."""
    server = subprocess.Popen([sys.executable, "-m", "nianjian", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        _, printed = server.communicate(timeout=20)
        if console is not None:
            console.append(printed.decode("utf-8", "replace"))


@pytest.fixture(scope="session")
def serving():
    """serving(db, port) → a context manager running `nianjian serve` on that database."""
    return _serving
