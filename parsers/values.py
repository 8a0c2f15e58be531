"""Reading one table cell as printed into its value.

Counts are int, 万元 amounts float, 本年增/减 signed int; a blank or a placeholder ("/", "—",
"无", "不适用") is None — never 0. A number followed by a note in brackets
(`55（含自然失效 29 件）`) is the number; the note is kept on the reading so the report can say
it was set aside. The wording (placeholders, sign words, units) is data in `spec/page.yaml`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

COUNT, AMOUNT, SIGNED = "count", "amount", "signed"


@lru_cache(maxsize=1)
def page_spec() -> dict:
    """The page-level wording (`spec/page.yaml`), loaded once."""
    text = resources.files("parsers").joinpath("spec/page.yaml").read_text("utf-8")
    return yaml.safe_load(text)


_SPEC = page_spec()
_PLACEHOLDERS = frozenset(unicodedata.normalize("NFKC", p) for p in _SPEC["placeholders"])
_NEGATIVE = tuple(_SPEC["negative_words"])
_POSITIVE = tuple(_SPEC["positive_words"])
# Longest unit first, so "万元" is not read as "元".
_AMOUNT_UNITS = sorted(_SPEC["amount_units"].items(), key=lambda kv: -len(kv[0]))
_COUNT_UNITS = tuple(sorted(_SPEC["count_units"], key=len, reverse=True))
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_SPACES = re.compile(r"\s+")
# A value, then a note in brackets holding something else than a bare number ("55(29)" could
# be two values: not a note). Applied to NFKC-folded text, so （） are ().
_NOTED = re.compile(r"(?P<value>[^()]+)\((?P<note>[^()]*[^\d(),.\s][^()]*)\)")
_UNITS = frozenset(_SPEC["amount_units"]) | frozenset(_SPEC["count_units"])


# The amount unit a column header names: "本年收费金额（单位：元）", "采购总金额(元)".
_HEADER_UNIT = re.compile(r"(?:单位:?|\()(" + "|".join(unit for unit, _ in _AMOUNT_UNITS) + ")")


@lru_cache(maxsize=1024)
def header_unit(text: str) -> str | None:
    """The amount unit a header cell names for its column, or None."""
    found = _HEADER_UNIT.search(_fold(text))
    return found.group(1) if found else None


def in_unit(text: str, unit: str | None) -> str:
    """A cell's text read in its column's unit: a bare number takes the header's unit, a
    number printed with its own unit keeps it."""
    return text + unit if unit and _fold(text)[-1:].isdigit() else text


@dataclass(frozen=True)
class CellReading:
    value: int | float | None
    ok: bool                     # False: text that is neither a number nor a placeholder
    unit_converted: bool = False  # the printed unit was not the cell's unit ("251000元")
    note: str | None = None       # a bracketed note after the number, set aside ("含自然失效29件")


BLANK = CellReading(None, True)


@lru_cache(maxsize=8192)
def is_blank(text: str) -> bool:
    """Empty or a placeholder: the cell is there but holds no number."""
    folded = _fold(text)
    return not folded or folded in _PLACEHOLDERS


@lru_cache(maxsize=8192)
def looks_like_value(text: str) -> bool:
    """True for what can stand in a value cell (a number, a blank, a placeholder)."""
    if text.isdigit() and text.isascii():     # most value cells: no folding needed
        return True
    return is_blank(text) or read_value(text, COUNT).ok


def _fold(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def read_value(text: str, kind: str = COUNT) -> CellReading:
    """The value of a printed cell. `kind`: COUNT, AMOUNT (万元) or SIGNED (本年增/减)."""
    if text.isdigit() and text.isascii():     # most value cells: what the steps below make of them
        return CellReading(float(text) if kind == AMOUNT else int(text), True)
    folded = _fold(text)
    if not folded or folded in _PLACEHOLDERS:
        return BLANK
    noted = _NOTED.fullmatch(folded)
    if noted:
        value, note = noted.group("value", "note")
        if note in _UNITS:               # "251000(元)": a unit in brackets, not a note
            return read_value(value + note, kind)
        reading = read_value(value, kind)
        if reading.ok and reading.value is not None:
            return CellReading(reading.value, True, reading.unit_converted, note)
        return CellReading(None, False)
    sign = 1
    for word in _NEGATIVE:
        if folded.startswith(word):
            sign, folded = -1, folded[len(word):]
            break
    else:
        for word in _POSITIVE:
            if folded.startswith(word):
                folded = folded[len(word):]
                break
    scale, converted = 1.0, False
    for unit, unit_scale in _AMOUNT_UNITS:
        if folded.endswith(unit):
            folded = folded[: -len(unit)]
            if kind == AMOUNT and unit_scale != 1:
                scale, converted = float(unit_scale), True
            break
    else:
        for unit in _COUNT_UNITS:
            if folded.endswith(unit):
                folded = folded[: -len(unit)]
                break
    match = _NUMBER.fullmatch(folded)
    if not match:
        return CellReading(None, False)
    number_text = folded.replace(",", "")
    if kind == AMOUNT:
        value: int | float = float(number_text) * scale * sign
        if converted:
            value = round(value, 6)
        return CellReading(value, True, converted)
    number = float(number_text) if "." in number_text else int(number_text)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return CellReading(number * sign, True)
