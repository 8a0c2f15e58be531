"""Flattened text: report tables whose cells ran together, read by labels and cut by identities.

A page copied as plain text (innerText, copy-paste) loses every separator between cells:
`规章000行政规范性文件2036…一、本年新收政府信息公开申请数量5400000054二、上年结转…`. This module
finds the template's labels in such text (both editions, spec/template.yaml) and cuts the run of
digits after each row label into that row's cells. A cut is a reading only if every piece is a
value as printed (no leading zeros; counts are integers, 万元 amounts may carry decimals and 元)
and every within-report identity holds (spec/identities.yaml, the 勾稽关系 the checks use: row
totals, t3 balance and outcomes, t4 totals). The rows of a table are solved together: a cell is
kept only where every joint reading agrees on it; otherwise it is absent and a problem names the
run. Pages print cells unlike the template in two ways that readings allow for (`read_segments`):
a blank cell printed as nothing, and a stray 0 cell in a t3 row. Zero wrong cells over recall.

Runs are cut right to left, so a row's total is known before its parts and the identities prune
the search (the parts may not exceed what is left), and a state of the search found barren is not
searched again. The search is bounded: MAX_NODES steps and MAX_READINGS readings per run (with
blanks allowed, a run of 7 cells has at most C(7, blanks) placements of them; a stray 0 multiplies
the searches of a t3 run by its 6 inner places), MAX_DOCUMENT_NODES for the document,
MAX_COMBINATIONS while rows are combined; a run longer than its cells could ever print is refused
at once (hostile input). Beyond a cap the run is left unread, with a problem. Whitespace between
two digits is a cut every reading must make.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from bisect import bisect_left, bisect_right
from functools import cached_property, lru_cache

from parsers.identities import alternative_rows, equations
from parsers.template import EDITIONS, TEMPLATE, normalise_label
from parsers.values import AMOUNT, COUNT, SIGNED, page_spec, read_value

CellValue = int | float | None

MAX_COUNT_DIGITS = 9          # a count longer than this is not a count (thousand millions)
MAX_AMOUNT_CHARS = 24         # "13,575,394,432.5200万元"
MAX_NODES = 30_000            # cut-search steps per run (a real row needs a few hundred)
MAX_READINGS = 2_000          # readings of one run (beyond: the run is too ambiguous to read)
MAX_DOCUMENT_NODES = 300_000  # cut-search steps for the whole document (a real report: under 40 000)
MAX_COMBINATIONS = 200_000    # partial sums × readings while rows are combined
MAX_HEADER = 120              # characters between a caption or a t4 header and its first row
MAX_ROW_GAP = 300             # t3 rows further apart than this are not one table
MAX_T4_GAP = 60               # t4 labels further apart than this are not one header

_SPEC = page_spec()
_PROSE_AFTER = frozenset(_SPEC["prose_after_number"])
_QUOTES = frozenset("\"'“”‘’「」『』")
_NUMERALS = "一二三四五六七八九十"
# Placeholders made of symbols only: they can stand in a run of digits ("0—5").
_SYMBOL_PLACEHOLDERS = frozenset(unicodedata.normalize("NFKC", p) for p in _SPEC["placeholders"]
                                 if not any("\u4e00" <= c <= "\u9fff" or c.isalnum() for c in p))
_RUN_CHARS = "0-9.,+\\-/\\\\—–×*…"
_RUN = re.compile(f"[{_RUN_CHARS}]*")
_AMOUNT_RUN = re.compile(f"[{_RUN_CHARS}元万亿]*")
_PIECE = {
    COUNT: re.compile(r"0|[1-9]\d{0,8}|[1-9]\d{0,2}(?:,\d{3}){1,2}"),
    SIGNED: re.compile(r"[+-]?(?:0|[1-9]\d{0,8})"),
    AMOUNT: re.compile(r"(?:0|[1-9]\d{0,11}|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d{1,6})?(?:万元|亿元|元)?"),
}
STRAY = "stray"            # a spurious cell printed between a row's cells: a lone 0
_MAX_PIECE = {COUNT: MAX_COUNT_DIGITS + 2, SIGNED: MAX_COUNT_DIGITS + 1, AMOUNT: MAX_AMOUNT_CHARS, STRAY: 1}
_ENUMERATOR_BEFORE = re.compile(
    r"(?:\d{1,2}[.、]|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}[、.])+$")
_TEMPLATE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.、．]")
# A note after a label ("(件)", "(区分处理的,只计这一情形,不计其他情形)"), its bracket possibly left
# open by a cut-short label; never an enumerator, never digits (those are the run).
_NOTE = re.compile(r"\((?![一二三四五六七八九十\d]{1,3}\))[^()\d]{1,30}\)?")
_INVALID = object()
# Figures right after a label: not the enumerator of the next one ("不予公开1.属于国家秘密"), nor
# a count in prose ("予以公开33件").
_FIGURE = re.compile(r"\d+(?![\d.、)件条年月日个次项人份%])")


# ---------------------------------------------------------------- the text, folded
@dataclass(frozen=True)
class Flat:
    """The text folded like labels (NFKC, no white space, no quotes). `breaks`: positions where
    white space stood between two characters; `origin`: each character's index in the text."""
    text: str
    breaks: frozenset[int]
    origin: tuple[int, ...]

    @cached_property
    def sorted_breaks(self) -> list[int]:
        return sorted(self.breaks)


