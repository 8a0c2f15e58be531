"""The national template (spec/template.yaml) as Python objects, plus label normalisation.

Everything Chinese that the parser matches against lives in `spec/template.yaml`; this module
only gives it shape. Load once: `from parsers.template import TEMPLATE`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import yaml

EDITIONS = ("2019", "2021")

_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
# Leading enumerators: (一) 一、 1. 1、 (1) — possibly repeated ("三、(一)").
_ENUMERATOR = re.compile(r"^(?:\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+[、.]|\d+[.、](?!\d))+")


@lru_cache(maxsize=16384)
def normalise_label(text: str) -> str:
    """Fold a printed label to its comparable form.

    Full-width to half-width (NFKC), no white space or line breaks inside, no quotes, no
    leading enumerator, no trailing colon. "（二）部分公开" and "(二) 部分 公开" both become "部分公开".
    """
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text)
    text = _QUOTES.sub("", text).rstrip(":")         # "规章：" is 规章
    return _ENUMERATOR.sub("", text)


@dataclass(frozen=True)
class T2Block:
    """One sub-table of section 二, e.g. 第二十条第（一）项 with its rows and columns."""

    caption: str
    rows: dict[str, list[str]]       # key -> labels (official first)
    columns: dict[str, list[str]]
    unit: str | None = None          # "万元" for amount columns

    def keys(self) -> list[str]:
        return [f"t2.{r}.{c}" for r in self.rows for c in self.columns]


class Template:
    def __init__(self, data: dict):
        self.data = data
        self.sections: dict[int, list[str]] = {int(k): v for k, v in data["sections"].items()}
        self.t2: dict[str, list[T2Block]] = {
            edition: [
                T2Block(b["caption"], dict(b["rows"]), dict(b["columns"]), b.get("unit"))
                for b in blocks
            ]
            for edition, blocks in data["t2"].items()
        }
        self.t3_columns: dict[str, list[str]] = dict(data["t3"]["columns"])
        self.t3_column_groups: list[str] = list(data["t3"]["column_groups"])
        self.t3_rows: dict[str, list[str]] = dict(data["t3"]["rows"])
        self.t3_groups: dict[str, list[str]] = dict(data["t3"]["groups"])
        self.t3_prefixes: dict[str, frozenset[str]] = {
            label: frozenset(self._t3_rows_of(members)) for label, members in data["t3"]["prefixes"].items()}
        self.t4_rows: dict[str, list[str]] = dict(data["t4"]["rows"])
        self.t4_columns: dict[str, list[str]] = dict(data["t4"]["columns"])
        self.t4_order: list[str] = list(data["t4"]["order"])
        self.t4_prefixes: dict[str, frozenset[str]] = {
            label: frozenset(rows) for label, rows in data["t4"].get("prefixes", {}).items()}

    def _t3_rows_of(self, names: list[str]) -> list[str]:
        """t3 row keys named directly or through a group (groups may name groups)."""
        rows = []
        for name in names:
            rows += self._t3_rows_of(self.t3_groups[name]) if name in self.t3_groups else [name]
        return rows

    @classmethod
    def load(cls) -> "Template":
        text = resources.files("parsers").joinpath("spec/template.yaml").read_text("utf-8")
        return cls(yaml.safe_load(text))

    def t3_keys(self) -> list[str]:
        return [f"t3.{r}.{c}" for r in self.t3_rows for c in self.t3_columns]

    def t4_keys(self) -> list[str]:
        return [f"t4.{r}.{c}" for r in self.t4_order for c in self.t4_columns]

    def t2_keys(self, edition: str) -> list[str]:
        return [k for block in self.t2[edition] for k in block.keys()]

    def cell_keys(self, edition: str) -> list[str]:
        """Every canonical key of one edition, in printed order (t3 lists all `other_*` rows)."""
        return self.t2_keys(edition) + self.t3_keys() + self.t4_keys()

    @cached_property
    def amount_keys(self) -> frozenset[str]:
        """Keys whose values are 万元 amounts (decimals), across both editions."""
        return frozenset(
            f"t2.{r}.amount"
            for blocks in self.t2.values()
            for b in blocks
            if "amount" in b.columns
            for r in b.rows
        )

    @cached_property
    def signed_columns(self) -> frozenset[str]:
        """t2 columns that may be negative (本年增/减)."""
        return frozenset({"change"})


TEMPLATE = Template.load()
