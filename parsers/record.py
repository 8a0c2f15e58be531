"""The canonical record one annual report parses into (spec §2: the parse output contract)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Union

# A value cell: int for counts and signed changes, float for 万元 amounts, None for a blank/placeholder.
CellValue = Union[int, float, None]


@dataclass(frozen=True)
class Problem:
    """Something the parser could not do cleanly. Codes are listed in parsers/PROBLEMS.md."""

    code: str
    detail: str

    def to_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail}


# Problems that say nianjian could not read the document (parsers/PROBLEMS.md): the file is at
# fault, not the agency. A document with one of them that gave no cell at all is `unreadable`:
# its checks are one UNREADABLE warning, it never replaces a readable version of the same report.
# UNSUPPORTED_ATTACHMENT and PARTS_MISSING (a page split over pages, some not fetched) come from ingest.
UNREADABLE_CODES = ("UNREADABLE_FILE", "UNREADABLE_TEXT", "TOO_LARGE", "SCANNED_PDF", "SCANNED_PAGES", "EMPTY_DOCUMENT",
                    "DECODE_ERROR", "PARSE_ERROR", "UNSUPPORTED_ATTACHMENT", "OCR_UNAVAILABLE", "TABLE_IMAGES",
                    "PARTS_MISSING")
# Problems that say part of a document was not read (pages skipped, text garbled): with cells
# read, the report is `partly_read`, and what it lacks may be what was not read.
# OCR_UNCERTAIN: cells OCR was not sure of were left out; OCR_READ: OCR may miss what it does not
# know it missed (a label misread, a faint row), so a section or cell lacking is no evidence.
# DOCX_UNSHOWN: DOCX cells whose shown text the file does not tell (a field never computed) were left out.
# CELL_AMBIGUOUS: HTML cells whose shown figure cannot be told (struck text beside a correction) were left out.
PARTLY_READ_CODES = (*UNREADABLE_CODES, "PAGE_LIMIT", "DENSE_PAGES", "OCR_UNCERTAIN", "OCR_READ", "DOCX_UNSHOWN",
                     "CELL_AMBIGUOUS")
# Problems that say rows of a table were not read (their values fitted no reading, or several,
# or their label none): the table's missing cells may be those rows'. Their detail starts with the
# table (`t3.granted: …`, `t4: …`), as every parser problem about cells does.
ROWS_UNREAD_CODES = ("ROW_MISALIGNED", "ROW_AMBIGUOUS", "LABEL_AMBIGUOUS", "UNKNOWN_ROW", "FLAT_RUN_AMBIGUOUS",
                     "FLAT_RUN_UNREADABLE", "FLAT_ROW_UNCONFIRMED", "FLAT_INCONSISTENT")
# Below this much text, a document with no table cell and no section heading holds no report
# (a bot wall, an error page, a page that only repeats the listed title).
MIN_REPORT_TEXT = 200


# How much of a document nianjian read, worst first: a version never replaces one read better.
READABILITY = ("unreadable", "partly_read", "read")


def reading(problems: Iterable[Problem], has_cells: bool) -> tuple[str, Problem | None]:
    """(readability, the problem behind it): the one definition, shared by `Report` and the
    store (which keeps only the problems and the cell count of each version)."""
    codes = UNREADABLE_CODES if not has_cells else PARTLY_READ_CODES
    problem = next((p for p in problems if p.code in codes), None)
    if problem is None:
        return "read", None
    return ("partly_read" if has_cells else "unreadable"), problem


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

    @property
    def readability(self) -> str:
        """`unreadable` | `partly_read` | `read` (READABILITY)."""
        return reading(self.problems, bool(self.cells))[0]

    @property
    def unreadable(self) -> Problem | None:
        """The problem that made this document unreadable (a scan, an encrypted or damaged file,
        an empty page…), or None when nianjian read it."""
        state, problem = reading(self.problems, bool(self.cells))
        return problem if state == "unreadable" else None

    @property
    def partly_read(self) -> Problem | None:
        """The problem saying part of this (otherwise read) document was not read, or None."""
        state, problem = reading(self.problems, bool(self.cells))
        return problem if state == "partly_read" else None

    def rows_unread(self, table: str) -> Problem | None:
        """The problem saying rows of `table` (t2, t3, t4) were not read wholly, or None."""
        return next((p for p in self.problems if p.code in ROWS_UNREAD_CODES
                     and p.detail.startswith((f"{table}.", f"{table}:"))), None)

    @property
    def status(self) -> str:
        """`unsupported` | `unreadable` | `not_a_report` | `read`: what became of the document,
        decided here once from the problems the front-ends and the reader raised."""
        codes = {p.code for p in self.problems}
        if "UNSUPPORTED_FORMAT" in codes:
            return "unsupported"
        if self.unreadable:     # what could not be read cannot be said to be no report
            return "unreadable"
        return "not_a_report" if "NOT_A_REPORT" in codes else "read"

    @property
    def holds_report(self) -> bool:
        """Whether anything of a report came out: a table cell, a section heading, or prose."""
        return bool(self.cells or self.sections or len(self.narrative) >= MIN_REPORT_TEXT)

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
