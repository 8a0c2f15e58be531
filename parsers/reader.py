"""The one reader: a `Document` (from any front-end) → the canonical `Report`.

Tables are read row by row, by labels, never by a fixed layout: a row is matched by its last
label cell (the most specific: "（三）不予公开 | 1.属于国家秘密" is withheld_secret), header rows
give column positions, and section headings give the context. Sections can be split across
tables, headers repeated, t4 written as one flat row of 15 numbers.

Where a row's values line up with its header's columns (an HTML grid), they are read by
position, so a blank cell stays a blank in its own column. Otherwise (delimited text, generic
headers) the cells after the label are placed as a run of the template's width
(`parsers.placement`): an empty cell between separators is still a blank in its column. A row
that no run holds (one value too many or too few) is resolved by the row's own arithmetic
(总计 = the six applicant columns) when exactly one reading fits, else the row is reported and
only what every reading agrees on is kept.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from parsers.document import UNREAD, Document, Paragraph, Table
from parsers.flattened import glued_rows, read_flattened
from parsers.labels import BLANK, T3_OTHER_SUBROWS, VALUE, Labels, Sense, labels
from parsers.metadata import read_metadata, section_of, title_match, year_against_edition
from parsers.placement import consensus, offsets, place
from parsers.record import Report
from parsers.template import TEMPLATE, normalise_label
from parsers.values import AMOUNT, COUNT, SIGNED, header_unit, in_unit, is_blank, read_value

# This many row labels glued to their figures make a text flattened (one could be a typo).
MIN_GLUED_ROWS = 3
T3_COLUMNS = list(TEMPLATE.t3_columns)            # natural … other_org, total
T3_PARTS = T3_COLUMNS[:-1]                       # the six columns that add up to total
T4_COLUMNS = list(TEMPLATE.t4_columns)
T4_ROWS = list(TEMPLATE.t4_order)
SECTION_TABLE = {2: "t2", 3: "t3", 4: "t4"}
# The keys completeness is checked against, made once.
_T2_KEYS = {edition: TEMPLATE.t2_keys(edition) for edition in TEMPLATE.t2}
_T3_ROW_KEYS = {row: [f"t3.{row}.{c}" for c in T3_COLUMNS] for row in TEMPLATE.t3_rows}
_T4_KEYS = TEMPLATE.t4_keys()
# The t2 cells whose column only one edition has (2021: 新制发/废止/现行有效 …), by edition.
_T2_KEYS_OF_COLUMNS = {
    edition: frozenset(key for keys in _T2_KEYS.values() for key in keys if key.split(".")[2] in columns)
    for edition, columns in (("2021", {"issued", "repealed", "in_force"}),
                             ("2019", {"made", "published", "total", "prev_items", "change", "items"}))}
# Header labels over several t3 columns (申请人情况, 法人或其他组织): no column of another kind.
_T3_COLUMN_GROUPS = frozenset(normalise_label(label) for label in TEMPLATE.t3_column_groups)
_OTHER_SUBROW_CELLS = frozenset(key for row in T3_OTHER_SUBROWS for key in _T3_ROW_KEYS[row])
_ENUMERATOR_START = frozenset("（(0123456789０１２３４５６７８９一二三四五六七八九十")


@dataclass(slots=True)
class _Row:
    cells: list[str]
    labels: list[tuple[int, str]]        # (index, normalised text) of cells that are not values
    values: list[int]                    # indexes of non-empty value cells
    senses: list[Sense]                  # what each label means, in the order of `labels`
    editions: frozenset[str]             # the editions its labels point to (`Sense.editions`)
    t4_hits: int                         # labels that name something of section 四
    t3_column_hits: int                  # labels that name a t3 column
    t2_header: list[tuple[int, list]]    # (index, [T2Column]) of labels that name t2 columns

    @classmethod
    def of(cls, cells: list[str], L: Labels) -> "_Row":
        found, values, senses, t2_header = [], [], [], []
        editions: frozenset[str] = frozenset()
        t4_hits = t3_column_hits = 0
        kinds = L.cell_kinds
        for i, cell in enumerate(cells):
            if not cell:
                continue
            kind = kinds.get(cell) or L.cell_kind(cell)
            if kind is VALUE:
                values.append(i)
            elif kind is not BLANK:
                sense = kind[1]
                found.append((i, kind[0]))
                senses.append(sense)
                if sense.editions:
                    editions |= sense.editions
                t4_hits += sense.t4_hit
                if sense.t3_column:
                    t3_column_hits += 1
                if sense.t2_columns:
                    t2_header.append((i, sense.t2_columns))
        return cls(cells, found, values, senses, editions, t4_hits, t3_column_hits, t2_header)

    def last_match(self, meaning: str):
        """(cell index, meaning) of the rightmost label with a `meaning` (a `Sense` field), or None."""
        for (at, _), sense in zip(reversed(self.labels), reversed(self.senses)):
            found = getattr(sense, meaning)
            if found:
                return at, found
        return None

    def after(self, index: int) -> list[tuple[int, str]]:
        """(index, text) of the cells right of `index`, outer empty cells trimmed."""
        tail = [(i, self.cells[i]) for i in range(index + 1, len(self.cells))]
        while tail and not tail[0][1]:
            tail.pop(0)
        while tail and not tail[-1][1]:
            tail.pop()
        return tail


@dataclass(frozen=True)
class _Layout:
    """Where a table's t3 rows put their values, as far as its rows placed one way only agree."""
    relative: int | None = None       # offset after the row's label
    absolute: int | None = None       # column index of 自然人
    placed: bool = False              # some row could be placed one way only
    # Figures stand under a column its header labels right of 总计 (备注?) and nothing showed
    # whether the header stands over the rows' figures or a column off them: each row is read
    # both ways, and only what both agree on is kept.
    doubtful: bool = False
    # Every figure of its t3 rows stands under a column its header names: the header's
    # positions hold, whatever its columns' order or the empty columns between them.
    header_fits: bool = False

    def agrees(self, column: int) -> bool:
        """A header naming 自然人 at `column` fits the rows (none contradicts it)."""
        return not self.placed or self.absolute == column


