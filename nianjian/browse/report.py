"""One report as evidence: its tables laid out like the printed national template, the failing
cells marked with their findings, the narrative, the versions, and what changed between two
versions. One layout (`printed_sections`) serves the report page, the changes page and exports.
"""
from __future__ import annotations

import difflib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable

import yaml

from nianjian.browse.grid import STATES, query_rows
from nianjian.checks.catalogue import CATALOGUE
from parsers.template import EDITIONS, TEMPLATE

WORDS: dict = yaml.safe_load(
    resources.files("nianjian.browse").joinpath("report.yaml").read_text("utf-8"))
# Findings of these severities mark their cells; an info finding (e.g. the list of blank cells)
# is not a fault of those cells.
_MARKING = ("error", "warning")


# ---------------------------------------------------------------- cells and their layout
@dataclass(frozen=True)
class CellValue:
    value: Any
    raw: str | None

    @property
    def text(self) -> str:
        return format_value(self.value)


def format_value(value: Any) -> str:
    """A number as a reader writes it: 12, 638.8016 (no 12.0, no exponent); a blank is empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass(frozen=True)
class Label:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"


@dataclass(frozen=True)
class Slot:
    """One value cell of the printed table: what this version holds (None: nianjian did not
    read the cell), and on the changes page what the older version held."""
    key: str
    now: CellValue | None
    before: CellValue | None = None
    compared: bool = False
    marks: tuple[int, ...] = ()
    kind: str = "value"

    @property
    def changed(self) -> bool:
        return self.compared and self.before != self.now

    @property
    def label(self) -> str:
        return cell_label(self.key)


@dataclass(frozen=True)
class PrintedTable:
    caption: str | None
    head: list[list[Label]]
    rows: list[list[Label | Slot]]

    def slots(self) -> list[Slot]:
        return [item for row in self.rows for item in row if item.kind == "value"]


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    tables: list[PrintedTable]

    @property
    def table(self) -> str:
        return f"t{self.number}"

    def slots(self) -> list[Slot]:
        return [slot for table in self.tables for slot in table.slots()]


def cell_label(key: str) -> str:
    """A cell key in the template's words: t3.closed_total.natural → 表三「（七）总计·自然人」."""
    table, _, rest = key.partition(".")
    row, _, column = rest.partition(".")
    if table == "t3" and row in TEMPLATE.t3_rows and column in TEMPLATE.t3_columns:
        words = (TEMPLATE.t3_rows[row][0], TEMPLATE.t3_columns[column][0])
    elif table == "t4" and row in TEMPLATE.t4_rows and column in TEMPLATE.t4_columns:
        words = (TEMPLATE.t4_rows[row][0], TEMPLATE.t4_columns[column][0])
    else:
        found = [(labels[0], block.columns[column][0]) for blocks in TEMPLATE.t2.values() for block in blocks
                 for r, labels in block.rows.items() if table == "t2" and r == row and column in block.columns]
        if not found:
            return key
        words = found[0]
    return WORDS["cell"].format(table=WORDS["tables"][table], row=words[0], column=words[1])


def edition_of(template: str | None, keys: set[str]) -> str:
    """The report's template edition; a report without one is laid out by the t2 keys it has."""
    if template in EDITIONS:
        return template
    return max(reversed(EDITIONS), key=lambda e: len(keys & set(TEMPLATE.t2_keys(e))))


def _t2_tables(edition: str, slot: Callable[[str], Slot]) -> list[PrintedTable]:
    tables = []
    for block in TEMPLATE.t2[edition]:
        head = [[Label(WORDS["t2"]["row_header"]),
                 *(Label(labels[0]) for labels in block.columns.values())]]
        rows = [[Label(labels[0]), *(slot(f"t2.{row}.{col}") for col in block.columns)]
                for row, labels in block.rows.items()]
        tables.append(PrintedTable(block.caption, head, rows))
    return tables


def _other_rows(edition: str, keys: set[str]) -> list[str]:
    """（六）其他处理: three sub-rows in the 2021 edition, one row in 2019 and in the 2021
    reports that kept it: whichever the report printed."""
    split = [r for r in TEMPLATE.t3_groups["other"] if r != "other_handling"]
    if any(f"t3.{r}.{c}" in keys for r in split for c in TEMPLATE.t3_columns):
        return split
    if any(f"t3.other_handling.{c}" in keys for c in TEMPLATE.t3_columns) or edition == "2019":
        return ["other_handling"]
    return split


