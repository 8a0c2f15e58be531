"""COPIED_TEXT: a narrative nearly identical to the agency's previous report or to another
agency's report of the same year (国办公开办函〔2021〕30号: 内容雷同).

Measure (narrative.yaml `copied_text`, reasoning in docs/checks.md): character 5-gram shingles
of the normalised narrative with shared boilerplate removed; flagged at Jaccard >= threshold,
or when the shorter narrative is contained in the longer one to `containment`.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache
from typing import Sequence

from parsers.record import Report

from nianjian.checks.catalogue import CATALOGUE
from nianjian.checks.finding import Finding, finding

_CONFIG = CATALOGUE.narrative["copied_text"]
_NOT_TEXT = re.compile(r"[\W_]+")          # white space and punctuation, CJK or not
_DIGITS = re.compile(r"\d+")
_CUT = "\x00"                              # where boilerplate was: no shingle spans it


def _normalise(text: str) -> str:
    text = _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text))
    return _DIGITS.sub("0", text)          # updated figures must not hide a copy


_BOILERPLATE = sorted({_normalise(p) for p in _CONFIG["boilerplate"]}, key=len, reverse=True)


@lru_cache(maxsize=4096)
def shingles(narrative: str) -> frozenset[str]:
    """The set of character n-grams of a narrative, boilerplate left out."""
    text = _normalise(narrative)
    for phrase in _BOILERPLATE:
        text = text.replace(phrase, _CUT)
    size = _CONFIG["shingle"]
    return frozenset(part[i:i + size] for part in text.split(_CUT)
                     for i in range(len(part) - size + 1))


@lru_cache(maxsize=4096)
def sketch(narrative: str) -> frozenset[str]:
    """About one shingle in eight (chosen by a stable hash, so runs agree): a cheap first look
    before the exact comparison, so a report can be held against thousands of peers."""
    return frozenset(s for s in shingles(narrative) if zlib.crc32(s.encode()) & 7 == 0)


def similarity(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger)."""
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b) if len(a) < len(b) else len(b & a)
    return shared / (len(a) + len(b) - shared), shared / min(len(a), len(b))


def _describe(report: Report) -> dict:
    zh, en = CATALOGUE.note("other_report", agency="{agency}", year=report.year or "?")
    agency = report.agency
    return {"other_zh": zh.format(agency=agency or CATALOGUE.notes["unknown_agency_zh"]),
            "other_en": en.format(agency=agency or CATALOGUE.notes["unknown_agency_en"])}


def _same_report(a: Report, b: Report) -> bool:
    return a is b or (a.agency is not None and a.agency == b.agency and a.year == b.year)


def copied_text(report: Report, previous: Report | None = None,
                peers: Sequence[Report] = ()) -> list[Finding]:
    mine = shingles(report.narrative)
    if len(mine) < _CONFIG["min_shingles"]:
        return []
    others = ([previous] if previous is not None else []) + \
        [p for p in peers if not _same_report(p, report)]
    findings = []
    for other in others:
        theirs = shingles(other.narrative)
        if len(theirs) < _CONFIG["min_shingles"]:
            continue
        rough = similarity(sketch(report.narrative), sketch(other.narrative))
        if rough[0] < _CONFIG["threshold"] / 2 and rough[1] < _CONFIG["containment"] / 2:
            continue                         # far below either threshold even on the sample
        jaccard, containment = similarity(mine, theirs)
        if jaccard >= _CONFIG["threshold"]:
            measure, threshold = jaccard, _CONFIG["threshold"]
        elif containment >= _CONFIG["containment"]:
            measure, threshold = containment, _CONFIG["containment"]
        else:
            continue
        findings.append(finding(
            "COPIED_TEXT", expected=threshold, actual=round(measure, 3),
            similarity=round(measure * 100), threshold=round(threshold * 100), **_describe(other)))
    return findings
