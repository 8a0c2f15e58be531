"""TEXT_TABLE: figures the narrative states (收到申请54件, 上年结转2件, 未引发行政复议…) against
the tables. The patterns are data (narrative.yaml); this module only applies them.

A wrong alarm costs users' trust, so a figure is flagged only when the table has a number for
it and no statement of that figure anywhere in the narrative agrees with the table.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, finding
from nianjian.checks.sheet import ABSENT, Sheet

_CONFIG = CATALOGUE.narrative["text_table"]
_SENTENCE = re.compile(_CONFIG["sentence"])
_CLAUSE = re.compile(_CONFIG["clause"])
_QUOTE_LENGTH = 40


@dataclass(frozen=True)
class Figure:
    id: str
    label: tuple[str, str]
    cells: tuple[str, ...]
    also_agrees: tuple[tuple[str, ...], ...]
    patterns: tuple[re.Pattern, ...]
    none_patterns: tuple[re.Pattern, ...]
    not_after: re.Pattern | None
    context: re.Pattern | None


def _figure(id: str, data: dict) -> Figure:
    def optional(name):
        return re.compile(data[name]) if data.get(name) else None
    return Figure(id, tuple(data["figure"]), tuple(data["cells"]),
                  tuple(tuple(c) for c in data.get("also_agrees", ())),
                  tuple(re.compile(p) for p in data.get("patterns", ())),
                  tuple(re.compile(p) for p in data.get("none_patterns", ())),
                  optional("not_after"), optional("context"))


FIGURES = {id: _figure(id, data) for id, data in _CONFIG["figures"].items()}
_NONE = _CONFIG["none_statements"]
_NEGATION = re.compile(_NONE["negation"])
_NONE_EXCLUDE = re.compile(_NONE["exclude"])
_NONE_CONTEXT = re.compile(_NONE["context"])


@dataclass(frozen=True)
class Statement:
    figure: str
    value: int
    quote: str


def _quote(sentence: str, start: int, end: int) -> str:
    """The clause around a match; when longer than _QUOTE_LENGTH, its part ending with the match."""
    for clause in _CLAUSE.finditer(sentence):
        if clause.start() <= start < clause.end():
            begin = clause.start()
            stop = max(end, clause.end())
            break
    else:
        begin, stop = start, end
    text = sentence[begin:stop].strip()
    return text if len(text) <= _QUOTE_LENGTH else sentence[max(begin, end - _QUOTE_LENGTH):end].strip()


def statements(narrative: str) -> list[Statement]:
    """Every figure the narrative states, in order of appearance."""
    text = unicodedata.normalize("NFKC", narrative)
    found: list[Statement] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        for figure in FIGURES.values():
            if figure.context and not figure.context.search(sentence):
                continue
            for pattern in figure.patterns:
                for m in pattern.finditer(sentence):
                    if figure.not_after and figure.not_after.search(sentence[:m.start()]):
                        continue
                    found.append(Statement(figure.id, int(m.group("n").replace(",", "")),
                                           _quote(sentence, m.start(), m.end())))
            for pattern in figure.none_patterns:
                for m in pattern.finditer(sentence):
                    found.append(Statement(figure.id, 0, _quote(sentence, m.start(), m.end())))
        if _NONE_CONTEXT.search(sentence):
            found += _none_statements(sentence)
    return found


def _none_statements(sentence: str) -> list[Statement]:
    """"未引发行政复议及诉讼": each subject word after a negation in one clause is stated 0."""
    found = []
    for clause in _CLAUSE.finditer(sentence):
        text = clause.group()
        if _NONE_EXCLUDE.search(text):
            continue
        said: set[str] = set()
        for negation in _NEGATION.finditer(text):
            after = text[negation.end(): negation.end() + _NONE["reach"]]
            said |= {s for s, word in _NONE["subjects"].items() if word in after}
        found += [Statement(s, 0, text.strip()) for s in _NONE["subjects"] if s in said]
    return found


def _table_value(sheet: Sheet, cells: tuple[str, ...]) -> int | float | None:
    """The table's figure, or None when any of its cells is absent or blank (nothing sure)."""
    values = [sheet.get(k) for k in cells]
    if any(v is ABSENT or v is None for v in values):
        return None
    return sum(values)


def text_table(sheet: Sheet) -> list[Finding]:
    findings = []
    stated = statements(sheet.report.narrative)
    for figure in FIGURES.values():
        mine = [s for s in stated if s.figure == figure.id]
        table_value = _table_value(sheet, figure.cells)
        if not mine or table_value is None:
            continue
        agreeing = {table_value} | {v for cells in figure.also_agrees
                                    if (v := _table_value(sheet, cells)) is not None}
        if any(s.value in agreeing for s in mine):
            continue
        first = mine[0]
        findings.append(finding(
            "TEXT_TABLE", cells=figure.cells, expected=first.value, actual=table_value,
            quote=first.quote, figure_zh=figure.label[0], figure_en=figure.label[1],
            stated=first.value, table_value=table_value, cell_list=" + ".join(figure.cells)))
    return findings
