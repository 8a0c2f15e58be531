"""Matching printed labels against the template's label lists (spec/template.yaml).

Labels are compared after `normalise_label` (width, spaces, enumerators, quotes). A printed
label may also be cut short ("（二）部分公开（区分处理的，") or carry a note after the official
wording; both are matched by prefix, the longest known label winning. A label that two
template rows fit equally (cut short or garbled) matches neither. Row labels may carry their
group labels in front (`PrefixedIndex`). The t3 row "3.其他" folds to "其他", the same as the
t3 column 其他: the reader resolves it by context.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from parsers.document import UNREAD
from parsers.template import TEMPLATE, normalise_label
from parsers.values import is_blank, looks_like_value, page_spec

# A known label that is a prefix of the printed one must be at least this long, unless the
# printed label goes on with a bracket (a note): "规章（件）".
MIN_PREFIX = 4
# A printed label cut short must keep at least this much of the known label.
MIN_TRUNCATED = 6
# Labels garbled by extraction ("其他法律行政止公开"): similar enough to exactly one known label.
MIN_SIMILARITY = 0.8
FUZZY_LENGTHS = range(4, 80)
# What may stand between a group label and the row's own ("（三）不予公开：1.属于国家秘密"), once
# normalised (NFKC: full-width forms are half-width here).
GROUP_SEPARATORS = "-—–/\\:>|·_"
# What a table cell that is no label is (`Labels.cell_kind`).
VALUE, BLANK = "value", "blank"
# The t3 sub-rows of （六）其他处理, which only the 2021 edition has.
T3_OTHER_SUBROWS = ("other_no_correction", "other_unpaid_fee", "other_other")
# Look-ups remembered per index (labels recur from page to page); cleared when full.
CACHE_SIZE = 50_000


@dataclass(frozen=True)
class T2Column:
    edition: str
    block: int
    key: str


class LabelIndex:
    """normalised label → meaning, for one kind of label."""

    def __init__(self, entries: dict[str, object]):
        self.exact = entries
        self.by_length = sorted(entries, key=len, reverse=True)
        self.cache: dict[str, object] = {}

    def match(self, label: str):
        """The meaning of a normalised printed label, or None."""
        found = self.exact.get(label)
        if found is not None or not label:
            return found
        return _remembered(self.cache, label, self._near)

    def _near(self, label: str):
        found = self.candidates(label)
        return found[0] if len(found) == 1 else None

    def whole(self, label: str) -> bool:
        """The label is a known one in full, or one with a note after it that is not the start
        of a longer one (a label cut short, whose end is on the next line)."""
        if label in self.exact:
            return True
        if any(known.startswith(label) for known in self.by_length):
            return False
        return any(label.startswith(known) and (len(known) >= MIN_PREFIX or label[len(known)] == "(")
                   for known in self.by_length)

    def candidates(self, label: str) -> list:
        """The meanings a printed label could have: one, or several when it is cut short or
        garbled into something two known labels fit equally (then it is not matched)."""
        for known in self.by_length:
            if label.startswith(known) and (label == known or len(known) >= MIN_PREFIX or label[len(known)] == "("):
                return [self.exact[known]]
        if len(label) >= MIN_TRUNCATED:
            found = _distinct(self.exact[known] for known in self.by_length if known.startswith(label))
            if found:
                return found
        return self.similar(label)

    def similar(self, label: str) -> list:
        """The meanings of the known labels a printed one is, or is closest to (garbled)."""
        if label in self.exact:
            return [self.exact[label]]
        if len(label) not in FUZZY_LENGTHS:
            return []
        scored = sorted(((SequenceMatcher(None, label, known, autojunk=False).ratio(), known)
                         for known in self.exact if abs(len(known) - len(label)) <= len(known) // 3),
                        reverse=True)
        best = [known for ratio, known in scored if ratio >= MIN_SIMILARITY and ratio == scored[0][0]]
        return _distinct(self.exact[known] for known in best)


class PrefixedIndex:
    """Row labels that may carry their group labels in front, as tables without rowspan print
    them: "三、本年度办理结果（三）不予公开1.属于国家秘密" is withheld_secret, "第二十条第（一）项规章"
    is the 规章 row of that sub-table. Known group labels (template.yaml `t3.prefixes`, the t2
    captions) are peeled off the front with their enumerators; what is left is matched as a row
    label and must be a row every peeled group leads (`narrow`)."""

    def __init__(self, rows: LabelIndex, prefixes: dict[str, frozenset], narrow=None):
        self.rows = rows
        self.exact = rows.exact
        self.prefixes = sorted(((normalise_label(p), places) for p, places in prefixes.items()),
                               key=lambda kv: -len(kv[0]))
        self.narrow = narrow or (lambda key, allowed: key if key in allowed else None)
        self.peeled: dict[str, tuple[str, frozenset | None]] = {}
        self.matched: dict[str, object] = {}
        self.fitting: dict[str, list] = {}

    def peel(self, label: str) -> tuple[str, frozenset | None]:
        """(the row's own label, what its group labels allow; None: no group label)."""
        return _remembered(self.peeled, label, self._peel)

    def _peel(self, label: str) -> tuple[str, frozenset | None]:
        allowed = None
        while True:
            for prefix, places in self.prefixes:
                # A group label alone ("（六）其他处理") may be a row itself: only peel in front of more.
                rest = normalise_label(label[len(prefix):].lstrip(GROUP_SEPARATORS)) if label.startswith(prefix) else ""
                if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
                    rest = rest[1:-1]         # "行政诉讼（复议后起诉）"
                if rest:
                    label, allowed = rest, places if allowed is None else allowed & places
                    break
            else:
                return label, allowed

    def _within(self, meaning, allowed):
        return meaning if meaning is None or allowed is None else self.narrow(meaning, allowed)

    def match(self, label: str):
        return _remembered(self.matched, label, self._match)

    def _match(self, label: str):
        own, allowed = self.peel(label)
        return self._within(self.rows.match(own), allowed)

    def whole(self, label: str) -> bool:
        return self.rows.whole(self.peel(label)[0])

    def is_group(self, label: str) -> bool:
        """A group label alone ("不予公开"): it heads rows, and a row of figures under it is
        the group's subtotal, no template row."""
        return label not in self.rows.exact and any(label == prefix for prefix, _ in self.prefixes)

    def candidates(self, label: str) -> list:
        own, allowed = self.peel(label)
        return [m for m in (self._within(m, allowed) for m in self.rows.candidates(own)) if m]

    def is_complete(self, label: str, meaning) -> bool:
        """The label is `meaning`'s in full (or garbled), not its start nor it with more after."""
        return _remembered(self.fitting, label, self._fitting) == [meaning]

    def _fitting(self, label: str) -> list:
        """The meanings of the known labels the printed one is, or is closest to, within its groups."""
        own, allowed = self.peel(label)
        return [self._within(m, allowed) for m in self.rows.similar(own)]


def _in_blocks(meaning: list, allowed: frozenset) -> list | None:
    """The t2 row meanings (edition, block, key) inside the sub-tables a caption names."""
    return [m for m in meaning if (m[0], m[1]) in allowed] or None


_UNSEEN = object()


def _remembered(cache: dict, label: str, find):
    """find(label), remembered in `cache`; cleared when full (hostile pages: bounded memory)."""
    found = cache.get(label, _UNSEEN)
    if found is _UNSEEN:
        if len(cache) > CACHE_SIZE:
            cache.clear()
        found = cache[label] = find(label)
    return found


def _distinct(meanings) -> list:
    found = []
    for meaning in meanings:
        if meaning not in found:
            found.append(meaning)
    return found


def _index(mapping: dict[str, list[str]]) -> dict[str, str]:
    return {normalise_label(label): key for key, labels in mapping.items() for label in labels}


@lru_cache(maxsize=1)
def labels() -> "Labels":
    return Labels()


class Sense:
    """What one normalised printed label means in each index, looked up once: a table row asks
    a label a dozen questions (is it a t3 row? a t4 column? a caption?), each a dict look-up here."""

    __slots__ = ("t2_caption", "t2_columns", "t2_rows", "t3_row", "t3_group", "t3_column", "t4_row", "t4_column",
                 "t4_hit", "ambiguous_t3", "editions")

    def __init__(self, L: "Labels", text: str):
        self.t2_caption = L.t2_captions.match(text)
        self.t2_columns = L.t2_columns.match(text)
        self.t2_rows = L.t2_rows.match(text)
        self.t3_row = L.t3_rows.match(text)
        self.t3_group = L.t3_rows.is_group(text)
        self.t3_column = L.t3_columns.match(text)
        self.t4_row = L.t4_rows.match(text)
        self.t4_column = L.t4_columns.match(text)
        self.t4_hit = bool(text in L.t4_words or self.t4_column or self.t4_row)
        self.ambiguous_t3 = text in L.ambiguous_t3
        self.editions = self._editions()

    def _editions(self) -> frozenset[str]:
        """The editions the label points to, each where it exists in one edition only: t2
        columns, rows and captions (本年制发件数, 政府集中采购), the sub-rows of （六）其他处理 (2021)."""
        seen: set[str] = set()
        places = (self.t2_rows or []) + (self.t2_caption or [])
        for editions in ({c.edition for c in self.t2_columns or ()}, {edition for edition, *_ in places}):
            if len(editions) == 1:
                seen |= editions
        if not self.ambiguous_t3 and self.t3_row in T3_OTHER_SUBROWS:
            seen.add("2021")
        return frozenset(seen)


class Labels:
    def __init__(self):
        spec = page_spec()
        self.t3_rows = PrefixedIndex(LabelIndex(_index(TEMPLATE.t3_rows)), TEMPLATE.t3_prefixes)
        self.t3_columns = LabelIndex(_index(TEMPLATE.t3_columns))
        self.t4_rows = PrefixedIndex(LabelIndex(_index(TEMPLATE.t4_rows)), TEMPLATE.t4_prefixes)
        self.t4_columns = LabelIndex(_index(TEMPLATE.t4_columns))
        self.t4_words = frozenset(normalise_label(w) for w in spec["t4_header_words"])
        captions: dict[str, list[tuple[str, int]]] = {}
        t2_rows: dict[str, list[tuple[str, int, str]]] = {}
        t2_columns: dict[str, list[T2Column]] = {}
        for edition, blocks in TEMPLATE.t2.items():
            for number, block in enumerate(blocks):
                captions.setdefault(normalise_label(block.caption), []).append((edition, number))
                for key, names in block.rows.items():
                    for name in names:
                        t2_rows.setdefault(normalise_label(name), []).append((edition, number, key))
                for key, names in block.columns.items():
                    for name in names:
                        t2_columns.setdefault(normalise_label(name), []).append(T2Column(edition, number, key))
        self.t2_captions = LabelIndex(captions)
        self.t2_rows = PrefixedIndex(LabelIndex(t2_rows),
                                     {caption: frozenset(places) for caption, places in captions.items()},
                                     _in_blocks)
        self.t2_columns = LabelIndex(t2_columns)
        # t3 row labels that are also column labels once the enumerator is gone (其他, 总计).
        self.ambiguous_t3 = frozenset(self.t3_rows.exact) & frozenset(self.t3_columns.exact)
        self.ambiguous_t3_keys = frozenset(self.t3_rows.exact[label] for label in self.ambiguous_t3)
        self.sections = {number: [normalise_label(name) for name in names]
                         for number, names in TEMPLATE.sections.items()}
        self.senses: dict[str, Sense] = {}
        # printed cell → VALUE, BLANK or (normalised label, its sense): cells recur (labels,
        # small counts), so a table's cells are mostly one look-up each
        self.cell_kinds: dict[str, object] = {}

    def cell_kind(self, cell: str):
        """What a printed (non-empty) table cell is: VALUE (a number), BLANK (a placeholder),
        or a label (normalised text, `Sense`) (remembered)."""
        return _remembered(self.cell_kinds, cell, self._cell_kind)

    def _cell_kind(self, cell: str):
        if cell == UNREAD:      # a cell a front-end could not read stands where a figure would
            return VALUE
        if looks_like_value(cell):
            return BLANK if is_blank(cell) else VALUE
        text = normalise_label(cell)
        return text, self.sense(text)

    def sense(self, text: str) -> Sense:
        """What a normalised printed label means in every index (remembered)."""
        return _remembered(self.senses, text, lambda label: Sense(self, label))
