"""The checks on real reports as the parser reads them (tests/fixtures/seeds, corpus)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nianjian.checks import check
from parsers import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def checked(path: Path):
    report = parse(path.read_bytes(), filename=path.name)
    return report, check(report)


def severities(findings, severity):
    return [f for f in findings if f.severity == severity]


def test_seed_000_narrative_contradicts_t4_and_nothing_is_an_error(kit):
    report, findings = checked(kit.seed_path("000"))
    assert report.cells["t4.review.total"] == 16                  # the parse this rests on
    assert severities(findings, "error") == []
    text_table = [f for f in findings if f.rule == "TEXT_TABLE"]
    assert [(f.cells, f.expected, f.actual) for f in text_table] == [
        (["t4.review.total"], 0, 16),
        (["t4.suit_direct.total", "t4.suit_after_review.total"], 0, 17)]
    assert "未引发诉讼及复议" in text_table[0].message_zh
    assert [f.rule for f in severities(findings, "warning")] == ["TEXT_TABLE", "TEXT_TABLE"]


def test_seed_002_is_truncated_and_lacks_section_four(kit):
    report, findings = checked(kit.seed_path("002"))
    rules = {f.rule for f in severities(findings, "error")}
    assert rules == {"TABLE_INCOMPLETE", "SECTION_MISSING"}
    assert [f.expected for f in findings if f.rule == "SECTION_MISSING"] == [4]
    incomplete = {f.cells[0].split(".")[0] for f in findings if f.rule == "TABLE_INCOMPLETE"}
    assert incomplete == {"t3", "t4"}
    # what could not be checked is said, not passed over
    assert {f.rule for f in findings if not f.assessable} >= {"T3_BALANCE", "T4_TOTAL"}


@pytest.mark.parametrize("seed", ["001", "003", "004"])
def test_clean_seeds_have_no_error_and_no_warning(kit, seed):
    report, findings = checked(kit.seed_path(seed))
    assert len(report.cells) == 200                               # the whole 2021 template read
    assert severities(findings, "error") == [] and severities(findings, "warning") == []


def test_hongze_pdf_section_four_totals_printed_as_zero():
    """The real 洪泽区 2023 PDF: 行政复议 parts add up to 11 and 复议后起诉 parts to 5, totals 0."""
    _, findings = checked(FIXTURES / "corpus" / "hongze_2023.pdf")
    t4 = [(f.cells[-1], f.expected, f.actual, f.severity) for f in findings if f.rule == "T4_TOTAL"]
    assert t4 == [("t4.review.total", 11, 0, "error"), ("t4.suit_after_review.total", 5, 0, "error")]
