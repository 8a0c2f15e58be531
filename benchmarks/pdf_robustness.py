"""The PDF front-end against the drawing habits of real exporters: cells right / wrong / absent
per style of tests/parsers/pdf_renderings.py (made-up consistent reports of both editions drawn
by reportlab: filled or stroked ruling, gaps, glyph-by-glyph text, page breaks, turned pages,
fonts without ToUnicode …), and whether a problem says why cells are absent.

A cell is right when the value read equals the printed one (a blank is None, never 0), wrong
when it differs, absent when it was not read. Zero wrong is the rule.

Run: PYTHONPATH=. .venv/bin/python benchmarks/pdf_robustness.py [--seeds N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "parsers")]

import pdf_renderings  # noqa: E402
import renderings  # noqa: E402
from cell_tally import Tally  # noqa: E402
from parsers import parse  # noqa: E402


def score(edition: str, seed: int, style: str) -> tuple[int, int, int, list[str]]:
    cells = renderings.consistent_cells(edition, seed)
    report = parse(pdf_renderings.render(edition, cells, style), filename="r.pdf")
    tally = Tally().count(cells, report.cells)
    # a cell that was never printed is a wrong one
    return tally.right, tally.wrong + tally.extra, tally.absent, sorted({p.code for p in report.problems})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2, help="reports per edition and style")
    args = ap.parse_args()
    print(f"{'style':<22} {'right':>6} {'wrong':>6} {'absent':>6}  {'s':>5}  problems")
    totals = [0, 0, 0]
    for style in pdf_renderings.STYLES:
        started, sums, codes = time.perf_counter(), [0, 0, 0], set()
        for edition in ("2019", "2021"):
            for seed in range(args.seeds):
                *figures, problems = score(edition, seed, style)
                sums = [a + b for a, b in zip(sums, figures)]
                codes.update(problems)
        totals = [a + b for a, b in zip(totals, sums)]
        print(f"{style:<22} {sums[0]:>6} {sums[1]:>6} {sums[2]:>6}  {time.perf_counter() - started:5.1f}  "
              + " ".join(sorted(codes)))
    print(f"{'total':<22} {totals[0]:>6} {totals[1]:>6} {totals[2]:>6}")


if __name__ == "__main__":
    main()
