"""Views that read like the printed tables, built from the template data (parsers/spec/template.yaml).

Every view reads the *current* version of each report. They are derived objects: schema.py
recreates any whose SQL changed when a database is opened. The table views look each value up by
its primary key rather than pivoting with GROUP BY, which would aggregate every cell of the
database before returning the first row (seconds at a few thousand reports).
"""
from __future__ import annotations

from parsers.template import TEMPLATE


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(key: str, alias: str) -> str:
    """One value looked up by its full primary key: a view over millions of cells stays a
    string of index lookups, and a first page or one report's rows come back at once."""
    return f"(SELECT value FROM cells WHERE version_id = r.current_version AND key = {key}) AS {alias}"


def _has_cells(prefix: str) -> str:
    """Any cell whose key starts with `prefix` + '.', as a key range ('/' sorts right after '.')."""
    return (f"EXISTS (SELECT 1 FROM cells WHERE version_id = r.current_version "
            f"AND key > {prefix} || '.' AND key < {prefix} || '/')")


def _t3_table() -> str:
    order = ", ".join(f"({i}, {_quote(row)}, {_quote(labels[0])})"
                      for i, (row, labels) in enumerate(TEMPLATE.t3_rows.items(), start=1))
    columns = ",\n  ".join(_cell(f"'t3.' || o.row || {_quote('.' + col)}", col)
                           for col in TEMPLATE.t3_columns)
    return f"""WITH t3_rows(position, row, label) AS (VALUES {order})
SELECT r.id AS report_id, r.agency, r.year, o.position, o.row, o.label,
  {columns}
FROM reports r CROSS JOIN t3_rows o
WHERE {_has_cells("'t3.' || o.row")}"""


def _t4_table() -> str:
    columns = ",\n  ".join(_cell(_quote(f"t4.{row}.{col}"), f"{row}_{col}")
                           for row in TEMPLATE.t4_order for col in TEMPLATE.t4_columns)
    return f"""SELECT r.id AS report_id, r.agency, r.year,
  {columns}
FROM reports r
WHERE {_has_cells("'t4'")}"""


# One row per expected (agency, year) from the monitor's `expectations`, plus reports the monitor
# has not assessed yet (status 'unassessed'), so a database filled only by `nianjian ingest`
# still shows what it holds. An unsure one (待核实) shows the document that may be it.
_AGENCY_YEAR_STATUS = """SELECT e.agency, a.level, a.region, e.year, e.deadline, e.status,
  e.published, e.days_late, e.first_seen_used, COALESCE(r.errors, e.errors) AS errors,
  r.warnings, r.error_rules, e.report_id,
  COALESCE(r.title, json_extract(e.review, '$[0].title')) AS title,
  COALESCE(r.url, json_extract(e.review, '$[0].url')) AS url, e.updated_at, r.parse_status
FROM expectations e
LEFT JOIN agencies a ON a.name = e.agency
LEFT JOIN reports r ON r.id = e.report_id
UNION ALL
SELECT r.agency, a.level, a.region, r.year, NULL, 'unassessed',
  r.published, NULL, 0, r.errors, r.warnings, r.error_rules, r.id, r.title, r.url, r.last_seen,
  r.parse_status
FROM reports r
LEFT JOIN agencies a ON a.name = r.agency
WHERE NOT EXISTS (SELECT 1 FROM expectations e WHERE e.agency = r.agency AND e.year = r.year)"""

_CURRENT_FINDINGS = """SELECT f.id, f.report_id, r.agency, r.year, f.rule, f.severity, f.cells,
  f.expected, f.actual, f.message_zh, f.message_en, f.assessable, r.title, r.url
FROM findings f
JOIN reports r ON r.id = f.report_id AND r.current_version = f.version_id"""

# t3.carried_in of year N against t3.carried_out of year N-1 (the 7 columns as JSON arrays kept
# on `reports`, so this stays one indexed join at any size).
_CARRY_OVER_BREAKS = """SELECT r.agency, r.year, r.carried_in, p.carried_out AS previous_carried_out,
  r.id AS report_id, p.id AS previous_report_id, r.title
FROM reports r
JOIN reports p ON p.agency = r.agency AND p.year = r.year - 1
WHERE r.carried_in IS NOT NULL AND p.carried_out IS NOT NULL AND r.carried_in != p.carried_out"""

VIEWS: dict[str, str] = {
    "t3_table": _t3_table(),
    "t4_table": _t4_table(),
    "agency_year_status": _AGENCY_YEAR_STATUS,
    "current_findings": _CURRENT_FINDINGS,
    "carry_over_breaks": _CARRY_OVER_BREAKS,
}
