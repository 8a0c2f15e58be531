"""Matching printed labels against the template's label lists (spec/template.yaml).

Labels are compared after `normalise_label` (width, spaces, enumerators, quotes). A printed
label may also be cut short ("（二）部分公开（区分处理的，") or carry a note after the official
wording; both are matched by prefix, the longest known label winning. The t3 row "3.其他"
folds to "其他", the same as the t3 column 其他: the reader resolves it by context.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from parsers.template import TEMPLATE, normalise_label
from parsers.values import page_spec

# A known label that is a prefix of the printed one must be at least this long, unless the
# printed label goes on with a bracket (a note): "规章（件）".
MIN_PREFIX = 4
# A printed label cut short must keep at least this much of the known label.
MIN_TRUNCATED = 6
# Labels garbled by extraction ("其他法律行政止公开"): similar enough to exactly one known label.
MIN_SIMILARITY = 0.8
FUZZY_LENGTHS = range(4, 80)


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
        if label not in self.cache:
            if len(self.cache) > 50_000:      # hostile pages: bounded memory
                self.cache.clear()
            self.cache[label] = self._near(label)
        return self.cache[label]

    def _near(self, label: str):
        for known in self.by_length:
            if label.startswith(known) and (len(known) >= MIN_PREFIX or label[len(known)] == "("):
                return self.exact[known]
        if len(label) >= MIN_TRUNCATED:
            for known in self.by_length:
                if known.startswith(label):
                    return self.exact[known]
        if len(label) not in FUZZY_LENGTHS:
            return None
        scored = sorted(((SequenceMatcher(None, label, known, autojunk=False).ratio(), known)
                         for known in self.exact if abs(len(known) - len(label)) <= len(known) // 3),
                        reverse=True)
        if scored and scored[0][0] >= MIN_SIMILARITY and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return self.exact[scored[0][1]]
        return None


def _index(mapping: dict[str, list[str]]) -> dict[str, str]:
    return {normalise_label(label): key for key, labels in mapping.items() for label in labels}


@lru_cache(maxsize=1)
def labels() -> "Labels":
    return Labels()


class Labels:
    def __init__(self):
        spec = page_spec()
        self.t3_rows = LabelIndex(_index(TEMPLATE.t3_rows))
        self.t3_columns = LabelIndex(_index(TEMPLATE.t3_columns))
        self.t4_rows = LabelIndex(_index(TEMPLATE.t4_rows))
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
        self.t2_rows = LabelIndex(t2_rows)
        self.t2_columns = LabelIndex(t2_columns)
        # t3 row labels that are also column labels once the enumerator is gone (其他, 总计).
        self.ambiguous_t3 = frozenset(self.t3_rows.exact) & frozenset(self.t3_columns.exact)
        self.ambiguous_t3_keys = frozenset(self.t3_rows.exact[label] for label in self.ambiguous_t3)
        self.sections = {number: [normalise_label(name) for name in names]
                         for number, names in TEMPLATE.sections.items()}
