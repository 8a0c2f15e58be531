"""Extents along one axis merged into bands: the columns of a table drawn without ruling,
found from where its figures stand (the PDF front-end from its text, OCR from its ink).
A module of its own so that parsers/pdf.py need not import the optional OCR module."""
from __future__ import annotations

from collections.abc import Iterable


def merged_spans(spans: Iterable[tuple[float, float]], tolerance: float = 0.0) -> list[tuple[float, float]]:
    """Extents (start, end) merged where they overlap or lie at most `tolerance` apart, in order."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + tolerance:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