@dataclass(slots=True)
class _State:
    kind: str | None = None                        # the table being read: t2, t3, t4
    t2_header: list[tuple[int, list]] = field(default_factory=list)   # (index, [T2Column])
    t2_units: dict[str, str] = field(default_factory=dict)            # column key → unit its header names
    t3_header: dict[str, int] = field(default_factory=dict)           # column key → index
    t3_header_at: dict[int, str] = field(default_factory=dict)        # every index a header names → key
    t3_header_width: int = 0                       # cells in the header's rows (its table's width)
    t3_header_spread: list[int] = field(default_factory=list)        # sorted(t3_header_at)
    t3_header_named: list[int] = field(default_factory=list)         # sorted(t3_header.values())
    t3_header_own: frozenset[int] = frozenset()    # indexes where the column they name starts
    t3_header_closed: bool = True                  # the next header row starts a new header
    t3_last: str | None = None                     # last t3 row read (context for 3.其他)
    t3_pending: str | None = None                  # a t3 row label seen without its values
    t3_blank: tuple[str, str] | None = None        # (key, label) of a row just read as all blank
    t4_header: list[list[str]] = field(default_factory=list)          # header rows, as printed
    # t4 result column → the index where the header rows first name it (结果维持 …)
    t4_header_columns: dict[str, int] = field(default_factory=dict)
    t4_header_closed: bool = True
    # (width, columns): the columns cut from the last table with a header, as printed (备注)
    foreign_cut: tuple[int, frozenset[int]] | None = None


