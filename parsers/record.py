"""The canonical record one annual report parses into (spec §2: the parse output contract)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# A value cell: int for counts and signed changes, float for 万元 amounts, None for a blank/placeholder.
CellValue = Union[int, float, None]


@dataclass(frozen=True)
class Problem:
    """Something the parser could not do cleanly. Codes are listed in parsers/PROBLEMS.md."""

    code: str
    detail: str

    def to_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail}


@dataclass
class Report:
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    template: str | None = None          # "2019" | "2021" | None
    published: str | None = None         # ISO date
    sections: list[int] = field(default_factory=list)
    cells: dict[str, CellValue] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Beyond the JSON contract, kept for the checks and the store:
    raw_cells: dict[str, str] = field(default_factory=dict)   # key -> the text as printed
    narrative: str = ""                   # the report's prose (sections 1, 5, 6 and the rest)

    def problem(self, code: str, detail: str) -> None:
        self.problems.append(Problem(code, detail))

    def to_dict(self, *, full: bool = False) -> dict:
        """The spec §2 object; `full=True` adds raw_cells and narrative."""
        out = {
            "agency": self.agency,
            "year": self.year,
            "title": self.title,
            "template": self.template,
            "published": self.published,
            "sections": list(self.sections),
            "cells": dict(self.cells),
            "problems": [p.to_dict() for p in self.problems],
        }
        if full:
            out["raw_cells"] = dict(self.raw_cells)
            out["narrative"] = self.narrative
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        return cls(
            agency=data.get("agency"),
            year=data.get("year"),
            title=data.get("title"),
            template=data.get("template"),
            published=data.get("published"),
            sections=list(data.get("sections") or []),
            cells=dict(data.get("cells") or {}),
            problems=[Problem(p["code"], p["detail"]) for p in data.get("problems") or []],
            raw_cells=dict(data.get("raw_cells") or {}),
            narrative=data.get("narrative") or "",
        )