def fold(raw: str) -> Flat:
    chars: list[str] = []
    origin: list[int] = []
    breaks: set[int] = set()
    gap = False
    folded_chars: dict[str, str] = {}
    for index, ch in enumerate(raw):
        folded = folded_chars.get(ch)
        if folded is None:
            folded = folded_chars[ch] = _fold_char(ch)
        if folded == " ":
            gap = bool(chars)
            continue
        if gap:
            breaks.add(len(chars))
            gap = False
        for part in folded:
            chars.append(part)
            origin.append(index)
    return Flat("".join(chars), frozenset(breaks), tuple(origin))


def _fold_char(ch: str) -> str:
    """" " for white space, "" for what labels ignore (quotes, zero-width marks), else NFKC."""
    if ch.isspace():
        return " "
    if ch in _QUOTES or unicodedata.category(ch) == "Cf":
        return ""
    return ch if ch == "…" else unicodedata.normalize("NFKC", ch).replace(" ", "")


# ---------------------------------------------------------------- labels
@dataclass(frozen=True)
class Label:
    text: str                 # normalised, without its enumerator
    meaning: object
    number: str | None        # the template's enumerator digits ("2" of "2.其他法律行政法规禁止公开")
    enumerated: bool = False  # found only after an enumerator ("3.其他", "(七)总计": 其他/总计 are columns too)


@dataclass(frozen=True)
class Hit:
    start: int                # where the label starts, its enumerator included
    end: int                  # where its run starts (after the label and any note)
    meaning: object