class Reader:
    def __init__(self, report: Report):
        self.report = report
        self.state = _State()
        self.labels = labels()
        self.grid = False
        self.sections: list[int] = []
        self.t3_layout = _Layout()
        self.edition: str | None = None          # the edition the labels point to, if only one

    # ------------------------------------------------------------ cells
    def put(self, key: str, text: str) -> None:
        """Record one cell as printed, with its value."""
        if UNREAD in text:      # a cell OCR was not sure of: absent (OCR_UNCERTAIN says which)
            return
        kind = _VALUE_KINDS.get(key) or _value_kind(key)
        if kind == AMOUNT:      # a bare figure under a header that names its unit (（单位：元）)
            reading = read_value(in_unit(text, self.state.t2_units.get(key.rsplit(".", 1)[1])), kind)
        else:
            reading = read_value(text, kind)
        cells = self.report.cells
        if key in cells:
            if cells[key] != reading.value:
                self.report.problem(
                    "DUPLICATE_CELL",
                    f"{key}: printed twice ({self.report.raw_cells.get(key)!r}, {text!r}); the first is kept")
            return
        if not reading.ok or reading.unit_converted or reading.note:
            self.remark(key, text, reading)
        cells[key] = reading.value
        self.report.raw_cells[key] = text

    def remark(self, key: str, text: str, reading) -> None:
        """The problems a cell read other than as a plain number or blank gives."""
        if not reading.ok:
            self.report.problem("BAD_VALUE", f"{key}: {text!r} is not a number")
        if reading.unit_converted:
            self.report.problem("UNIT_CONVERTED", f"{key}: {text!r} read as {reading.value} 万元")
        if reading.note:
            self.report.problem("ANNOTATED_VALUE", f"{key}: {text!r} read as {reading.value}; "
                                                   f"the note ({reading.note}) is not part of it")

    def put_value(self, key: str, value, raw: str) -> None:
        """Record a cell whose value was worked out rather than printed."""
        if key not in self.report.cells:
            self.report.cells[key] = value
            self.report.raw_cells[key] = raw

    # ------------------------------------------------------------ blocks
    def section(self, number: int) -> None:
        kind = SECTION_TABLE.get(number)
        if kind != self.state.kind:
            self.state.kind, self.state.foreign_cut = kind, None
            self.state.t4_header_closed = True
            self.state.t3_header_closed = True

    def rows(self, table: Table) -> list[_Row]:
        return [_Row.of(cells, self.labels) for cells in table.rows]

    def table(self, table: Table, rows: list[_Row]) -> None:
        """Read a table whose `rows` were made by `rows`."""
        # A grid with its spans expanded (HTML, DOCX, PDF) keeps cells under their header; in
        # text spans were lost, so values are placed after their label (parsers.placement).
        self.grid = bool(table.origin)
        otherwise: frozenset[int] = frozenset()
        named: dict[int, str] | None = None
        if self.grid:
            rows, otherwise, named = self.without_foreign_columns(rows)
        self.t3_layout = self.t3_layout_of(rows, otherwise, named)
        for row in rows:
            self.row(row)

    def t3_layout_of(self, rows: list[_Row], otherwise: frozenset[int] = frozenset(),
                     named: dict[int, str] | None = None) -> "_Layout":
        """Where this table's t3 rows put their seven values, from the rows that can be placed
        one way only. `otherwise`: the columns its header labels as no t3 column (备注? 小计?)
        that no row showed to be set aside (`without_foreign_columns`); figures under them
        leave the header's positions in doubt. `named`: index → t3 column its header names
        (grids only: whether every figure stands under one)."""
        relative, absolute = [], []
        doubtful = False
        if named is not None:
            named = named or self.state.t3_header_at
        fits = bool(named)
        for row in rows:
            if not row.labels or row.senses[-1].t3_row is None:
                continue
            label_at = row.labels[-1][0]
            doubtful = doubtful or any(row.cells[i] for i in otherwise if i < len(row.cells))
            fits = fits and all(i in named for i in range(label_at + 1, len(row.cells)) if row.cells[i])
            starts = offsets(row.cells[label_at + 1:], len(T3_COLUMNS))
            if len(starts) == 1:
                relative.append(starts[0])
                absolute.append(label_at + 1 + starts[0])
        return _Layout(consensus(relative), consensus(absolute), bool(relative), doubtful, fits)

    def without_foreign_columns(self, rows: list[_Row]) -> tuple[list[_Row], frozenset[int], dict[int, str]]:
        """(the rows without the columns their header labels among or after its template columns
        as something else (备注, 上年数, 法人小计), where rows show the header stands over its
        figures (`_foreign_columns`); the t3 header's such columns where none does; index → t3
        column its header names). A table continuing one that lost such columns, with no header
        of its own and as wide, loses the same."""
        width = max((len(row.cells) for row in rows), default=0)
        foreign, has_header = frozenset(), False
        otherwise: frozenset[int] = frozenset()
        t3_named: dict[int, str] = {}
        for column_meaning, row_meaning, columns, hits in _HEADED_TABLES:
            labelled, named = _header_columns(rows, column_meaning, hits)
            has_header = has_header or bool(named)
            found = _foreign_columns(rows, labelled, named, row_meaning, columns)
            foreign = foreign or found
            if column_meaning == "t3_column":
                t3_named = named
                if not found:
                    otherwise = _labelled_otherwise(labelled, named)
        if foreign:
            self.state.foreign_cut = width, foreign
        elif has_header:
            self.state.foreign_cut = None
        elif self.state.foreign_cut and self.state.foreign_cut[0] == width:
            foreign = self.state.foreign_cut[1]
        if not foreign:
            return rows, otherwise, t3_named
        kept = [_Row.of([cell for i, cell in enumerate(row.cells) if i not in foreign], self.labels) for row in rows]
        return kept, frozenset(), _header_columns(kept, "t3_column", "t3_column_hits")[1]

    def heading(self, text: str) -> bool:
        """A section heading (in a paragraph, or a table row of one merged cell)."""
        number = section_of(text)
        if number is None:
            return False
        if number not in self.sections:
            self.sections.append(number)
        self.section(number)
        return True

    def row(self, row: _Row) -> None:
        if not row.labels and not row.values:
            return
        if not row.values and len({t for t in row.cells if t}) == 1 and self.heading(row.cells[row.labels[0][0]]):
            return
        L, state = self.labels, self.state
        blank_before, state.t3_blank = state.t3_blank, None
        senses = row.senses
        if not row.values and any(s.t2_caption for s in senses):
            state.kind, state.t2_header, state.t2_units = "t2", [], {}
            return
        t4_hits, t3_column_hits = row.t4_hits, row.t3_column_hits
        if state.kind == "t4" and row.values and not t4_hits:
            # The numbers row, possibly led by a label of its own ("件数").
            self.t4_flat(row)
            return
        t4_context = state.kind == "t4" or t4_hits > t3_column_hits
        if t4_hits and t4_context:
            if (row.values or self.t4_blank_row(row)) and self.t4_labelled(row):
                return
            if not row.values:
                if state.t4_header_closed:
                    state.t4_header, state.t4_header_columns, state.t4_header_closed = [], {}, False
                state.kind = "t4"
                state.t4_header.append(row.cells)
                for (index, _), sense in zip(row.labels, senses):
                    if sense.t4_column:
                        state.t4_header_columns.setdefault(sense.t4_column, index)
                return
        t2 = row.t2_header
        if t2 and not row.values:
            state.kind, state.t2_header = "t2", t2
            state.t2_units = {c.key: unit for index, columns in t2 if (unit := header_unit(row.cells[index]))
                              for c in columns}
            return
        t3_key = self.t3_row_key(row)
        if t3_key and blank_before and t3_key == blank_before[0] and row.values and self.wrapped(blank_before, row):
            self.forget_blank_row(t3_key)
        if t3_key:
            self.t3_row(row, t3_key)
            return
        if t3_column_hits and not row.values:
            self.t3_header_row(row)
            return
        if self.t2_row(row):
            return
        pending, state.t3_pending = state.t3_pending, None
        if blank_before and row.values and state.kind == "t3" and self.wrapped(blank_before, row):
            self.forget_blank_row(blank_before[0])
            pending = blank_before[0]
        if pending and row.values and state.kind == "t3":
            # The rest of a wrapped label, carrying the values of the row named just above.
            self.t3_row(row, pending, label_at=max((i for i, _ in row.labels), default=-1))
            return
        if not row.values and state.kind == "t3":
            found = row.last_match("t3_row")
            if found and found[1] not in L.ambiguous_t3_keys:
                state.t3_pending = found[1]
                return
        if row.values and row.labels and state.kind == "t3" and senses[-1].t3_group:
            return          # a group's subtotal row ("（三）不予公开 | 6 | … | 6")
        if row.values and row.labels and state.kind in ("t2", "t3"):
            index = L.t3_rows if state.kind == "t3" else L.t2_rows
            meanings = index.candidates(row.labels[-1][1])
            if len(meanings) > 1:
                self.report.problem("LABEL_AMBIGUOUS", f"{state.kind}: row {' | '.join(c for c in row.cells if c)!r} "
                                    f"fits {len(meanings)} template rows; not read")
                return
            self.report.problem("UNKNOWN_ROW", f"{state.kind}: row {' | '.join(c for c in row.cells if c)!r} matches no template row")

    # ------------------------------------------------------------ t2
    def t2_row(self, row: _Row) -> bool:
        """A t2 data row: its label names a row of a block whose columns the header names."""
        found = row.last_match("t2_rows")
        if not found:
            return False
        label_at, candidates = found
        header = self.state.t2_header
        header_blocks = {(c.edition, c.block) for _, columns in header for c in columns}
        chosen = [c for c in candidates if (c[0], c[1]) in header_blocks]
        if not chosen:       # no header names the row's block: inside section 二 only
            if self.state.kind != "t2":
                return False
            chosen = self.t2_blocks_fitting(row.cells[label_at + 1:], candidates)
            if len(chosen) != 1:
                self.report.problem("ROW_AMBIGUOUS", f"t2.{candidates[0][2]}: the row fits the columns of "
                                    f"{len(chosen) or 'no'} sub-tables (editions {', '.join(sorted({c[0] for c in candidates}))}); not read")
                return True
        edition, block_number, row_key = chosen[0]
        block = TEMPLATE.t2[edition][block_number]
        columns = [(index, next(c.key for c in cols if (c.edition, c.block) == (edition, block_number)))
                   for index, cols in header if any((c.edition, c.block) == (edition, block_number) for c in cols)]
        if not columns:       # the header names nothing: the block's own column order
            columns = [(None, key) for key in block.columns]
        self.state.kind = "t2"
        after = row.after(label_at)
        positions = {i for i, _ in after if _}
        indexes = [index for index, _ in columns]
        if (self.grid or _spans_repeated(row.cells, columns)) and None not in indexes and positions <= set(indexes):
            # A header cell spanning several columns names them all: the value is the first
            # filled cell under it.
            under: dict[str, list[str]] = {}
            for index, key in columns:
                if index < len(row.cells):
                    under.setdefault(key, []).append(row.cells[index])
            for key, texts in under.items():
                self.put(f"t2.{row_key}.{key}", next((t for t in texts if t), ""))
            return True
        # A header cell spanning several columns names its key once, at its first column.
        columns = [(index, key) for at, (index, key) in enumerate(columns)
                   if all(key != other for _, other in columns[:at])]
        indexes = [index for index, _ in columns]
        side_by_side = None not in indexes and indexes == list(range(indexes[0], indexes[0] + len(indexes)))
        placement = place(row.cells[label_at + 1:], len(columns),
                          layout=[indexes[0] - label_at - 1] if side_by_side else [])
        if placement is not None:
            self.put_placed(f"t2.{row_key}", [key for _, key in columns], placement)
        else:
            texts = [t for _, t in after]
            if len(texts) > len(columns):
                self.report.problem("ROW_MISALIGNED", f"t2.{row_key}: {len(texts)} values for {len(columns)} columns; not read")
                return True
            for (_, key), text in zip(columns, texts):
                self.put(f"t2.{row_key}.{key}", text)
        return True

    def t2_blocks_fitting(self, after: list[str], candidates: list) -> list:
        """The sub-tables a headerless t2 row can belong to: those of the edition the document's
        labels point to, then those whose column count its printed cells fit."""
        candidates = [c for c in candidates if c[0] == self.edition] or candidates
        blocks = {(c[0], c[1]): c for c in candidates}
        if len({tuple(TEMPLATE.t2[e][b].columns) for e, b in blocks}) == 1:
            return list(blocks.values())[:1]       # same columns either way
        fitting = [c for (e, b), c in blocks.items()
                   if offsets(after, len(TEMPLATE.t2[e][b].columns)) or not any(after)]
        return fitting

    # ------------------------------------------------------------ t3
    def t3_row_key(self, row: _Row) -> str | None:
        """The t3 row a data row is, by its last label that names a row, in context."""
        state = self.state
        for (_, text), sense in zip(reversed(row.labels), reversed(row.senses)):
            key = sense.t3_row
            if key is None:
                continue
            in_other_group = sense.ambiguous_t3 and (
                state.t3_last in T3_OTHER_SUBROWS or any(s.t3_row == "other_handling" for s in row.senses))
            if sense.ambiguous_t3 and (
                    state.kind == "t4" or key == "other_other" and not in_other_group
                    or not _carries_values(row, strict=not (self.grid and (in_other_group or _enumerated(row, text))))
                    and not (_enumerated(row, text) and self.blank_row(row, text))):
                continue
            return key if _carries_values(row, strict=True) or self.blank_row(row, text) else None
        return None

    def blank_row(self, row: _Row, text: str) -> bool:
        """A row whose whole label (not one cut short) is followed by an empty cell for each of
        the seven columns (in text: where this table's rows put them): a row of blanks, not a
        label wrapped onto the next line."""
        label_at, last = row.labels[-1]
        relative = 0 if self.grid else self.t3_layout.relative or 0
        # In a grid under a header naming some columns right after the label (a table cut
        # into column parts), a cell for each of those.
        spread = self.state.t3_header_spread
        width = len(spread) if self.grid and spread and spread == list(range(label_at + 1, label_at + 1 + len(spread))) \
            else len(T3_COLUMNS)
        return (last == text and self.labels.t3_rows.whole(text)
                and len(row.cells) - label_at - 1 >= relative + width)

    def wrapped(self, blank: tuple[str, str], row: _Row) -> bool:
        """The blank row's label and this row's read as one are that row's label in full."""
        key, label = blank
        if not row.labels:
            return False
        sense = row.senses[-1]        # another row's label, or a group's, is no continuation
        return (not sense.t3_group and sense.t3_row in (None, key)
                and self.labels.t3_rows.is_complete(label + row.labels[-1][1], key))

    def forget_blank_row(self, key: str) -> None:
        """What looked like a row of blanks was a label wrapped onto the next row ("（二）部分公开"
        | "（区分处理的，…）" with the values): the values are that row's."""
        for column in T3_COLUMNS:
            self.report.cells.pop(f"t3.{key}.{column}")
            self.report.raw_cells.pop(f"t3.{key}.{column}")

    def t3_header_row(self, row: _Row) -> None:
        state = self.state
        if state.t3_header_closed:
            state.t3_header, state.t3_header_at, state.t3_header_closed = {}, {}, False
        state.kind, state.t3_header_width = "t3", len(row.cells)
        for (index, _), sense in zip(row.labels, row.senses):
            if sense.t3_column:
                state.t3_header.setdefault(sense.t3_column, index)
                state.t3_header_at[index] = sense.t3_column
        state.t3_header_spread = sorted(state.t3_header_at)
        state.t3_header_named = sorted(state.t3_header.values())
        state.t3_header_own = frozenset(i for i, key in state.t3_header_at.items() if state.t3_header[key] == i)

    def t3_row(self, row: _Row, key: str, label_at: int | None = None) -> None:
        state = self.state
        state.kind, state.t3_last, state.t3_header_closed, state.t3_pending = "t3", key, True, None
        if label_at is None:
            label_at = next(i for (i, _), sense in zip(reversed(row.labels), reversed(row.senses)) if sense.t3_row == key)
            if len(row.labels) > 1:
                # A label cut over two cells: the rest of it is in the cells right after.
                labels_at = {i for i, _ in row.labels}
                while label_at + 1 in labels_at:
                    label_at += 1
        keys = _T3_ROW_KEYS[key]
        if not any(row.cells[label_at + 1:]) and not any(k in self.report.cells for k in keys):
            # A row of blanks, unless the next row carries the rest of its label and its values.
            state.t3_blank = key, next((t for i, t in row.labels if i == label_at), "")
        header = state.t3_header
        cells = row.cells
        # Under a header naming each column once (all seven, or those of a table cut into
        # column parts: 自然人…社会公益组织, then 法律服务机构…总计), every figure under a column.
        named, spread, own = state.t3_header_named, state.t3_header_spread, state.t3_header_own
        by_position = (
            self.grid and header and len(set(named)) == len(header) and named[0] > label_at
            and len(cells) == state.t3_header_width          # a header of a table like this one
            and (len(header) == len(T3_COLUMNS) or spread == list(range(label_at + 1, spread[-1] + 1)))
            and all(i in own or self.under_own_column(row, i) for i in range(label_at + 1, len(cells)) if cells[i])
            and (T3_COLUMNS[0] not in header or self.t3_layout.agrees(header[T3_COLUMNS[0]])
                 or self.t3_layout.header_fits)
            and not self.t3_layout.doubtful
        )
        if by_position:
            for column, cell_key in zip(T3_COLUMNS, keys):
                index = header.get(column)
                if index is not None and index < len(cells):
                    self.put(cell_key, cells[index])
            return
        natural, doubtful = header.get(T3_COLUMNS[0]), self.t3_layout.doubtful
        placement = place(row.cells[label_at + 1:], len(T3_COLUMNS), layout=[] if doubtful else self.t3_hints(label_at),
                          header=self.header_offsets(label_at, [header.get(c) for c in T3_COLUMNS],
                                                     side_by_side=not doubtful)
                          if natural is not None and (doubtful or self.t3_layout.agrees(natural)) else None)
        if placement is None and doubtful:
            # A figure too many under a header in doubt: a reading that adds up may do so by chance.
            texts = [t for _, t in row.after(label_at)]
            self.report.problem("ROW_MISALIGNED", f"t3.{key}: {len(texts)} values for {len(T3_COLUMNS)} columns under "
                                                  "a header naming other columns too; not read")
            return
        if placement is None:
            self.t3_repair(key, [t for _, t in row.after(label_at)])
            return
        self.put_placed(f"t3.{key}", T3_COLUMNS, placement)

    def under_own_column(self, row: _Row, index: int) -> bool:
        """The cell is under its column's first index, or a copy of that cell where the column's
        header spans it too (a cell drawn over two grid columns: PDF borders a little apart)."""
        header = self.state.t3_header
        key = self.state.t3_header_at.get(index)
        return key is not None and (header[key] == index or header[key] < len(row.cells)
                                    and row.cells[index] == row.cells[header[key]])

    def t3_hints(self, label_at: int) -> list[int]:
        """Offsets after the label that this table's layout suggests: the one its other rows
        use, the column they start in, the column its header names 自然人 (when the header
        names all seven columns side by side)."""
        layout = self.t3_layout
        hints = [] if layout.relative is None else [layout.relative]
        if layout.absolute is not None:
            hints.append(layout.absolute - label_at - 1)
        header = [self.state.t3_header.get(c) for c in T3_COLUMNS]
        if None not in header and header == list(range(header[0], header[0] + len(header))) \
                and layout.agrees(header[0]):
            hints.append(header[0] - label_at - 1)
        return hints

    def put_placed(self, prefix: str, columns: list[str], placement) -> None:
        """The cells of a placed row; where its placements disagree the cell is left out."""
        for column, text in zip(columns, placement.cells):
            if text is not None:
                self.put(f"{prefix}.{column}", text)
        if placement.ambiguous:
            kept = ", ".join(c for c, t in zip(columns, placement.cells) if t is not None) or "none"
            self.report.problem("ROW_AMBIGUOUS", f"{prefix}: the values fit several column positions; kept {kept}")

    def t3_repair(self, key: str, texts: list[str]) -> None:
        """A row with one value too many or too few: let the row's arithmetic decide.

        Each way of dropping one printed cell (only an empty or zero one can be spurious) or of
        inserting the one that was not printed is tried; those where 总计 = the six applicant
        columns hold are kept (an inserted cell takes the value that makes the row add up). A
        reading with a blank cell cannot be checked and is not kept: no reading, nothing read.
        Readings that drop an empty inner cell are preferred, then readings that keep natural
        first and total last (the stray or lost cell is an inner one). One resulting set of values: it is used and reported; several: only the
        columns they agree on are kept.
        """
        n, width = len(texts), len(T3_COLUMNS)
        if not texts:
            self.report.problem("ROW_EMPTY", f"t3.{key}: the row carries no values")
            return
        if abs(n - width) != 1 or not all(read_value(t).ok for t in texts):
            self.report.problem("ROW_MISALIGNED", f"t3.{key}: {n} values for {width} columns; not read")
            return
        readings = []          # (rank, texts per column (None: not printed), values)
        for gap in range(max(n, width)):
            if n > width:
                if texts[gap] and read_value(texts[gap]).value != 0:
                    continue
                columns = texts[:gap] + texts[gap + 1:]
            else:
                columns = texts[:gap] + [None] + texts[gap:]
            values = _add_up(columns)
            if values is not None:
                inner = 0 < gap < max(n, width) - 1
                # Best: an inner empty cell dropped; then any inner cell; then an outer one.
                readings.append((0 if inner and not texts[gap] and n > width else 1 if inner else 2,
                                 columns, values))
        if not readings:
            self.report.problem("ROW_MISALIGNED", f"t3.{key}: {n} values for {width} columns, and no reading of "
                                                  "them adds up; not read")
            return
        best = min(r[0] for r in readings)
        chosen = [r for r in readings if r[0] == best]
        distinct = {values for _, _, values in chosen}
        if len(distinct) == 1:
            _, columns, values = chosen[0]
            for column, text, value in zip(T3_COLUMNS, columns, values):
                if text is None:
                    self.put_value(f"t3.{key}.{column}", value, "")
                else:
                    self.put(f"t3.{key}.{column}", text)
            if n > width:
                what = "a spurious extra cell was dropped"
            else:
                gaps = [T3_COLUMNS[r[1].index(None)] for r in chosen]
                what = f"the cell not printed ({' or '.join(gaps)}) is {values[T3_COLUMNS.index(gaps[0])]}"
            self.report.problem("ROW_REPAIRED", f"t3.{key}: {n} values for {width} columns; {what}, "
                                                "the only reading where the row adds up")
            return
        agreed = [i for i in range(width) if len({values[i] for values in distinct}) == 1
                  and all(columns[i] is not None for _, columns, _ in chosen)]
        for i in agreed:
            self.put(f"t3.{key}.{T3_COLUMNS[i]}", chosen[0][1][i])
        kept = ", ".join(T3_COLUMNS[i] for i in agreed) or "none"
        self.report.problem("ROW_AMBIGUOUS", f"t3.{key}: {n} values for {width} columns fit several ways; kept {kept}")

    # ------------------------------------------------------------ t4
    def t4_labelled(self, row: _Row) -> bool:
        """A t4 row written with its own label: 行政复议 | 5 values."""
        found = row.last_match("t4_row")
        if not found:
            return False
        label_at, key = found
        self.state.kind = "t4"
        column = row.last_match("t4_column")
        if column and column[0] > label_at:
            # The labels name one cell (行政诉讼 | 复议后起诉 | 结果维持 | 3: the table printed
            # downwards, one row per result): its figure is the one after them.
            texts = [t for _, t in row.after(column[0])]
            # In a grid the figure is the cell right after them: a blank there before a figure
            # further right (a 备注) leaves which is the cell's in doubt.
            blank_first = self.grid and texts and not row.cells[column[0] + 1]
            if len(texts) > 1 or blank_first:
                self.report.problem("ROW_MISALIGNED", f"t4.{key}.{column[1]}: {len(texts) + blank_first} values for "
                                                      "one cell; not read")
            else:
                self.put(f"t4.{key}.{column[1]}", texts[0] if texts else "")
            return True
        placement = place(row.cells[label_at + 1:], len(T4_COLUMNS),
                          header=self.header_offsets(label_at, [self.state.t4_header_columns.get(c) for c in T4_COLUMNS]))
        if placement is None:
            texts = [t for _, t in row.after(label_at)]
            self.report.problem("ROW_MISALIGNED", f"t4.{key}: {len(texts)} values for {len(T4_COLUMNS)} columns; not read")
        else:
            self.put_placed(f"t4.{key}", T4_COLUMNS, placement)
        return True

    def header_offsets(self, label_at: int, positions: list[int | None], *, side_by_side: bool = True) -> list[int] | None:
        """In a grid, where after the label its header names each column (`positions`: each
        column's index, in the template's order; `side_by_side`: only if they follow each
        other), else None."""
        if not self.grid or None in positions or min(positions) <= label_at or side_by_side and \
                positions != list(range(positions[0], positions[0] + len(positions))):
            return None
        return [index - label_at - 1 for index in positions]

    def t4_blank_row(self, row: _Row) -> bool:
        """A t4 row label alone before five empty cells, under a header that named the result
        columns already: a row of blanks (a header's group row comes before those names). Or
        the labels of one cell before its empty cell (the table printed downwards)."""
        found, column = row.last_match("t4_row"), row.last_match("t4_column")
        if found and column and column[0] > found[0]:     # one cell named by its labels, left blank
            return len(row.cells) > column[0] + 1
        if len(row.labels) != 1 or not row.senses[0].t4_row:
            return False
        return bool(self.state.t4_header_columns) and len(row.cells) - row.labels[0][0] - 1 >= len(T4_COLUMNS)

    def t4_flat(self, row: _Row) -> None:
        """The 15 numbers of section 四 in one row: by header position, else in printed order."""
        self.state.t4_header_closed = True
        positions = self.t4_positions()
        label_at = max((i for i, _ in row.labels), default=-1)
        filled = {i for i, c in enumerate(row.cells) if c and i > label_at}
        if self.grid and positions and filled <= set(positions.values()):
            for key, index in positions.items():
                if index < len(row.cells):
                    self.put(key, row.cells[index])
            return
        if self.grid and positions and not filled & set(positions.values()):
            # Figures under no column its header names: no t4 numbers, whatever else it holds.
            self.report.problem("UNKNOWN_ROW", f"t4: row {' | '.join(c for c in row.cells if c)!r} has no figure "
                                               "under the columns its header names; not read")
            return
        cells = [f"{r}.{c}" for r in T4_ROWS for c in T4_COLUMNS]
        placement = place(row.cells[label_at + 1:], len(cells))
        if placement is None:
            texts = [t for _, t in row.after(label_at)]
            self.report.problem("ROW_MISALIGNED", f"t4: {len(texts)} values for {len(cells)} cells; not read")
            return
        self.put_placed("t4", cells, placement)

    def t4_positions(self) -> dict[str, int]:
        """key → column index, when the header names a (row, column) for all 15 cells."""
        L = self.labels
        header = self.state.t4_header
        width = max((len(r) for r in header), default=0)
        positions: dict[str, int] = {}
        for index in range(width):
            group = column = None
            for cells in header:
                text = normalise_label(cells[index]) if index < len(cells) else ""
                if not text:
                    continue
                sense = L.sense(text)
                group = sense.t4_row or group
                column = sense.t4_column or column
            if group and column:
                positions.setdefault(f"t4.{group}.{column}", index)
        if len(positions) != len(T4_ROWS) * len(T4_COLUMNS) or len(set(positions.values())) != len(positions):
            return {}
        return positions


