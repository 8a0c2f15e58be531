"""The cells a parse read, counted against the cells a rendering printed: one counting for the
robustness and recall benchmarks (docx_robustness, pdf_robustness, robustness_report,
flattened_recall).

A cell is right when the value read equals the printed one (a blank is None, never 0), wrong
when it differs, absent when it was not read, extra when it was read but never printed. A
`lost` cell (one the rendering really loses, as a field whose result Word never stored) is
right to be absent, so it is not counted then; read, it is wrong.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    absent: int = 0
    extra: int = 0
    wrongs: list[str] = field(default_factory=list)     # "key: printed read read", each wrong cell

    def count(self, printed: Mapping, read: Mapping, lost: Collection = ()) -> Tally:
        """Add one report's cells: `printed` by the rendering, `read` by the parser."""
        for key, value in printed.items():
            if key not in read:
                self.absent += key not in lost
            elif read[key] == value and key not in lost:
                self.right += 1
            else:
                self.wrong += 1
                self.wrongs.append(f"{key}: {value!r} read {read[key]!r}")
        self.extra += len(read.keys() - printed.keys())
        return self
