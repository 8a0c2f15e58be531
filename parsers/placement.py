"""Where a row's values sit when no header names their columns.

Delimited text (pipes, tabs) and grids under generic headers (数据1 … 数据7) still keep every
cell in its place: an empty cell between two separators is a blank in its column, never a
cell to skip. A row's `width` value cells are then a run of consecutive cells after its label,
and a placement is where that run starts. Only runs that hold every filled cell and lie inside
the printed row are possible. When several are (a row padded with spurious empty cells), the
offset the table's layout suggests decides (its other rows, its header); when several still
remain, only the cells every placement agrees on are kept. (The row's arithmetic cannot decide
here: placements differ only in which empty cells they hold, and a blank cell adds up to
anything.)
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    cells: tuple[str | None, ...]     # `width` texts ("" = blank); None where placements disagree
    ambiguous: bool                   # several placements remained


def offsets(after: Sequence[str], width: int) -> list[int]:
    """Every start of a run of `width` cells inside `after` that holds all its filled cells."""
    filled = [i for i, text in enumerate(after) if text]
    if not filled:
        return []
    first, last = filled[0], filled[-1]
    return [start for start in range(max(0, last - width + 1), first + 1) if start + width <= len(after)]


def place(after: Sequence[str], width: int, *, layout: Iterable[int] = (),
          header: Sequence[int] | None = None) -> Placement | None:
    """The row's `width` value cells, or None when no run holds them (too many values, or a
    row printed shorter than its columns): the caller reads such a row another way. A row with
    at least `width` cells, all empty, is a row of blanks.

    `layout`: offsets the table's layout suggests (its other rows, its header). `header`: in a
    grid, the offset its header names each column at. A filled cell the header names no column
    over may be a figure it does not stand over, or no figure at all (备注, 小计): both readings
    are kept as possible, and only what they agree on is read. (Filled cells left of its first
    column mean the header is off its rows: the rows win.)"""
    starts = offsets(after, width)
    if not starts:
        # Nothing filled: a row of blank cells when the row has room for them all.
        return Placement(("",) * width, False) if len(after) >= width and not any(after) else None
    if len(starts) > 1:
        starts = [s for s in starts if s in set(layout)] or starts
    readings = {tuple(after[s:s + width]) for s in starts}
    if header is not None and max(header) < len(after) and not any(after[:min(header)]):
        readings.add(tuple(after[at] for at in header))
    if len(readings) == 1:
        return Placement(readings.pop(), False)
    agreed = tuple(texts[0] if len(set(texts)) == 1 else None for texts in zip(*readings))
    return Placement(agreed, True)


def consensus(values: Iterable[int]) -> int | None:
    """The one value all of `values` share, else None."""
    found = set(values)
    return found.pop() if len(found) == 1 else None