def _value_kind(key: str) -> str:
    """How a cell's text is read: 万元 amount, signed change or count (keys are the template's)."""
    return AMOUNT if key in TEMPLATE.amount_keys else SIGNED if key.rsplit(".", 1)[1] in TEMPLATE.signed_columns else COUNT


# Every template cell's kind, looked up once per cell read.
_VALUE_KINDS = {key: _value_kind(key) for edition in TEMPLATE.t2 for key in TEMPLATE.cell_keys(edition)}


# Tables whose header names their columns, and whose rows add up (总计 = the other columns):
# (the Sense field naming a column, the one naming a row, the columns, 总计 last, the _Row count
# of labels that may name such a column).
_HEADED_TABLES = (("t3_column", "t3_row", T3_COLUMNS, "t3_column_hits"), ("t4_column", "t4_row", T4_COLUMNS, "t4_hits"))


def _header_columns(rows: list[_Row], column_meaning: str, hits: str) -> tuple[set[int], dict[int, str]]:
    """(every index the table's header rows label, but with a group's label (法人或其他组织),
    index → column where they name a column of the kind `column_meaning`: a `Sense` field,
    t3_column or t4_column)."""
    labelled: set[int] = set()
    named: dict[int, str] = {}
    for row in rows:
        if not row.values and getattr(row, hits) and any(getattr(s, column_meaning) for s in row.senses):
            labelled.update(i for i, text in row.labels if text not in _T3_COLUMN_GROUPS)
            named.update((i, getattr(s, column_meaning)) for (i, _), s in zip(row.labels, row.senses)
                         if getattr(s, column_meaning))
    return labelled, named