def _t3_table(edition: str, keys: set[str], slot: Callable[[str], Slot]) -> PrintedTable:
    words = WORDS["t3"]
    columns = TEMPLATE.t3_columns
    organisations = [c for c in columns if c not in ("natural", "total")]
    head = [
        [Label(words["corner"], rowspan=3, colspan=3), Label(words["applicants"], colspan=len(columns))],
        [Label(columns["natural"][0], rowspan=2), Label(words["organisations"], colspan=len(organisations)),
         Label(columns["total"][0], rowspan=2)],
        [Label(columns[c][0]) for c in organisations],
    ]

    def values(row: str) -> list[Slot]:
        return [slot(f"t3.{row}.{col}") for col in columns]

    def label(row: str) -> str:
        return TEMPLATE.t3_rows[row][0]

    # The outcome block: each outcome is a plain row or a labelled group of rows.
    outcome_rows: list[list[Label | Slot]] = []
    for outcome in TEMPLATE.t3_groups["outcomes"]:
        if outcome not in words["groups"]:
            outcome_rows.append([Label(label(outcome), colspan=2), *values(outcome)])
            continue
        members = _other_rows(edition, keys) if outcome == "other" else TEMPLATE.t3_groups[outcome]
        if members == ["other_handling"]:
            outcome_rows.append([Label(label("other_handling"), colspan=2), *values("other_handling")])
            continue
        for i, row in enumerate(members):
            group = [Label(words["groups"][outcome], rowspan=len(members))] if i == 0 else []
            outcome_rows.append([*group, Label(label(row)), *values(row)])
    outcome_rows.append([Label(label("closed_total"), colspan=2), *values("closed_total")])
    outcome_rows[0].insert(0, Label(words["results"], rowspan=len(outcome_rows)))

    rows = [[Label(label(row), colspan=3), *values(row)] for row in ("new", "carried_in")]
    rows += outcome_rows
    rows.append([Label(label("carried_out"), colspan=3), *values("carried_out")])
    return PrintedTable(None, head, rows)


def _t4_table(slot: Callable[[str], Slot]) -> PrintedTable:
    words = WORDS["t4"]
    columns = TEMPLATE.t4_columns
    suits = TEMPLATE.t4_order[1:]
    head = [
        [Label(words["review"], colspan=len(columns)), Label(words["suit"], colspan=len(columns) * len(suits))],
        [*(Label(labels[0], rowspan=2) for labels in columns.values()),
         *(Label(TEMPLATE.t4_rows[row][0], colspan=len(columns)) for row in suits)],
        [Label(labels[0]) for _ in suits for labels in columns.values()],
    ]
    rows = [[slot(f"t4.{row}.{col}") for row in TEMPLATE.t4_order for col in columns]]
    return PrintedTable(None, head, rows)


def printed_sections(edition: str, keys: set[str], slot: Callable[[str], Slot]) -> list[Section]:
    """Sections 二, 三 and 四 as printed; `slot(key)` gives each value cell."""
    def title(number: int) -> str:
        return WORDS["numerals"][number - 1] + "、" + TEMPLATE.sections[number][0]
    return [Section(2, title(2), _t2_tables(edition, slot)),
            Section(3, title(3), [_t3_table(edition, keys, slot)]),
            Section(4, title(4), [_t4_table(slot)])]


# ---------------------------------------------------------------- one report, from the database
@dataclass
class ReportView:
    report: dict
    version: dict                          # the version shown
    versions: list[dict]
    cells: dict[str, CellValue]
    findings: list[dict]                   # numbered from 1, with cells/expected/actual decoded
    problems: list[dict]
    status: dict | None = None
    portal: str | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.version["id"] == self.report["current_version"]

    def findings_for(self, section: Section) -> list[dict]:
        prefix = section.table + "."
        return [f for f in self.findings if any(c.startswith(prefix) for c in f["cells"])]

    @property
    def status_words(self) -> str | None:
        if not self.status:
            return None
        state = STATES.get(self.status["status"]) or STATES["none"]
        return state["zh"]


def _decode(text: str | None) -> Any:
    return json.loads(text) if text else None


def version_cells(conn: sqlite3.Connection, version_id: int) -> dict[str, CellValue]:
    return {row["key"]: CellValue(row["value"], row["raw"]) for row in query_rows(
        conn, "SELECT key, value, raw FROM cells WHERE version_id = ?", [version_id])}


def versions_of(conn: sqlite3.Connection, report_id: int) -> list[dict]:
    return [dict(row) for row in query_rows(
        conn, "SELECT id, version, title, url, published, template, narrative, problems, cell_count, "
              "content_hash, first_seen, last_seen FROM report_versions WHERE report_id = ? "
              "ORDER BY version", [report_id])]


