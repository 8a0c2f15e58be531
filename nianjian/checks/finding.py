"""A finding: one rule's verdict on one part of a report (docs/design.md, checks contract)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nianjian.checks.catalogue import CATALOGUE


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str                      # error | warning | info
    cells: list[str] = field(default_factory=list)
    expected: Any = None
    actual: Any = None
    message_zh: str = ""
    message_en: str = ""
    assessable: bool = True

    def to_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "cells": list(self.cells),
            "expected": self.expected,
            "actual": self.actual,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        if not self.assessable:
            out["assessable"] = False
        return out


def finding(rule: str, *, cells=(), expected=None, actual=None, severity: str | None = None,
            note: tuple[str, str] | None = None, **fields) -> Finding:
    """A finding of `rule` with its catalogue severity and messages (plus an optional note)."""
    zh, en = CATALOGUE.messages(rule, expected=expected, actual=actual, **fields)
    if note:
        zh, en = zh + note[0], en + note[1]
    return Finding(rule, severity or CATALOGUE.severity(rule), list(cells), expected, actual, zh, en)


def abbreviate(keys: list[str], limit: int = 6) -> str:
    """"a, b, c … (+12)": the first cell keys of a long list, for messages and tables."""
    shown = ", ".join(keys[:limit])
    return shown + (f" … (+{len(keys) - limit})" if len(keys) > limit else "")


def not_assessable(rule: str, message: tuple[str, str], cells=()) -> Finding:
    """A rule that could not be assessed: shown as such (info), never counted as passed."""
    return Finding(rule, "info", list(cells), None, None, message[0], message[1], assessable=False)