def _labelled_otherwise(labelled: set[int], named: dict[int, str]) -> frozenset[int]:
    """The indexes a header labels, among or after the columns it names, as none of them."""
    return frozenset(i for i in labelled if named and i > min(named) and i not in named)


def _foreign_columns(rows: list[_Row], labelled: set[int], named: dict[int, str], row_meaning: str,
                     columns: list[str]) -> frozenset[int]:
    """The columns among or after those a header naming all the table's columns labels as
    something else (备注, 上年数, 法人小计): they hold no template figure, when the header stands
    over the rows' figures: rows read by its positions add up (总计 = the others, not 0), more
    of them than do not. A header a column off its figures (or a group label given a column of
    its own in a header flattened to one row) would have figures set aside. (A column the header
    does not label is no evidence: rows whose label takes one cell more put their figures
    there.)"""
    first: dict[str, int] = {}
    for index in sorted(named):
        first.setdefault(named[index], index)
    if len(first) != len(columns):
        return frozenset()
    foreign = _labelled_otherwise(labelled, named)
    if not foreign:
        return frozenset()
    data = [row for row in rows if row.values and any(getattr(s, row_meaning) for s in row.senses)]
    positions = [first[column] for column in columns]
    add_up = fail = 0
    for row in data:
        if len(row.cells) > max(positions):
            values = [read_value(row.cells[i]).value if row.cells[i] else None for i in positions]
            if None not in values:
                add_up += sum(values[:-1]) == values[-1] != 0
                fail += sum(values[:-1]) != values[-1]
    return frozenset(foreign) if add_up and add_up > fail else frozenset()