def load_report(conn: sqlite3.Connection, report_id: int, version: int | None = None) -> ReportView | None:
    """The report with one of its versions (the current one by default), or None."""
    found = query_rows(conn, "SELECT * FROM reports WHERE id = ?", [report_id])
    if not found:
        return None
    report = dict(found[0])
    versions = versions_of(conn, report_id)
    chosen = [v for v in versions if (v["version"] == version if version else v["id"] == report["current_version"])]
    if not chosen:
        return None
    shown = chosen[0]
    cells = version_cells(conn, shown["id"])
    findings = []
    for number, row in enumerate(query_rows(
            conn, "SELECT rule, severity, cells, expected, actual, message_zh, message_en, assessable "
                  "FROM findings WHERE version_id = ? ORDER BY id", [shown["id"]]), start=1):
        findings.append({**dict(row), "number": number, "cells": _decode(row["cells"]) or [],
                         "expected": _decode(row["expected"]), "actual": _decode(row["actual"])})
    marks: dict[str, list[int]] = {}
    for f in findings:
        if f["severity"] in _MARKING and f["assessable"]:
            for key in f["cells"]:
                marks.setdefault(key, []).append(f["number"])
    status = query_rows(conn, "SELECT * FROM agency_year_status WHERE agency = ? AND year = ?",
                        [report["agency"], report["year"]])
    agency = query_rows(conn, "SELECT portal_urls FROM agencies WHERE name = ?", [report["agency"]])
    portals = _decode(agency[0]["portal_urls"]) if agency else None
    view = ReportView(report=report, version=shown, versions=versions, cells=cells,
                      findings=findings, problems=_decode(shown["problems"]) or [],
                      status=dict(status[0]) if status else None,
                      portal=portals[0] if portals else None)
    view.sections = printed_sections(
        edition_of(shown["template"], set(cells)), set(cells),
        lambda key: Slot(key, cells.get(key), marks=tuple(marks.get(key, ()))))
    return view


# The rules that compare two sums (rules.yaml identities); others' expected/actual are no sums.
_IDENTITIES = frozenset(identity["rule"] for identity in CATALOGUE.identities)


def sums(finding: dict) -> str | None:
    """Both sides of a failing identity as numbers."""
    expected, actual = finding["expected"], finding["actual"]
    if finding["rule"] in _IDENTITIES and finding["assessable"] \
            and isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return WORDS["labels"]["sums"].format(expected=format_value(expected), actual=format_value(actual))
    return None


# ---------------------------------------------------------------- what changed between two versions
@dataclass(frozen=True)
class TextPiece:
    kind: str          # same | inserted | deleted
    text: str


@dataclass
class Changes:
    report: dict
    versions: list[dict]
    old: dict
    new: dict
    sections: list[Section]
    changed_cells: int
    narrative: list[TextPiece]
    title_changed: bool

    @property
    def narrative_changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.narrative)


def load_changes(conn: sqlite3.Connection, report_id: int, old: int | None = None,
                 new: int | None = None) -> Changes | None:
    """Version `old` against version `new` (default: the current version against the one
    before it). None if the report or a version does not exist."""
    found = query_rows(conn, "SELECT * FROM reports WHERE id = ?", [report_id])
    if not found:
        return None
    report = dict(found[0])
    versions = versions_of(conn, report_id)
    by_number = {v["version"]: v for v in versions}
    current = next((v for v in versions if v["id"] == report["current_version"]), versions[-1])
    newer = by_number.get(new) if new else current
    if newer is None:
        return None
    older = by_number.get(old) if old else by_number.get(newer["version"] - 1, newer)
    if older is None:
        return None
    before, after = version_cells(conn, older["id"]), version_cells(conn, newer["id"])
    keys = set(before) | set(after)
    sections = printed_sections(
        edition_of(newer["template"], keys), keys,
        lambda key: Slot(key, after.get(key), before.get(key), compared=True))
    changed = sum(before.get(k) != after.get(k) for k in keys)
    return Changes(report, versions, older, newer, sections, changed,
                   text_diff(older["narrative"] or "", newer["narrative"] or ""),
                   (older["title"] or "") != (newer["title"] or ""))


# Sentences first (a change reads as whole sentences added or removed), then characters inside
# a replaced stretch (Chinese has no spaces to split words on).
_SENTENCE = re.compile(r"(?<=[。！？；\n])")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)
_CHARACTER_DIFF_LIMIT = 4_000_000      # characters × characters: beyond, whole stretches


def text_diff(old: str, new: str) -> list[TextPiece]:
    pieces: list[TextPiece] = []
    a, b = _SENTENCE.split(old), _SENTENCE.split(new)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            pieces.append(TextPiece("same", left))
        elif op == "replace" and len(left) * len(right) <= _CHARACTER_DIFF_LIMIT:
            # numbers change as a whole ("768 → 812"), other text character by character
            x, y = _TOKEN.findall(left), _TOKEN.findall(right)
            for cop, k1, k2, l1, l2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
                if cop == "equal":
                    pieces.append(TextPiece("same", "".join(x[k1:k2])))
                    continue
                pieces.append(TextPiece("deleted", "".join(x[k1:k2])))
                pieces.append(TextPiece("inserted", "".join(y[l1:l2])))
        else:
            pieces += [TextPiece("deleted", left), TextPiece("inserted", right)]
    return _merge(pieces)


def _merge(pieces: list[TextPiece]) -> list[TextPiece]:
    """Adjacent pieces of one kind as one; empty pieces dropped."""
    merged: list[TextPiece] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = TextPiece(piece.kind, merged[-1].text + piece.text)
        elif piece.text:
            merged.append(piece)
    return merged
