"""Recall of flattened text (parsers/flattened.py): cells right / wrong / absent per page.

Pages read:
- the flattened renderings kept in tests/fixtures/flat (the five seeds with their separators
  removed, and the textContent of an official grid), against their hand-written expectations
  (tests/parsers/expected);
- generated consistent reports of both editions (tests/parsers/flat_reports.py): every cell
  printed; half of the blank cells printed as nothing (no trace in the text); a fifth of the
  t3 rows printing a spurious 0 cell (a grid with one cell too many), or one in 25; both.

A cell is right when the value read equals the expected one (a blank is None, never 0), wrong
when it differs, absent when it was not read. Zero wrong is the rule; recall is the goal. The
last rows (blanks unprinted and strays at once) show the one known limit: a row that leaves a
blank unprinted and prints a stray 0 reads like a full row, its blank as a 0.

Run: .venv/bin/python benchmarks/flattened_recall.py [--generated N]
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "parsers"
sys.path[:0] = [str(ROOT), str(TESTS)]

import conftest  # noqa: E402  (tests/parsers/conftest.py: the expected cells of a hand-checked file)
import flat_reports  # noqa: E402
import yaml  # noqa: E402
from cell_tally import Tally  # noqa: E402
from parsers import parse  # noqa: E402

FLAT = ROOT / "tests" / "fixtures" / "flat"


def expected_cells(name: str) -> dict:
    """The cells of tests/parsers/expected/<name>.yaml (t3 rows in column order, t4 as 15)."""
    return conftest.expected_cells(yaml.safe_load((TESTS / "expected" / f"{name}.yaml").read_text("utf-8")))


def score(data: str, cells: dict) -> tuple[int, int, int]:
    tally = Tally().count(cells, parse(data.encode(), filename="flat.txt").cells)
    return tally.right, tally.wrong, tally.absent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=20, help="generated reports per edition and printing")
    args = parser.parse_args()
    print(f"{'page':<44} {'right':>6} {'wrong':>6} {'absent':>6}  of")
    for path in sorted(FLAT.glob("*_flat.txt")):
        name = path.name.removesuffix("_flat.txt")
        cells = expected_cells(name)
        right, wrong, absent = score(path.read_text("utf-8"), cells)
        print(f"{name:<44} {right:>6} {wrong:>6} {absent:>6}  {len(cells)}")
    for edition in ("2019", "2021"):
        for unprinted, stray in ((0.0, 0.0), (0.5, 0.0), (0.0, 0.2), (0.0, 0.04), (0.5, 0.2)):
            totals = [0, 0, 0]
            for seed in range(args.generated):
                rng = random.Random(seed)
                cells = flat_reports.consistent_report(rng, edition, blanks=0.1)
                page = flat_reports.render_flat(cells, edition, rng, unprinted=unprinted, stray=stray)
                totals = [a + b for a, b in zip(totals, score(page, cells))]
            how = ", ".join([f"blanks unprinted {unprinted:.0%}"] * bool(unprinted or not stray)
                            + [f"stray 0 in {stray:.0%} of t3 rows"] * bool(stray))
            name = f"generated {edition}, {how} ×{args.generated}"
            print(f"{name:<44} {totals[0]:>6} {totals[1]:>6} {totals[2]:>6}  {sum(totals)}")


if __name__ == "__main__":
    main()