def _spans_repeated(cells: list[str], columns: list[tuple[int | None, str]]) -> bool:
    """Delimited text whose header repeats a spanned column's name over the cells it spans, and
    whose row repeats its figure likewise ("14053 | 14053 | 14053", a grid copied with its spans
    filled in): the row's cells stand under their header's."""
    under: dict[str, set[str]] = {}
    for index, key in columns:
        under.setdefault(key, set()).add(cells[index] if index is not None and index < len(cells) else None)
    spanned = [texts for key, texts in under.items() if sum(k == key for _, k in columns) > 1]
    return bool(spanned) and all(len(texts) == 1 and None not in texts for texts in spanned)


def _enumerated(row: _Row, text: str) -> bool:
    """The printed label carries an enumerator ("（七）总计", "3.其他"): a row, not a column."""
    return any(t == text and row.cells[i].lstrip()[:1] in _ENUMERATOR_START for i, t in row.labels)


def _carries_values(row: _Row, *, strict: bool = False) -> bool:
    """A data row: it has numbers or placeholders, or (not `strict`: a span-expanded grid) a full
    row of empty cells after its last label. Text tables are padded, so they are always strict."""
    if row.values or any(c and is_blank(c) for c in row.cells):
        return True
    last_label = max((i for i, _ in row.labels), default=-1)
    return not strict and len(row.cells) - last_label - 1 >= len(T3_COLUMNS)