class LabelSet:
    """Occurrences of a set of labels in folded text, the longest label winning at a position."""

    def __init__(self, labels: list[Label]):
        self.by_text: dict[str, list[Label]] = {}
        for label in labels:
            if label.text:
                self.by_text.setdefault(label.text, []).append(label)
        ordered = sorted(self.by_text, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def hits(self, flat: Flat, lo: int = 0, hi: int | None = None) -> list[Hit]:
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(flat.text, lo, len(flat.text) if hi is None else hi):
            for label in self.by_text[match.group()]:
                start = _enumerator_start(flat.text, match.start(), label.number)
                if label.enumerated and start == match.start():
                    continue
                end = match.end()
                while note := _NOTE.match(flat.text, end):
                    end = note.end()
                found.append(Hit(start, end, label.meaning))
                break
        return found


def _enumerator_start(text: str, at: int, number: str | None) -> int:
    """Where the enumerator in front of a label starts ("2." of "…0000002.其他法律…", whose "0"s
    are the previous row's run): the template's own number when it is there, else one digit."""
    match = _ENUMERATOR_BEFORE.search(text, max(0, at - 12), at)
    if not match:
        return at
    start = match.start()
    if text[start].isdigit():
        digits = re.match(r"\d+", text[start:at]).group()
        if number and digits.endswith(number) and len(digits) > len(number):
            start += len(digits) - len(number)
        elif len(digits) > 1 and not (number and digits == number):
            start += len(digits) - 1
    return start


def _label(text: str, meaning, enumerated: bool = False) -> Label:
    number = _TEMPLATE_NUMBER.match(unicodedata.normalize("NFKC", text))
    return Label(normalise_label(text), meaning, number.group(1) if number else None, enumerated)


@lru_cache(maxsize=1)
def _labels() -> dict:
    column_words = {normalise_label(w) for names in TEMPLATE.t3_columns.values() for w in names}
    t3_rows = [_label(name, key, normalise_label(name) in column_words)
               for key, names in TEMPLATE.t3_rows.items() for name in names]
    t2_rows, t2_columns = {}, {}
    for edition, blocks in TEMPLATE.t2.items():
        for number, block in enumerate(blocks):
            t2_rows[(edition, number)] = LabelSet([_label(n, key) for key, names in block.rows.items() for n in names])
            t2_columns[(edition, number)] = LabelSet(
                [_label(n, key) for key, names in block.columns.items() for n in names])
    t4 = [_label(n, ("row", key)) for key, names in TEMPLATE.t4_rows.items() for n in names]
    t4 += [_label(n, ("column", key)) for key, names in TEMPLATE.t4_columns.items() for n in names]
    t4 += [_label(w, ("word", w)) for w in _SPEC["t4_header_words"]]
    return {
        "t3": LabelSet(t3_rows),
        "captions": {edition: LabelSet([_label(block.caption, number) for number, block in enumerate(blocks)])
                     for edition, blocks in TEMPLATE.t2.items()},
        "t2_rows": t2_rows,
        "t2_columns": t2_columns,
        "t4": LabelSet(t4),
        # A section heading: its numeral, then one of its names ("三、收到和处理政府信息公开申请情况").
        "sections": {number: re.compile(_NUMERALS[number - 1] + "[、.,]?(?:"
                                        + "|".join(re.escape(normalise_label(n)) for n in names) + ")")
                     for number, names in TEMPLATE.sections.items()},
    }


# ---------------------------------------------------------------- runs and their cuts
@dataclass(frozen=True)
class Run:
    text: str
    breaks: frozenset[int]      # offsets inside `text` every cut must use
    at: int                     # where it starts in the folded text

    @property
    def shown(self) -> str:
        return self.text if len(self.text) <= 40 else self.text[:37] + "…"


def run_after(flat: Flat, hit: Hit, next_start: int | None, amount: bool = False) -> Run | None:
    """The run of digits (and placeholders) after a row label; None when there is none, or when
    its end is uncertain (the number goes on as prose: "2件", "2022年"). An empty run right
    before the next row's label is a row of blank cells."""
    text = flat.text
    end = (_AMOUNT_RUN if amount else _RUN).match(text, hit.end).end()
    if next_start is not None and hit.end <= next_start < end:
        end = next_start
    elif end < len(text) and text[end] in _PROSE_AFTER:
        return None
    elif end - hit.end >= 2 and text[end - 1] == "." and text[end - 2].isdigit():
        end -= 2          # "…00000002.其他法律、行政法规…": the enumerator of a label not in the template
    elif end < len(text) and text[end] == "、" and end > hit.end and text[end - 1].isdigit():
        end -= 1
    if end == hit.end and next_start != hit.end:
        return None
    inside = flat.sorted_breaks[bisect_right(flat.sorted_breaks, hit.end):bisect_left(flat.sorted_breaks, end)]
    return Run(text[hit.end:end], frozenset(b - hit.end for b in inside), hit.end)


@lru_cache(maxsize=16384)
def piece_value(piece: str, kind: str):
    """The value of one printed piece, None for a placeholder, _INVALID for what is no value."""
    if kind == STRAY:
        return 0 if piece == "0" else _INVALID
    if piece in _SYMBOL_PLACEHOLDERS:
        return None
    if not _PIECE[kind].fullmatch(piece):
        return _INVALID
    return read_value(piece, kind).value


class TooMuch(Exception):
    """The search would exceed its caps: the run is given up."""


class Budget:
    """Cut-search steps left for one document."""

    def __init__(self, steps: int = MAX_DOCUMENT_NODES):
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise TooMuch


def cuts(run: Run, kinds: list[str], local: list[list[tuple[int, int]]],
         budget: Budget | None = None, limit: int = MAX_READINGS, unprinted: bool = False) -> list[tuple[str, ...]]:
    """Every reading of `run` as len(kinds) printed values satisfying the `local` equations (each
    a list of (cell index, coefficient), Σ coefficient × value = 0, a blank counting as 0).
    With `unprinted`, any cell may also be printed as nothing (its piece is "", a blank): an
    empty cell leaves no trace in flattened text. Raises TooMuch beyond the caps (MAX_NODES
    for the run, `budget` for the document)."""
    text, k = run.text, len(kinds)
    if budget is not None and budget.left <= 0:
        raise TooMuch
    if not text:
        return [tuple("" for _ in kinds)]
    limits = [_MAX_PIECE[kind] for kind in kinds]
    room = [sum(limits[:i]) for i in range(k + 1)]       # most characters cells 0..i-1 can hold
    if len(text) > room[k] or len(text) < k and not unprinted:
        return []
    shortest = 0 if unprinted else 1
    signed = [kind == SIGNED for kind in kinds]
    involved: list[list[tuple[int, int]]] = [[] for _ in kinds]   # cell → (equation, coefficient)
    for number, equation in enumerate(local):
        for cell, coefficient in equation:
            involved[cell].append((number, coefficient))
    # For each equation and each cell i: the signs of the coefficients of cells before i (still
    # to be cut when cell i is), or None when one of them may be negative.
    pending = [[_signs([(c, s) for c, s in eq if c < i], signed) for i in range(k)] for eq in local]
    first = [min(c for c, _ in eq) for eq in local]
    readings: list[tuple[str, ...]] = []
    pieces: list[str] = [""] * k
    nodes = 0

    # States (where the text left ends, the cell to cut, the equations' partial sums) known to
    # give no reading: many cuts of the cells after reach the same state (a 0 or a blank in
    # another place), and its search is not done again.
    dead: set[tuple] = set()

    def search(end: int, cell: int, sums: tuple) -> None:
        nonlocal nodes
        if cell < 0:
            if end == 0:
                readings.append(tuple(pieces))
                if len(readings) > limit:
                    raise TooMuch
            return
        state = (end, cell, sums)
        if state in dead:
            return
        before = len(readings)
        for length in range(shortest, limits[cell] + 1):
            start = end - length
            if start < cell * shortest:
                break
            if length > 1 and start + 1 in run.breaks:
                break
            if start > room[cell]:
                continue
            value = piece_value(text[start:end], kinds[cell]) if length else None
            if value is _INVALID:
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise TooMuch
            new = list(sums)
            for number, coefficient in involved[cell]:
                new[number] += coefficient * (value or 0)
            # Only the equations this cell is in have changed.
            if all(_open(new[e], pending[e][cell], first[e] == cell) for e, _ in involved[cell]):
                pieces[cell] = text[start:end]
                search(start, cell - 1, tuple(new))
        if len(readings) == before:
            dead.add(state)

    try:
        search(len(text), k - 1, tuple(0 for _ in local))
    finally:
        if budget is not None:
            budget.spend(nodes)
    return readings


def _signs(terms: list[tuple[int, int]], signed: list[bool]) -> frozenset[int] | None:
    if any(signed[c] for c, _ in terms):
        return None
    return frozenset(1 if s > 0 else -1 for _, s in terms)


def _open(partial: float, pending: frozenset[int] | None, complete: bool) -> bool:
    """Whether an equation with this partial sum can still hold once its pending cells are cut
    (all non-negative): they can only add (signs {+1}) or only subtract ({-1})."""
    if complete or pending == frozenset():
        return abs(partial) < 1e-6
    if pending == frozenset({1}):
        return partial <= 1e-6
    if pending == frozenset({-1}):
        return partial >= -1e-6
    return True


# ---------------------------------------------------------------- rows into cells
@dataclass
class Segment:
    """A run and the cells it prints, in order (a t3 row: 7 keys; t4 flat: 15)."""
    name: str                   # "t3.granted", "t4": what a problem names
    keys: list[str]
    run: Run
    readings: list[tuple[CellValue, ...]] = field(default_factory=list)
    raws: list[tuple[str, ...]] = field(default_factory=list)
    repaired: set[int] = field(default_factory=set)   # readings that take a stray 0 out
    too_much: bool = False      # not read because cutting it would exceed the caps
    checked: bool = False       # the segment has identities of its own (a row total)
    count_certain: bool = False  # one cut only, and no two pieces could be one value


def _kind(key: str) -> str:
    if key in TEMPLATE.amount_keys:
        return AMOUNT
    return SIGNED if key.rsplit(".", 1)[1] in TEMPLATE.signed_columns else COUNT


@dataclass
class FlatReading:
    """What flattened text gave: cells (key → (value, text as printed)), the edition the labels
    name, the section headings found, the prose with the tables cut out, and problems."""
    cells: dict[str, tuple[CellValue, str]] = field(default_factory=dict)
    template: str | None = None
    sections: list[int] = field(default_factory=list)
    narrative: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    # A run of t3 could not be read: the page may print cells unlike the template (blank, stray).
    unprinted_cells: bool = False

    def problem(self, code: str, detail: str) -> None:
        self.problems.append((code, detail))

    def record(self, report) -> None:
        """Put the cells and problems on a `Report` that has no cells of its own."""
        for key, (value, raw) in self.cells.items():
            report.cells[key] = value
            report.raw_cells[key] = raw
        report.problem("FLAT_TEXT", f"the tables are flattened text (cells run together): {len(self.cells)} "
                                    "cells cut by the template's identities")
        for code, detail in self.problems:
            report.problem(code, detail)


def read_segments(segments: list[Segment], reading: FlatReading, table: str) -> None:
    """Cut every segment by the identities, combine them, and keep the cells all readings agree on.

    Every run is first cut as printing each of its cells; a t3 run also as printing one stray 0
    between two cells (a grid with a cell too many, `ROW_REPAIRED`): both readings count, so a
    stray that also cuts as printed ('0920402 31246') leaves the cells they disagree on. A run
    that no cut fits, or rows that cannot all be right together, are a sign of blank cells
    printed as nothing (they leave no trace in flattened text): then every run of the table is
    cut again letting any cell be unprinted, strays staying only if a row showed one (with a
    blank anywhere and a stray anywhere, no 0 would be certain). The rows are solved together
    (`_joint`): a cell is kept only where every joint reading agrees (a blank is not a 0).
    Without the sign, a row counts where its own identities fit, identities between rows confirm
    each of its cells, or its digits allow one count of values (`_trusted`). What no model
    here can see: a blank left unprinted and a stray 0 in the same row read as a full row.
    """
    layout = {k for s in segments for k in s.keys}
    dropped = _dropped_rows(table, layout)
    system = []
    for _, terms in equations():
        terms = [(k, c) for k, c in terms if k.startswith(table + ".") and k.split(".")[1] not in dropped]
        if terms:
            system.append(dict(terms))
    # t2 has no identities to betray a blank cell, t4 none between rows: what t3 shows of the
    # page's habits counts for them too.
    model = Model(unprinted=table != "t3" and reading.unprinted_cells, stray=table == "t3")
    signs = Model()
    for segment in segments:
        signs = signs | _cut(segment, system, reading.budget, model)
    # Rows that cannot all be right together are a sign too (not looked for when there is one).
    joint = (None, []) if signs.unprinted and not model.unprinted else _joint(segments, system)
    if joint[0] is None:
        signs = signs | Model(unprinted=True)
    if signs.unprinted and not model.unprinted:
        # Strays stay in the model only where a row showed one: a stray 0 with blanks anywhere
        # would leave no 0 of the table certain.
        model = Model(unprinted=True, stray=signs.stray)
        for segment in segments:
            _cut(segment, system, reading.budget, model)
        joint = _joint(segments, system)
    reading.unprinted_cells |= model.unprinted
    readable = [s for s in segments if s.readings]
    for segment in segments:
        if not segment.readings:
            reading.problem("FLAT_RUN_UNREADABLE", f"{segment.name}: {segment.run.shown!r} can be cut into "
                                                   f"{len(segment.keys)} cells too many ways, or cutting it would "
                                                   "take too much work" if segment.too_much else
                                                   f"{segment.name}: no cut of {segment.run.shown!r} into "
                                                   f"{len(segment.keys)} cells fits the template's identities")
    feasible, cross = joint
    consistent = feasible is not None
    if not consistent:
        reading.problem("FLAT_INCONSISTENT", f"{table}: no cut of all its rows satisfies the identities between "
                                             "rows; only rows whose digits allow one count of values are kept")
        feasible, cross = [list(range(len(s.readings))) for s in readable], []
    for segment, chosen in zip(readable, feasible):
        agreed, unsure = {}, []
        for i, key in enumerate(segment.keys):
            values = {segment.readings[r][i] for r in chosen}
            if len(values) == 1:
                agreed[key] = (values.pop(), segment.raws[chosen[0]][i])
            else:
                unsure.append(key[len(segment.name) + 1:])
        if chosen and all(r in segment.repaired for r in chosen):
            reading.problem("ROW_REPAIRED", f"{segment.name}: {segment.run.shown!r} prints one value more than "
                                            f"its {len(segment.keys)} cells; a stray 0 is taken out, the only "
                                            "way its cells fit the identities")
        if unsure:
            reading.problem("FLAT_RUN_AMBIGUOUS", f"{segment.name}: {segment.run.shown!r} can be cut "
                                                  f"{len(chosen)} ways that fit the identities; "
                                                  f"{', '.join(unsure)} not read")
        # The rows together do not add up: the page prints cells some way not foreseen, and only
        # a row whose count of values is certain is beyond doubt.
        if agreed and not segment.count_certain and (not consistent or not model.unprinted and not _trusted(segment, cross)):
            reading.problem("FLAT_ROW_UNCONFIRMED", f"{segment.name}: {segment.run.shown!r} may hide a blank cell "
                                                    "(it leaves no trace in flattened text) and no identity "
                                                    "confirms its cut; not read")
            continue
        reading.cells.update(agreed)


@dataclass(frozen=True)
class Model:
    """How a page may print cells unlike the template: blank cells as nothing (`unprinted`),
    a stray 0 cell between two cells of a t3 row (`stray`)."""
    unprinted: bool = False
    stray: bool = False

    def __or__(self, other: "Model") -> "Model":
        return Model(self.unprinted or other.unprinted, self.stray or other.stray)


def _joint(segments: list[Segment], system: list[dict[str, int]]) -> tuple[list[list[int]] | None, list[dict[str, int]]]:
    """(for each readable segment, its readings that some joint reading of all of them uses, or
    None when no joint reading fits; the equations between segments)."""
    readable = [s for s in segments if s.readings]
    known = {k for s in readable for k in s.keys}
    # Cells not read (a row not found or not readable) are eliminated: the equations left are
    # consequences of the identities over cells that were read.
    derived = _eliminate(system, {k for eq in system for k in eq if k not in known})
    owner = {k: n for n, s in enumerate(readable) for k in s.keys}
    cross = [eq for eq in derived if len({owner[k] for k in eq}) > 1]
    try:
        return _combine(readable, [list(eq.items()) for eq in derived]), cross
    except TooMuch:     # too many readings to combine: no identity between rows confirms anything
        return [list(range(len(s.readings))) for s in readable], []


def _trusted(segment: Segment, cross: list[dict[str, int]]) -> bool:
    """Whether a segment's cut can stand when no run of the table showed a blank (its count of
    values is not certain): when it has an identity of its own, or identities between rows
    confirm each of its cells. A row of several cells without either (a t2 row) may hide a blank."""
    if segment.checked or len(segment.keys) == 1:
        return True
    own = set(segment.keys)
    # An equation confirms a cell only if it holds no other cell of the row: one that sums the
    # row's columns is met by any cut that keeps the row's total.
    return all(any(k in eq and len(own.intersection(eq)) == 1 for eq in cross) for k in segment.keys)


def _cut(segment: Segment, system: list[dict[str, int]], budget: Budget, model: Model) -> Model:
    """The segment's readings under its own identities and the `model` of printing, and whether
    its digits allow one count of values; returns the signs it shows: of blanks when, cells
    all printed, no cut fits (or cutting is beyond the caps); of a stray when only taking a
    stray 0 out lets it fit."""
    keys = {k: i for i, k in enumerate(segment.keys)}
    local = [[(keys[k], c) for k, c in eq.items()] for eq in system if all(k in keys for k in eq)]
    kinds = [_kind(k) for k in segment.keys]
    segment.checked = bool(local)
    segment.too_much, segment.readings, segment.raws, segment.repaired = False, [], [], set()
    segment.count_certain = False
    try:
        found = cuts(segment.run, kinds, local, budget, unprinted=model.unprinted)
        repaired = _repairs(segment.run, kinds, local, budget, model.unprinted) if model.stray else []
    except TooMuch:
        segment.too_much = True
        return Model(unprinted=True)
    if not found and not repaired and not model.unprinted:
        return Model(unprinted=True)
    signs = Model(stray=bool(repaired) and not found)
    if not found and not repaired:
        return signs
    segment.raws = found + [r for r in repaired if r not in found]
    segment.repaired = set(range(len(found), len(segment.raws)))
    segment.readings = [tuple(piece_value(p, kind) if p else None for p, kind in zip(r, kinds)) for r in segment.raws]
    try:
        forced = cuts(segment.run, kinds, [], budget, limit=1)
    except TooMuch:
        return signs
    segment.count_certain = segment.raws == forced and not _mergeable(forced[0], kinds, segment.run.breaks)
    return signs


def _repairs(run: Run, kinds: list[str], local: list[list[tuple[int, int]]], budget: Budget,
             unprinted: bool) -> list[tuple[str, ...]]:
    """The readings of a run printing one stray 0 between its cells (a spurious cell, as grids
    show: `ROW_REPAIRED`), the stray piece taken out; never before the first cell or after the
    last. Readings that differ only in which 0 was the stray are one."""
    found: dict[tuple[str, ...], None] = {}
    for gap in range(1, len(kinds)):
        shifted = [[(c + (c >= gap), v) for c, v in eq] for eq in local]
        for pieces in cuts(run, kinds[:gap] + [STRAY] + kinds[gap:], shifted, budget, unprinted=unprinted):
            if pieces[gap]:      # an empty stray cell leaves no trace: that reading is one without it
                found[pieces[:gap] + pieces[gap + 1:]] = None
    return list(found)


def _mergeable(pieces: tuple[str, ...], kinds: list[str], breaks: frozenset[int]) -> bool:
    """Whether two neighbouring pieces, not parted by white space, would also make one value."""
    at = 0
    for i in range(len(pieces) - 1):
        at += len(pieces[i])
        if at in breaks or not pieces[i] or not pieces[i + 1]:
            continue
        for kind in {kinds[i], kinds[i + 1]}:
            joined = piece_value(pieces[i] + pieces[i + 1], kind)
            if joined is not _INVALID and joined is not None:
                return True
    return False


def _eliminate(system: list[dict[str, int]], unknown: set[str]) -> list[dict[str, int]]:
    """The equations of `system` with the `unknown` cells eliminated (Gaussian elimination):
    what the identities still say about the cells that are known."""
    eqs = [dict(eq) for eq in system]
    for key in sorted(unknown):
        having = [eq for eq in eqs if eq.get(key)]
        if not having:
            continue
        eqs = [eq for eq in eqs if not eq.get(key)]
        pivot = having[0]
        for eq in having[1:]:
            combined = {k: eq.get(k, 0) * pivot[key] - pivot.get(k, 0) * eq[key] for k in {*eq, *pivot}}
            combined = {k: v for k, v in combined.items() if v}
            if combined:
                eqs.append(combined)
    return eqs


def _dropped_rows(table: str, keys: set[str]) -> set[str]:
    """Rows of the alternative forms the report does not print (spec/identities.yaml)."""
    rows = {k.split(".")[1] for k in keys}
    dropped: set[str] = set()
    for forms in alternative_rows(table):
        used = [form for form in forms if rows & set(form)]
        if len(used) == 1:
            dropped.update(r for form in forms if form is not used[0] for r in form)
    return dropped


def _combine(segments: list[Segment], system: list[list[tuple[str, int]]]) -> list[list[int]] | None:
    """For each segment, the readings that belong to some choice of one reading per segment
    satisfying every equation of `system`; None when no choice does. Partial sums are carried
    forward and backward (dynamic programming). Raises TooMuch beyond MAX_COMBINATIONS."""
    if not system:
        return [list(range(len(s.readings))) for s in segments]
    vectors = []
    for segment in segments:
        index = {k: i for i, k in enumerate(segment.keys)}
        vectors.append([tuple(sum(c * (values[index[k]] or 0) for k, c in eq if k in index) for eq in system)
                        for values in segment.readings])
    zero = tuple(0 for _ in system)
    forward, backward = [{zero}], [{zero}]
    for options, states in [(o, forward) for o in vectors] + [(o, backward) for o in reversed(vectors)]:
        if len(states[-1]) * len(set(options)) > MAX_COMBINATIONS:
            raise TooMuch
        states.append({tuple(a + b for a, b in zip(s, v)) for s in states[-1] for v in set(options)})
    if zero not in forward[-1]:
        return None
    backward.reverse()
    feasible = []
    for i, options in enumerate(vectors):
        after = {tuple(-x for x in s) for s in backward[i + 1]}
        feasible.append([r for r, v in enumerate(options)
                         if any(tuple(a + b for a, b in zip(s, v)) in after for s in forward[i])])
    return feasible


# ---------------------------------------------------------------- the tables
def _t3(flat: Flat, reading: FlatReading) -> tuple[int, int] | None:
    order = list(TEMPLATE.t3_rows)
    hits = _labels()["t3"].hits(flat)
    rows: list[tuple[Hit, Run]] = []
    for i, hit in enumerate(hits):
        run = run_after(flat, hit, hits[i + 1].start if i + 1 < len(hits) else None)
        if run is not None:
            rows.append((hit, run))
    chosen = _in_order(rows, order)
    if not chosen:
        return None
    printed = {hit.meaning for hit, run in chosen if run.text}
    if not printed:
        # Labels with no figure after any of them: the figures are not in this text (drawn as
        # pictures, unreadable), not a table of blank cells.
        return None
    for forms in alternative_rows("t3"):
        if any(printed & set(form) for form in forms):
            # A form with values is the one printed: the other's label is a group heading
            # ("(六)其他处理" over its three sub-rows), not a row of blanks.
            chosen = [(hit, run) for hit, run in chosen if run.text or not any(
                hit.meaning in form and not printed & set(form) for form in forms)]
    segments = [Segment(f"t3.{hit.meaning}", [f"t3.{hit.meaning}.{c}" for c in TEMPLATE.t3_columns], run) for hit, run in chosen]
    read_segments(segments, reading, "t3")
    return chosen[0][0].start, chosen[-1][1].at + len(chosen[-1][1].text)


def _in_order(rows: list[tuple[Hit, Run]], order: list[str]) -> list[tuple[Hit, Run]]:
    """The longest run of rows in template order with no wide gap between them (one table):
    stray mentions in the prose fall out."""
    best: list[tuple[Hit, Run]] = []
    chains: list[list[tuple[Hit, Run]]] = []
    for row in rows:
        rank = order.index(row[0].meaning)
        extended = [c + [row] for c in chains
                    if order.index(c[-1][0].meaning) < rank
                    and row[0].start - (c[-1][1].at + len(c[-1][1].text)) <= MAX_ROW_GAP]
        chains = [c for c in chains if row[0].start - (c[-1][1].at + len(c[-1][1].text)) <= MAX_ROW_GAP]
        chains.append(max(extended, key=len) if extended else [row])
        chains = sorted(chains, key=len, reverse=True)[:8]
        best = max([best] + chains, key=len)
    return best


def _edition(flat: Flat, captions: dict[str, list[Hit]], reading: FlatReading) -> str | None:
    """The t2 edition whose column labels the blocks print (本年制发件数 vs 本年新制作数量)."""
    L = _labels()
    scores = {}
    for edition in EDITIONS:
        scores[edition] = sum(len(L["t2_columns"][(edition, hit.meaning)].hits(flat, hit.end, hit.end + MAX_HEADER))
                              for hit in captions[edition])
    best = max(scores.values())
    winners = [e for e, s in scores.items() if s == best]
    return winners[0] if best and len(winners) == 1 else None


def _t2(flat: Flat, reading: FlatReading, edition_hint: str | None) -> tuple[int, int] | None:
    L = _labels()
    captions = {e: L["captions"][e].hits(flat) for e in EDITIONS}
    if not any(captions.values()):
        return None
    edition = _edition(flat, captions, reading) or edition_hint
    if edition is None:
        reading.problem("FLAT_RUN_UNREADABLE", "t2: the edition cannot be told from the column labels; not read")
        return None
    reading.template = reading.template or edition
    blocks = sorted(captions[edition], key=lambda h: h.start)
    segments, span, seen = [], None, set()
    for i, caption in enumerate(blocks):
        if caption.meaning in seen:
            continue        # a block printed again (a repeated table): the first one counts
        seen.add(caption.meaning)
        block = TEMPLATE.t2[edition][caption.meaning]
        limit = blocks[i + 1].start if i + 1 < len(blocks) else caption.end + MAX_HEADER + 200
        hits = L["t2_rows"][(edition, caption.meaning)].hits(flat, caption.end, limit)
        done = set()
        for j, hit in enumerate(hits):
            if hit.meaning in done:
                continue
            amount = any(f"t2.{hit.meaning}.{c}" in TEMPLATE.amount_keys for c in block.columns)
            run = run_after(flat, hit, hits[j + 1].start if j + 1 < len(hits) else None, amount)
            if run is None:
                continue
            done.add(hit.meaning)
            segments.append(Segment(f"t2.{hit.meaning}", [f"t2.{hit.meaning}.{c}" for c in block.columns], run))
            span = (span[0] if span else caption.start, run.at + len(run.text))
    read_segments(segments, reading, "t2")
    return span


def _t4(flat: Flat, reading: FlatReading, after: int) -> tuple[int, int] | None:
    hits = _labels()["t4"].hits(flat, after)
    cluster: list[Hit] = []
    for hit in hits:
        if cluster and hit.start - cluster[-1].end > MAX_T4_GAP:
            if len(cluster) >= 5:
                break
            cluster = []
        cluster.append(hit)
    if len(cluster) < 5:
        return None
    rows = [(i, h) for i, h in enumerate(cluster) if h.meaning[0] == "row"]
    labelled = []
    for i, hit in rows:
        run = run_after(flat, hit, cluster[i + 1].start if i + 1 < len(cluster) else None)
        if run is not None and run.text:
            labelled.append(Segment(f"t4.{hit.meaning[1]}", [f"t4.{hit.meaning[1]}.{c}" for c in TEMPLATE.t4_columns], run))
    if labelled:
        segments = labelled
    else:
        run = run_after(flat, cluster[-1], None)
        if run is None or not run.text:
            return None
        segments = [Segment("t4", TEMPLATE.t4_keys(), run)]
    read_segments(segments, reading, "t4")
    last = segments[-1].run
    return cluster[0].start, last.at + len(last.text)


def _sections(flat: Flat) -> list[int]:
    return [number for number, pattern in _labels()["sections"].items() if pattern.search(flat.text)]


def glued_rows(raw: str) -> int:
    """How many t2/t3 row labels the text prints glued to their figures ("行政许可5",
    "1.属于国家秘密258606"): cells run together, which no line-by-line reading can take apart."""
    flat = fold(raw)
    labels = _labels()
    sets = [labels["t3"], *labels["t2_rows"].values()]
    return sum(1 for found in sets for hit in found.hits(flat)
               if hit.end not in flat.breaks and _FIGURE.match(flat.text, hit.end))


def read_flattened(raw: str, edition_hint: str | None = None) -> FlatReading | None:
    """The cells of the report tables in flattened text; None when it holds none of them."""
    flat = fold(raw)
    reading = FlatReading()
    t3 = _t3(flat, reading)
    t2 = _t2(flat, reading, edition_hint)
    if reading.template is None and {k.split(".")[1] for k in reading.cells} & set(alternative_rows("t3")[0][0]):
        reading.template = "2021"          # the three sub-rows of (六)其他处理 exist only in "2021"
    t4 = _t4(flat, reading, t3[1] if t3 else (t2[1] if t2 else 0))
    spans = [s for s in (t2, t3, t4) if s]
    if not spans:
        return None
    reading.sections = _sections(flat)
    kept, position = [], 0
    for start, end in sorted(spans):
        start_raw = flat.origin[start] if start < len(flat.origin) else len(raw)
        end_raw = flat.origin[end - 1] + 1 if end else 0
        if start_raw > position:
            kept.append(raw[position:start_raw])
        position = max(position, end_raw)
    kept.append(raw[position:])
    reading.narrative = "\n".join(part.strip() for part in kept if part.strip())
    return reading
