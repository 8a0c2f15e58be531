"""Properties over generated reports: no consistent report yields an error, and any single
changed t3/t4 cell yields an error naming it (hypothesis draws the figures)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from nianjian.checks import check
from parsers.record import Report
from parsers.template import TEMPLATE

APPLICANTS = [c for c in TEMPLATE.t3_columns if c != "total"]
OUTCOME_ROWS_2021 = [r for r in TEMPLATE.t3_rows if r not in
                     ("new", "carried_in", "closed_total", "carried_out", "other_handling")]
OUTCOME_ROWS_2019 = [r for r in TEMPLATE.t3_rows if r not in
                     ("new", "carried_in", "closed_total", "carried_out", "other_no_correction",
                      "other_unpaid_fee", "other_other")]
count = st.integers(min_value=0, max_value=500)


@st.composite
def consistent_reports(draw):
    template = draw(st.sampled_from(["2019", "2021"]))
    year = 2020 if template == "2019" else draw(st.integers(2021, 2025))
    outcome_rows = OUTCOME_ROWS_2019 if template == "2019" else OUTCOME_ROWS_2021
    cells = {k: draw(count) for k in TEMPLATE.t2_keys(template)}
    for column in APPLICANTS:
        outcomes = {row: draw(count) for row in outcome_rows}
        carried_in, carried_out = draw(count), draw(count)
        closed = sum(outcomes.values())
        extra = draw(st.integers(0, closed + carried_out))      # new >= 0 whatever carried_in is
        carried_in = min(carried_in, extra)
        new = closed + carried_out - carried_in
        values = {**outcomes, "closed_total": closed, "carried_in": carried_in,
                  "carried_out": carried_out, "new": new}
        cells.update({f"t3.{row}.{column}": v for row, v in values.items()})
    for row in outcome_rows + ["new", "carried_in", "closed_total", "carried_out"]:
        cells[f"t3.{row}.total"] = sum(cells[f"t3.{row}.{c}"] for c in APPLICANTS)
    for row in TEMPLATE.t4_order:
        parts = {c: draw(count) for c in ("upheld", "corrected", "other", "pending")}
        cells.update({f"t4.{row}.{c}": v for c, v in parts.items()})
        cells[f"t4.{row}.total"] = sum(parts.values())
    return Report(agency="某区人民政府", year=year, title=f"某区人民政府{year}年政府信息公开工作年度报告",
                  template=template, sections=[1, 2, 3, 4, 5, 6], cells=cells)


@settings(max_examples=150, deadline=None)
@given(consistent_reports(), st.data())
def test_no_consistent_report_yields_an_error(report, data):
    assert [f for f in check(report) if f.severity == "error"] == []
    # real reports often leave zeros blank: still consistent, only BLANK_CELLS says so
    zeros = sorted(k for k, v in report.cells.items() if v == 0 and not k.startswith("t2."))
    if zeros:
        for key in data.draw(st.lists(st.sampled_from(zeros), min_size=1, unique=True)):
            report.cells[key] = None
        findings = check(report)
        assert [f.rule for f in findings] == ["BLANK_CELLS"]


@settings(max_examples=150, deadline=None)
@given(consistent_reports(), st.data())
def test_any_single_changed_cell_is_an_error_naming_it(report, data):
    key = data.draw(st.sampled_from(sorted(k for k in report.cells if k.startswith(("t3.", "t4.")))))
    delta = data.draw(st.integers(1, 50))
    report.cells[key] += delta
    assert any(key in f.cells for f in check(report) if f.severity == "error")
