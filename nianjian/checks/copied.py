"""COPIED_TEXT: a narrative nearly identical to the agency's previous report or to another
agency's report of the same year (国办公开办函〔2021〕30号: 内容雷同).

Measure (narrative.yaml `copied_text`, reasoning in docs/checks.md): character 5-gram shingles
of the normalised narrative with shared boilerplate removed; flagged at Jaccard >= threshold,
or when the shorter narrative is contained in the longer one to `containment`.

The rule itself compares the reports it is given, exactly, once their MinHash signatures show
them near a threshold. Which other reports those are is the store's business: it keeps each
version's MinHash `signature` and a band index over them (LSH), so a report meets only the few
likely copies among all of a year's reports (docs/store.md).
"""
from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

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


def _compared_text(narrative: str) -> str:
    """The narrative as it is compared: normalised, each boilerplate phrase replaced by _CUT."""
    text = _normalise(narrative)
    for phrase in _BOILERPLATE:
        text = text.replace(phrase, _CUT)
    return text


# Small: a report's own shingles are asked for once per likely copy, its candidates' once; a set
# of ~2,000 strings is ~200 KB, and a cache of thousands grew a crawl's memory without bound in
# practice.
@lru_cache(maxsize=16)
def shingles(narrative: str) -> frozenset[str]:
    """The set of character n-grams of a narrative, boilerplate left out."""
    text = _compared_text(narrative)
    size = _CONFIG["shingle"]
    return frozenset(part[i:i + size] for part in text.split(_CUT)
                     for i in range(len(part) - size + 1))


# MinHash by one-permutation hashing: one 64-bit hash per shingle; its top 7 bits choose one of
# BINS bins, the next 32 are the value, and each bin keeps its smallest. Two narratives agree in
# a bin with probability about their Jaccard similarity, so BINS values stand for thousands of
# shingles. The hashes are computed for all of a narrative's shingles at once (numpy): a
# polynomial over the shingle's code points, then a 64-bit finaliser to spread its bits.
BINS = 128
BAND_ROWS = 4                                  # LSH: 32 bands of 4 bins (docs/store.md)
_WORD = struct.Struct(f"<{BINS}I")
_VALUE_SHIFT = 64 - 7 - 32                     # bits below the value: bin (7 bits), value (32 bits)
_EMPTY = 1 << 32
_POLY = np.uint64(0x100000001B3)
_FINAL = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))      # murmur3's fmix64


@dataclass(frozen=True)
class Signature:
    count: int                                 # shingles in the narrative
    mins: tuple[int, ...]                      # BINS 32-bit values

    def to_bytes(self) -> bytes:
        return _WORD.pack(*self.mins)

    @classmethod
    def from_bytes(cls, count: int, data: bytes) -> "Signature":
        return cls(count, _WORD.unpack(data))

    def bands(self) -> list[int]:
        """One signed 64-bit key per band: two narratives share a key when they agree on all
        of its bins, which happens mostly for near copies (about 99% at Jaccard 0.6, 0.2% at 0.1)."""
        keys = []
        for band, start in enumerate(range(0, BINS, BAND_ROWS)):
            digest = hashlib.blake2b(struct.pack(f"<B{BAND_ROWS}I", band, *self.mins[start:start + BAND_ROWS]),
                                     digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return keys

    def likely_copy(self, other: "Signature") -> bool:
        """Whether the estimated Jaccard or containment comes near the rule's thresholds (with
        a margin for the estimate's error, about ±0.09 at 128 bins): worth the exact comparison."""
        jaccard = sum(a == b for a, b in zip(self.mins, other.mins)) / BINS
        shared = jaccard * (self.count + other.count) / (1 + jaccard)
        containment = shared / max(1, min(self.count, other.count))
        return (jaccard >= _CONFIG["threshold"] - _MARGIN
                or containment >= _CONFIG["containment"] - _MARGIN)


_MARGIN = 0.2


def _shingle_hashes(narrative: str) -> np.ndarray:
    """The distinct 64-bit hashes of the narrative's shingles (those of `shingles`)."""
    text = _compared_text(narrative)
    size = _CONFIG["shingle"]
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    starts = len(codes) - size + 1
    if starts <= 0:
        return np.empty(0, dtype=np.uint64)
    hashes = codes[:starts].copy()
    for offset in range(1, size):
        hashes = hashes * _POLY + codes[offset:offset + starts]
    cuts = np.concatenate(([0], np.cumsum(codes == 0)))      # no shingle spans boilerplate
    hashes = hashes[cuts[size:] == cuts[:starts]]
    for multiplier in _FINAL:
        hashes ^= hashes >> np.uint64(33)
        hashes *= multiplier
    hashes ^= hashes >> np.uint64(33)
    return np.unique(hashes)


@lru_cache(maxsize=64)
def signature(narrative: str) -> Signature | None:
    """The narrative's MinHash signature; None when it is too short to be compared at all."""
    hashes = _shingle_hashes(narrative)
    if len(hashes) < _CONFIG["min_shingles"]:
        return None
    mins = np.full(BINS, _EMPTY, dtype=np.uint64)
    np.minimum.at(mins, hashes >> np.uint64(_VALUE_SHIFT + 32),
                  (hashes >> np.uint64(_VALUE_SHIFT)) & np.uint64(0xFFFFFFFF))
    mins = mins.tolist()
    # A short narrative leaves bins empty: each borrows the next filled bin's value, mixed with
    # the distance so a borrowed value does not pose as that bin's own (densified OPH).
    own = list(mins)
    for slot in range(BINS):
        if own[slot] == _EMPTY:
            distance = next(d for d in range(1, BINS) if own[(slot + d) % BINS] != _EMPTY)
            mins[slot] = (own[(slot + distance) % BINS] * 0x9E3779B1 + distance) & 0xFFFFFFFF
    return Signature(len(hashes), tuple(mins))


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
    mine = signature(report.narrative)
    if mine is None:
        return []
    others = ([previous] if previous is not None else []) + \
        [p for p in peers if not _same_report(p, report)]
    findings = []
    for other in others:
        # The signatures rule out at once the texts far from both thresholds (most of them).
        theirs = signature(other.narrative)
        if theirs is None or not mine.likely_copy(theirs):
            continue
        jaccard, containment = similarity(shingles(report.narrative), shingles(other.narrative))
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