def _add_up(columns: list[str | None]) -> tuple | None:
    """The row's values if 总计 = the six applicant columns holds, else None.

    A column that was not printed (None) takes the value that makes the row add up. A blank
    cell leaves the row unverifiable: such a reading is no evidence (the cell that does not
    belong may be anywhere, a figure too), so it does not count.
    """
    values = [None if t is None else read_value(t).value for t in columns]
    printed = [v for t, v in zip(columns, values) if t is not None]
    if any(v is None for v in printed):
        return None
    if None not in values:
        return tuple(values) if sum(values[:-1]) == values[-1] else None
    gap = values.index(None)
    if gap == len(values) - 1:
        values[gap] = sum(values[:-1])
    else:
        values[gap] = values[-1] - sum(v for v in values[:-1] if v is not None)
        if values[gap] < 0:
            return None
    return tuple(values)


# ---------------------------------------------------------------- the document
def read_document(doc: Document) -> Report:
    report = Report()
    reader = Reader(report)
    table_rows = [reader.rows(block) if isinstance(block, Table) else None for block in doc.blocks]
    end = first_report_end(doc.blocks, table_rows)
    if end is not None:
        report.problem("SEVERAL_REPORTS", f"the document holds more than one report (section 一 starts again at "
                                          f"{_shown(doc.blocks[end])!r}); only the first is read")
        doc = replace(doc, blocks=doc.blocks[:end], text=None)
        table_rows = table_rows[:end]
    reader.edition = edition_of_labels(row for rows in table_rows if rows for row in rows)
    narrative: list[str] = []
    for block, rows in zip(doc.blocks, table_rows):
        if isinstance(block, Paragraph):
            reader.heading(block.text)
            narrative.append(block.text)
        else:
            reader.table(block, rows)
    if _has_other_subrows(report):
        # （六）其他处理 printed as a row of its own above its three sub-rows heads them: its
        # figures, if any, are their subtotal, not the single row of the 2019 form.
        for key in _T3_ROW_KEYS["other_handling"]:
            report.cells.pop(key, None)
            report.raw_cells.pop(key, None)
    for code, detail in doc.problems:
        report.problem(code, detail)
    # No table structure, or a text whose row labels are glued to their figures: the tables are
    # in the text with their cells run together. What a line-by-line reading made of such text is
    # not trusted (a line break is no column); the identities cut it instead.
    text = doc.text if doc.text is not None else "\n".join(narrative)
    flattened = doc.text is not None and glued_rows(text) >= MIN_GLUED_ROWS
    flat = read_flattened(text) if flattened or not report.cells else None
    if flat:
        if report.cells:
            report.cells.clear()
            report.raw_cells.clear()
        flat.record(report)
        reader.sections = sorted(set(reader.sections) | set(flat.sections))
        narrative = [flat.narrative]
    # A section whose table was read is there, however its heading was printed (or not).
    tabled = {key[:2] for key in report.cells}
    report.sections = sorted(set(reader.sections) | {n for n, kind in SECTION_TABLE.items() if kind in tabled})
    report.narrative = "\n".join(narrative)
    read_metadata(doc, report)
    if any(p.code == "NOT_A_REPORT" for p in report.problems):
        # a page that is no report (news with a photo) holds no report tables in its pictures
        report.problems = [p for p in report.problems if p.code != "TABLE_IMAGES"]
        return report
    report.template = detect_template(report) or (flat.template if flat else None)
    year_against_edition(report)
    _completeness(report)
    return report


