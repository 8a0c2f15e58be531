"""The arithmetic identities of parsers/spec/identities.yaml (T3_BALANCE, T3_OUTCOMES,
T3_ROW_TOTAL, T4_TOTAL and the cross-year CARRY_OVER, IN_FORCE), evaluated by one mechanism;
groups and domains are expanded by parsers/identities.py, which the parser shares.

Blank cells count as 0; an identity that fails only because blanks were read as 0 is a
warning naming them. An identity with an absent cell is not assessable, reported per rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from parsers.identities import DOMAINS, PREVIOUS, instances, members, uses_previous
from parsers.identities import leaves as group_leaves

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, abbreviate, finding, not_assessable
from nianjian.checks.sheet import ABSENT, Sheet, in_layout

_GROUP = re.compile(r"^<(\w+)>$")
_EPSILON = 1e-9

@dataclass(frozen=True)
class Leaf:
    key: str
    sign: int                # +1 on the expected side, -1 on the actual side (times the term's sign)
    previous: bool

    @property
    def name(self) -> str:
        return PREVIOUS + self.key if self.previous else self.key


@dataclass(frozen=True)
class Term:
    """One addend as a message shows it: a cell, or a group member with its subtotal.
    Frozen: expansions are cached and shared between reports."""
    label: tuple[str, str]
    negative: bool
    leaves: tuple[Leaf, ...]


def _terms(spec: str, bindings: dict, side: int, sheets: dict[bool, Sheet]) -> tuple[Term, ...]:
    previous = spec.lstrip("-").startswith(PREVIOUS)
    return _expand(spec, tuple(bindings.items()), side, sheets[previous].layout)


@lru_cache(maxsize=4096)
def _expand(spec: str, bindings_items: tuple, side: int, layout: tuple) -> tuple[Term, ...]:
    """The terms of one side of an identity instance, for reports of `layout` (Sheet.layout).
    Cached: the result depends on the layout, never on the values."""
    bindings, dropped_rows = dict(bindings_items), dict(layout)
    negative = spec.startswith("-")
    spec = spec.lstrip("-")
    previous = spec.startswith(PREVIOUS)
    spec = spec.removeprefix(PREVIOUS)
    table, row, column = spec.split(".")
    # The label is the part the identity does not iterate over: "本年新收" in t3.new.{column}.
    label_part = column if "{" in row else row
    row, column = row.format(**bindings), column.format(**bindings)
    sign = -side if negative else side

    def term(label_name: str, rows: list[str], columns: list[str]) -> Term:
        keys = [f"{table}.{r}.{c}" for r in rows for c in columns]
        return Term(_label(table, label_name, previous), negative,
                    tuple(Leaf(k, sign, previous) for k in keys if in_layout(dropped_rows, k)))

    for position, part in (("row", row), ("column", column)):
        group = _GROUP.match(part)
        if group:
            parts = members(table, group.group(1)) or []
            if position == "row":
                terms = [term(m, group_leaves(table, m), [column]) for m in parts]
            else:
                terms = [term(m, [row], group_leaves(table, m)) for m in parts]
            return tuple(t for t in terms if t.leaves)
    name = label_part.format(**bindings)
    single = term(name, [row], [column])
    return (single,) if single.leaves else ()


def _label(table: str, name: str, previous: bool) -> tuple[str, str]:
    zh, en = CATALOGUE.label(table, name)
    if previous:
        return CATALOGUE.notes["previous_zh"] + zh, CATALOGUE.notes["previous_en"] + en
    return zh, en


def _number(value: float) -> int | float:
    if abs(value - round(value)) < _EPSILON:
        return int(round(value))
    return round(value, 6)


def _render(terms: list[Term], sheets: dict[bool, Sheet], language: str) -> str:
    """"本年新收54 + 上年结转2" (zh) or "new requests 54 + carried in 2" (en)."""
    parts = []
    for term in terms:
        values = [sheets[leaf.previous].get(leaf.key) for leaf in term.leaves]
        shown = (CATALOGUE.notes[f"blank_{language}"] if all(v is None for v in values)
                 else _number(sum(v or 0 for v in values)))
        label = term.label[0] if language == "zh" else term.label[1] + " "
        parts.append(("- " if term.negative else "+ ") + f"{label}{shown}")
    return " ".join(parts).removeprefix("+ ")


def evaluate(identities: list[dict], sheet: Sheet, previous: Sheet | None = None) -> list[Finding]:
    """Findings of every identity that applies to `sheet` (and `previous`, for cross-year ones)."""
    findings: list[Finding] = []
    sheets = {False: sheet, True: previous}
    for identity in identities:
        needs_previous = uses_previous(identity)
        if needs_previous and previous is None:
            continue
        editions = identity.get("editions")
        if editions and (sheet.edition not in editions
                         or (needs_previous and previous.edition not in editions)):
            continue
        absent: list[str] = []
        unassessable = 0
        for bindings in instances(identity):
            expected = [t for s in identity["expected"] for t in _terms(s, bindings, +1, sheets)]
            actual = [t for s in identity["actual"] for t in _terms(s, bindings, -1, sheets)]
            if not expected or not actual:
                continue            # a row this report's layout does not have
            leaves = [leaf for t in expected + actual for leaf in t.leaves]
            missing = [leaf.name for leaf in leaves if sheets[leaf.previous].get(leaf.key) is ABSENT]
            if missing:
                unassessable += 1
                absent += [m for m in missing if m not in absent]
                continue
            result = _check_instance(identity["rule"], bindings, expected, actual, leaves, sheets)
            if result:
                findings.append(result)
        if unassessable:
            message = CATALOGUE.note("not_assessable", rule=identity["rule"], count=unassessable,
                                     cells=abbreviate(absent))
            findings.append(not_assessable(identity["rule"], message, absent))
    return findings


def _check_instance(rule, bindings, expected, actual, leaves, sheets) -> Finding | None:
    def value(leaf: Leaf):
        return sheets[leaf.previous].get(leaf.key)

    def side_sum(terms: list[Term]):
        return sum((-1 if t.negative else 1) * (value(leaf) or 0) for t in terms for leaf in t.leaves)

    expected_sum, actual_sum = side_sum(expected), side_sum(actual)
    difference = expected_sum - actual_sum
    tolerance = sum(sheets[leaf.previous].tolerance(leaf.key) for leaf in leaves)
    if abs(difference) <= tolerance + _EPSILON:
        return None
    blanks = [leaf for leaf in leaves if value(leaf) is None]
    # Filling the blanks with non-negative numbers could close the gap only from the side
    # that is short: then the failure may be nothing but the blanks.
    explained = any(leaf.sign * (-1 if difference > 0 else 1) > 0 for leaf in blanks)
    severity = CATALOGUE.severity(rule)
    if explained and severity == "error":
        severity = "warning"
    note = CATALOGUE.note("blanks", cells=", ".join(leaf.name for leaf in blanks)) if blanks else None
    table = leaves[0].key.split(".")[0]
    scope = [CATALOGUE.label(table, v) for v in bindings.values()]
    return finding(
        rule, severity=severity, cells=[leaf.name for leaf in leaves],
        expected=_number(expected_sum), actual=_number(actual_sum), note=note,
        scope_zh="、".join(s[0] for s in scope), scope_en=", ".join(s[1] for s in scope),
        expected_terms_zh=_render(expected, sheets, "zh"),
        expected_terms_en=_render(expected, sheets, "en"),
        actual_terms_zh=_render(actual, sheets, "zh"), actual_terms_en=_render(actual, sheets, "en"),
    )
