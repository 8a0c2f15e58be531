"""DOCX front-end robustness: cells right / wrong / absent per Word markup family.

Every style of tests/parsers/docx_renderings.py (tracked changes, hidden text, text boxes,
wrappers and fields, legacy merges, numbering, notes, …) writes made-up reports of both
editions (renderings.consistent_cells, seeds 0..N-1) as .docx; each is parsed and compared
cell by cell with what was made. A cell is right when the value read equals the made one (a
blank is None, never 0), wrong when it differs, absent when it was not read. `lost` counts the
cells the style really loses (a field whose result Word never stored): absent is right for
them, and `unflagged` counts the files where such a cell went absent with no problem saying so.
Zero wrong is the rule.

Run: .venv/bin/python benchmarks/docx_robustness.py [--seeds N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "parsers")]

import docx_renderings  # noqa: E402
import renderings  # noqa: E402
from cell_tally import Tally  # noqa: E402
from parsers import parse  # noqa: E402


def score(style: str, seeds: int) -> tuple[int, int, int, int, int]:
    tally, lost, unflagged = Tally(), 0, 0
    for edition in ("2019", "2021"):
        for seed in range(seeds):
            cells = renderings.consistent_cells(edition, seed)
            data, gone = docx_renderings.render_docx(docx_renderings.title_of(edition), edition, cells, style)
            report = parse(data, filename="report.docx")
            tally.count(cells, report.cells, lost=gone)
            lost += len(gone)
            unflagged += bool(gone) and not any(p.code == "DOCX_UNSHOWN" for p in report.problems)
    return tally.right, tally.wrong, tally.absent, lost, unflagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="reports per edition and style")
    seeds = parser.parse_args().seeds
    print(f"{'style':<16}{'right':>8}{'wrong':>8}{'absent':>8}{'lost':>7}{'unflagged':>11}")
    totals = [0] * 5
    for style in docx_renderings.STYLES:
        figures = score(style, seeds)
        totals = [a + b for a, b in zip(totals, figures)]
        print(f"{style:<16}" + "".join(f"{v:>{w}}" for v, w in zip(figures, (8, 8, 8, 7, 11))))
    print(f"{'all':<16}" + "".join(f"{v:>{w}}" for v, w in zip(totals, (8, 8, 8, 7, 11))))


if __name__ == "__main__":
    main()