def first_report_end(blocks: list, table_rows: list) -> int | None:
    """The block where a second report starts, in a document holding several one after the
    other (a county's page of its offices' reports, a report followed by last year's): section
    一's heading again after a later section's heading and a table of template rows, moved back
    to the report title that stands before it, if one does. None for a document of one report.
    Read together, two reports' figures would mix into one record that adds up to nothing."""
    latest = 0                  # the highest section heading met so far
    tables_read = False         # template rows with figures met after section 二's heading or later
    for at, (block, rows) in enumerate(zip(blocks, table_rows)):
        # A paragraph, or a table's rows of one merged cell, may be a section heading.
        headings = [block.text] if rows is None else [row.cells[row.labels[0][0]] for row in rows
                                                      if not row.values and row.labels]
        for heading in headings:
            number = section_of(heading)
            if number == 1 and tables_read:
                return _title_before(blocks, at)
            latest = max(latest, number or 0)
        if rows is not None and latest > 1 and not tables_read:
            tables_read = any(row.values and any(s.t2_rows or s.t3_row or s.t4_row for s in row.senses)
                              for row in rows)
    return None


def _title_before(blocks: list, heading_at: int) -> int:
    """The index of the report title among the paragraphs just before a section heading (back
    to the last table), else the heading's own."""
    at = heading_at
    while at > 0 and isinstance(blocks[at - 1], Paragraph):
        at -= 1
        if title_match(blocks[at].text):
            return at
    return heading_at


def _shown(block) -> str:
    return block.text[:40] if isinstance(block, Paragraph) else "a table"


def edition_of_labels(rows: Iterable[_Row]) -> str | None:
    """The edition the tables' labels point to, when they point to one only (`Sense.editions`).
    A headerless t2 row is read by it."""
    seen: set[str] = set()
    for row in rows:
        seen |= row.editions
    return seen.pop() if len(seen) == 1 else None


def detect_template(report: Report) -> str | None:
    """The edition, from which t2 columns / t3 rows the report has (not from its year)."""
    keys = report.cells.keys()
    if "t2.fees.amount" in keys or not keys.isdisjoint(_T2_KEYS_OF_COLUMNS["2021"]):
        return "2021"
    if "t2.procurement.amount" in keys or not keys.isdisjoint(_T2_KEYS_OF_COLUMNS["2019"]):
        return "2019"
    if _has_other_subrows(report):
        return "2021"
    return None


def _has_other_subrows(report: Report) -> bool:
    return not _OTHER_SUBROW_CELLS.isdisjoint(report.cells)


def expected_t3_rows(report: Report) -> list[str]:
    """The t3 rows this report should have, given its edition and its (六) layout."""
    has_subrows = _has_other_subrows(report)
    has_single = any(key in report.cells for key in _T3_ROW_KEYS["other_handling"])
    single = report.template == "2019" or (has_single and not has_subrows)
    drop = set(T3_OTHER_SUBROWS) if single else {"other_handling"}
    return [row for row in TEMPLATE.t3_rows if row not in drop]


def _completeness(report: Report) -> None:
    cells = report.cells
    if report.template is None:
        report.problem("TEMPLATE_UNKNOWN", "the template edition could not be told from the tables")
    else:
        keys = _T2_KEYS[report.template]
        missing = [k for k in keys if k not in cells]
        if missing:
            report.problem("TABLE_INCOMPLETE", f"t2: {len(missing)} of {len(keys)} cells missing")
    rows = expected_t3_rows(report)
    missing_rows = [r for r in rows if not any(k in cells for k in _T3_ROW_KEYS[r])]
    missing_cells = [k for r in rows for k in _T3_ROW_KEYS[r] if k not in cells]
    if missing_rows:
        report.problem("TABLE_INCOMPLETE", f"t3: {len(missing_rows)} of {len(rows)} rows missing")
    elif missing_cells:
        report.problem("TABLE_INCOMPLETE", f"t3: {len(missing_cells)} of {len(rows) * len(T3_COLUMNS)} cells missing")
    keys = _T4_KEYS
    missing = [k for k in keys if k not in cells]
    if missing:
        report.problem("TABLE_INCOMPLETE", f"t4: {len(missing)} of {len(keys)} cells missing")
    absent = [n for n in TEMPLATE.sections if n not in report.sections]
    if absent:
        report.problem("SECTION_MISSING", "sections not found: " + ", ".join(map(str, absent)))
