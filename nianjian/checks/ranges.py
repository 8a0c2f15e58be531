"""VALUE_RANGE: counts are non-negative integers, 万元 amounts non-negative, 本年增/减 signed."""
from __future__ import annotations

from parsers.template import EDITIONS, TEMPLATE

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, finding
from nianjian.checks.sheet import Sheet

_KNOWN = frozenset(k for e in EDITIONS for k in TEMPLATE.cell_keys(e))


def kind_of(key: str) -> str:
    if key in TEMPLATE.amount_keys:
        return "amount"
    if key.split(".")[-1] in TEMPLATE.signed_columns:
        return "change"
    return "count"


def _in_range(kind: str, value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if kind == "amount":
        return value >= 0
    integral = float(value).is_integer()
    return integral if kind == "change" else integral and value >= 0


def value_range(sheet: Sheet) -> list[Finding]:
    findings = []
    for key, value in sheet.cells.items():
        if value is None or key not in _KNOWN:
            continue
        kind = kind_of(key)
        if not _in_range(kind, value):
            zh, en = CATALOGUE.rules_data["ranges"][kind]
            findings.append(finding(
                "VALUE_RANGE", cells=[key], expected=kind, actual=value, cell=key,
                text=sheet.report.raw_cells.get(key, value), kind_zh=zh, kind_en=en))
    return findings
